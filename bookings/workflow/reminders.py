"""Which reminders are due, queued once per appointment time and stage: an email each, and
a text for patients who agreed to texts (sent by the worker, bookings/tasks.py)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from allure.base.clinic.clinic_time import day_range, local_day
from bookings.messages import texts
from bookings.models import ConsultationRequest, Reminder, ReminderStage, TextReminder
from bookings.models import ConsultationStatus as S
from bookings.tasks import send_text_reminder
from bookings.workflow.changes import enqueue_email

# Each stage's email.
REMINDER_EMAIL_KINDS = {
    ReminderStage.TWO_DAYS: "reminder_two_days",
    ReminderStage.MORNING: "reminder_today",
}


def consultation_reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Queue what is due now: for each scheduled appointment on the local day after
    tomorrow, the "two days before" reminder; for each one later today, the "this morning"
    reminder. Each is an email, and a text for patients who agreed to texts. Nothing is
    queued outside texts.REMINDER_HOURS (08:00-20:00 clinic time); the first run after
    08:00 queues the morning's.

    Safe to run as often as you like, and in several processes at once: a Reminder row per
    appointment time and stage, and a TextReminder row per phone number and day, are
    unique in the database, so whoever inserts second queues nothing. A reminder that was
    due while the command was not running is queued late on the same day, never after.
    Returns how many reminders (emails) were queued.
    """
    now = now or timezone.now()
    if not texts.within_hours(now):
        return 0
    today = local_day(now)
    queued = 0
    # The morning's first: on a day both stages would text one number, the nearer
    # appointment's text is the one sent.
    for stage, day in (
        (ReminderStage.MORNING, today),
        (ReminderStage.TWO_DAYS, today + dt.timedelta(days=2)),
    ):
        day_start, day_end = day_range(day)
        already = Reminder.objects.filter(
            consultation=OuterRef("pk"), stage=stage, slot_start=OuterRef("slot_start")
        )
        due = (
            ConsultationRequest.objects.filter(
                status=S.SCHEDULED,
                slot_start__gte=max(day_start, now),
                slot_start__lt=day_end,
                anonymised_at__isnull=True,
            )
            .exclude(Exists(already))
            .order_by("slot_start", "pk")
        )
        for consultation in due:
            if _queue_reminder(consultation, stage=stage, today=today, now=now):
                queued += 1
    return queued


def _queue_reminder(
    consultation: ConsultationRequest, *, stage: str, today: dt.date, now: dt.datetime
) -> bool:
    slot_start = consultation.slot_start
    try:
        with transaction.atomic():
            Reminder.objects.create(
                consultation=consultation, stage=stage, slot_start=slot_start, queued_at=now
            )
            enqueue_email(
                REMINDER_EMAIL_KINDS[stage], consultation, slot_start=slot_start.isoformat()
            )
            if consultation.texts_allowed:
                _queue_text(consultation, stage=stage, today=today, now=now)
    except IntegrityError:
        return False  # another run queued this stage for this time a moment ago
    return True


def _queue_text(
    consultation: ConsultationRequest, *, stage: str, today: dt.date, now: dt.datetime
) -> None:
    try:
        with transaction.atomic():
            text = TextReminder.objects.create(
                consultation=consultation,
                stage=stage,
                slot_start=consultation.slot_start,
                phone=consultation.phone,
                day=today,
                queued_at=now,
            )
    except IntegrityError:
        return  # this number has its text for today already: the email still goes
    pk = text.pk
    transaction.on_commit(lambda: send_text_reminder.enqueue(text_id=pk))
