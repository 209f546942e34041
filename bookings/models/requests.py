"""A patient's consultation request, its internal notes, the photos the patient sent and the
emails that could not be delivered."""

import datetime as dt
import re
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from .diary import ConsultationType, Provider

# No 0/O, 1/I/L: a reference is read out over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


# What a mail client would turn into a link or an address: "evil.com", "x@y", "http://".
# A full stop directly followed by a character is refused ("St.Clair" becomes "St. Clair").
LINK_LIKE = re.compile(r"[@<>/\\:]|\.\S")


def validate_plain_name(value: str) -> None:
    """The patient's name reaches emails: it may not look like a link or an address, so the
    clinic's mail never carries an attacker's link."""
    if LINK_LIKE.search(value):
        raise ValidationError(
            "Please enter just your name, without web or email addresses. If your name has "
            "a full stop, put a space after it (for example “St. Clair”).",
            code="link_like_name",
        )


class ConsultationStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"
    DECLINED = "declined", "Declined"
    # Closed by `anonymise_consultations`: its time passed long ago and nobody recorded an
    # outcome, so retention can reach it (retention.EXPIRE_AFTER_DAYS).
    EXPIRED = "expired", "Expired (no outcome recorded)"


# A request in one of these statuses holds its time; any other status releases it.
OPEN_STATUSES = (ConsultationStatus.NEW, ConsultationStatus.CONTACTED, ConsultationStatus.SCHEDULED)
CLOSED_STATUSES = tuple(s for s in ConsultationStatus if s not in OPEN_STATUSES)


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"


