"""Admin › Consultations: the list, a request's page and the front desk's changes to it, a
patient's photo, and "Send again" for an undelivered email. Every write goes through
services; every look at a request is written to Wagtail's audit log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.log_actions import registry as log_registry

from allure.base.clinic import clinic_time
from allure.base.web.security import inert_file_response
from bookings.booking.services import SlotTakenError, SlotUnavailableError
from bookings.frontdesk import selectors, services
from bookings.frontdesk.access import EXPORT_PERMISSION, front_desk_only, show_error
from bookings.frontdesk.forms import AssignForm, ConfirmTimeForm, ConsultationFilterForm, NoteForm
from bookings.frontdesk.intake_views import attach_safety_flags, intake_context
from bookings.manage import patient_photos
from bookings.models import ConsultationRequest, PatientPhoto, Payment, UndeliveredEmail
from bookings.models import ConsultationStatus as S
from bookings.schedule import availability
from bookings.schedule.slots import Slot
from bookings.workflow import changes


def filtered_requests(query):
    """The list's filter form and the requests it selects, from the list's GET or the
    export's POST."""
    data = query.copy()
    if "status" not in data:
        data["status"] = "open"  # by default, the requests the front desk acts on
    form = ConsultationFilterForm(data)
    if form.is_valid():
        return form, selectors.consultation_requests_filtered(**form.cleaned_data)
    return form, selectors.consultation_requests_filtered(status="open")


@front_desk_only
@require_GET
def consultation_index(request):
    form, requests = filtered_requests(request.GET)
    page = Paginator(requests, 50).get_page(request.GET.get("p"))
    page.object_list = list(page.object_list)  # evaluated once: the flags stay on each row
    services.consultation_requests_record_list(
        consultations=page.object_list, user=request.user, searched=bool(request.GET.get("q"))
    )
    attach_safety_flags(request, page.object_list, what="safety flags in the list")
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "bookings/admin/index.html",
        {
            "filter_form": form,
            "page": page,
            "query": query.urlencode(),
            # The export button posts the same filters (a POST with CSRF: a link elsewhere
            # cannot export patients' details in a staff member's name).
            "export_filters": [(k, v) for k in query for v in query.getlist(k)],
            "can_export": request.user.has_perm(EXPORT_PERMISSION),
        },
    )


@front_desk_only
@require_GET
def consultation_detail(request, pk):
    consultation = get_object_or_404(ConsultationRequest, pk=pk)
    services.consultation_request_record_view(consultation=consultation, user=request.user)
    context = _detail_context(consultation)
    context.update(intake_context(request, consultation, what="the request's page"))
    return render(request, "bookings/admin/detail.html", context)


PHOTOS_PERMISSION = "bookings.view_patient_photos"


@front_desk_only
@require_GET
def patient_photo(request, name):
    """A photo a patient sent, to the front desk and providers only (the permission
    `bookings.view_patient_photos`), inert whatever it holds: the sandbox and nosniff headers
    of every uploaded file. Every view is in the audit log, the detail page's included."""
    if not request.user.has_perm(PHOTOS_PERMISSION):
        return render(request, "bookings/admin/forbidden.html", status=403)
    photo = get_object_or_404(PatientPhoto.objects.select_related("consultation"), file=name)
    patient_photos.patient_photo_record_view(photo=photo, user=request.user)
    return inert_file_response(photo.file.open("rb"), content_type="image/jpeg")


