"""The patient's booking: one request made from the booking form (or a waitlist claim),
holding its time with its provider or the first available one; and the save that holds a
time, which the database's overlap rule may refuse, for whoever books or moves one."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from allure.base import counts
from allure.base.models import ClinicSettings, Metric
from bookings.models import ConsultationRequest, Provider
from bookings.payments import services as payments
from bookings.phones import normalise_phone
from bookings.schedule import availability
from bookings.schedule.catalogue import catalogue
from bookings.schedule.slots import Slot
from bookings.tasks import release_unpaid_hold, send_new_request_emails
from procedures.models import ProcedurePage

# One email address or phone number can hold this many open requests at once, so nobody can
# fill the diary with made-up consultations under one identity.
MAX_OPEN_REQUESTS_PER_CONTACT = 2

# The availability rule's verdicts, under the names the views and admin catch.
SlotTakenError = availability.TimeTaken
SlotUnavailableError = availability.TimeUnavailable


def save_holding_slot(
    consultation: ConsultationRequest, *, savepoint: bool = True, **save_kwargs
) -> None:
    """Save; if the database refuses because the time is held, raise SlotTakenError.
    savepoint=False inside a transaction that is rolled back whole on a refusal."""
    try:
        with transaction.atomic(savepoint=savepoint):
            consultation.save(**save_kwargs)
    except IntegrityError as error:
        if OVERLAP_RULE in str(error):
            raise SlotTakenError from error
        raise


# The database's rule against overlapping open requests of one provider (migration 0006).
OVERLAP_RULE = "one_open_request_per_provider_time"


@dataclass(frozen=True)
class PatientRequest:
    """What a patient asks for, handed whole from the booking form (or a waitlist claim) to
    `consultation_request_create`. The form has checked its shape; the service checks the
    clinic's rules; the database has the last word on the time."""

    full_name: str
    email: str
    phone: str
    contact_method: str
    procedures: tuple[ProcedurePage, ...]
    slot: Slot
    consent: bool
    submission_token: uuid.UUID
    provider: Provider | None = None  # None: the first who does it and is free then
    message: str = ""
    text_reminders: bool = False
    # The cancellation policy, accepted on the booking form when the consultation takes a fee
    # or a card, and the address it was accepted from (evidence for a disputed charge).
    change_policy_accepted: bool = False
    client_ip: str | None = None


def consultation_request_create(
    *, patient_request: PatientRequest, now: dt.datetime | None = None
) -> tuple[ConsultationRequest, bool]:
    """Create the request, holding its slot (unless "call me") with its provider or the
    first available one.

    Returns (request, created). The same submission_token twice, with the same email,
    returns the first request: a double-clicked submit makes one request. A known token with
    another email gets the refusal, never the first request (whose reference a stranger
    could otherwise collect). Raises ValidationError for bad input and SlotTakenError when
    another request holds the time.
    """
    try:
        return _new_request(patient_request, now=now or timezone.now()), True
    except (ValidationError, SlotTakenError):
        # The same form sent again fails here, never earlier: its first request holds the
        # time, counts among the contact's open requests and has the token the database
        # keeps unique. So the first request is looked for only then (the booking page
        # looks before it even checks the form: a reload ends there).
        existing = resent_request(
            submission_token=patient_request.submission_token, email=patient_request.email
        )
        if existing:
            return existing, False
        raise


def resent_request(*, submission_token, email: str) -> ConsultationRequest | None:
    """The request a form already made, when it is sent again: the same token and the same
    email. A token alone (copied from someone's page) finds nothing (issue 28)."""
    if not email.strip():
        return None
    return (
        ConsultationRequest.objects.filter(
            submission_token=submission_token, email__iexact=email.strip()
        )
        .order_by()
        .first()
    )


