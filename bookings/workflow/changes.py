"""A request's changes after it is made, the same functions for the patient's link and the
front desk, so one set of rules holds everywhere: the status workflow, cancelling, a time
confirmed or moved, and what each change queues (emails, the freed time's waitlist offers)."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from bookings.booking.services import save_holding_slot
from bookings.messages.texts import drop_queued_texts
from bookings.models import CLOSED_STATUSES, ConsultationRequest
from bookings.models import ConsultationStatus as S
from bookings.payments.services import payment_follows_time
from bookings.schedule import availability
from bookings.schedule.catalogue import catalogue
from bookings.tasks import offer_freed_time, send_consultation_email

# The front desk's workflow: from each status, where a request may go next.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.CONTACTED, S.SCHEDULED, S.CANCELLED, S.DECLINED}),
    S.CONTACTED: frozenset({S.SCHEDULED, S.CANCELLED, S.DECLINED}),
    S.SCHEDULED: frozenset({S.COMPLETED, S.NO_SHOW, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.NO_SHOW: frozenset(),
    S.CANCELLED: frozenset(),
    S.DECLINED: frozenset(),
    S.EXPIRED: frozenset(),  # only ever set by consultation_requests_expire
}


class StaleChangeError(ValidationError):
    """The request's status moved on since the one making the change looked at it."""


