"""Every write to the waitlist: joining, leaving, expiry, the front desk's offer and a
patient's claim. The public views and the admin call these.

A claim books through the booking's own `consultation_request_create`
(bookings/booking/services.py), so every rule of a booking applies (notice, hours, the
open-requests limit) and the database decides a race for one time: its overlap rule lets
one claim hold the time, and the others are told it is taken and stay on the list.
"""

import datetime as dt
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log

from allure.base.clinic.clinic_time import local_day
from allure.base.models import ClinicSettings
from bookings.booking.services import (
    PatientRequest,
    SlotTakenError,
    SlotUnavailableError,
    consultation_request_create,
)
from bookings.models import (
    ConsultationRequest,
    ContactMethod,
    Provider,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from bookings.phones import normalise_phone
from bookings.schedule import availability, offers
from bookings.schedule.catalogue import catalogue
from bookings.schedule.slots import Slot
from bookings.tasks import send_waitlist_email
from procedures.models import ProcedurePage

# One email address or phone number can wait for this many things at once: enough for two
# procedures, too few to fill the list under one identity.
MAX_WAITING_ENTRIES_PER_CONTACT = 2


class OfferExpired(Exception):
    message = "This offer has expired. You are still on the waitlist: we'll email you again."


class OfferUsed(Exception):
    message = "This offer has already been used, or you have left the waitlist."


class OfferTaken(Exception):
    message = (
        "That time has just been taken by another patient. You are still on the waitlist: "
        "we'll email you when another time comes free."
    )


def _enqueue(kind: str, entry: WaitlistEntry, offer: WaitlistOffer | None = None) -> None:
    entry_id, offer_id = entry.pk, offer.pk if offer else None
    transaction.on_commit(
        lambda: send_waitlist_email.enqueue(kind=kind, entry_id=entry_id, offer_id=offer_id)
    )


def waitlist_entry_join(
    *,
    procedure: ProcedurePage,
    provider: Provider | None,
    weekdays: list[int],
    mornings: bool,
    afternoons: bool,
    until: dt.date,
    full_name: str,
    email: str,
    phone: str,
    consent: bool,
    submission_token: uuid.UUID,
    now: dt.datetime | None = None,
) -> tuple[WaitlistEntry, bool]:
    """Put a patient on the waitlist. Returns (entry, created); the same submission_token
    twice returns the first entry. Raises ValidationError (by field) for bad input."""
    existing = WaitlistEntry.objects.filter(submission_token=submission_token).first()
    if existing:
        return existing, False
    if not consent:
        raise ValidationError({"consent": "We can only contact you with your consent."})
    now = now or timezone.now()
    rules = catalogue().rules
    today = local_day(now)
    last = today + dt.timedelta(days=rules.horizon_days)
    errors = {}
    if until < today:
        errors["until"] = "Choose a date from today on."
    elif until > last:
        errors["until"] = (
            f"We book up to {rules.horizon_days} days ahead: choose a date up to "
            f"{last:%B} {last.day}."
        )
    if not weekdays or any(day not in range(7) for day in weekdays):
        errors["weekdays"] = "Choose at least one day."
    if not (mornings or afternoons):
        errors["times_of_day"] = "Choose mornings, afternoons or both."
    eligible = availability.providers_for([procedure])
    if not eligible:
        errors["procedure"] = "We have nobody offering consultations for that right now."
    elif provider is not None and provider.pk not in {p.pk for p in eligible}:
        errors["provider"] = (
            f"{provider.name} does not hold consultations for that procedure. "
            "Choose someone else, or anyone."
        )
    try:
        phone = normalise_phone(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    if errors:
        raise ValidationError(errors)
    email = email.strip()
    _check_waiting_entries_for(email=email, phone=phone)

    entry = WaitlistEntry(
        procedure=procedure,
        provider=provider,
        weekdays=sorted(set(weekdays)),
        mornings=mornings,
        afternoons=afternoons,
        until=until,
        full_name=full_name.strip(),
        email=email,
        phone=phone,
        consent_given_at=now,
        privacy_notice_version=rules.privacy_notice_version,
        submission_token=submission_token,
    )
    entry.full_clean(validate_constraints=False)
    with transaction.atomic():
        entry.save()
        _enqueue("waitlist_joined", entry)
    return entry, True


def _check_waiting_entries_for(*, email: str, phone: str) -> None:
    """As the booking's _check_open_requests (bookings/booking/services.py): a check the
    rate limit bounds, not a rule of the database."""
    waiting = (
        WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING)
        .filter(Q(email__iexact=email) | Q(phone=phone))
        .count()
    )
    if waiting >= MAX_WAITING_ENTRIES_PER_CONTACT:
        raise ValidationError(
            f"You are already on our waitlist {MAX_WAITING_ENTRIES_PER_CONTACT} times. "
            f"Please call us on {ClinicSettings.load().phone}, or leave one from the link "
            "in its email.",
            code="too_many_waitlist_entries",
        )


def _close(entry: WaitlistEntry, status: str, now: dt.datetime) -> bool:
    """Close a waiting entry; False when it was closed already (two clicks close it once)."""
    closed = WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistStatus.WAITING).update(
        status=status, closed_at=now
    )
    if closed:
        entry.status, entry.closed_at = status, now
    return bool(closed)


