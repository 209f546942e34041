"""Money at booking: what a consultation type asks for (its payment rule, on
`ConsultationType`), the payment a request holds through Stripe's hosted Checkout, each
refund or no-show charge the front desk makes, and the Stripe events already handled.

No card number is ever here: Stripe keeps the card; we keep Stripe's ids, the amounts and
the state. Only the booking reference goes to Stripe (bookings/payments/gateway.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


def payments_online() -> bool:
    """Stripe's keys are set: a payment rule is taken online. Without them (`make run`, a
    fresh clone) a fee is "payable at the clinic" and nothing goes to Stripe."""
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


class PaymentRule(models.TextChoices):
    NONE = "none", "Nothing at booking"
    FEE = "fee", "A consultation fee, paid when booking"
    CARD = "card", "A card kept on file (charged only for a late change or a no-show)"


def dollars(cents: int) -> str:
    """$100, or $12.50: how amounts are written for patients and staff."""
    whole, part = divmod(cents, 100)
    return f"${whole:,}" if not part else f"${whole:,}.{part:02d}"


class PaymentKind(models.TextChoices):
    FEE = "fee", "Consultation fee"
    CARD = "card", "Card on file"


class PaymentState(models.TextChoices):
    AWAITING = "awaiting", "Awaiting payment"
    PAID = "paid", "Paid"
    CARD_SAVED = "card_saved", "Card on file"
    # The hold ran out (or Checkout expired) before the patient paid: the time was released.
    RELEASED = "released", "Not paid: time released"


class Payment(models.Model):
    """The money side of one request whose consultation type has a payment rule, while
    Stripe is on. Made with the request (awaiting payment: the time is held until
    `hold_until`), then paid / card saved through Checkout, or released."""

    consultation = models.OneToOneField(
        "bookings.ConsultationRequest", on_delete=models.CASCADE, related_name="payment"
    )
    kind = models.CharField(max_length=10, choices=PaymentKind.choices)
    state = models.CharField(
        max_length=12, choices=PaymentState.choices, default=PaymentState.AWAITING
    )
    # The fee (kind fee), or the late-change / no-show fee that may be charged (kind card),
    # as the patient was told when booking; a later change of the type's rule changes nothing.
    amount_cents = models.PositiveIntegerField()
    credited = models.BooleanField(default=False, help_text="Credited toward the treatment.")
    refundable_until = models.DateTimeField(null=True, blank=True)
    hold_until = models.DateTimeField()

    checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    customer_id = models.CharField(max_length=255, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    payment_method_id = models.CharField(max_length=255, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    refunded_cents = models.PositiveIntegerField(default=0)
    no_show_charged_cents = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_has_an_amount"),
            models.CheckConstraint(
                condition=Q(refunded_cents__lte=models.F("amount_cents")),
                name="payment_refunds_within_amount",
            ),
        ]

    def __str__(self):
        # The audit log keeps this label: the reference only.
        return f"Payment for {self.consultation.reference}"

    @property
    def amount(self) -> str:
        return dollars(self.amount_cents)

    @property
    def refunded(self) -> str:
        return dollars(self.refunded_cents)

    @property
    def refundable_cents(self) -> int:
        return self.amount_cents - self.refunded_cents if self.state == PaymentState.PAID else 0

    @property
    def credit_cents(self) -> int:
        """What is credited toward treatment: the fee paid, less what was refunded."""
        return self.refundable_cents if self.credited else 0

    @property
    def summary(self) -> str:
        """One line for the front desk's list, the request and the calendar."""
        if self.state == PaymentState.PAID:
            text = f"Paid {self.amount}"
            if self.refunded_cents:
                text += f", {dollars(self.refunded_cents)} refunded"
            return text
        if self.state == PaymentState.CARD_SAVED:
            if self.no_show_charged_cents:
                return f"Card on file, {dollars(self.no_show_charged_cents)} charged"
            return "Card on file"
        return self.get_state_display()


class PaymentEntryKind(models.TextChoices):
    REFUND = "refund", "Refund"
    NO_SHOW_CHARGE = "no_show_charge", "No-show / late-change fee charged"


class PaymentEntry(models.Model):
    """One money action by the front desk (a refund, a no-show charge), with who and why.
    The audit log has the same; this row is what the request's page lists."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=PaymentEntryKind.choices)
    cents = models.PositiveIntegerField()
    stripe_id = models.CharField(max_length=255)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "payment entries"

    def __str__(self):
        return f"{self.get_kind_display()} of {dollars(self.cents)}"

    @property
    def amount(self) -> str:
        return dollars(self.cents)


class StripeEvent(models.Model):
    """A webhook event from Stripe, stored by its id the moment its signature checks out: a
    replay or a second delivery finds the row and changes nothing. The worker handles it
    (`processed_at`). Only the ids are kept, never the payload."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"
