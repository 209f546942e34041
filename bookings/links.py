"""The patient's signed, expiring link to manage a request (no login needed)."""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import ConsultationRequest

SALT = "bookings.manage-link"


def max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.BOOKING_MANAGE_LINK_MAX_AGE_DAYS)


def manage_token(consultation: ConsultationRequest) -> str:
    # The reference travels with the id so a token survives only for the request it names.
    return signing.TimestampSigner(salt=SALT).sign(f"{consultation.pk}.{consultation.reference}")


def manage_url(consultation: ConsultationRequest) -> str:
    return settings.SITE_URL + reverse("bookings:manage", args=[manage_token(consultation)])


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def consultation_from_token(token: str) -> ConsultationRequest:
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age())
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    pk, _, reference = value.partition(".")
    consultation = ConsultationRequest.objects.filter(pk=pk, reference=reference).first()
    if consultation is None or consultation.anonymised_at:
        raise LinkExpired
    return consultation