def _new_request(patient_request: PatientRequest, *, now: dt.datetime) -> ConsultationRequest:
    if not patient_request.consent:
        raise ValidationError({"consent": "We need your consent to contact you."})
    rules = catalogue().rules
    procedures = list(patient_request.procedures)
    if not procedures:
        raise ValidationError({"procedures": "Choose at least one procedure."})
    consultation_type = availability.consultation_type_for(procedures)
    length = availability.length_of(consultation_type, rules)
    eligible = availability.providers_for(procedures)
    provider = patient_request.provider
    if provider is not None:
        eligible = [p for p in eligible if p.pk == provider.pk]
        if not eligible:
            raise ValidationError(
                {
                    "provider": f"{provider.name} does not hold consultations for that "
                    "procedure. Please choose someone else, or the first available."
                }
            )
    # Whoever calls (the form has already done it for patients): stored as E.164, so the
    # limit per contact below compares like with like.
    try:
        phone = normalise_phone(patient_request.phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from error
    email = patient_request.email.strip()
    start = patient_request.slot.start
    if start is not None and eligible:
        # The times held that day and the patient's open requests: one round trip.
        held, open_requests = availability.held_and_open_requests(
            start, providers=eligible, length=length, email=email, phone=phone
        )
        provider = availability.check_time(
            start, providers=eligible, length=length, now=now, rules=rules, held=held
        )
    else:  # "call me", or a time nobody eligible can hold (which check_time refuses)
        if start is not None:
            availability.check_time(start, providers=[], length=length, now=now, rules=rules)
        open_requests = _open_requests_for(email=email, phone=phone)
    _check_open_requests(open_requests)

    consultation = ConsultationRequest(
        full_name=patient_request.full_name.strip(),
        email=email,
        phone=phone,
        contact_method=patient_request.contact_method,
        message=patient_request.message.strip(),
        provider=provider,
        consultation_type=consultation_type,
        preferred_start=start,
        slot_start=start,
        slot_end=start + length.held if start else None,
        consent_given_at=now,
        text_reminders_agreed_at=now if patient_request.text_reminders else None,
        privacy_notice_version=rules.privacy_notice_version,
        submission_token=patient_request.submission_token,
    )
    if patient_request.change_policy_accepted:
        consultation.change_policy_version = rules.change_policy_version
        consultation.change_policy_accepted_at = now
        consultation.change_policy_accepted_from = patient_request.client_ip or None
    # The unique constraints are checked by the database below, where races are decided;
    # so are the provider and consultation type, both just read (the catalogue) and both
    # foreign keys. Asking again here would cost three queries for nothing.
    consultation.full_clean(
        exclude=["reference", "provider", "consultation_type"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            # No savepoint of its own: a refusal rolls back this whole block anyway.
            save_holding_slot(consultation, savepoint=False)
            # A new request has no procedures yet: add, without first reading which it has.
            consultation.procedures.add(*procedures)
            payment = payments.payment_hold_start(
                consultation=consultation,
                consultation_type=consultation_type,
                rules=rules,
                now=now,
            )
            if payment is not None:
                # Unpaid by the end of the hold, the time is released (or by Stripe's own
                # expiry of the Checkout session, whichever the worker hears of first).
                transaction.on_commit(
                    lambda: release_unpaid_hold.using(run_after=payment.hold_until).enqueue(
                        payment_id=payment.pk
                    )
                )
            pk = consultation.pk
            transaction.on_commit(lambda: send_new_request_emails.enqueue(consultation_id=pk))
            counts.record_after_commit(Metric.REQUEST_SENT, (str(p.pk) for p in procedures))
    except IntegrityError as error:
        # Most likely the same form was posted twice at once: the other POST won (the
        # caller finds its request). Otherwise a provider or treatment read from the shared
        # catalogue was deleted meanwhile (on another node, say): the foreign key refused it.
        raise ValidationError(
            "Something you chose has just been taken off our list. Please check your "
            "choices and send the form again."
        ) from error
    return consultation


def _open_requests_for(*, email: str, phone: str) -> int:
    return availability.open_requests(email=email, phone=phone).count()


def _check_open_requests(held: int) -> None:
    """At most MAX_OPEN_REQUESTS_PER_CONTACT open requests per email address or phone
    (`held`: how many the patient's email or phone holds already).

    A check, not a database constraint: two posts racing could both pass, which the per-client
    rate limit bounds; the point is that one identity cannot hold the diary.
    """
    if held >= MAX_OPEN_REQUESTS_PER_CONTACT:
        raise ValidationError(
            f"You already have {MAX_OPEN_REQUESTS_PER_CONTACT} open consultation requests "
            f"with us. Please call us on {ClinicSettings.load().phone} to change one or to "
            "book another; you can also cancel one from the link in its email.",
            code="too_many_open_requests",
        )
