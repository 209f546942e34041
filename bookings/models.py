"""Consultation requests, their internal notes and the booking rules staff edit in the admin."""

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
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable

from allure.base.models import Weekday
from procedures.models import ProcedureCategory

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


@register_setting(icon="date")
class BookingRules(BaseGenericSetting):
    """How consultation times are offered; opening hours and closures live in "Clinic hours"."""

    consultation_minutes = models.PositiveSmallIntegerField(
        default=30,
        help_text="Times are offered at this interval from opening. Also the length of a "
        "consultation for a procedure whose group has no consultation type.",
    )
    minimum_notice_hours = models.PositiveSmallIntegerField(
        default=24, help_text="The earliest a patient can book, counted from now."
    )
    horizon_days = models.PositiveSmallIntegerField(
        default=28, help_text="How many days ahead patients can book."
    )
    privacy_notice_version = models.CharField(
        max_length=20,
        default="2026-11",
        help_text="Stored with each patient's consent. Change it when the privacy notice changes.",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("consultation_minutes"),
                FieldPanel("minimum_notice_hours"),
                FieldPanel("horizon_days"),
            ],
            heading="Times offered",
        ),
        FieldPanel("privacy_notice_version"),
    ]

    class Meta:
        verbose_name = "booking rules"
        constraints = [
            models.CheckConstraint(
                condition=Q(consultation_minutes__gte=10, consultation_minutes__lte=240),
                name="booking_rules_sane_consultation_length",
            ),
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1, horizon_days__lte=365),
                name="booking_rules_sane_horizon",
            ),
        ]


DEFAULT_PHOTO_ANGLES = (
    "Face, straight on, hair back, no make-up\n"
    "Left side, ear to chin\n"
    "Right side, ear to chin\n"
    "A close-up of the area that bothers you, in daylight"
)


class ConsultationType(models.Model):
    """How long a consultation for one group of procedures takes, and the buffer after it
    (notes, room turnover) during which the provider takes nobody else."""

    category = models.CharField(
        max_length=20,
        choices=ProcedureCategory.choices,
        unique=True,
        help_text="The procedure group (as on the procedures page) this consultation is for.",
    )
    name = models.CharField(
        max_length=80, help_text="Shown to patients, e.g. “Surgical consultation”."
    )
    minutes = models.PositiveSmallIntegerField(help_text="Length of the consultation itself.")
    buffer_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Kept free after it before the provider's next consultation."
    )
    video = models.BooleanField(
        default=False,
        help_text="Held by video call rather than at the clinic. The emails say so; the "
        "front desk sends the call's link.",
    )
    accepts_photos = models.BooleanField(
        default=False,
        help_text="After booking, patients may send up to 6 photos privately from the link in "
        "their email, so the provider sees them before the call. Only the front desk and "
        "providers can open them.",
    )
    photo_angles = models.TextField(
        blank=True,
        default=DEFAULT_PHOTO_ANGLES,
        help_text="The views the clinic asks for, one per line, e.g. “Face, straight on”. "
        "Shown to the patient beside the upload.",
    )

    panels = [
        FieldPanel("category"),
        FieldPanel("name"),
        MultiFieldPanel([FieldPanel("minutes"), FieldPanel("buffer_minutes")], heading="Length"),
        MultiFieldPanel(
            [FieldPanel("video"), FieldPanel("accepts_photos"), FieldPanel("photo_angles")],
            heading="Virtual consultation",
        ),
    ]

    class Meta:
        ordering = ["category"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=5, minutes__lte=240, buffer_minutes__lte=120),
                name="consultation_type_sane_length",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_category_display()}, {self.minutes} min)"

    @property
    def angles(self) -> list[str]:
        return [line.strip() for line in self.photo_angles.splitlines() if line.strip()]

    @property
    def held(self) -> dt.timedelta:
        """How long a booking of this type keeps its provider busy."""
        return dt.timedelta(minutes=self.minutes + self.buffer_minutes)


