"""The front desk's views in the Wagtail admin. Every write goes through services; every
look at a request and every export is written to Wagtail's audit log."""

import csv
import datetime as dt
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.admin.ui.components import Component
from wagtail.log_actions import registry as log_registry

from allure.base.clinic import clinic_time
from allure.base.web.security import inert_file_response

from . import availability, patient_photos, selectors, services, waitlist
from . import calendar as staff_calendar
from .forms import (
    AssignForm,
    CalendarForm,
    ConfirmTimeForm,
    ConsultationFilterForm,
    NoteForm,
)
from .models import (
    ConsultationRequest,
    PatientPhoto,
    Provider,
    UndeliveredEmail,
    WaitlistEntry,
    WaitlistStatus,
)
from .models import ConsultationStatus as S
from .slots import Slot

MANAGE_PERMISSION = "bookings.manage_consultations"
EXPORT_PERMISSION = "bookings.export_consultations"


def can_manage(user) -> bool:
    return user.is_authenticated and user.has_perm(MANAGE_PERMISSION)


def front_desk_only(view):
    """403 for anyone without the front desk's permission (Wagtail's own handling would
    redirect to the dashboard instead)."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not can_manage(request.user):
            return render(request, "bookings/admin/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return guarded


def _filtered(query):
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
    form, requests = _filtered(request.GET)
    page = Paginator(requests, 50).get_page(request.GET.get("p"))
    services.consultation_requests_record_list(
        consultations=page.object_list, user=request.user, searched=bool(request.GET.get("q"))
    )
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


CSV_COLUMNS = [
    "reference",
    "status",
    "requested at",
    "name",
    "email",
    "phone",
    "contact by",
    "procedures",
    "provider",
    "preferred time",
    "appointment",
    "assigned to",
]


def _cell(value: str) -> str:
    # A spreadsheet runs cells starting with these as formulas.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _local(moment) -> str:
    if moment is None:
        return ""
    return clinic_time.local(moment).strftime("%Y-%m-%d %H:%M")


@front_desk_only
@require_POST
def consultation_export(request):
    if not request.user.has_perm(EXPORT_PERMISSION):
        return render(request, "bookings/admin/forbidden.html", status=403)
    _form, requests = _filtered(request.POST)
    requests = list(requests)
    services.consultation_requests_record_export(consultations=requests, user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(timezone.now()).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="consultations-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for c in requests:
        writer.writerow(
            [
                c.reference,
                c.get_status_display(),
                _local(c.created_at),
                _cell(c.full_name),
                _cell(c.email),
                c.phone,
                c.get_contact_method_display(),
                _cell("; ".join(p.title for p in c.procedures.all())),
                c.provider.name if c.provider else "",
                _local(c.preferred_start),
                _local(c.appointment_start),
                c.assigned_to.get_username() if c.assigned_to else "",
            ]
        )
    return response


@front_desk_only
@require_GET
def consultation_detail(request, pk):
    consultation = get_object_or_404(ConsultationRequest, pk=pk)
    services.consultation_request_record_view(consultation=consultation, user=request.user)
    return render(request, "bookings/admin/detail.html", _detail_context(consultation))


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
        if status in services.ALLOWED_TRANSITIONS[consultation.status] and status != S.SCHEDULED
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
        "history": log_registry.get_logs_for_instance(consultation)
        .select_related("user")
        .order_by("-timestamp")[:30],
    }


def _back(pk):
    return redirect("bookings_admin:detail", pk=pk)


def _error(request, error: ValidationError | str):
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text)


@front_desk_only
@require_POST
def consultation_status(request, pk):
    consultation = get_object_or_404(ConsultationRequest, pk=pk)
    to_status = request.POST.get("status", "")
    try:
        if to_status == S.CANCELLED:
            services.consultation_request_cancel(consultation=consultation, user=request.user)
        else:
            services.consultation_request_transition(
                consultation=consultation, to_status=to_status, user=request.user
            )
    except ValidationError as error:
        _error(request, error)
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
        _error(request, "That time is not available. Please choose another.")
        return _back(pk)
    try:
        services.consultation_request_confirm_time(
            consultation=consultation, start=form.cleaned_data["slot"].start, user=request.user
        )
    except services.SlotTakenError:
        _error(
            request, "That time is not available: another request holds it. Please choose another."
        )
    except services.SlotUnavailableError:
        _error(request, "That time is outside the clinic's hours or in the past.")
    except ValidationError as error:
        _error(request, error)
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
        _error(request, "Choose a member of the front desk.")
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
        _error(request, "Write a note first (up to 2000 characters).")
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
            _error(request, error)
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


# The calendar ------------------------------------------------------------------------------


def _calendar_choice(request) -> tuple[CalendarForm, dt.date, Provider | None]:
    """The day and provider asked for; a part that does not parse falls back (today, all
    providers) and the form says so on the page."""
    form = CalendarForm(request.GET)
    form.is_valid()  # cleaned_data keeps the valid parts either way
    today = clinic_time.local_day(timezone.now())
    return form, form.cleaned_data.get("date") or today, form.cleaned_data.get("provider")


def _calendar_url(name: str, day: dt.date, provider: Provider | None) -> str:
    query = {"date": day.isoformat()}
    if provider:
        query["provider"] = provider.pk
    return f"{reverse(name)}?{urlencode(query)}"


def feed_url(provider: Provider) -> str | None:
    if not provider.calendar_feed_token:
        return None
    return settings.SITE_URL + reverse("calendar_feed", args=[provider.calendar_feed_token])


def _calendar_page(request, *, view: str):
    form, day, provider = _calendar_choice(request)
    today = clinic_time.local_day(timezone.now())
    if view == "week":
        first, days, step = day - dt.timedelta(days=day.weekday()), 7, dt.timedelta(days=7)
        last = first + dt.timedelta(days=6)
        title = (
            f"Week of {clinic_time.format_day(first)} – {clinic_time.format_day(last)} {last.year}"
        )
        name = "bookings_admin:calendar_week"
    else:
        first, days, step = day, 1, dt.timedelta(days=1)
        title = f"{day:%A} {day.day} {day:%B %Y}"
        name = "bookings_admin:calendar_day"
    calendar = staff_calendar.build(
        first_day=first,
        days=days,
        providers=staff_calendar.calendar_providers(provider, first_day=first, days=days),
        now=timezone.now(),
    )
    unit = "week" if view == "week" else "day"
    return render(
        request,
        "bookings/admin/calendar.html",
        {
            "view": view,
            "title": title,
            "form": form,
            "day": day,
            "provider": provider,
            "calendar": calendar,
            "action": reverse(name),
            "previous": (f"Previous {unit}", _calendar_url(name, day - step, provider)),
            "next": (f"Next {unit}", _calendar_url(name, day + step, provider)),
            "today": _calendar_url(name, today, provider),
            "day_url": _calendar_url("bookings_admin:calendar_day", day, provider),
            "week_url": _calendar_url("bookings_admin:calendar_week", day, provider),
            "print_url": _calendar_url("bookings_admin:calendar_print", day, provider),
            "feed_url": feed_url(provider) if provider else None,
        },
    )


@front_desk_only
@require_GET
def calendar_week(request):
    return _calendar_page(request, view="week")


@front_desk_only
@require_GET
def calendar_day(request):
    return _calendar_page(request, view="day")


@front_desk_only
@require_GET
def calendar_print(request):
    """The day on paper for the front desk: every request holding a time, in time order."""
    form, day, provider = _calendar_choice(request)
    [calendar_day] = staff_calendar.build(
        first_day=day,
        days=1,
        providers=staff_calendar.calendar_providers(provider, first_day=day, days=1),
        now=timezone.now(),
    )
    return render(
        request,
        "bookings/admin/calendar_print.html",
        {
            "form": form,
            "day": calendar_day,
            "provider": provider,
            "back_url": _calendar_url("bookings_admin:calendar_day", day, provider),
        },
    )


@front_desk_only
@require_POST
def calendar_feed_reset(request, pk):
    provider = get_object_or_404(Provider, pk=pk)
    had_one = bool(provider.calendar_feed_token)
    services.provider_calendar_feed_reset(provider=provider, user=request.user)
    if had_one:
        messages.success(
            request,
            f"{provider.name}'s calendar feed has a new address; the old one no longer works. "
            "Subscribe again with the new one.",
        )
    else:
        messages.success(request, f"{provider.name}'s calendar feed is ready.")
    # Back to the week the desk was looking at (today's if the date is missing or odd).
    form = CalendarForm({"date": request.POST.get("date", "")})
    form.is_valid()
    day = form.cleaned_data.get("date") or clinic_time.local_day(timezone.now())
    return redirect(_calendar_url("bookings_admin:calendar_week", day, provider))


class TodayAndWaitingPanel(Component):
    """Dashboard: emails that could not be sent, who is waiting for a first call (oldest
    first) and today's consultations."""

    name = "consultations"
    template_name = "bookings/admin/dashboard_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["waiting"] = selectors.consultation_requests_waiting_for_call()[:20]
        context["waiting_count"] = selectors.consultation_requests_waiting_for_call().count()
        context["today"] = [
            (
                clinic_time.format_time(c.slot_start),
                c,
            )
            for c in selectors.consultations_today()
        ]
        context["undelivered"] = selectors.undelivered_emails()
        context["undelivered_texts"] = selectors.undelivered_texts()
        context["csrf_token"] = parent_context.get("csrf_token")
        context["now"] = timezone.now()
        return context


