"""Reads for the front desk: the filtered list, the dashboard's waiting and today lists, the
calendar's requests, and the provider a calendar feed's secret belongs to."""

import datetime as dt
import hmac
from collections.abc import Sequence

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from allure.base.clinic.clinic_time import day_range, local_day
from bookings.models import (
    OPEN_STATUSES,
    ConsultationRequest,
    ConsultationStatus,
    IntakeAnswer,
    IntakeResponse,
    Provider,
    SignedDocument,
    TextReminder,
    TextStatus,
    UndeliveredEmail,
)


def consultation_requests_filtered(
    *,
    q: str = "",
    status: str = "",
    procedure=None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    assigned_to=None,
) -> QuerySet[ConsultationRequest]:
    """Un-called (new) requests first, then newest first."""
    requests = ConsultationRequest.objects.select_related(
        "assigned_to", "provider__clinician", "payment"
    ).prefetch_related("procedures")
    if status == "open":
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif status:
        requests = requests.filter(status=status)
    if q:
        q = q.strip()
        digits = "".join(ch for ch in q if ch.isdigit())
        match = (
            Q(full_name__icontains=q)
            | Q(email__icontains=q)
            | Q(reference__iexact=q.upper())
            | Q(phone__icontains=q)
        )
        if len(digits) >= 4:
            match |= Q(phone__contains=digits)
        requests = requests.filter(match)
    if procedure is not None:
        requests = requests.filter(procedures=procedure)
    if date_from:
        requests = requests.filter(created_at__gte=day_range(date_from)[0])
    if date_to:
        requests = requests.filter(created_at__lt=day_range(date_to)[1])
    if assigned_to is not None:
        requests = requests.filter(assigned_to=assigned_to)
    return requests.annotate(
        called=Case(
            When(status=ConsultationStatus.NEW, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("called", "-created_at")


def consultation_requests_waiting_for_call() -> QuerySet[ConsultationRequest]:
    return ConsultationRequest.objects.filter(status=ConsultationStatus.NEW).order_by("created_at")


def consultations_today(*, now: dt.datetime | None = None) -> QuerySet[ConsultationRequest]:
    start, end = day_range(local_day(now or timezone.now()))
    return ConsultationRequest.objects.filter(
        status__in=[
            ConsultationStatus.SCHEDULED,
            ConsultationStatus.COMPLETED,
            ConsultationStatus.NO_SHOW,
        ],
        slot_start__gte=start,
        slot_start__lt=end,
    ).order_by("slot_start")


def undelivered_emails() -> QuerySet[UndeliveredEmail]:
    """Emails the worker gave up on and nobody has resent yet, oldest first."""
    return UndeliveredEmail.objects.filter(resent_at__isnull=True).select_related("consultation")


def calendar_requests(
    *, start: dt.datetime, end: dt.datetime | None, providers: Sequence[Provider]
) -> QuerySet[ConsultationRequest]:
    """Requests holding a time with one of `providers` (held: new or contacted; confirmed:
    scheduled) that overlap [start, end) (end None: from start on), in time order. Closed
    ones (cancelled, declined, expired, done) have let their time go."""
    requests = ConsultationRequest.objects.filter(
        status__in=OPEN_STATUSES,
        provider__in=providers,
        slot_start__isnull=False,
        slot_end__gt=start,
    )
    if end is not None:
        requests = requests.filter(slot_start__lt=end)
    return (
        requests.select_related("consultation_type", "payment")
        .prefetch_related("procedures")
        .annotate(photo_count=Count("photos"))  # shown on the calendar entry
        .order_by("slot_start", "pk")
    )


def provider_by_feed_token(token: str) -> Provider | None:
    """The provider whose calendar feed has this secret, or None. Every provider's secret is
    compared in constant time (there are a handful), rather than looked up by value, so how
    long a wrong guess takes says nothing about the right one."""
    token_bytes = token.encode()
    found = None
    for pk, secret in Provider.objects.filter(calendar_feed_token__isnull=False).values_list(
        "pk", "calendar_feed_token"
    ):
        if hmac.compare_digest(secret.encode(), token_bytes):
            found = pk
    return Provider.objects.filter(pk=found).first() if found else None


def undelivered_texts(*, now: dt.datetime | None = None) -> QuerySet[TextReminder]:
    """Reminder texts the worker gave up on, for appointments still to come: the front desk
    can call the patient instead."""
    return TextReminder.objects.filter(
        status=TextStatus.FAILED,
        consultation__status=ConsultationStatus.SCHEDULED,
        consultation__slot_start=F("slot_start"),
        slot_start__gt=now or timezone.now(),
    ).select_related("consultation")


def safety_flags(consultation_ids) -> dict[int, list[IntakeAnswer]]:
    """The flagged answers of each request, by request id, in question order (one query)."""
    flags: dict[int, list[IntakeAnswer]] = {}
    answers = IntakeAnswer.objects.filter(
        flagged=True, response__consultation_id__in=list(consultation_ids)
    ).select_related("response")
    for answer in answers.order_by("position"):
        flags.setdefault(answer.response.consultation_id, []).append(answer)
    return flags


def intake_of(consultation: ConsultationRequest) -> dict:
    """A request's intake for its page and its printed summary: the response with its
    version, every answer, the flagged ones, and the signed forms."""
    response = (
        IntakeResponse.objects.filter(consultation=consultation).select_related("version").first()
    )
    answers = list(response.answers.all()) if response else []
    return {
        "response": response,
        "answers": answers,
        "flags": [a for a in answers if a.flagged],
        "signed": list(
            SignedDocument.objects.filter(consultation=consultation).select_related("version")
        ),
    }