def _detail_context(consultation, **forms):
    slots = availability.times_for(consultation, for_staff=True) if consultation.is_open else []
    initial_slot = Slot(consultation.slot_start).encode() if consultation.slot_start else None
    transitions = [
        (status, S(status).label)
        for status in S.values
        if status in changes.ALLOWED_TRANSITIONS[consultation.status] and status != S.SCHEDULED
    ]
    return {
        "consultation": consultation,
        "slot": clinic_time.format_slot(consultation.slot_start)
        if consultation.slot_start
        else None,
        "transitions": transitions,
        "note_form": forms.get("note_form") or NoteForm(),
        "assign_form": forms.get("assign_form")
        or AssignForm(initial={"assignee": consultation.assigned_to_id}),
        "time_form": forms.get("time_form")
        or ConfirmTimeForm(initial={"slot": initial_slot}, slots=slots),
        "has_slots": bool(slots),
        "notes": consultation.notes.select_related("author"),
        "photos": consultation.photos.all(),
        "payment": Payment.objects.filter(consultation=consultation)
        .prefetch_related("entries__by")
        .first(),
        "history": log_registry.get_logs_for_instance(consultation)
        .select_related("user")
        .order_by("-timestamp")[:30],
    }


def _back(pk):
    return redirect("bookings_admin:detail", pk=pk)


@front_desk_only
@require_POST
def consultation_status(request, pk):
    consultation = get_object_or_404(ConsultationRequest, pk=pk)
    to_status = request.POST.get("status", "")
    try:
        if to_status == S.CANCELLED:
            changes.consultation_request_cancel(consultation=consultation, user=request.user)
        else:
            changes.consultation_request_transition(
                consultation=consultation, to_status=to_status, user=request.user
            )
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(
            request, f"{consultation.reference} is now {consultation.get_status_display().lower()}."
        )
    return _back(pk)


@front_desk_only
@require_POST
def consultation_time(request, pk):
    consultation = get_object_or_404(ConsultationRequest, pk=pk)
    form = ConfirmTimeForm(request.POST)
    if not form.is_valid():
        show_error(request, "That time is not available. Please choose another.")
        return _back(pk)
    try:
        changes.consultation_request_confirm_time(
            consultation=consultation, start=form.cleaned_data["slot"].start, user=request.user
        )
    except SlotTakenError:
        show_error(
            request, "That time is not available: another request holds it. Please choose another."
        )
    except SlotUnavailableError:
        show_error(request, "That time is outside the clinic's hours or in the past.")
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            f"Confirmed {clinic_time.format_slot(consultation.slot_start)}; "
            "the patient gets a confirmation email.",
        )
    return _back(pk)


@front_desk_only
@require_POST
def consultation_assign(request, pk):
    consultation = get_object_or_404(ConsultationRequest, pk=pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        services.consultation_request_assign(
            consultation=consultation, assignee=form.cleaned_data["assignee"], user=request.user
        )
        messages.success(request, "Assignment saved.")
    else:
        show_error(request, "Choose a member of the front desk.")
    return _back(pk)


@front_desk_only
@require_POST
def consultation_note(request, pk):
    consultation = get_object_or_404(ConsultationRequest, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.consultation_note_add(
            consultation=consultation, author=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, "Note added.")
    else:
        show_error(request, "Write a note first (up to 2000 characters).")
    return _back(pk)


@front_desk_only
@require_http_methods(["GET", "POST"])
def manage_link_revoke(request, pk):
    """GET: what revoking does, and a button. POST: revoke (the service logs who) and go back
    to the request. A GET changes nothing: a prefetching browser must not revoke a link."""
    consultation = get_object_or_404(ConsultationRequest, pk=pk)
    if request.method == "POST":
        try:
            services.consultation_manage_link_revoke(consultation=consultation, user=request.user)
        except ValidationError as error:
            show_error(request, error)
        else:
            messages.success(
                request,
                f"The manage link of {consultation.reference} is replaced: earlier links no "
                "longer work, and a new one is on its way to the patient by email.",
            )
        return _back(pk)
    return render(request, "bookings/admin/revoke_link.html", {"consultation": consultation})


@front_desk_only
@require_POST
def undelivered_email_resend(request, pk):
    undelivered = get_object_or_404(UndeliveredEmail, pk=pk)
    if services.undelivered_email_resend(undelivered=undelivered, user=request.user):
        messages.success(
            request, f"The email for {undelivered.consultation.reference} is queued again."
        )
    else:
        messages.info(request, "That email was already resent.")
    return redirect("wagtailadmin_home")
