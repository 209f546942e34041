"""Reads for the front desk: the filtered list, the dashboard's waiting and today lists."""

import datetime as dt

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from allure.base.clinic_time import day_range, local_day

from .models import (
    OPEN_STATUSES,
    ConsultationRequest,
    ConsultationStatus,
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
        "assigned_to", "provider"
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


def undelivered_texts(*, now: dt.datetime | None = None) -> QuerySet[TextReminder]:
    """Reminder texts the worker gave up on, for appointments still to come: the front desk
    can call the patient instead."""
    return TextReminder.objects.filter(
        status=TextStatus.FAILED,
        consultation__status=ConsultationStatus.SCHEDULED,
        consultation__slot_start=F("slot_start"),
        slot_start__gt=now or timezone.now(),
    ).select_related("consultation")