def waitlist_entry_leave(*, entry: WaitlistEntry, user: AbstractBaseUser | None = None) -> bool:
    """The patient (from the link in their email) or staff take the entry off the list."""
    with transaction.atomic():
        left = _close(entry, WaitlistStatus.LEFT, timezone.now())
        if left and user is not None:
            log(entry, "bookings.waitlist_removed", user=user)
    return left


def waitlist_entries_expire(*, now: dt.datetime | None = None) -> int:
    """Close entries whose last day has passed (run daily with anonymise_consultations;
    matching ignores them anyway)."""
    now = now or timezone.now()
    return WaitlistEntry.objects.filter(
        status=WaitlistStatus.WAITING, until__lt=local_day(now)
    ).update(status=WaitlistStatus.EXPIRED, closed_at=now)


def waitlist_entries_delete_closed(*, now: dt.datetime | None = None, days: int) -> int:
    """Closed entries are deleted after `days`: a claimed time lives on as its request,
    so an entry holds nothing worth keeping."""
    now = now or timezone.now()
    deleted, _ = (
        WaitlistEntry.objects.exclude(status=WaitlistStatus.WAITING)
        .filter(closed_at__lt=now - dt.timedelta(days=days))
        .delete()
    )
    return deleted


def waitlist_offer_time(
    *,
    entry: WaitlistEntry,
    start: dt.datetime,
    user: AbstractBaseUser,
    now: dt.datetime | None = None,
) -> WaitlistOffer:
    """The front desk offers one time to one entry: the same email as a freed time."""
    now = now or timezone.now()
    with transaction.atomic():
        offer = offers.offer_time(entry=entry, start=start, now=now, user=user)
        log(entry, "bookings.waitlist_offered", user=user, data={"to": start.isoformat()})
        _enqueue("waitlist_offer", entry, offer)
    return offer


def offer_is_still_free(offer: WaitlistOffer, now: dt.datetime | None = None) -> bool:
    """Whether the offered time could be held now (what the claim page shows before the
    patient presses the button; the claim itself asks again)."""
    rules = catalogue().rules
    try:
        availability.check_time(
            offer.slot_start,
            providers=[offer.provider],
            length=offers.length_for(offer.entry, rules),
            now=now,
            rules=rules,
        )
    except (availability.TimeTaken, availability.TimeUnavailable):
        return False
    return True


def waitlist_offer_claim(
    *, offer: WaitlistOffer, now: dt.datetime | None = None
) -> ConsultationRequest:
    """The patient books the offered time. Returns the request (the same one for a second
    click). Raises OfferUsed, OfferExpired, OfferTaken (the patient stays on the list), or
    ValidationError from the booking's own rules (e.g. too many open requests)."""
    now = now or timezone.now()
    taken = False
    with transaction.atomic():
        # Lock the entry: two offers to one patient claimed at once book one time.
        entry = (
            WaitlistEntry.objects.select_for_update()
            .select_related("procedure")
            .get(pk=offer.entry_id)
        )
        offer = WaitlistOffer.objects.select_related("provider").get(pk=offer.pk)
        if offer.claimed_at and offer.consultation_id:
            return offer.consultation
        if not entry.is_waiting:
            raise OfferUsed
        if offer.is_expired(now):
            raise OfferExpired
        try:
            consultation, _ = consultation_request_create(
                patient_request=PatientRequest(
                    full_name=entry.full_name,
                    email=entry.email,
                    phone=entry.phone,
                    contact_method=ContactMethod.PHONE,
                    procedures=(entry.procedure,),
                    provider=offer.provider,
                    slot=Slot(offer.slot_start),
                    message="Booked from a waitlist offer.",
                    consent=True,  # given on the waitlist form, for this very contact
                    # Random, never derived from the offer (issue 28: a token anyone can
                    # compute was a key to the booking form's "already sent" answer). A
                    # second click needs no shared token: it waits for the entry's lock
                    # above and finds the offer claimed.
                    submission_token=uuid.uuid4(),
                ),
                now=now,
            )
        except (SlotTakenError, SlotUnavailableError):
            taken = True
        else:
            offer.claimed_at = now
            offer.consultation = consultation
            offer.save(update_fields=["claimed_at", "consultation"])
            _close(entry, WaitlistStatus.FULFILLED, now)
            log(entry, "bookings.waitlist_claimed", data={"reference": consultation.reference})
    if taken:
        WaitlistOffer.objects.filter(pk=offer.pk).update(taken_at=now)
        raise OfferTaken
    return consultation


def times_to_offer(entry: WaitlistEntry, now: dt.datetime | None = None) -> list[dt.datetime]:
    """The free times the front desk can offer an entry: any time a patient could book
    with its provider (or anyone who does the procedure), on any day up to its last."""
    rules = catalogue().rules
    providers = availability.providers_for([entry.procedure], only=entry.provider)
    return [
        start
        for start in availability.available_slots(
            now=now, rules=rules, providers=providers, length=offers.length_for(entry, rules)
        )
        if local_day(start) <= entry.until
    ]


def waitlist_entries_record_list(*, entries, user: AbstractBaseUser) -> None:
    """A list shows names: each entry on it is logged as seen, as with requests."""
    with transaction.atomic():
        for entry in entries:
            log(entry, "bookings.waitlist_listed", user=user)


def waitlist_entry_record_view(*, entry: WaitlistEntry, user: AbstractBaseUser) -> None:
    log(entry, "bookings.waitlist_viewed", user=user)
