"""The waitlist: patients waiting for a time, and the freed times offered to them."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from allure.base.models import Weekday

from .diary import Provider
from .requests import ConsultationRequest, validate_plain_name


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    FULFILLED = "fulfilled", "Booked from an offer"
    LEFT = "left", "Left the waitlist"
    EXPIRED = "expired", "Expired (its date passed)"


# A time of day is a morning before this local hour, an afternoon from it.
AFTERNOON_FROM_HOUR = 12


class WaitlistEntry(models.Model):
    """A patient who found no time that suits and wants to hear when one frees up.

    Freed times are offered to waiting entries oldest first (schedule/offers.py); the first to
    claim holds the time through the ordinary booking service."""

    procedure = models.ForeignKey(
        "procedures.ProcedurePage", on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    # Empty: anyone who does the procedure.
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    # Local weekdays (Weekday numbers, Monday 0) the patient can come on.
    weekdays = models.JSONField(default=list)
    mornings = models.BooleanField(default=True)
    afternoons = models.BooleanField(default=True)
    until = models.DateField(help_text="The last day (clinic time) a time may be offered for.")

    full_name = models.CharField(max_length=120, validators=[validate_plain_name])
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +16015550142.")
    consent_given_at = models.DateTimeField()
    privacy_notice_version = models.CharField(max_length=20)
    # The form's hidden token: a double-clicked "Join" makes one entry.
    submission_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    status = models.CharField(
        max_length=20, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(mornings=True) | Q(afternoons=True),
                name="waitlist_entry_some_time_of_day",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in WaitlistStatus]),
                name="waitlist_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        # No name: this label lands in the audit log.
        return f"Waitlist entry {self.pk}"

    @property
    def is_waiting(self) -> bool:
        return self.status == WaitlistStatus.WAITING

    def weekday_labels(self) -> list[str]:
        return [Weekday(day).label for day in sorted(self.weekdays)]

    def times_of_day_label(self) -> str:
        if self.mornings and self.afternoons:
            return "mornings or afternoons"
        return "mornings" if self.mornings else "afternoons"

    def wants(self, local_start: dt.datetime) -> bool:
        """Whether a time (in clinic local time) is on one of the patient's days and times."""
        if local_start.date() > self.until or local_start.weekday() not in self.weekdays:
            return False
        if local_start.hour < AFTERNOON_FROM_HOUR:
            return self.mornings
        return self.afternoons


class WaitlistOffer(models.Model):
    """A freed time offered by email to one waitlist entry. Claiming it books it through
    the ordinary service, so the database decides between patients claiming at once."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    slot_start = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # Who offered it: empty when the worker offered a freed time.
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    consultation = models.ForeignKey(
        ConsultationRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waitlist_offers",
    )
    # The last time a claim found the time taken (or gone): the link then says so.
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One offer of one time to one entry: a time freed twice is not mailed twice.
            models.UniqueConstraint(
                fields=["entry", "provider", "slot_start"], name="one_offer_per_entry_and_time"
            ),
        ]

    def __str__(self):
        return f"Waitlist offer {self.pk}"

    def is_expired(self, now: dt.datetime) -> bool:
        return self.claimed_at is None and now >= self.expires_at
