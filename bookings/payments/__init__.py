"""Money at booking through Stripe's hosted pages: `gateway.py` (every call to Stripe, the
one place that talks to it) and `services.py` (every change to a payment: the hold, Checkout,
what Stripe reports, refunds and no-show charges)."""
