"""The booking page's repeated parts (bookings/diary.py's Diary): the treatments and the
providers to choose from, the week strip and the chosen day's times. Written in Python
rather than as template loops: they are most of the page's elements, drawn on every visit,
and through the template engine each costs a dozen variable lookups. The markup is what the
templates drew, character for character. Every value is escaped as it goes in (`_e`: the
site's one escaping helper for markup written in Python)."""

from django import template
from django.utils.safestring import mark_safe

from allure.base.markup import escaped as _e

register = template.Library()


@register.simple_tag
def procedure_options(diary):
    """The treatments' <option>s in their groups, the chosen one selected."""
    chosen = diary.procedure.pk if diary.procedure else None
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(
            f'\n          <optgroup label="{_e(group)}">\n            '
            + "".join(
                f'<option value="{_e(page.slug)}"{" selected" if page.pk == chosen else ""}>'
                f"{_e(page.title)}</option>"
                for page in pages
            )
            + "\n          </optgroup>\n        "
            for group, pages in diary.procedure_groups
        )
    )


@register.simple_tag
def provider_choices(diary):
    """A radio button for each provider who does the treatment, the chosen one checked."""
    chosen = diary.provider.pk if diary.provider else None
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(
            '\n          <div class="booking-provider">\n'
            f'            <input type="radio" name="provider" id="booking-provider-{p.pk}" '
            f'value="{p.pk}"{" checked" if p.pk == chosen else ""}>\n'
            f'            <label for="booking-provider-{p.pk}"><strong>{_e(p.name)}</strong> '
            f"<span>{_e(p.title)}</span></label>\n"
            "          </div>\n        "
            for p in diary.providers
        )
    )


def _strip_day(day) -> str:
    date, name = day.date, _e(day.short_name)
    if not day.free:
        return (
            '\n        <span class="booking-strip-day is-full">\n'
            f'          <span class="booking-strip-name">{name}</span>\n'
            f'          <span class="booking-strip-date">{date.day}</span>\n'
            '          <span class="booking-strip-free" aria-hidden="true">–</span>'
            f'<span class="visually-hidden">, {_e(day.long_label)}: no free times</span>\n'
            "        </span>\n      "
        )
    chosen = (" is-chosen", ' aria-current="date"') if day.chosen else ("", "")
    return (
        f'\n        <a href="{_e(day.url)}" data-booking-nav="day" '
        f'class="booking-strip-day is-free{chosen[0]}"{chosen[1]}>\n'
        f'          <span class="booking-strip-name">{name}</span>\n'
        f'          <span class="booking-strip-date">{date.day}</span>\n'
        f'          <span class="booking-strip-free">{day.free}<span class="visually-hidden"> '
        f"free time{'' if day.free == 1 else 's'}, {_e(day.long_label)}</span></span>\n"
        "        </a>\n      "
    )


@register.simple_tag
def week_strip(diary):
    """The week's days as list items: a free day a link saying how many times are left."""
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(f"\n    <li>\n      {_strip_day(day)}\n    </li>\n  " for day in diary.days)
    )


@register.simple_tag
def time_buttons(diary, errors, chosen_slot: str):
    """The chosen day's times as radio buttons, the one posted checked; with who it would
    be when the patient left that to the first available and more than one could."""
    invalid = ' aria-invalid="true"' if errors else ""
    say_who = not diary.provider and len(diary.providers) > 1
    buttons = []
    for n, time in enumerate(diary.times, start=1):
        checked = " checked" if time.value == chosen_slot else ""
        who = f'<span class="booking-time-who">{_e(time.provider.name)}</span>' if say_who else ""
        buttons.append(
            '\n        <div class="booking-time">\n'
            f'          <input type="radio" name="slot" id="id_slot_{n}" '
            f'value="{_e(time.value)}"{checked}{invalid}>\n'
            f'          <label for="id_slot_{n}">{_e(time.label)}{who}</label>\n'
            "        </div>\n      "
        )
    return mark_safe("".join(buttons))  # noqa: S308 (every value is escaped)