class ConsultationRequest(models.Model):
    reference = models.CharField(max_length=REFERENCE_LENGTH, unique=True, default=new_reference)
    # The hidden token of the form that created this request: a second POST of the same form
    # (a double click) finds this request instead of creating another.
    submission_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    status = models.CharField(
        max_length=20, choices=ConsultationStatus.choices, default=ConsultationStatus.NEW
    )

    full_name = models.CharField(max_length=120, validators=[validate_plain_name])
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +16015550142.")
    contact_method = models.CharField(
        max_length=10, choices=ContactMethod.choices, default=ContactMethod.PHONE
    )
    procedures = models.ManyToManyField(
        "procedures.ProcedurePage", related_name="consultation_requests", blank=True
    )
    message = models.TextField(max_length=1000, blank=True)

    # Empty for a "call me" request left to the front desk: any provider who does the
    # procedure. Every request holding a time has one (constraint below).
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="consultations"
    )
    consultation_type = models.ForeignKey(
        ConsultationType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # What the patient asked for; empty means "please call me to arrange".
    preferred_start = models.DateTimeField(null=True, blank=True)
    # The time this request holds while it is open: the patient's choice at first, then the
    # time staff confirm or move it to. With slot_end (the consultation's length plus its
    # buffer) it is the range the provider is held for: the database refuses two open
    # requests whose ranges overlap for one provider (migration 0006: an exclusion
    # constraint on PostgreSQL, triggers on SQLite), so neither patients nor staff can
    # double-book.
    slot_start = models.DateTimeField(null=True, blank=True)
    slot_end = models.DateTimeField(null=True, blank=True)
    slot_confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When staff confirmed slot_start as the appointment."
    )
    # The patient ticked "Text me reminders" (with its wording about how many and STOP) at
    # this time; texts stop for good once they reply STOP (`text_reminders_stopped_at`).
    text_reminders_agreed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the patient agreed to reminder texts."
    )
    text_reminders_stopped_at = models.DateTimeField(
        null=True, blank=True, help_text="When the patient replied STOP (no texts since)."
    )

    consent_given_at = models.DateTimeField()
    privacy_notice_version = models.CharField(max_length=20)
    # Evidence for a disputed charge, when the type takes a fee or a card: which version of
    # the cancellation policy (BookingRules.change_policy) the patient accepted, when, and
    # from which address. The address goes with anonymisation.
    change_policy_version = models.CharField(max_length=20, blank=True)
    change_policy_accepted_at = models.DateTimeField(null=True, blank=True)
    change_policy_accepted_from = models.GenericIPAddressField(null=True, blank=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_consultation_requests",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Which manage link works: it is signed into the link, and the front desk's "revoke"
    # raises it (frontdesk.services.consultation_manage_link_revoke), so older links stop
    # working and say they were replaced. Links sent before it existed count as 1.
    manage_link_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("manage_consultations", "Can see and manage consultation requests"),
            ("export_consultations", "Can export consultation requests"),
            ("view_patient_photos", "Can open the photos patients send"),
            ("handle_payments", "Can refund fees and charge no-show fees"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_start__isnull=True, slot_end__isnull=True)
                | Q(slot_end__gt=F("slot_start"), provider__isnull=False),
                name="held_time_has_an_end_and_a_provider",
            ),
            models.CheckConstraint(
                condition=Q(slot_confirmed_at__isnull=True) | Q(slot_start__isnull=False),
                name="confirmed_request_has_a_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(slot_confirmed_at__isnull=False),
                name="scheduled_request_has_confirmed_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ConsultationStatus]),
                name="consultation_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        # Only the reference: this label lands in the audit log, which outlives anonymisation.
        return f"Consultation request {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def appointment_start(self):
        return self.slot_start if self.slot_confirmed_at else None

    @property
    def takes_photos(self) -> bool:
        """The patient may send photos now: an open request of a type that asks for them."""
        return bool(
            self.is_open and self.consultation_type and self.consultation_type.accepts_photos
        )

    @property
    def texts_allowed(self) -> bool:
        return bool(self.text_reminders_agreed_at and not self.text_reminders_stopped_at)

    @property
    def consultation_end(self):
        """When the consultation itself ends (the held range also covers the buffer)."""
        if self.slot_start is None:
            return None
        if self.consultation_type:
            return self.slot_start + dt.timedelta(minutes=self.consultation_type.minutes)
        return self.slot_end


class ConsultationNote(models.Model):
    """An internal note by the front desk; never shown to the patient."""

    consultation = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(max_length=2000)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Note on {self.consultation.reference}"


class PatientPhotoStorage(FileSystemStorage):
    """Photos patients send live outside MEDIA_ROOT, so no web server or `/media/` route can
    hand them out. Their address is the admin view that checks who asks and logs each view
    (`bookings.frontdesk.consultations.patient_photo`)."""

    def url(self, name):
        return reverse("bookings_admin:patient_photo", args=[name])


def patient_photo_storage():
    return PatientPhotoStorage(location=settings.PRIVATE_MEDIA_ROOT)


MAX_PATIENT_PHOTOS = 6


class PatientPhoto(models.Model):
    """A photo a patient sent for a virtual consultation, re-encoded as a JPEG without its
    metadata (`bookings.manage.patient_photos`). Goes when the patient withdraws it and with the
    request's anonymisation."""

    consultation = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(storage=patient_photo_storage, upload_to="patient-photos/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # The patient ticked the clinical-use wording with this upload.
    consent_given_at = models.DateTimeField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        # The audit log keeps this label: the reference only.
        return f"Photo {self.pk} of {self.consultation.reference}"


class UndeliveredEmail(models.Model):
    """An email to a patient or the front desk that the worker gave up on after every retry
    (days of mail trouble). Listed on the front desk's dashboard until someone resends it."""

    consultation = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="undelivered_emails"
    )
    kind = models.CharField(max_length=40)
    # A reminder's appointment as it was queued, so a resent reminder is still checked.
    slot_start = models.CharField(max_length=40, blank=True)
    error = models.CharField(max_length=300)
    failed_at = models.DateTimeField(auto_now_add=True)
    resent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["failed_at"]

    def __str__(self):
        return f"Undelivered {self.kind} email for {self.consultation.reference}"

    @property
    def kind_label(self) -> str:
        return self.kind.replace("_", " ").capitalize()  # "front_desk_notice": "Front desk notice"


# --- Waitlist -----------------------------------------------------------------------------
