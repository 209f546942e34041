"""Testimonials as snippets: editors see at a glance which ones have consent and are live.
Reports › Medical review due and Reports › Prices to check list the procedure pages whose
review or price range is over a year old.
Gallery › Photo pairs (editors) and Gallery › Consent records (front desk): the consent
forms go through `procedures.services`, so revoking one takes its pairs down at once."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from procedures import services
from procedures.admin_views import (
    PAGE_EDITORS,
    MedicalReviewDueView,
    PricesToCheckView,
    consent_form,
)
from procedures.clinicians import Clinician
from procedures.gallery import ConsentRecord, ResultPair, photos_in_pairs
from procedures.models import Testimonial


class TestimonialFilterSet(WagtailFilterSet):
    class Meta:
        model = Testimonial
        fields = ["is_published", "procedures"]


class TestimonialViewSet(SnippetViewSet):
    model = Testimonial
    icon = "openquote"
    menu_label = "Testimonials"
    add_to_admin_menu = True
    menu_order = 200
    list_display = ["__str__", "consent_given_on", "is_published"]
    search_fields = ["quote", "patient_name", "town"]
    filterset_class = TestimonialFilterSet


register_snippet(TestimonialViewSet)


class ClinicianViewSet(SnippetViewSet):
    """The one place a clinician's name, letters, role, photo and procedures are kept; the
    front desk keeps their working hours under Providers › Diaries."""

    model = Clinician
    icon = "user"
    menu_label = "Clinicians"
    add_to_admin_menu = True
    menu_order = 190
    list_display = ["name", "letters", "role", "bookable"]
    list_filter = ["bookable"]
    search_fields = ["name", "role"]
    ordering = ["sort_order", "name"]


register_snippet(ClinicianViewSet)


class SavedThroughTheService:
    """Adding or editing a consent goes through the service, which takes pairs down first."""

    def save_instance(self):
        return services.consent_record_save(consent=self.form.instance, user=self.request.user)


class ConsentCreateView(SavedThroughTheService, CreateView):
    pass


class ConsentEditView(SavedThroughTheService, EditView):
    pass


class ConsentRecordFilterSet(WagtailFilterSet):
    class Meta:
        model = ConsentRecord
        fields = ["status", "allows_website"]


class ConsentRecordViewSet(SnippetViewSet):
    """The front desk's ledger (editors have no permission on it, so no menu entry)."""

    model = ConsentRecord
    icon = "clipboard-list"
    menu_label = "Consent records"
    add_view_class = ConsentCreateView
    edit_view_class = ConsentEditView
    list_display = ["booking_reference", "given_on", "expires_on", "status", "scope"]
    search_fields = ["booking_reference"]
    filterset_class = ConsentRecordFilterSet


class ResultPairFilterSet(WagtailFilterSet):
    class Meta:
        model = ResultPair
        fields = ["procedure", "is_published"]


class ResultPairViewSet(SnippetViewSet):
    model = ResultPair
    icon = "image"
    menu_label = "Photo pairs"
    list_display = ["__str__", "procedure", "consent", "is_published"]
    filterset_class = ResultPairFilterSet

    def get_queryset(self, request):
        # Each row shows its procedure and consent: fetched with the pairs, not per row.
        return ResultPair.objects.select_related("procedure", "consent")

    def get_edit_handler(self):
        handler = super().get_edit_handler()
        # A plain list of consents (booking reference and scope): editors pick one without
        # the consent chooser, which would need the front desk's permissions.
        for panel in handler.children:
            if isinstance(panel, FieldPanel) and panel.field_name == "consent":
                panel.widget = forms.Select
        return handler


class GalleryViewSetGroup(SnippetViewSetGroup):
    items = (ResultPairViewSet, ConsentRecordViewSet)
    menu_label = "Gallery"
    menu_icon = "image"
    menu_order = 210


register_snippet(GalleryViewSetGroup)


@hooks.register("construct_image_chooser_queryset")
def no_patient_photos_in_the_chooser(images, request):
    """The general image chooser (page bodies, heroes, portraits, rich text) never offers a
    patient's photo from a before-and-after pair: it is shown under that patient's consent
    only, and used anywhere else it would stay up when the consent ends. A pair keeps the
    photos it has (the chooser is not asked for a chosen one); a new pair uploads its own."""
    return images.exclude(photos_in_pairs())


@hooks.register("before_delete_snippet")
def keep_consents_that_pairs_use(request, instances):
    """The ledger keeps a consent while any pair uses it (its deletion would be refused by
    the database's PROTECT, as a server error): revoking is how a consent ends."""
    if any(isinstance(i, ConsentRecord) and i.result_pairs.exists() for i in instances):
        messages.error(
            request,
            "A consent record that photo pairs use cannot be deleted: it is the record of "
            "what the patient agreed to. To end it, set its status to “Revoked”.",
        )
        return redirect("wagtailsnippets_procedures_consentrecord:list")
    return None


@hooks.register("register_log_actions")
def register_gallery_log_actions(actions):
    actions.register_action(
        "procedures.consent_revoked", "Revoke consent", "Consent revoked by the patient"
    )
    actions.register_action("procedures.consent_expired", "Consent expired", "Consent expired")
    actions.register_action(
        "procedures.pair_withdrawn", "Withdraw photo pair", "Taken off the site: consent ended"
    )
    actions.register_action(
        "procedures.consent_form_opened", "Open consent form", "Opened the scanned consent form"
    )


@hooks.register("register_admin_urls")
def register_consent_form_url():
    return [path("consent-forms/<path:name>", consent_form, name="procedures_consent_form")]


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = [
        path("medical-review-due/", MedicalReviewDueView.as_view(), name="review_due"),
        path(
            "medical-review-due/results/",
            MedicalReviewDueView.as_view(results_only=True),
            name="review_due_results",
        ),
        path("prices-to-check/", PricesToCheckView.as_view(), name="prices_to_check"),
        path(
            "prices-to-check/results/",
            PricesToCheckView.as_view(results_only=True),
            name="prices_to_check_results",
        ),
    ]
    return [path("reports/", include((urls, "procedures_admin")))]


class PageEditorsMenuItem(MenuItem):
    """A report's menu entry, shown to those its view lets in."""

    def is_shown(self, request):
        return policy_registry.get_by_type(Page).user_has_any_permission(request.user, PAGE_EDITORS)


@hooks.register("register_reports_menu_item")
def register_review_due_menu_item():
    return PageEditorsMenuItem(
        "Medical review due", reverse("procedures_admin:review_due"), icon_name="doc-full"
    )


@hooks.register("register_reports_menu_item")
def register_prices_to_check_menu_item():
    return PageEditorsMenuItem(
        "Prices to check", reverse("procedures_admin:prices_to_check"), icon_name="tag"
    )
