"""The emails patients and the front desk receive: plain text and HTML, clinic branding.

The front desk's notices carry only the reference, the time and a link to the admin: no
name, procedure or message, since email is not the place for health details.
"""

import datetime as dt

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from allure.base.clinic import clinic_time
from allure.base.models import ClinicSettings

from .links import leave_url, manage_url, offer_url
from .models import ConsultationRequest, WaitlistEntry, WaitlistOffer

SUBJECTS = {
    "acknowledgement": "We received your consultation request ({ref})",
    "front_desk_notice": "New consultation request {ref}",
    "front_desk_cancelled": "Consultation request {ref} was cancelled by the patient",
    "front_desk_rescheduled": "Consultation request {ref}: the patient picked another time",
    "confirmation": "Your consultation is confirmed ({ref})",
    "reminder": "Reminder: your consultation tomorrow ({ref})",
    "reminder_two_days": "Reminder: your consultation in two days ({ref})",
    "reminder_today": "Reminder: your consultation today ({ref})",
    "cancellation": "Your consultation request {ref} is cancelled",
    "manage_link_replaced": "Your new link for consultation request {ref}",
}
# "reminder" (the day before) is what was queued before the two stages; its tasks and
# undelivered emails may still be waiting, so it stays.
REMINDER_KINDS = {"reminder", "reminder_two_days", "reminder_today"}
# How many local days before the appointment each reminder's words are true on ("in two
# days", "tomorrow", "today"): a reminder held up by mail trouble past its day is not sent.
REMINDER_DAYS_BEFORE = {"reminder_two_days": 2, "reminder": 1, "reminder_today": 0}


def reminder_still_true(kind: str, slot_start: dt.datetime, now: dt.datetime) -> bool:
    days_before = (clinic_time.local_day(slot_start) - clinic_time.local_day(now)).days
    return days_before == REMINDER_DAYS_BEFORE[kind]


FRONT_DESK_KINDS = {"front_desk_notice", "front_desk_cancelled", "front_desk_rescheduled"}


def build(kind: str, consultation: ConsultationRequest) -> EmailMultiAlternatives:
    clinic = ClinicSettings.load()
    context = {
        "kind": kind,
        "clinic": clinic,
        "consultation": consultation,
        "reference": consultation.reference,
        "slot": clinic_time.format_slot(consultation.slot_start)
        if consultation.slot_start
        else None,
        "site_url": settings.SITE_URL,
        "provider_name": consultation.provider.name if consultation.provider else "us",
        "consultation_name": consultation.consultation_type.name
        if consultation.consultation_type
        else "Consultation",
        "video": bool(consultation.consultation_type and consultation.consultation_type.video),
        # Photos travel only through the manage page's private upload, never in an email.
        "photos": consultation.takes_photos,
    }
    if kind in FRONT_DESK_KINDS:
        recipient = settings.FRONT_DESK_EMAIL
        context["admin_url"] = settings.SITE_URL + reverse(
            "bookings_admin:detail", args=[consultation.pk]
        )
    else:
        recipient = consultation.email
        context["manage_url"] = manage_url(consultation)
        context["first_name"] = consultation.full_name.split()[0] if consultation.full_name else ""
    template = "reminder" if kind in REMINDER_KINDS else kind
    message = EmailMultiAlternatives(
        subject=SUBJECTS[kind].format(ref=consultation.reference),
        body=render_to_string(f"emails/{template}.txt", context),
        to=[recipient],
        reply_to=[clinic.email],
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    if kind == "confirmation":
        message.attach("consultation.ics", calendar_file(consultation, clinic), "text/calendar")
    return message


WAITLIST_SUBJECTS = {
    "waitlist_joined": "You're on our waitlist",
    "waitlist_offer": "A consultation time has come free: {slot}",
}


def build_waitlist(
    kind: str, entry: WaitlistEntry, offer: WaitlistOffer | None = None
) -> EmailMultiAlternatives:
    """To the waitlisted patient: with the link to leave the list, and for an offer the
    link to claim it (which says how long it is held for)."""
    clinic = ClinicSettings.load()
    slot = clinic_time.format_slot(offer.slot_start) if offer else None
    context = {
        "kind": kind,
        "clinic": clinic,
        "entry": entry,
        "reference": "",
        "first_name": entry.full_name.split()[0] if entry.full_name else "",
        "procedure": entry.procedure.title,
        "site_url": settings.SITE_URL,
        "leave_url": leave_url(entry),
        "slot": slot,
        "provider_name": offer.provider.name if offer else None,
        "offer_url": offer_url(offer) if offer else None,
        "expires": clinic_time.format_slot(offer.expires_at) if offer else None,
    }
    message = EmailMultiAlternatives(
        subject=WAITLIST_SUBJECTS[kind].format(slot=slot),
        body=render_to_string(f"emails/{kind}.txt", context),
        to=[entry.email],
        reply_to=[clinic.email],
    )
    message.attach_alternative(render_to_string(f"emails/{kind}.html", context), "text/html")
    return message


def consultation_event(
    consultation: ConsultationRequest, *, stamp: dt.datetime, summary: str, **fields
) -> icalendar.Event:
    """One request as an iCalendar event: the patient's confirmation file and the providers'
    feeds (bookings/calendar.py) both use it. The UID is stable per request, so a calendar
    updates the event in place when the time moves; times are written in UTC (`Z`)."""
    event = icalendar.Event()
    event.add("uid", f"consultation-{consultation.reference}@allureplastics.com")
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", consultation.slot_start.astimezone(dt.UTC))
    event.add("dtend", consultation.consultation_end.astimezone(dt.UTC))
    event.add("summary", summary)
    for name, value in fields.items():
        event.add(name, value)
    return event


def new_calendar(**properties) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Allure Plastics//Consultations//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for name, value in properties.items():
        calendar.add(name.replace("_", "-"), value)
    return calendar


def calendar_file(consultation: ConsultationRequest, clinic: ClinicSettings) -> bytes:
    calendar = new_calendar()
    with_whom = f" with {consultation.provider.name}" if consultation.provider else ""
    address = ", ".join(
        part
        for part in [clinic.street_address, clinic.locality, clinic.region, clinic.postal_code]
        if part
    )
    video = consultation.consultation_type and consultation.consultation_type.video
    event = consultation_event(
        consultation,
        stamp=consultation.slot_confirmed_at or consultation.slot_start,
        summary=f"Consultation{with_whom} at {clinic.name}",
        location="Video call (we email you the link)" if video else address,
        description=f"Reference {consultation.reference}. Questions? Call {clinic.phone}.",
    )
    calendar.add_component(event)
    return calendar.to_ical()
