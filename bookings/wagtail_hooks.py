"""The front desk's admin: Consultations menu, dashboard panel, audit actions."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from bookings.frontdesk import urls as admin_urls
from bookings.frontdesk.access import can_manage
from bookings.frontdesk.dashboard import TodayAndWaitingPanel
from bookings.intake import services as intake_services
from bookings.models import ClinicDocument, ConsultationType, Provider, Questionnaire


class ProviderViewSet(SnippetViewSet):
    """Each clinician's working hours and days away; who they are is in Clinicians."""

    model = Provider
    icon = "date"
    menu_label = "Diaries"
    list_display = ["clinician", "title", "active"]
    ordering = ["clinician__sort_order", "clinician__name"]


class ConsultationTypeViewSet(SnippetViewSet):
    model = ConsultationType
    icon = "time"
    menu_label = "Consultation types"
    list_display = ["name", "category", "minutes", "buffer_minutes", "video"]
    ordering = ["category"]


class DiaryViewSetGroup(SnippetViewSetGroup):
    """Who patients can book and for how long: beside Consultations in the admin menu."""

    items = (ProviderViewSet, ConsultationTypeViewSet)
    menu_icon = "group"
    menu_label = "Providers"
    menu_name = "providers"
    menu_order = 160


register_snippet(DiaryViewSetGroup)


class QuestionnaireViewSet(SnippetViewSet):
    """Intake questions; each save that changes them is published as a new version."""

    model = Questionnaire
    icon = "form"
    menu_label = "Questionnaires"
    list_display = ["name", "asks_first", "for_other_types"]


class ClinicDocumentViewSet(SnippetViewSet):
    """Forms patients sign; each save that changes one is a new version."""

    model = ClinicDocument
    icon = "doc-full"
    menu_label = "Forms to sign"
    list_display = ["title", "active", "sort_order"]


class IntakeViewSetGroup(SnippetViewSetGroup):
    items = (QuestionnaireViewSet, ClinicDocumentViewSet)
    menu_icon = "form"
    menu_label = "Intake"
    menu_name = "intake"
    menu_order = 161


register_snippet(IntakeViewSetGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def publish_intake_version(request, instance):
    """Saving a questionnaire or a document in the admin publishes it: a new version when
    what patients see changed. Patients keep the version they answered or signed."""
    if isinstance(instance, Questionnaire):
        intake_services.questionnaire_publish(questionnaire=instance, user=request.user)
    elif isinstance(instance, ClinicDocument):
        intake_services.document_publish(document=instance)


@hooks.register("register_admin_urls")
def register_consultation_urls():
    return [path("consultations/", include(admin_urls, namespace="bookings_admin"))]


class ConsultationsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage(request.user)


@hooks.register("register_admin_menu_item")
def register_consultations_menu_item():
    return ConsultationsMenuItem(
        "Consultations", reverse("bookings_admin:index"), icon_name="calendar", order=150
    )


class CalendarMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage(request.user)


@hooks.register("register_admin_menu_item")
def register_calendar_menu_item():
    # Right under Consultations: the same requests, laid out by day and provider.
    return CalendarMenuItem(
        "Calendar", reverse("bookings_admin:calendar_week"), icon_name="date", order=151
    )


@hooks.register("construct_homepage_panels")
def add_consultations_panel(request, panels):
    if can_manage(request.user):
        panels.insert(0, TodayAndWaitingPanel())


@hooks.register("register_log_actions")
def register_consultation_log_actions(actions):
    actions.register_action(
        "bookings.viewed", "View consultation request", "Viewed the consultation request"
    )
    actions.register_action(
        "bookings.listed", "List consultation requests", "Shown in a list or search results"
    )
    actions.register_action(
        "bookings.exported", "Export consultation request", "Exported in a CSV file"
    )
    actions.register_action(
        "bookings.status_changed", "Change consultation status", "Changed the status"
    )
    actions.register_action(
        "bookings.time_confirmed", "Confirm consultation time", "Confirmed the appointment time"
    )
    actions.register_action(
        "bookings.rescheduled_by_patient",
        "Patient picked another time",
        "The patient picked another time",
    )
    actions.register_action(
        "bookings.photo_sent", "Patient sent a photo", "The patient sent a photo"
    )
    actions.register_action(
        "bookings.photo_withdrawn", "Patient withdrew a photo", "The patient withdrew a photo"
    )
    actions.register_action(
        "bookings.photo_viewed", "Open patient photo", "Opened a patient's photo"
    )
    actions.register_action("bookings.assigned", "Assign consultation request", "Assigned")
    actions.register_action("bookings.note_added", "Add consultation note", "Added a note")
    actions.register_action(
        "bookings.email_resent", "Resend undelivered email", "Resent an undelivered email"
    )
    actions.register_action(
        "bookings.texts_stopped", "Patient stopped texts", "The patient replied STOP to a text"
    )
    actions.register_action(
        "bookings.payment_paid", "Consultation fee paid", "The patient paid the consultation fee"
    )
    actions.register_action(
        "bookings.payment_card_saved", "Card kept on file", "The patient added a card on file"
    )
    actions.register_action(
        "bookings.payment_hold_released",
        "Unpaid time released",
        "Not paid within the hold: the time was released",
    )
    actions.register_action("bookings.payment_refunded", "Refund fee", "Refunded the fee")
    actions.register_action(
        "bookings.payment_no_show_charged",
        "Charge no-show fee",
        "Charged the no-show or late-change fee to the card on file",
    )
    actions.register_action(
        "bookings.expired",
        "Consultation request expired",
        "Closed as expired: its time passed with no outcome recorded",
    )
    actions.register_action("bookings.waitlist_listed", "List waitlist", "Shown in the waitlist")
    actions.register_action("bookings.waitlist_viewed", "View waitlist entry", "Viewed the entry")
    actions.register_action(
        "bookings.waitlist_offered", "Offer a time from the waitlist", "Offered a time"
    )
    actions.register_action(
        "bookings.waitlist_removed", "Remove from the waitlist", "Taken off the waitlist"
    )
    actions.register_action(
        "bookings.waitlist_claimed", "Waitlist offer booked", "The patient booked an offered time"
    )
    actions.register_action(
        "bookings.manage_link_revoked",
        "Replace the patient's manage link",
        "Replaced the patient's manage link (earlier links stopped working; a new one emailed)",
    )
    actions.register_action(
        "bookings.calendar_feed_reset",
        "Reset calendar feed address",
        "Gave the provider's calendar feed a new address (the old one stopped working)",
    )
    actions.register_action(
        "bookings.intake_viewed",
        "View intake answers or signed forms",
        "Viewed the patient's intake answers or signed forms",
    )
    actions.register_action(
        "bookings.intake_submitted", "Patient sent intake", "The patient sent their intake answers"
    )
    actions.register_action(
        "bookings.document_signed", "Patient signed a form", "The patient signed a form"
    )
    actions.register_action(
        "bookings.anonymised", "Anonymise consultation request", "Anonymised personal details"
    )
