"""Every change to a request's payment. A payment moves once from awaiting to paid (a fee),
card saved (a card on file) or released (the hold ran out); each move is a conditional
update on its state, so two deliveries of one Stripe event, a webhook and the patient's
return page, or the worker and a webhook, move it once between them.

What Stripe says is read from Stripe (`gateway.checkout_retrieve`), whoever brings the
news: a webhook's event only names the session, so a forged or replayed event can change
nothing that Stripe itself does not report.

The callers queue what follows (emails, offering a freed time): the worker floor sits above
this one.
"""

import datetime as dt
import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.log_actions import log

from bookings.messages.links import payment_from_token, payment_token, payment_url
from bookings.models import (
    BookingRules,
    ConsultationRequest,
    ConsultationStatus,
    ConsultationType,
    Payment,
    PaymentKind,
    PaymentRule,
    PaymentState,
    StripeEvent,
    payments_online,
)
from bookings.payments import gateway

__all__ = ["payment_from_token", "payment_token", "payment_url"]  # the payment page's link

logger = logging.getLogger(__name__)

GatewayError = gateway.GatewayError

# --- The hold ------------------------------------------------------------------------------


def payment_hold_start(
    *,
    consultation: ConsultationRequest,
    consultation_type: ConsultationType | None,
    rules: BookingRules,
    now: dt.datetime,
) -> Payment | None:
    """For a new request holding a time, of a type with a payment rule, while payments are
    online: the payment it awaits, and until when its time is held. Call inside the
    transaction that saves the request. "Call me" requests hold nothing and pay nothing
    online: the front desk arranges them."""
    if not (consultation_type and consultation_type.takes_payment and payments_online()):
        return None
    if consultation.slot_start is None:
        return None
    is_fee = consultation_type.payment_rule == PaymentRule.FEE
    refundable_until = None
    if is_fee:
        refundable_until = consultation.slot_start - dt.timedelta(
            hours=consultation_type.refundable_hours
        )
    return Payment.objects.create(
        consultation=consultation,
        kind=PaymentKind.FEE if is_fee else PaymentKind.CARD,
        amount_cents=consultation_type.fee_dollars * 100,
        credited=is_fee and consultation_type.fee_credited,
        refundable_until=refundable_until,
        hold_until=now + dt.timedelta(minutes=rules.payment_hold_minutes),
    )


class NotAwaitingPayment(ValidationError):
    pass


def checkout_start(payment: Payment, *, now: dt.datetime | None = None) -> str:
    """The address of Stripe's hosted page for this payment: the open session's, or a new
    one. Raises GatewayError when Stripe cannot be reached (nothing changes: the patient
    tries again), NotAwaitingPayment when there is nothing to pay."""
    now = now or timezone.now()
    consultation = payment.consultation
    # A request the front desk closed meanwhile is not paid for, even inside its hold.
    if payment.state != PaymentState.AWAITING or now >= payment.hold_until:
        raise NotAwaitingPayment("There is nothing to pay for this booking now.")
    if not consultation.is_open:
        raise NotAwaitingPayment("There is nothing to pay for this booking now.")
    if payment.checkout_session_id:
        session = gateway.checkout_retrieve(payment.checkout_session_id)
        if session.status == "open":
            return session.url
        if session.status == "complete":
            payment_sync(payment, session)
            raise NotAwaitingPayment("This booking is already paid.")
    if payment.kind == PaymentKind.CARD and not payment.customer_id:
        payment.customer_id = gateway.customer_create(
            reference=consultation.reference, email=consultation.email
        )
        payment.save(update_fields=["customer_id", "updated_at"])
    back = payment_url(payment)
    # Stripe keeps a session open at least 30 minutes; the hold may be shorter, and its
    # release expires the session first (`payment_hold_release`).
    expires = max(payment.hold_until, now + dt.timedelta(minutes=gateway.CHECKOUT_MIN_MINUTES))
    session = gateway.checkout_create(
        kind=payment.kind,
        reference=consultation.reference,
        amount_cents=payment.amount_cents,
        email=consultation.email,
        customer_id=payment.customer_id,
        expires_at=int(expires.timestamp()) + 60,
        success_url=back + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=back + "?cancelled=1",
        attempt_key=uuid.uuid4().hex,
    )
    Payment.objects.filter(pk=payment.pk, state=PaymentState.AWAITING).update(
        checkout_session_id=session.id, checkout_url=session.url, updated_at=now
    )
    payment.checkout_session_id, payment.checkout_url = session.id, session.url
    return session.url


# --- What Stripe reports --------------------------------------------------------------------


def payment_sync(payment: Payment, session: gateway.CheckoutSession | None = None) -> str:
    """Bring the payment in line with its Checkout session, as Stripe reports it. Returns
    what changed: "paid", "card_saved", "released" or "" (nothing)."""
    if session is None:
        if not payment.checkout_session_id:
            return ""
        session = gateway.checkout_retrieve(payment.checkout_session_id)
    if gateway.settled(session):
        return _completed(payment, session)
    if session.status == "expired" and session.id == payment.checkout_session_id:
        return payment_hold_release(payment, session_closed=True)
    return ""