def _lock_unchanged(consultation: ConsultationRequest) -> None:
    """Lock the request's row until the transaction ends, so that patient and staff changes
    to one request happen one after the other; then refuse the change if the status is no
    longer the one `consultation` was read with (someone decided a moment earlier).
    Call inside transaction.atomic(), before checking or changing anything."""
    status = (
        ConsultationRequest.objects.select_for_update()
        .filter(pk=consultation.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status != consultation.status:
        now = S(status).label.lower() if status else "gone"
        raise StaleChangeError(
            f"This request was changed a moment ago (it is now {now}), so your change was "
            "not made. Please look at it again."
        )


def enqueue_email(kind: str, consultation: ConsultationRequest, **extra) -> None:
    pk = consultation.pk
    transaction.on_commit(
        lambda: send_consultation_email.enqueue(kind=kind, consultation_id=pk, **extra)
    )


def time_freed(provider_id: int | None, start: dt.datetime | None) -> None:
    """A request let go of a time (cancelled, declined, moved away): once that is committed,
    the worker offers it to the waitlist (tasks.offer_freed_time). A time already past, or
    never held, frees nothing."""
    if provider_id is None or start is None or start <= timezone.now():
        return
    value = start.isoformat()
    transaction.on_commit(
        lambda: offer_freed_time.enqueue(provider_id=provider_id, slot_start=value)
    )


def consultation_request_transition(
    *, consultation: ConsultationRequest, to_status: str, user: AbstractBaseUser | None = None
) -> ConsultationRequest:
    """Move a request along the workflow; only ALLOWED_TRANSITIONS are accepted."""
    with transaction.atomic():
        _lock_unchanged(consultation)
        if to_status not in ALLOWED_TRANSITIONS.get(consultation.status, ()):
            target = S(to_status).label.lower() if to_status in S.values else "that"
            raise ValidationError(
                f"A {consultation.get_status_display().lower()} request cannot become {target}."
            )
        if to_status == S.SCHEDULED and not consultation.slot_confirmed_at:
            raise ValidationError("Confirm an appointment time first; that schedules the request.")
        previous = consultation.status
        consultation.status = to_status
        if to_status in CLOSED_STATUSES:
            consultation.closed_at = timezone.now()
            drop_queued_texts(consultation, "appointment changed")
        consultation.full_clean(validate_constraints=False)
        consultation.save(update_fields=["status", "closed_at", "updated_at"])
        log(
            consultation,
            "bookings.status_changed",
            user=user,
            data={"from": previous, "to": to_status},
        )
        if to_status == S.CANCELLED:
            enqueue_email("cancellation", consultation)
        if to_status in (S.CANCELLED, S.DECLINED):  # completed or no-show: the time was used
            time_freed(consultation.provider_id, consultation.slot_start)
    return consultation


class LateChangeError(ValidationError):
    """The patient asked, online, to cancel or move a consultation inside Booking rules' late
    change window; the page says so and gives the clinic's number. Staff are not held to it."""

    def __init__(self, hours: int):
        super().__init__(
            f"Your consultation is less than {hours} hours away, so it can no longer be "
            "cancelled or moved online. Please call us."
        )


def refuse_late_patient_change(consultation: ConsultationRequest) -> None:
    rules = catalogue().rules
    if rules.too_late_to_change(consultation.slot_start, timezone.now()):
        raise LateChangeError(rules.late_change_hours)


def consultation_request_cancel(
    *, consultation: ConsultationRequest, user: AbstractBaseUser | None = None
) -> ConsultationRequest:
    """Cancel by the patient (user None, from the manage page: not inside the late-change
    window) or by staff."""
    if user is None:
        refuse_late_patient_change(consultation)
    consultation = consultation_request_transition(
        consultation=consultation, to_status=S.CANCELLED, user=user
    )
    if user is None:
        enqueue_email("front_desk_cancelled", consultation)
    return consultation


def consultation_request_confirm_time(
    *,
    consultation: ConsultationRequest,
    start: dt.datetime,
    user: AbstractBaseUser | None,
) -> ConsultationRequest:
    """Staff confirm (or move) the appointment; the request becomes scheduled and the patient
    gets a confirmation with a calendar file."""
    with transaction.atomic():
        _lock_unchanged(consultation)
        if not consultation.is_open:
            raise ValidationError("Only an open request can be given a time.")
        length = availability.length_held_by(consultation, catalogue().rules)
        previous_provider_id = consultation.provider_id
        if start != consultation.slot_start:
            consultation.provider = availability.check_time(
                start,
                providers=availability.providers_of(consultation),
                length=length,
                for_staff=True,
                exclude_pk=consultation.pk,
            )
        previous = consultation.slot_start
        if start != previous:
            drop_queued_texts(consultation, "appointment changed")
        consultation.slot_start = start
        consultation.slot_end = start + length.held
        consultation.slot_confirmed_at = timezone.now()
        consultation.status = S.SCHEDULED
        save_holding_slot(
            consultation,
            update_fields=[
                "provider",
                "slot_start",
                "slot_end",
                "slot_confirmed_at",
                "status",
                "updated_at",
            ],
        )
        if (previous, previous_provider_id) != (start, consultation.provider_id):
            time_freed(previous_provider_id, previous)
        payment_follows_time(consultation=consultation, previous=previous, start=start)
        log(
            consultation,
            "bookings.time_confirmed",
            user=user,
            data={
                "from": previous.isoformat() if previous else None,
                "to": start.isoformat(),
            },
        )
        enqueue_email("confirmation", consultation)
    return consultation


def consultation_request_reschedule(
    *, consultation: ConsultationRequest, start: dt.datetime | None
) -> ConsultationRequest:
    """The patient picks another time (None: "call me") from the manage page.

    A time staff already confirmed is moved by phone instead, so only new and contacted
    requests can be rescheduled here.
    """
    with transaction.atomic():
        _lock_unchanged(consultation)
        if consultation.status == S.SCHEDULED:
            raise ValidationError("Please call us to change a confirmed appointment.")
        if consultation.status not in (S.NEW, S.CONTACTED):
            raise ValidationError(
                "This request is closed, so its time cannot be changed. Please call us."
            )
        refuse_late_patient_change(consultation)
        rules = catalogue().rules
        length = availability.length_held_by(consultation, rules)
        previous = (consultation.provider_id, consultation.slot_start)
        if start is not None:
            consultation.provider = availability.check_time(
                start,
                providers=availability.providers_of(consultation),
                length=length,
                rules=rules,
                exclude_pk=consultation.pk,
            )
        consultation.preferred_start = start
        consultation.slot_start = start
        consultation.slot_end = start + length.held if start else None
        # Only the patient's own fields: never write back a status read before the lock.
        save_holding_slot(
            consultation,
            update_fields=["provider", "preferred_start", "slot_start", "slot_end", "updated_at"],
        )
        if previous != (consultation.provider_id, start):
            time_freed(*previous)
        payment_follows_time(consultation=consultation, previous=previous[1], start=start)
        log(
            consultation,
            "bookings.rescheduled_by_patient",
            data={"to": start.isoformat() if start else None},
        )
        enqueue_email("front_desk_rescheduled", consultation)
    return consultation
