"""What patients book: the booking rules, the consultation types and each clinician's
diary (working hours and days away)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, Panel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable

from allure.base.models import Weekday
from procedures.models import ProcedureCategory

from .payments import PaymentRule, dollars, payments_online

DEFAULT_CHANGE_POLICY = (
    "Your consultation time is kept for you alone. If you need to cancel or move it, please "
    "do so from the link in your email, or call us, at least a day before. A consultation "
    "fee is refunded in full when you cancel before the refund deadline shown on your "
    "booking. If a card is kept on file, the stated fee is charged only when a consultation "
    "is missed, or cancelled or moved after the deadline."
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
    late_change_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MaxValueValidator(14 * 24)],
        help_text="Hours before a consultation from which patients can no longer cancel or "
        "move it online: their page says why and gives the clinic's number (staff still can). "
        "0: no such window.",
    )
    privacy_notice_version = models.CharField(
        max_length=20,
        default="2026-11",
        help_text="Stored with each patient's consent. Change it when the privacy notice changes.",
    )
    payment_hold_minutes = models.PositiveSmallIntegerField(
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text="When a consultation type takes a fee or a card: how long a patient's time "
        "is held while they pay. Unpaid after that, the time is released.",
    )
    change_policy = models.TextField(
        default=DEFAULT_CHANGE_POLICY,
        help_text="The cancellation and no-show policy patients accept when a consultation "
        "type takes a fee or a card. Shown on the booking form and in the emails.",
    )
    change_policy_version = models.CharField(
        max_length=20,
        default="2026-12",
        help_text="Stored with each patient's acceptance (with the time and their address). "
        "Change it whenever the policy's wording changes.",
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
        FieldPanel("late_change_hours"),
        FieldPanel("privacy_notice_version"),
        MultiFieldPanel(
            [
                FieldPanel("payment_hold_minutes"),
                FieldPanel("change_policy"),
                FieldPanel("change_policy_version"),
            ],
            heading="Fees and cards on file",
        ),
    ]

    def too_late_to_change(self, start: dt.datetime | None, now: dt.datetime) -> bool:
        """Whether a consultation at `start` is inside the late-change window at `now`."""
        window = dt.timedelta(hours=self.late_change_hours)
        return bool(self.late_change_hours and start and start - now < window)

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


class PaymentsStatusPanel(Panel):
    """Says, above the payment rule, whether payments are on (Stripe's keys set) and what a
    rule means while they are off."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "bookings/admin/payments_status_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["online"] = payments_online()
            context["need_stripe"] = settings.PAYMENTS_NEED_STRIPE
            return context


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

    payment_rule = models.CharField(
        max_length=10,
        choices=PaymentRule.choices,
        default=PaymentRule.NONE,
        help_text="A fee is paid, or a card kept, through Stripe's own payment page; no card "
        "number reaches this site.",
    )
    fee_dollars = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(5000)],
        help_text="In whole dollars. With a consultation fee: the fee. With a card on file: "
        "what a missed consultation, or a change inside the late-change window, costs.",
    )
    fee_credited = models.BooleanField(
        default=True,
        help_text="A consultation fee is credited toward the treatment if the patient goes ahead.",
    )
    refundable_hours = models.PositiveSmallIntegerField(
        default=48,
        validators=[MaxValueValidator(30 * 24)],
        help_text="A consultation fee is refunded when the patient cancels at least this many "
        "hours before the consultation.",
    )

    panels = [
        FieldPanel("category"),
        FieldPanel("name"),
        MultiFieldPanel([FieldPanel("minutes"), FieldPanel("buffer_minutes")], heading="Length"),
        MultiFieldPanel(
            [FieldPanel("video"), FieldPanel("accepts_photos"), FieldPanel("photo_angles")],
            heading="Virtual consultation",
        ),
        MultiFieldPanel(
            [
                PaymentsStatusPanel(),
                FieldPanel("payment_rule"),
                FieldPanel("fee_dollars"),
                FieldPanel("fee_credited"),
                FieldPanel("refundable_hours"),
            ],
            heading="Fee or card at booking",
        ),
    ]

    class Meta:
        ordering = ["category"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=5, minutes__lte=240, buffer_minutes__lte=120),
                name="consultation_type_sane_length",
            ),
            models.CheckConstraint(
                condition=Q(payment_rule="none") | Q(fee_dollars__gte=1),
                name="consultation_type_payment_has_an_amount",
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

    def clean(self):
        super().clean()
        if self.payment_rule == PaymentRule.NONE:
            return
        if not self.fee_dollars:
            raise ValidationError({"fee_dollars": "Enter the amount, in whole dollars."})
        if settings.PAYMENTS_NEED_STRIPE and not payments_online():
            raise ValidationError(
                {
                    "payment_rule": "Payments are off: this site has no Stripe keys "
                    "(STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, docs/payments.md), so a fee "
                    "or a card could not be taken. Ask whoever runs the server to set them."
                }
            )

    @property
    def takes_payment(self) -> bool:
        return self.payment_rule != PaymentRule.NONE

    def payment_terms(self, *, late_change_hours: int, online: bool | None = None) -> str:
        """What the patient is told before they start, on the booking page, the procedure
        page's booking call and the emails: "$100 consultation fee, credited toward your
        treatment; refundable up to 48 hours before." Empty when nothing is asked."""
        online = payments_online() if online is None else online
        fee = dollars(self.fee_dollars * 100)
        if self.payment_rule == PaymentRule.FEE:
            parts = [f"{fee} consultation fee"]
            if not online:
                parts.append("payable at the clinic")
            if self.fee_credited:
                parts.append("credited toward your treatment")
            terms = ", ".join(parts)
            if online and self.refundable_hours:
                terms += f"; refundable up to {self.refundable_hours} hours before"
            return terms + "."
        if self.payment_rule == PaymentRule.CARD:
            when = (
                f"cancelled or moved less than {late_change_hours} hours before"
                if late_change_hours
                else "cancelled at the last minute"
            )
            if not online:
                return f"A consultation missed or {when} may cost {fee}, payable at the clinic."
            return (
                f"A card kept on file, nothing charged now; {fee} if the consultation is "
                f"missed or {when}."
            )
        return ""


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
