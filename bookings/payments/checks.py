"""`manage.py check --deploy`: a payment rule in use while Stripe's keys are missing means
patients are told of a fee that the site cannot take."""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from bookings.models import ConsultationType, PaymentRule, payments_online


@register(Tags.security, deploy=True)
def payment_rules_have_stripe_keys(app_configs, **kwargs):
    if payments_online():
        return []
    try:
        in_use = list(
            ConsultationType.objects.exclude(payment_rule=PaymentRule.NONE).values_list(
                "name", flat=True
            )
        )
    except DatabaseError:  # no tables yet (before the first migrate): nothing in use
        return []
    if not in_use:
        return []
    return [
        Error(
            f"Consultation types take a fee or a card ({', '.join(in_use)}) but Stripe's keys "
            "are not set: patients would be told of a payment the site cannot take.",
            hint="Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (docs/payments.md), or set "
            "those types' payment rule to “Nothing at booking”.",
            id="bookings.E001",
        )
    ]
