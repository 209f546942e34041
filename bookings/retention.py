"""What the daily retention run (`manage.py anonymise_consultations`) does to requests: closes
long-past open ones as expired, and blanks the personal details of old closed ones."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.log_actions import log

from bookings.intake import services as intake
from bookings.manage import patient_photos
from bookings.models import CLOSED_STATUSES, OPEN_STATUSES, ConsultationRequest
from bookings.models import ConsultationStatus as S
from bookings.workflow.changes import time_freed

# An open request whose time passed this many days ago with no outcome recorded (or a "call
# me" request made this long ago) is closed as expired, so that retention reaches it.
EXPIRE_AFTER_DAYS = 30


def expirable_requests(*, now: dt.datetime):
    cutoff = now - dt.timedelta(days=EXPIRE_AFTER_DAYS)
    return ConsultationRequest.objects.filter(status__in=OPEN_STATUSES).filter(
        Q(slot_start__lt=cutoff) | Q(slot_start__isnull=True, created_at__lt=cutoff)
    )


def consultation_requests_expire(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    expired = 0
    for consultation in expirable_requests(now=now):
        with transaction.atomic():
            previous = consultation.status
            consultation.status = S.EXPIRED
            consultation.closed_at = now
            consultation.save(update_fields=["status", "closed_at", "updated_at"])
            log(consultation, "bookings.expired", data={"from": previous})
            time_freed(consultation.provider_id, consultation.slot_start)  # long past: nothing
        expired += 1
    return expired


ANONYMISED_NAME = "Anonymised"


ANONYMISED_EMAIL = "anonymised@invalid"


ANONYMISED_PHONE = "+10000000000"


def consultation_request_anonymise(*, consultation: ConsultationRequest) -> None:
    """Blank the personal details of a closed request; statistics (dates, status,
    procedures) stay."""
    if consultation.status not in CLOSED_STATUSES:
        raise ValidationError("Only closed requests are anonymised.")
    with transaction.atomic():
        consultation.full_name = ANONYMISED_NAME
        consultation.email = ANONYMISED_EMAIL
        consultation.phone = ANONYMISED_PHONE
        consultation.message = ""
        consultation.assigned_to = None
        # The policy's version and time stay (the clinic's record of what was agreed); the
        # address the patient accepted it from goes. A payment's amounts stay for the
        # accounts; it holds nothing personal (Stripe keeps the card and the email).
        consultation.change_policy_accepted_from = None
        consultation.anonymised_at = timezone.now()
        consultation.save()
        consultation.notes.all().delete()
        consultation.undelivered_emails.all().delete()  # their errors may name the address
        consultation.text_reminders.all().delete()  # each holds the phone number
        patient_photos.patient_photos_delete_all(consultation=consultation)
        intake.intake_delete_all(consultation=consultation)  # answers and signatures
        # The queue's rows name the request (its id) and may hold a failed send's error:
        # they go too, except one a worker is running right now (it finds nothing to send).
        DBTaskResult.objects.filter(args_kwargs__kwargs__consultation_id=consultation.pk).exclude(
            status=TaskResultStatus.RUNNING
        ).delete()
        log(consultation, "bookings.anonymised")


def anonymisable_requests(*, now: dt.datetime | None = None, months: int):
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=round(months * 30.44))
    return ConsultationRequest.objects.filter(
        status__in=CLOSED_STATUSES, closed_at__lt=cutoff, anonymised_at__isnull=True
    )
