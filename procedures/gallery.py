"""Before-and-after photo pairs and the consent ledger they stand on.

A pair is shown only while the patient's consent allows the website. Three places refuse a
published pair without it: the model's `clean` (the admin form shows the message), and the
database itself (triggers, see migration 0005), so no import, shell or script gets round it.
Ending a consent goes through `procedures.services`, which unpublishes its pairs first.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.timezone import localdate
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable


class ConsentFormStorage(FileSystemStorage):
    """Scanned consent forms live outside MEDIA_ROOT, so no web server or `/media/` route can
    hand them out. Their address is the admin view that checks who asks
    (`procedures.admin_views.consent_form`), so the admin's file field links there."""

    def url(self, name):
        return reverse("procedures_consent_form", args=[name])


def consent_form_storage():
    return ConsentFormStorage(location=settings.PRIVATE_MEDIA_ROOT)


class ConsentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REVOKED = "revoked", "Revoked by the patient"
    # Set by `manage.py expire_consents` once the expiry date has passed: the database
    # cannot read the clock, so the date becomes a stored status it can check.
    EXPIRED = "expired", "Expired"


class ConsentRecord(models.Model):
    """A patient's written permission to show their photos: who (by booking reference only),
    where, from when and until when, and the signed form itself."""

    booking_reference = models.CharField(
        max_length=20,
        help_text="The patient's consultation reference, e.g. “AL-7K2QX”. Never their name.",
    )
    allows_website = models.BooleanField(
        default=False, help_text="The patient agreed to their photos on this website."
    )
    allows_social_media = models.BooleanField(
        default=False, help_text="The patient agreed to their photos on the clinic's social media."
    )
    anonymised_only = models.BooleanField(
        default=False,
        help_text="Only with the face, tattoos and other identifying marks hidden.",
    )
    given_on = models.DateField(help_text="The date the patient signed the consent form.")
    expires_on = models.DateField(
        null=True,
        blank=True,
        help_text="Last day the consent holds, if the form gives one. Photos leave the site "
        "the next day.",
    )
    status = models.CharField(
        max_length=10,
        choices=ConsentStatus.choices,
        default=ConsentStatus.ACTIVE,
        help_text="Choose “Revoked” when the patient withdraws: their photos leave the site at "
        "once. A revoked or expired consent cannot be made active again; record a new one.",
    )
    scanned_form = models.FileField(
        storage=consent_form_storage,
        upload_to="consent-forms/%Y/",
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])],
        help_text="The signed form (PDF, JPEG or PNG). Only the front desk can open it.",
    )

    panels = [
        FieldPanel("booking_reference"),
        MultiFieldPanel(
            [
                FieldPanel("allows_website"),
                FieldPanel("allows_social_media"),
                FieldPanel("anonymised_only"),
            ],
            heading="What the patient agreed to",
        ),
        FieldRowPanel([FieldPanel("given_on"), FieldPanel("expires_on")]),
        FieldPanel("status"),
        FieldPanel("scanned_form"),
    ]

    class Meta:
        ordering = ["-given_on", "-pk"]
        permissions = [("view_consent_form", "Can open scanned consent forms")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("given_on")),
                name="consent_expires_after_it_is_given",
                violation_error_message="A consent cannot expire before it was given.",
            ),
        ]

    def __str__(self):
        scope = self.scope or "nothing yet"
        return f"{self.booking_reference}: {scope} ({self.get_status_display().lower()})"

    @property
    def scope(self) -> str:
        return ", ".join(self.scope_labels())

    def scope_labels(self) -> list[str]:
        labels = []
        if self.allows_website:
            labels.append("website")
        if self.allows_social_media:
            labels.append("social media")
        if self.anonymised_only:
            labels.append("anonymised only")
        return labels

    def allows_website_on(self, day) -> bool:
        return (
            self.allows_website
            and self.status == ConsentStatus.ACTIVE
            and (self.expires_on is None or self.expires_on >= day)
        )

    def clean(self):
        super().clean()
        today = localdate()
        if self.given_on and self.given_on > today:
            raise ValidationError({"given_on": "The consent date cannot be in the future."})
        if self.given_on and self.expires_on and self.expires_on < self.given_on:
            raise ValidationError({"expires_on": "The expiry cannot be before the consent date."})
        if self.pk and self.status == ConsentStatus.ACTIVE:
            stored = ConsentRecord.objects.filter(pk=self.pk).values_list("status", flat=True)
            if stored and stored[0] != ConsentStatus.ACTIVE:
                raise ValidationError(
                    {
                        "status": "A consent that was revoked or has expired stays that way. "
                        "Record the patient's new consent as a new record."
                    }
                )


