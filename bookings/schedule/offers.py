"""Which waitlisted patients a freed time goes to, and the offers made to them.

Run by the worker (tasks.offer_freed_time), never in a patient's request; the front desk
offers a chosen time through the waitlist's waitlist_offer_time, which uses `offer_time` here.
An offer is only made while availability.check_time says the time can still be held; the
claim asks again, and the database has the last word (one_open_request_per_provider_time).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from allure.base.clinic.clinic_time import CLINIC_TZ, local_day
from bookings.models import BookingRules, Provider, WaitlistEntry, WaitlistOffer, WaitlistStatus
from bookings.schedule import availability
from bookings.schedule.catalogue import catalogue

# How long a patient has to claim an offered time. Long enough to see an email during a
# working day, short enough that the next patients hear the same afternoon.
OFFER_HOURS = 4
# How many patients are offered one freed time at once; if none claims it before their
# offers expire, the next few are offered it.
OFFER_BATCH = 3


def length_for(entry: WaitlistEntry, rules: BookingRules) -> availability.Length:
    return availability.length_of(availability.consultation_type_for([entry.procedure]), rules)


def matching_entries(provider: Provider, start: dt.datetime):
    """Waiting entries, oldest first, for a procedure `provider` does, with that provider or
    anyone, not yet offered this time. Days and times of day are checked by the caller
    (WaitlistEntry.wants), the list being short."""
    already_offered = WaitlistOffer.objects.filter(
        entry=OuterRef("pk"), provider=provider, slot_start=start
    )
    return (
        WaitlistEntry.objects.filter(
            status=WaitlistStatus.WAITING,
            until__gte=local_day(start),
            procedure__live=True,
            procedure__clinicians__diary=provider,
        )
        .filter(Q(provider__isnull=True) | Q(provider=provider))
        .filter(~Exists(already_offered))
        .select_related("procedure")
        .order_by("created_at", "pk")
    )


def _still_free(start, provider, length, now, rules) -> bool:
    try:
        availability.check_time(start, providers=[provider], length=length, now=now, rules=rules)
    except (availability.TimeTaken, availability.TimeUnavailable):
        return False
    return True


def _make_offer(entry, provider, start, now, user=None) -> WaitlistOffer | None:
    """None when this entry was already offered this time (a race of two workers)."""
    try:
        with transaction.atomic():
            return WaitlistOffer.objects.create(
                entry=entry,
                provider=provider,
                slot_start=start,
                expires_at=now + dt.timedelta(hours=OFFER_HOURS),
                offered_by=user,
            )
    except IntegrityError:
        return None


def offer_freed_time(
    *, provider_id: int, start: dt.datetime, now: dt.datetime, limit: int = OFFER_BATCH
) -> list[WaitlistOffer]:
    """Offer a time `provider` no longer holds to the next `limit` matching entries for whom
    it can be held now (each entry's procedure sets the length that must fit)."""
    providers = availability.providers_for(only=Provider(pk=provider_id))
    if not providers:
        return []
    provider = providers[0]
    rules = catalogue().rules
    local_start = start.astimezone(CLINIC_TZ)
    free_for: dict[availability.Length, bool] = {}
    made = []
    for entry in matching_entries(provider, start):
        if len(made) >= limit:
            break
        if not entry.wants(local_start):
            continue
        length = length_for(entry, rules)
        if length not in free_for:
            free_for[length] = _still_free(start, provider, length, now, rules)
        if not free_for[length]:
            continue
        offer = _make_offer(entry, provider, start, now)
        if offer is not None:
            made.append(offer)
    return made


def offer_time(
    *, entry: WaitlistEntry, start: dt.datetime, now: dt.datetime, user=None
) -> WaitlistOffer:
    """The front desk offers `start` to one entry: with the entry's provider, or for
    "anyone" the first free who does the procedure. Raises ValidationError (or
    availability.TimeTaken) when it cannot be held."""
    if not entry.is_waiting:
        raise ValidationError("This patient is no longer on the waitlist.")
    rules = catalogue().rules
    providers = availability.providers_for([entry.procedure], only=entry.provider)
    provider = availability.check_time(
        start, providers=providers, length=length_for(entry, rules), now=now, rules=rules
    )
    offer = _make_offer(entry, provider, start, now, user=user)
    if offer is None:
        raise ValidationError("This time was already offered to this patient.")
    return offer
