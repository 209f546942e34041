"""The booking form's fields, one tag per kind of control, each drawing a `DrawnField`
(bookings/forms.py): label (an asterisk when required), the control, its errors and help,
tied together for screen readers by aria-describedby, and aria-invalid on a control with an
error. Written in Python rather than as an include per field: the page draws a dozen
controls on every visit, and through the template engine they cost as much as the rest of
the page. Every value is escaped (`_e`) as it goes in; only the consent label, marked
safe by the form, keeps its link."""

from django import template
from django.utils.html import conditional_escape as _e
from django.utils.safestring import mark_safe

register = template.Library()

ASTERISK = '<span class="asteriskField">*</span>'


def _label(f, base: str, tag: str = "label") -> str:
    css = f"{base} requiredField" if f.required else base
    text = _e(f.label) + (ASTERISK if f.required else "")
    target = f' for="{_e(f.id)}"' if tag == "label" else ""
    return f'<{tag}{target} class="{css}">{text}</{tag}>'


def _attrs(**attrs) -> str:
    """' name="value"' for each attribute given a value (escaped); True: the bare name."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_e(value)}"'
        for name, value in attrs.items()
        if value not in (None, False, "")
    )


def _state(f, *, describe: bool = True) -> str:
    """The attributes every control shares: required, and its errors and help."""
    return _attrs(
        required=f.required,
        **{
            "aria-invalid": "true" if f.errors else None,
            "aria-describedby": f.described_by if describe else None,
        },
    )


def _errors(f) -> str:
    if not f.errors:
        return ""
    items = "".join(
        f'<p id="error_{n}_{_e(f.id)}"><strong>{_e(error)}</strong></p>'
        for n, error in enumerate(f.errors, start=1)
    )
    return f'<div id="{_e(f.id)}_error" class="invalid-feedback">{items}</div>'


def _help(f) -> str:
    if not f.help:
        return ""
    return f'<div id="{_e(f.id)}_helptext" class="form-text">{_e(f.help)}</div>'


def _control_class(f, base: str) -> str:
    return f"{base} is-invalid" if f.errors else base


def _wrapped(f, control: str) -> str:
    return mark_safe(  # noqa: S308 (every value above is escaped)
        f'<div id="div_{_e(f.id)}" class="mb-3">\n  {_label(f, "form-label")}\n  {control}\n'
        f"  {_errors(f)}{_help(f)}\n</div>"
    )


@register.simple_tag
def booking_input(f, type="text", autocomplete=None, inputmode=None, tabindex=None):
    """A one-line text field (type: text, email...)."""
    extra = _attrs(
        value=f.value,
        maxlength=f.max_length,
        autocomplete=autocomplete,
        inputmode=inputmode,
        tabindex=tabindex,
    )
    return _wrapped(
        f,
        f'<input type="{_e(type)}" name="{_e(f.name)}"{extra} '
        f'class="{_control_class(f, "form-control")}"{_state(f)} id="{_e(f.id)}">',
    )


@register.simple_tag
def booking_textarea(f, rows=3):
    """A multi-line text field. The newline after the opening tag is dropped by browsers;
    it keeps a value's own first newline."""
    return _wrapped(
        f,
        f'<textarea name="{_e(f.name)}" rows="{_e(rows)}"{_attrs(maxlength=f.max_length)} '
        f'class="{_control_class(f, "form-control")}"{_state(f)} id="{_e(f.id)}">\n'
        f"{_e(f.value)}</textarea>",
    )


@register.simple_tag
def booking_radios(f, wrapper_class=""):
    """A choice of a few: radio buttons in a fieldset whose legend is the label."""
    state = _attrs(required=f.required, **{"aria-invalid": "true" if f.errors else None})
    css, name, id_ = _control_class(f, "form-check-input"), _e(f.name), _e(f.id)
    buttons = "".join(
        f'<div class="form-check">\n        <input type="radio" class="{css}" name="{name}" '
        f'value="{_e(value)}" id="{id_}_{n}"{state}{_attrs(checked=chosen)}>\n'
        f'        <label for="{id_}_{n}" class="form-check-label">{_e(label)}</label>\n'
        "      </div>"
        for n, (value, label, chosen) in enumerate(f.choices)
    )
    wrapper = f"mb-3 {_e(wrapper_class)}" if wrapper_class else "mb-3"
    described = _attrs(**{"aria-describedby": f"{f.id}_error" if f.errors else None})
    legend = _label(f, "form-label", tag="legend").replace('">', ' fs-6">', 1)
    return mark_safe(  # noqa: S308 (every value above is escaped)
        f'<div id="div_{id_}" class="{wrapper}">\n  <fieldset{described}>\n    {legend}\n'
        f"    <div>\n      {buttons}\n    </div>\n    {_errors(f)}\n  </fieldset>\n</div>"
    )


@register.simple_tag
def booking_checkbox(f):
    """One tick box with its label beside it (the label may hold a link: it is marked safe
    by the form)."""
    id_ = _e(f.id)
    return mark_safe(  # noqa: S308 (every value above is escaped)
        f'<div class="mb-3">\n  <div id="div_{id_}" class="form-check">\n'
        f'    <input type="checkbox" name="{_e(f.name)}" '
        f'class="{_control_class(f, "form-check-input")}"{_attrs(checked=f.chosen)}'
        f'{_state(f)} id="{id_}">\n'
        f"    {_label(f, 'form-check-label')}\n    {_errors(f)}{_help(f)}\n  </div>\n</div>"
    )