class ResultPairQuerySet(models.QuerySet):
    def shown(self, today):
        """Pairs visitors may see today: published, with a website consent still running
        (the expiry date is checked here too, so a page drawn before the worker's next run
        never shows a pair whose consent ended yesterday)."""
        return (
            self.filter(
                is_published=True,
                consent__allows_website=True,
                consent__status=ConsentStatus.ACTIVE,
                procedure__live=True,
            )
            .exclude(consent__expires_on__lt=today)
            .order_by("procedure__title", "sort_order", "pk")
        )


class TimeUnit(models.TextChoices):
    WEEKS = "weeks", "weeks"
    MONTHS = "months", "months"


class ResultPair(ClusterableModel):
    """One patient's result: the same view before and after treatment, with the facts a
    patient needs to read it fairly."""

    procedure = models.ForeignKey(
        "procedures.ProcedurePage",
        on_delete=models.CASCADE,
        related_name="result_pairs",
        help_text="The procedure the photos show; they appear on its page and in the gallery.",
    )
    patient_reference = models.CharField(
        max_length=20,
        help_text="The patient's consultation reference, e.g. “AL-7K2QX”, as on their consent "
        "record. Never their name.",
    )
    consent = models.ForeignKey(
        ConsentRecord,
        on_delete=models.PROTECT,
        related_name="result_pairs",
        help_text="The patient's consent record (kept by the front desk). It must allow the "
        "website for the pair to be published.",
    )
    before_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.CASCADE,  # see ResultPair.Meta
        related_name="+",
        help_text="Before treatment. Same size and orientation as the after photo.",
    )
    after_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.CASCADE,  # see ResultPair.Meta
        related_name="+",
        help_text="After treatment, taken from the same angle and distance.",
    )
    before_alt = models.CharField(
        max_length=200,
        help_text="What the before photo shows, for people who cannot see it, e.g. “Cheek with "
        "deep acne scars and uneven tone”.",
    )
    after_alt = models.CharField(
        max_length=200,
        help_text="What changed, e.g. “The same cheek with shallower scars and even tone”.",
    )
    caption = models.CharField(
        max_length=200, blank=True, help_text="One short sentence about this result (optional)."
    )
    treated_by = models.CharField(
        max_length=80,
        help_text="Who treated the patient, e.g. “Dr. Walker, M.D.” (until providers from the "
        "booking diary can be chosen here).",
    )
    sessions = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text="Number of treatment sessions."
    )
    time_after = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        help_text="How long after the last session the after photo was taken.",
    )
    time_after_unit = models.CharField(
        max_length=10,
        choices=TimeUnit.choices,
        default=TimeUnit.WEEKS,
        help_text="Weeks or months, for the number before it.",
    )
    identifying_features_hidden = models.BooleanField(
        default=False,
        help_text="The face and any identifying marks are hidden in every photo. Required when "
        "the consent is for anonymised photos only.",
    )
    is_published = models.BooleanField(
        default=False,
        help_text="Show on the site. Only possible while the consent allows the website.",
    )
    sort_order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first on the procedure page."
    )

    objects = ResultPairQuerySet.as_manager()

    panels = [
        FieldPanel("procedure"),
        FieldPanel("patient_reference"),
        FieldPanel("consent"),  # the widget is set in wagtail_hooks: a plain select
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("before_image"), FieldPanel("after_image")]),
                FieldPanel("before_alt"),
                FieldPanel("after_alt"),
                FieldPanel("identifying_features_hidden"),
            ],
            heading="Photos",
        ),
        InlinePanel("angles", label="Extra angle", heading="Extra angles (optional)"),
        MultiFieldPanel(
            [
                FieldPanel("treated_by"),
                FieldPanel("sessions"),
                FieldRowPanel([FieldPanel("time_after"), FieldPanel("time_after_unit")]),
                FieldPanel("caption"),
            ],
            heading="About the result",
        ),
        FieldRowPanel([FieldPanel("is_published"), FieldPanel("sort_order")]),
    ]

    class Meta:
        # Deleting a photo from the image library deletes the pairs (or angles) that use it:
        # a pair without its photo means nothing, Wagtail's delete screen lists where the
        # photo is used first, and the consent record stays. (PROTECT would make the image
        # library's delete a server error: it does not handle ProtectedError.)
        ordering = ["procedure", "sort_order", "pk"]

    def __str__(self):
        return f"{self.procedure.title}: {self.caption or self.before_alt}"

    @property
    def time_after_label(self) -> str:
        unit = self.get_time_after_unit_display()
        if self.time_after == 1:
            unit = unit.removesuffix("s")
        return f"{self.time_after} {unit} after"

    @property
    def sessions_label(self) -> str:
        return "1 session" if self.sessions == 1 else f"{self.sessions} sessions"

    @cached_property
    def views(self) -> list["PhotoView"]:
        """The main view, then the extra angles: what the template draws, one slider each."""
        main = PhotoView(
            label="", before=self.before_image, after=self.after_image, pair=self, key="main"
        )
        return [main, *(angle.as_view(self) for angle in self.angles.all())]

    def clean(self):
        super().clean()
        errors = {}
        mismatch = size_mismatch(
            getattr(self, "before_image", None), getattr(self, "after_image", None)
        )
        if mismatch:
            errors["after_image"] = mismatch
        consent = self.consent if self.consent_id else None
        # One patient's consent cannot cover another's photos: revoking it would then
        # withdraw the wrong photos and leave these up.
        if (
            consent is not None
            and self.patient_reference
            and same_reference(consent.booking_reference) != same_reference(self.patient_reference)
        ):
            errors["consent"] = (
                f"This consent record is {consent.booking_reference}'s, not "
                f"{self.patient_reference}'s. Choose the consent this patient signed, or "
                "ask the front desk to record it."
            )
        if self.is_published and consent is not None and "consent" not in errors:
            if not consent.allows_website_on(localdate()):
                errors["is_published"] = (
                    "This pair cannot be published: its consent record does not allow the "
                    "website (not ticked, revoked or expired). Ask the front desk."
                )
            elif consent.anonymised_only and not self.identifying_features_hidden:
                errors["identifying_features_hidden"] = (
                    "The patient agreed to anonymised photos only: hide the face and any "
                    "identifying marks, then tick this box."
                )
        if errors:
            raise ValidationError(errors)