# --- Waitlist ---------------------------------------------------------------------------------


@front_desk_only
@require_GET
def waitlist_index(request):
    """Who is waiting, oldest first (the order freed times are offered in)."""
    show = request.GET.get("status", WaitlistStatus.WAITING)
    if show not in WaitlistStatus.values and show != "all":
        show = WaitlistStatus.WAITING
    entries = WaitlistEntry.objects.select_related("procedure", "provider__clinician").order_by(
        "created_at", "pk"
    )
    if show != "all":
        entries = entries.filter(status=show)
    page = Paginator(entries, 50).get_page(request.GET.get("p"))
    waitlist.waitlist_entries_record_list(entries=page.object_list, user=request.user)
    return render(
        request,
        "bookings/admin/waitlist_index.html",
        {
            "page": page,
            "show": show,
            "statuses": [("all", "All"), *WaitlistStatus.choices],
        },
    )


def _waitlist_detail(request, entry, offer_form=None, status=200):
    slots = waitlist.times_to_offer(entry) if entry.is_waiting else []
    return render(
        request,
        "bookings/admin/waitlist_detail.html",
        {
            "entry": entry,
            "offers": [
                (offer, clinic_time.format_slot(offer.slot_start))
                for offer in entry.offers.select_related("provider__clinician", "consultation")
            ],
            "offer_form": offer_form or ConfirmTimeForm(slots=slots),
            "has_slots": bool(slots),
            "now": timezone.now(),
        },
        status=status,
    )


