"""Reminder emails and texts, one row per consultation and stage, so each goes once."""

from django.db import models
from django.db.models import Q

from .requests import ConsultationRequest


class ReminderStage(models.TextChoices):
    TWO_DAYS = "two_days", "Two days before"
    MORNING = "morning", "On the morning"


class Reminder(models.Model):
    """A reminder stage queued for one appointment time (an email, and a text when the
    patient agreed). The database refuses a second for the same time and stage, whoever
    queues it; a moved appointment has another time, so it is reminded afresh."""

    consultation = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="reminders"
    )
    stage = models.CharField(max_length=20, choices=ReminderStage.choices)
    slot_start = models.DateTimeField()
    queued_at = models.DateTimeField()

    class Meta:
        ordering = ["queued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "stage", "slot_start"],
                name="one_reminder_per_appointment_and_stage",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} reminder for {self.consultation.reference}"


class TextStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent (no longer needed)"
    FAILED = "failed", "Could not be sent"


class TextReminder(models.Model):
    """One reminder text. `day` is the clinic-local day it may go out on (within the
    reminder hours, or not at all): the database allows one per phone number a day, so a
    patient with two appointments close together still gets one text a day."""

    consultation = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="text_reminders"
    )
    stage = models.CharField(max_length=20, choices=ReminderStage.choices)
    slot_start = models.DateTimeField()
    phone = models.CharField(max_length=20)
    day = models.DateField()
    status = models.CharField(max_length=10, choices=TextStatus.choices, default=TextStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The provider's id for the message, and why it was not sent: a reason of ours or the
    # provider's status and error code (never its message, which quotes the number).
    provider_message_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=100, blank=True)
    queued_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["queued_at"]
        constraints = [
            # A text dropped before it went out (appointment moved or cancelled) frees the
            # day for the appointment's new time.
            models.UniqueConstraint(
                fields=["phone", "day"],
                condition=~Q(status="skipped"),
                name="one_text_per_phone_per_day",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} text for {self.consultation.reference}"