def same_reference(reference: str) -> str:
    """A booking reference as staff may type it (`al-7k2qx `) compared as printed."""
    return reference.strip().upper()


def photos_in_pairs() -> models.Q:
    """Images used by any before-and-after pair (main view or extra angle): a patient's,
    shown only under their consent, never for an editor to reuse on a page."""
    return (
        models.Q(pk__in=ResultPair.objects.values("before_image"))
        | models.Q(pk__in=ResultPair.objects.values("after_image"))
        | models.Q(pk__in=ResultPairAngle.objects.values("before_image"))
        | models.Q(pk__in=ResultPairAngle.objects.values("after_image"))
    )


class PhotoView:
    """One before/after comparison as the template draws it."""

    def __init__(self, *, label, before, after, pair, key):
        self.label, self.before, self.after, self.pair, self.key = label, before, after, pair, key
        prefix = f"{label}, " if label else ""
        self.before_alt = f"{prefix}before: {pair.before_alt}"
        self.after_alt = f"{prefix}after: {pair.after_alt}"


def orientation(image) -> str:
    if image.width == image.height:
        return "square"
    return "landscape" if image.width > image.height else "portrait"


def size_mismatch(before, after) -> str:
    """Why two photos cannot be compared by sliding one over the other, or ''."""
    if before is None or after is None:
        return ""
    if (before.width, before.height) == (after.width, after.height):
        return ""
    return (
        f"The before photo is {before.width}×{before.height} px ({orientation(before)}) and "
        f"the after photo is {after.width}×{after.height} px ({orientation(after)}). They "
        "must share size and orientation so the comparison lines up: crop or resize one "
        "to match the other."
    )


class ResultPairAngle(Orderable):
    """Another view of the same result, e.g. from the side."""

    pair = ParentalKey(ResultPair, on_delete=models.CASCADE, related_name="angles")
    label = models.CharField(max_length=40, help_text="E.g. “Left side” or “Close-up”.")
    before_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.CASCADE,  # see ResultPair.Meta
        related_name="+",
        help_text="Before treatment, from this angle.",
    )
    after_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.CASCADE,  # see ResultPair.Meta
        related_name="+",
        help_text="After treatment, same angle, size and orientation as the before photo.",
    )

    panels = [
        FieldPanel("label"),
        FieldRowPanel([FieldPanel("before_image"), FieldPanel("after_image")]),
    ]

    def __str__(self):
        return self.label

    def as_view(self, pair) -> PhotoView:
        return PhotoView(
            label=self.label,
            before=self.before_image,
            after=self.after_image,
            pair=pair,
            key=f"angle-{self.pk}",
        )

    def clean(self):
        super().clean()
        mismatch = size_mismatch(
            getattr(self, "before_image", None), getattr(self, "after_image", None)
        )
        if mismatch:
            raise ValidationError({"after_image": mismatch})
