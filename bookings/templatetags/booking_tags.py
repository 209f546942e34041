from django import template

from bookings.schedule.catalogue import catalogue

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


@register.simple_tag
def payment_terms(procedure) -> str:
    """The fee or card a consultation about `procedure` asks for, said plainly beside its
    booking call ("$100 consultation fee, credited toward your treatment; ..."), or nothing.
    From the shared catalogue: no query once it is warm."""
    known = catalogue()
    consultation_type = known.types.get(procedure.category)
    if consultation_type is None or not consultation_type.takes_payment:
        return ""
    return consultation_type.payment_terms(late_change_hours=known.rules.late_change_hours)