def _completed(payment: Payment, session: gateway.CheckoutSession) -> str:
    now = timezone.now()
    if payment.kind == PaymentKind.FEE:
        fields = {
            "state": PaymentState.PAID,
            "payment_intent_id": session.payment_intent_id,
        }
        change = "paid"
    else:
        fields = {
            "state": PaymentState.CARD_SAVED,
            "customer_id": session.customer_id or payment.customer_id,
            "payment_method_id": session.payment_method_id,
        }
        change = "card_saved"
    with transaction.atomic():
        moved = Payment.objects.filter(pk=payment.pk, state=PaymentState.AWAITING).update(
            checkout_session_id=session.id, completed_at=now, updated_at=now, **fields
        )
        if not moved:
            payment.refresh_from_db()
            if payment.state == PaymentState.RELEASED and change == "paid":
                # Paid in another tab after the time was released: the money goes back.
                return "paid_after_release"
            return ""
        payment.refresh_from_db()
        log(
            payment.consultation, f"bookings.payment_{change}", data={"cents": payment.amount_cents}
        )
    return change


def payment_hold_release(payment: Payment, *, session_closed: bool = False) -> str:
    """The hold is over and nothing was paid: close the Checkout session (so it cannot be
    paid now), then cancel the request, which releases its time. If Stripe says the session
    was paid meanwhile, it is a payment after all. Returns "released", "paid",
    "card_saved" or ""."""
    if payment.state != PaymentState.AWAITING:
        return ""
    if payment.checkout_session_id and not session_closed:
        try:
            session = gateway.checkout_expire(payment.checkout_session_id)
        except GatewayError:
            # Refused because it is complete (or Stripe is away): ask, and act on the answer.
            session = gateway.checkout_retrieve(payment.checkout_session_id)
        if gateway.settled(session):
            return _completed(payment, session)
        if session.status == "complete":  # complete but not yet paid: not released
            return ""
    now = timezone.now()
    with transaction.atomic():
        moved = Payment.objects.filter(pk=payment.pk, state=PaymentState.AWAITING).update(
            state=PaymentState.RELEASED, updated_at=now
        )
        if not moved:
            return ""
        consultation = ConsultationRequest.objects.select_for_update().get(
            pk=payment.consultation_id
        )
        if consultation.is_open:
            consultation.status = ConsultationStatus.CANCELLED
            consultation.closed_at = now
            consultation.save(update_fields=["status", "closed_at", "updated_at"])
        log(consultation, "bookings.payment_hold_released")
    payment.refresh_from_db()
    return "released"


def payments_overdue(now: dt.datetime | None = None):
    """Payments whose hold is over and still unpaid: the worker's sweep releases them."""
    now = now or timezone.now()
    return Payment.objects.filter(state=PaymentState.AWAITING, hold_until__lte=now)


# --- Webhooks --------------------------------------------------------------------------------

HANDLED_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.expired",
    "charge.refunded",
}


def stripe_event_record(event) -> StripeEvent | None:
    """Keep a verified event by its id. None when it is already kept (a retry, a replay or
    a duplicate delivery) or not one we handle: then nothing more happens."""
    if event["type"] not in HANDLED_EVENTS:
        return None
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(
                event_id=event["id"],
                type=event["type"],
                object_id=event["data"]["object"]["id"],
            )
    except IntegrityError:
        return None


def stripe_event_process(event_id: int) -> tuple[str, Payment | None]:
    """Handle a kept event once: claimed by a conditional update, so two workers cannot
    both handle it. Returns (what changed, the payment). On GatewayError the claim is
    given back and the caller retries later."""
    now = timezone.now()
    if not StripeEvent.objects.filter(pk=event_id, processed_at=None).update(processed_at=now):
        return "", None
    event = StripeEvent.objects.get(pk=event_id)
    try:
        change, payment = _handle(event)
    except GatewayError:
        StripeEvent.objects.filter(pk=event_id).update(processed_at=None)
        raise
    event.outcome = change or ("unknown" if payment is None else "no change")
    event.save(update_fields=["outcome"])
    return change, payment


def _handle(event: StripeEvent) -> tuple[str, Payment | None]:
    if event.type == "charge.refunded":
        try:
            payment_intent_id, refunded = gateway.charge_retrieve(event.object_id)
        except gateway.NotFound:
            return "", None
        payment = Payment.objects.filter(payment_intent_id=payment_intent_id).first()
        if payment is None:
            return "", None
        # A refund made in Stripe's dashboard: the request shows it too.
        moved = Payment.objects.filter(pk=payment.pk, refunded_cents__lt=refunded).update(
            refunded_cents=min(refunded, payment.amount_cents), updated_at=timezone.now()
        )
        return ("refunded" if moved else ""), payment
    try:
        session = gateway.checkout_retrieve(event.object_id)
    except gateway.NotFound:
        return "", None
    payment = (
        Payment.objects.select_related("consultation")
        .filter(consultation__reference=session.reference)
        .first()
        if session.reference
        else None
    )
    if payment is None:
        logger.info("Stripe event %s names no booking of ours", event.event_id)
        return "", None
    return payment_sync(payment, session), payment


def payment_follows_time(
    *, consultation: ConsultationRequest, previous: dt.datetime | None, start: dt.datetime | None
) -> None:
    """A consultation moved: its fee's refund deadline keeps its distance from it. (Moved to
    "call me", the deadline stays.)"""
    if previous is None or start is None or previous == start:
        return
    Payment.objects.filter(consultation=consultation, refundable_until__isnull=False).update(
        refundable_until=F("refundable_until") + (start - previous)
    )