class Provider(ClusterableModel):
    """A clinician's diary: when patients can book them. Works within the clinic's hours,
    narrowed by their own weekly hours and days away. Who they are (name, letters, role,
    photo, the procedures they do, whether patients can book them) is their `Clinician`;
    each clinician has one diary, made when the clinician is first saved."""

    clinician = models.OneToOneField(
        "procedures.Clinician", on_delete=models.PROTECT, related_name="diary"
    )
    # The secret in the address of their private calendar feed (/calendar/<token>.ics),
    # shown to the front desk on the provider's calendar page; empty: no feed. 256 random
    # bits, so guessing one is hopeless; a reset replaces it and the old address is dead.
    calendar_feed_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    panels = [
        FieldPanel("clinician"),
        InlinePanel(
            "hours",
            heading="Weekly hours",
            help_text="Within the clinic's opening hours. With none, they work whenever the "
            "clinic is open.",
        ),
        InlinePanel("closures", heading="Days away (leave, training)"),
    ]

    class Meta:
        ordering = ["clinician__sort_order", "clinician__name"]
        verbose_name = "diary"
        verbose_name_plural = "diaries"

    def __str__(self):
        return self.clinician.name

    # What the booking pages, emails and calendars say of them, read from the clinician.
    @property
    def name(self) -> str:
        return self.clinician.name

    @property
    def title(self) -> str:
        return self.clinician.letters_and_role

    @property
    def photo(self):
        return self.clinician.photo

    @property
    def profile_page(self):
        return self.clinician.profile_page

    @property
    def active(self) -> bool:
        return self.clinician.bookable


def open_diary(sender, instance, created, raw=False, **kwargs) -> None:
    """Every clinician gets a diary when first saved, so the front desk finds one to give
    hours to (connected in `apps.py`; fixtures (`raw`) bring their own)."""
    if created and not raw:
        Provider.objects.get_or_create(clinician=instance)


class ProviderHours(Orderable):
    """One period a provider works on a weekday (clinic time). A day may have several."""

    provider = ParentalKey(Provider, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField(help_text="Clinic time (Jackson, MS), e.g. 09:00.")
    ends = models.TimeField(help_text="Clinic time (Jackson, MS), e.g. 13:00.")

    panels = [FieldPanel("weekday"), FieldPanel("starts"), FieldPanel("ends")]

    class Meta(Orderable.Meta):
        verbose_name_plural = "provider hours"
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="provider_hours_sane"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class ProviderClosure(Orderable):
    """Days a provider is away although the clinic is open."""

    provider = ParentalKey(Provider, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(help_text="First day away.")
    ends_on = models.DateField(help_text="Last day away; the same as the first for one day.")
    reason = models.CharField(max_length=100, blank=True, help_text="For staff, e.g. “Leave”.")

    panels = [FieldPanel("starts_on"), FieldPanel("ends_on"), FieldPanel("reason")]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="provider_closure_sane"
            ),
        ]

    def __str__(self):
        return f"{self.reason or 'Away'} ({self.starts_on:%b %d}–{self.ends_on:%b %d})"

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class ConsultationStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"
    DECLINED = "declined", "Declined"
    # Closed by `anonymise_consultations`: its time passed long ago and nobody recorded an
    # outcome, so retention can reach it (services.EXPIRE_AFTER_DAYS).
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
    # raises it (services.consultation_manage_link_revoke), so older links stop working and
    # say they were replaced. Links sent before it existed count as 1.
    manage_link_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("manage_consultations", "Can see and manage consultation requests"),
            ("export_consultations", "Can export consultation requests"),
            ("view_patient_photos", "Can open the photos patients send"),
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
    (`bookings.admin_views.patient_photo`)."""

    def url(self, name):
        return reverse("bookings_admin:patient_photo", args=[name])


def patient_photo_storage():
    return PatientPhotoStorage(location=settings.PRIVATE_MEDIA_ROOT)


MAX_PATIENT_PHOTOS = 6


class PatientPhoto(models.Model):
    """A photo a patient sent for a virtual consultation, re-encoded as a JPEG without its
    metadata (`bookings.patient_photos`). Goes when the patient withdraws it and with the
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


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    FULFILLED = "fulfilled", "Booked from an offer"
    LEFT = "left", "Left the waitlist"
    EXPIRED = "expired", "Expired (its date passed)"


# A time of day is a morning before this local hour, an afternoon from it.
AFTERNOON_FROM_HOUR = 12


class WaitlistEntry(models.Model):
    """A patient who found no time that suits and wants to hear when one frees up.

    Freed times are offered to waiting entries oldest first (offers.py); the first to
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
