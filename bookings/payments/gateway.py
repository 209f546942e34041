"""Every call to Stripe, through its official library, and nothing else talks to it.

What goes to Stripe: the booking reference (as `client_reference_id` and metadata, so a
Checkout session and its payment can be matched to the request), the amount, the
patient's email (for Stripe's own receipt) and the addresses Checkout returns to. Never a
procedure, a name, a message or anything about the patient's health: the product is
"Consultation fee" whatever the consultation is for.

Any failure (Stripe unreachable, slow, or refusing) is a `GatewayError` with a message the
caller may show; the callers keep their own state unchanged when one is raised.
"""

from dataclasses import dataclass

import stripe
from django.conf import settings

PRODUCT_NAME = "Consultation fee"
# Stripe's own limits for a Checkout session's lifetime.
CHECKOUT_MIN_MINUTES = 30


class GatewayError(Exception):
    def __init__(self, message: str = "We could not reach our card processor just now."):
        super().__init__(message)
        self.message = message


class NotFound(GatewayError):
    """Stripe answered, and has no such object (a webhook naming someone else's session)."""


class BadSignature(Exception):
    """A webhook whose signature does not check out (or is missing), or whose signed body is
    not an event at all."""


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=1,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT),
    )


def _call(method, *args, **kwargs) -> dict:
    """The call's answer as plain dicts (Stripe's objects are not dicts any more)."""
    try:
        return method(*args, **kwargs).to_dict()
    except stripe.CardError as error:
        raise GatewayError(
            f"The card was declined: {error.user_message or 'no reason given'}."
        ) from error
    except stripe.InvalidRequestError as error:
        if error.http_status == 404:
            raise NotFound("Stripe has no such object.") from error
        raise GatewayError() from error
    except stripe.StripeError as error:
        raise GatewayError() from error


@dataclass(frozen=True)
class CheckoutSession:
    """The part of a Checkout session the site reads."""

    id: str
    url: str
    status: str  # open, complete or expired
    reference: str
    payment_status: str = ""  # paid, unpaid or no_payment_required (a card kept)
    customer_id: str = ""
    payment_intent_id: str = ""
    payment_method_id: str = ""
    amount_total: int = 0


def _id(value) -> str:
    """An expandable field: an id, an expanded object, or nothing."""
    if not value:
        return ""
    return value if isinstance(value, str) else value["id"]


def _session(raw) -> CheckoutSession:
    setup_intent = raw.get("setup_intent")
    payment_method = ""
    if setup_intent and not isinstance(setup_intent, str):
        payment_method = _id(setup_intent.get("payment_method"))
    return CheckoutSession(
        id=raw["id"],
        url=raw.get("url") or "",
        status=raw.get("status") or "open",
        reference=raw.get("client_reference_id") or "",
        payment_status=raw.get("payment_status") or "",
        customer_id=_id(raw.get("customer")),
        payment_intent_id=_id(raw.get("payment_intent")),
        payment_method_id=payment_method,
        amount_total=raw.get("amount_total") or 0,
    )


def settled(session: CheckoutSession) -> bool:
    """Complete, and the money (or the card) is there."""
    return session.status == "complete" and session.payment_status in (
        "paid",
        "no_payment_required",
    )


def customer_create(*, reference: str, email: str) -> str:
    """A Stripe customer to keep a card on (a card on file needs one to be charged later)."""
    customer = _call(
        _client().v1.customers.create,
        params={"email": email, "metadata": {"reference": reference}},
        options={"idempotency_key": f"customer-{reference}"},
    )
    return customer["id"]


def checkout_create(
    *,
    kind: str,
    reference: str,
    amount_cents: int,
    email: str,
    customer_id: str,
    expires_at: int,
    success_url: str,
    cancel_url: str,
    attempt_key: str,
) -> CheckoutSession:
    """A hosted Checkout session: `mode=payment` for a fee, `mode=setup` to keep a card."""
    params: dict = {
        # Cards only: a card's payment is settled when Checkout completes (a bank debit
        # would complete unpaid and settle days later).
        "payment_method_types": ["card"],
        "client_reference_id": reference,
        "metadata": {"reference": reference},
        "expires_at": expires_at,
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if kind == "fee":
        params |= {
            "mode": "payment",
            "customer_email": email,
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": settings.STRIPE_CURRENCY,
                        "unit_amount": amount_cents,
                        "product_data": {"name": PRODUCT_NAME},
                    },
                }
            ],
            "payment_intent_data": {"metadata": {"reference": reference}},
        }
    else:
        params |= {
            "mode": "setup",
            "currency": settings.STRIPE_CURRENCY,
            "customer": customer_id,
            "setup_intent_data": {"metadata": {"reference": reference}},
        }
    session = _call(
        _client().v1.checkout.sessions.create,
        params=params,
        options={"idempotency_key": f"checkout-{reference}-{attempt_key}"},
    )
    return _session(session)


def checkout_retrieve(session_id: str) -> CheckoutSession:
    session = _call(
        _client().v1.checkout.sessions.retrieve,
        session_id,
        params={"expand": ["setup_intent"]},
    )
    return _session(session)


def checkout_expire(session_id: str) -> CheckoutSession:
    """Close an unpaid session (the hold is over). Stripe refuses when it is complete: the
    caller then asks for the session and finds it paid."""
    return _session(_call(_client().v1.checkout.sessions.expire, session_id))


def refund_create(*, payment_intent_id: str, amount_cents: int, idempotency_key: str) -> str:
    refund = _call(
        _client().v1.refunds.create,
        params={"payment_intent": payment_intent_id, "amount": amount_cents},
        options={"idempotency_key": idempotency_key},
    )
    return refund["id"]


def off_session_charge(
    *,
    customer_id: str,
    payment_method_id: str,
    amount_cents: int,
    reference: str,
    idempotency_key: str,
) -> str:
    """Charge the card kept on file, the patient not present (a no-show or late-change fee).
    The same idempotency key twice is one charge at Stripe."""
    intent = _call(
        _client().v1.payment_intents.create,
        params={
            "amount": amount_cents,
            "currency": settings.STRIPE_CURRENCY,
            "customer": customer_id,
            "payment_method": payment_method_id,
            "off_session": True,
            "confirm": True,
            "metadata": {"reference": reference},
        },
        options={"idempotency_key": idempotency_key},
    )
    if intent["status"] != "succeeded":
        raise GatewayError(f"Stripe did not take the charge (it says {intent['status']}).")
    return intent["id"]


def charge_retrieve(charge_id: str) -> tuple[str, int]:
    """A charge's payment intent and how much of it has been refunded."""
    charge = _call(_client().v1.charges.retrieve, charge_id)
    return _id(charge.get("payment_intent")), charge.get("amount_refunded") or 0


def event_verified(payload: bytes, signature: str | None):
    """The webhook's event, if its signature was made with our endpoint secret."""
    try:
        return stripe.Webhook.construct_event(
            payload, signature or "", settings.STRIPE_WEBHOOK_SECRET
        )
    except (stripe.SignatureVerificationError, ValueError, AttributeError, TypeError) as error:
        raise BadSignature from error
