from django import template

from allure.base.web.serving import cached_until_content_changes
from bookings.models import BookingRules, ConsultationType, PaymentRule

register = template.Library()

# Days shown open; later days fold into a <details> (no JavaScript needed to open it).
OPEN_DAYS = 5


@register.simple_tag
def slot_days(field):
    """The slot field's choices as {"call": (value, label), "first": [...], "later": [...]},
    each day a (label, [(value, label, id), ...]) pair; later_open if the choice is there."""
    value = field.value()
    call, *groups = field.field.choices
    days = [
        (
            day_label,
            [
                (time_value, time_label, f"{field.auto_id}_{day_index}_{time_index}")
                for time_index, (time_value, time_label) in enumerate(times, start=1)
            ],
        )
        for day_index, (day_label, times) in enumerate(groups, start=1)
    ]
    later = days[OPEN_DAYS:]
    return {
        "call": call,
        "value": value,
        "first": days[:OPEN_DAYS],
        "later": later,
        "later_open": any(value == t[0] for _label, times in later for t in times),
    }


def _types_taking_payment() -> tuple[dict, int]:
    """The consultation types that ask for a fee or a card, by procedure group, and the
    late-change window their terms mention: one query (none when no type asks anything,
    the usual case), shared by every page until any content changes."""
    types = {t.category: t for t in ConsultationType.objects.exclude(payment_rule=PaymentRule.NONE)}
    return types, (BookingRules.load().late_change_hours if types else 0)


@register.simple_tag
def payment_terms(procedure) -> str:
    """The fee or card a consultation about `procedure` asks for, said plainly beside its
    booking call ("$100 consultation fee, credited toward your treatment; ..."), or nothing.
    Its words depend on whether payments are on, so only the rows are shared."""
    types, late_change_hours = cached_until_content_changes(
        "consultation-types-taking-payment", _types_taking_payment
    )
    consultation_type = types.get(procedure.category)
    if consultation_type is None:
        return ""
    return consultation_type.payment_terms(late_change_hours=late_change_hours)
