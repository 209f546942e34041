"""Refunds and no-show charges: the money the clinic moves after a booking is paid or its
card kept, by the front desk's hand (bookings/frontdesk/payments.py) or by the clinic's own
rule (a cancellation before the refund deadline, a payment after the hold; tasks.refund_fee).
Each runs with the payment's row locked, refuses a payment that changed since the person
confirming looked at it, and is logged with who and why."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from bookings.models import (
    ConsultationStatus,
    Payment,
    PaymentEntry,
    PaymentEntryKind,
    PaymentState,
    dollars,
)
from bookings.payments import gateway

GatewayError = gateway.GatewayError


class PaymentRefused(ValidationError):
    pass


def _locked(payment: Payment, seen_version: str) -> Payment:
    """The payment's row, locked until the transaction ends, as long as it is still what the
    person confirming saw (`Payment.version`); otherwise they look again."""
    current = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment_version(current) != seen_version:
        raise PaymentRefused(
            "This payment changed a moment ago, so nothing was done. Please look at it again."
        )
    return current


def payment_version(payment: Payment) -> str:
    """What a confirmation step shows, in one value: a second click of the same confirmation
    finds it changed and does nothing."""
    return f"{payment.state}.{payment.refunded_cents}.{payment.no_show_charged_cents}"


def payment_refund(
    *, payment: Payment, cents: int, reason: str, user, seen_version: str
) -> PaymentEntry:
    """Refund all or part of a paid fee. `user` None: the clinic's own rule did it (a
    patient's cancellation before the refund deadline, a payment after the hold)."""
    reason = reason.strip()
    if not reason:
        raise PaymentRefused({"reason": "Say why, for the record."})
    with transaction.atomic():
        current = _locked(payment, seen_version)
        if current.state != PaymentState.PAID or not current.payment_intent_id:
            raise PaymentRefused("Only a paid fee can be refunded.")
        if not 0 < cents <= current.refundable_cents:
            raise PaymentRefused(
                {
                    "amount": "Enter an amount up to "
                    f"{dollars(current.refundable_cents)}, what is left of the fee."
                }
            )
        stripe_id = gateway.refund_create(
            payment_intent_id=current.payment_intent_id,
            amount_cents=cents,
            idempotency_key=f"refund-{current.pk}-{payment_version(current)}-{cents}",
        )
        now = timezone.now()
        current.refunded_cents += cents
        current.save(update_fields=["refunded_cents", "updated_at"])
        entry = PaymentEntry.objects.create(
            payment=current,
            kind=PaymentEntryKind.REFUND,
            cents=cents,
            stripe_id=stripe_id,
            by=user,
            reason=reason,
            at=now,
        )
        log(
            current.consultation,
            "bookings.payment_refunded",
            user=user,
            data={"cents": cents, "reason": reason},
        )
    payment.refresh_from_db()
    return entry


def payment_no_show_charge(*, payment: Payment, reason: str, user, seen_version: str):
    """Charge the stated fee to the card kept on file, once: for a no-show, or a cancellation
    the patient asked for inside the late-change window."""
    reason = reason.strip()
    if not reason:
        raise PaymentRefused({"reason": "Say why, for the record."})
    with transaction.atomic():
        current = _locked(payment, seen_version)
        consultation = current.consultation
        if current.state != PaymentState.CARD_SAVED or not current.payment_method_id:
            raise PaymentRefused("There is no card on file for this booking.")
        if current.no_show_charged_cents:
            raise PaymentRefused("The fee has already been charged.")
        if consultation.status not in (ConsultationStatus.NO_SHOW, ConsultationStatus.CANCELLED):
            raise PaymentRefused(
                "Mark the request as a no-show (or cancel it) first: the fee is for a missed "
                "consultation or a late change."
            )
        stripe_id = gateway.off_session_charge(
            customer_id=current.customer_id,
            payment_method_id=current.payment_method_id,
            amount_cents=current.amount_cents,
            reference=consultation.reference,
            # One per payment, ever: a second click, or a retry after a lost answer, is
            # the same charge at Stripe.
            idempotency_key=f"no-show-{current.pk}",
        )
        current.no_show_charged_cents = current.amount_cents
        current.save(update_fields=["no_show_charged_cents", "updated_at"])
        entry = PaymentEntry.objects.create(
            payment=current,
            kind=PaymentEntryKind.NO_SHOW_CHARGE,
            cents=current.amount_cents,
            stripe_id=stripe_id,
            by=user,
            reason=reason,
            at=timezone.now(),
        )
        log(
            consultation,
            "bookings.payment_no_show_charged",
            user=user,
            data={"cents": current.amount_cents, "reason": reason},
        )
    payment.refresh_from_db()
    return entry


def refund_due_on_cancel(payment: Payment | None, now: dt.datetime) -> bool:
    """A patient who cancels before the refund deadline gets the fee back."""
    return bool(
        payment
        and payment.state == PaymentState.PAID
        and payment.refundable_cents
        and payment.refundable_until
        and now < payment.refundable_until
    )
