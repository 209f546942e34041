"""The emails patients and the front desk receive: plain text and HTML, clinic branding.

The front desk's notices carry only the reference, the time and a link to the admin: no
name, procedure or message, since email is not the place for health details.
"""

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from allure.base.clinic import clinic_time
from allure.base.models import ClinicSettings
from bookings.messages.calendar_files import calendar_file
from bookings.messages.links import intake_url, leave_url, manage_url, offer_url, payment_url
from bookings.models import (
    BookingRules,
    ClinicDocumentVersion,
    ConsultationRequest,
    Payment,
    QuestionnaireVersion,
    WaitlistEntry,
    WaitlistOffer,
)

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
    "payment_received": "Your consultation is booked: payment received ({ref})",
    "card_saved": "Your consultation is booked: your card is saved ({ref})",
    "payment_released": "Your held consultation time was released ({ref})",
    "payment_refunded": "Your consultation fee is being refunded ({ref})",
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


# Kinds that share another's template (its words follow the payment's kind).
TEMPLATES = {kind: "reminder" for kind in REMINDER_KINDS} | {"card_saved": "payment_received"}

FRONT_DESK_KINDS = {"front_desk_notice", "front_desk_cancelled", "front_desk_rescheduled"}


def _asks_intake() -> bool:
    """The clinic has questions or forms for patients (demo content and production do)."""
    return (
        QuestionnaireVersion.objects.exists()
        or ClinicDocumentVersion.objects.filter(document__active=True).exists()
    )


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
        **_payment_context(consultation),
    }
    if kind in FRONT_DESK_KINDS:
        recipient = settings.FRONT_DESK_EMAIL
        context["admin_url"] = settings.SITE_URL + reverse(
            "bookings_admin:detail", args=[consultation.pk]
        )
    else:
        recipient = consultation.email
        context["manage_url"] = manage_url(consultation)
        # An invitation to the health questions and forms: a link, never an answer.
        if (kind == "acknowledgement" or kind in REMINDER_KINDS) and _asks_intake():
            context["intake_url"] = intake_url(consultation)
        context["first_name"] = consultation.full_name.split()[0] if consultation.full_name else ""
    template = TEMPLATES.get(kind, kind)
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


def _payment_context(consultation: ConsultationRequest) -> dict:
    """What was paid, what is refundable until when, and the policy the patient accepted;
    or, while payments are off, the terms "payable at the clinic"."""
    payment = Payment.objects.filter(consultation=consultation).first()
    rules = BookingRules.load()
    consultation_type = consultation.consultation_type
    context = {
        "payment": payment,
        "payment_terms": consultation_type.payment_terms(late_change_hours=rules.late_change_hours)
        if consultation_type and not payment
        else "",
    }
    if payment is not None:
        context |= {
            "hold_until": clinic_time.format_time(payment.hold_until),
            "refundable_until": clinic_time.format_slot(payment.refundable_until)
            if payment.refundable_until
            else None,
            "change_policy": rules.change_policy,
            "payment_url": payment_url(payment),
        }
    return context


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