@front_desk_only
@require_GET
def waitlist_detail(request, pk):
    entry = get_object_or_404(
        WaitlistEntry.objects.select_related("procedure", "provider__clinician"), pk=pk
    )
    waitlist.waitlist_entry_record_view(entry=entry, user=request.user)
    return _waitlist_detail(request, entry)


@front_desk_only
@require_POST
def waitlist_offer(request, pk):
    entry = get_object_or_404(WaitlistEntry, pk=pk)
    form = ConfirmTimeForm(request.POST)
    if not form.is_valid():
        _error(request, "Choose one of the free times.")
        return redirect("bookings_admin:waitlist_detail", pk=pk)
    try:
        start = form.cleaned_data["slot"].start
        waitlist.waitlist_offer_time(entry=entry, start=start, user=request.user)
    except services.SlotTakenError:
        _error(request, "That time is not free any more: another request holds it.")
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request,
            f"Offered {clinic_time.format_slot(start)}; the patient gets an email "
            "with a link to book it.",
        )
    return redirect("bookings_admin:waitlist_detail", pk=pk)


@front_desk_only
@require_POST
def waitlist_remove(request, pk):
    entry = get_object_or_404(WaitlistEntry, pk=pk)
    if waitlist.waitlist_entry_leave(entry=entry, user=request.user):
        messages.success(request, "Taken off the waitlist.")
    else:
        messages.info(request, "This entry was no longer waiting.")
    return redirect("bookings_admin:waitlist_detail", pk=pk)
