"""The patient's signed, expiring link to manage a request (no login needed)."""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from bookings.models import ConsultationRequest, Payment, WaitlistEntry, WaitlistOffer

SALT = "bookings.manage-link"


def max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.BOOKING_MANAGE_LINK_MAX_AGE_DAYS)


def manage_token(consultation: ConsultationRequest) -> str:
    # The reference travels with the id so a token survives only for the request it names;
    # the link's version, so the front desk can replace a link that went astray.
    value = f"{consultation.pk}.{consultation.reference}.{consultation.manage_link_version}"
    return signing.TimestampSigner(salt=SALT).sign(value)


def manage_url(consultation: ConsultationRequest) -> str:
    return settings.SITE_URL + reverse("bookings:manage", args=[manage_token(consultation)])


def intake_url(consultation: ConsultationRequest) -> str:
    """The patient's health questions and forms, behind the same signed token."""
    return settings.SITE_URL + reverse("bookings:intake", args=[manage_token(consultation)])


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


class LinkReplaced(LinkExpired):
    """The front desk sent the patient a newer link: this one no longer works. A kind of
    expiry, so anything that handles an expired link handles this one too."""


def consultation_from_token(token: str) -> ConsultationRequest:
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age())
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    pk, _, rest = value.partition(".")
    reference, _, version = rest.partition(".")
    version = version or "1"  # a link sent before links had versions
    if not (pk.isdigit() and version.isdigit()):
        raise LinkInvalid
    consultation = ConsultationRequest.objects.filter(pk=pk, reference=reference).first()
    if consultation is None or consultation.anonymised_at:
        raise LinkExpired
    if int(version) != consultation.manage_link_version:
        raise LinkReplaced
    return consultation


# --- Waitlist links -------------------------------------------------------------------------
# An offer's own expiry is its `expires_at` (a few hours); the signature's age only bounds a
# link that somehow outlived its row. The leave link works as long as the entry could (the
# booking horizon is at most a year).
OFFER_SALT = "bookings.waitlist-offer"
LEAVE_SALT = "bookings.waitlist-leave"
OFFER_LINK_MAX_AGE = dt.timedelta(days=2)
LEAVE_LINK_MAX_AGE = dt.timedelta(days=400)


def offer_token(offer: WaitlistOffer) -> str:
    return signing.TimestampSigner(salt=OFFER_SALT).sign(f"{offer.pk}.{offer.entry_id}")


def offer_url(offer: WaitlistOffer) -> str:
    return settings.SITE_URL + reverse("bookings:waitlist_offer", args=[offer_token(offer)])


def offer_from_token(token: str) -> WaitlistOffer:
    value = _unsign(OFFER_SALT, token, OFFER_LINK_MAX_AGE)
    pk, _, entry_id = value.partition(".")
    if not (pk.isdigit() and entry_id.isdigit()):
        raise LinkInvalid
    offer = (
        WaitlistOffer.objects.select_related("entry", "entry__procedure", "provider__clinician")
        .filter(pk=pk, entry_id=entry_id)
        .first()
    )
    if offer is None:
        raise LinkExpired
    return offer


def leave_token(entry: WaitlistEntry) -> str:
    # The entry's random token travels too, so a leave link cannot be made from an id alone
    # even by someone who learns the signing of another.
    return signing.TimestampSigner(salt=LEAVE_SALT).sign(f"{entry.pk}.{entry.submission_token}")


def leave_url(entry: WaitlistEntry) -> str:
    return settings.SITE_URL + reverse("bookings:waitlist_leave", args=[leave_token(entry)])


def entry_from_leave_token(token: str) -> WaitlistEntry:
    value = _unsign(LEAVE_SALT, token, LEAVE_LINK_MAX_AGE)
    pk, _, submission_token = value.partition(".")
    if not pk.isdigit():
        raise LinkInvalid
    entry = WaitlistEntry.objects.filter(pk=pk, submission_token=submission_token).first()
    if entry is None:
        raise LinkExpired
    return entry


def _unsign(salt: str, token: str, age: dt.timedelta) -> str:
    try:
        return signing.TimestampSigner(salt=salt).unsign(token, max_age=age)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error


# --- The payment page's link ------------------------------------------------------------
# The patient's payment page (`/consultation/payment/<token>/`) is the address Checkout
# returns to, so it goes to Stripe: it names the payment only, shows the reference and the
# payment's state and nothing about the patient.
PAYMENT_LINK_SALT = "bookings.payment-link"
PAYMENT_LINK_MAX_AGE = dt.timedelta(days=7)


def payment_token(payment: Payment) -> str:
    return signing.TimestampSigner(salt=PAYMENT_LINK_SALT).sign(str(payment.pk))


def payment_from_token(token: str) -> Payment | None:
    try:
        pk = signing.TimestampSigner(salt=PAYMENT_LINK_SALT).unsign(
            token, max_age=PAYMENT_LINK_MAX_AGE
        )
    except signing.BadSignature:
        return None
    if not pk.isdigit():
        return None
    return (
        Payment.objects.select_related("consultation", "consultation__consultation_type")
        .filter(pk=pk, consultation__anonymised_at=None)
        .first()
    )


def payment_url(payment: Payment) -> str:
    return settings.SITE_URL + reverse("bookings:payment", args=[payment_token(payment)])
