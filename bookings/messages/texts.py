"""Reminder texts: when they may go out, what they say, and dropping queued ones for a time
that no longer holds.

A text shows on a locked phone, so it says less than the email: the clinic, the time and
the reference, never the procedure or the provider.
"""

import datetime as dt

from django.utils import timezone

from allure.base.clinic import clinic_time
from allure.base.models import ClinicSettings
from bookings.models import ConsultationRequest, ReminderStage, TextReminder, TextStatus

# Reminders are queued, and texts sent, only between these clinic-local times (Central
# Time, where nearly all patients live): nobody is texted at night, whenever the cron job
# or a retry happens to run.
REMINDER_HOURS = (dt.time(8), dt.time(20))


def within_hours(moment: dt.datetime) -> bool:
    opens, closes = REMINDER_HOURS
    return opens <= clinic_time.local(moment).time() < closes


def body(text: TextReminder) -> str:
    clinic = ClinicSettings.load()
    start = text.slot_start
    if text.stage == ReminderStage.MORNING:
        when = f"today at {clinic_time.format_time(start)}"
    else:
        when = f"on {clinic_time.format_slot(start)}"
    return (
        f"{clinic.name}: a reminder of your consultation {when} (Central Time), "
        f"ref {text.consultation.reference}. To change it, call {clinic.phone}. "
        "Reply STOP to stop texts."
    )


def drop_queued_texts(consultation: ConsultationRequest, reason: str) -> None:
    """Texts not yet sent for a time that no longer holds (moved, cancelled, STOP): dropped
    now, which also frees the phone's one text of the day for a new time. The worker checks
    again before sending, for any it already picked up."""
    TextReminder.objects.filter(consultation=consultation, status=TextStatus.QUEUED).update(
        status=TextStatus.SKIPPED, outcome=reason, finished_at=timezone.now()
    )
