"""The form fields a chosen time and treatment are parsed by, and the time choices they draw:
the booking form's, the patient's reschedule form's and the front desk's."""

import datetime as dt

from django import forms

from allure.base.clinic.clinic_time import format_day, format_time
from bookings.schedule import availability
from bookings.schedule.catalogue import catalogue
from bookings.schedule.slots import Slot


def day_grouped_choices(slots: list[dt.datetime]) -> list:
    """Radio choices grouped by local day."""
    return [
        (format_day(day), [(Slot(s).encode(), format_time(s)) for s in day_slots])
        for day, day_slots in availability.slots_by_day(slots)
    ]


def slot_choices(slots: list[dt.datetime]) -> list:
    """The free times grouped by local day, after the "call me" choice."""
    return [(Slot().encode(), "Please call me to arrange a time"), *day_grouped_choices(slots)]


class SlotField(forms.Field):
    """Parses the chosen time into a `Slot` (a time, or "call me" when allowed).

    The choices only draw the radio buttons. Whether the time can be held is decided once,
    by the service (`availability.check_time`), not here."""

    widget = forms.RadioSelect
    default_error_messages = {
        "invalid_choice": "That time is not available any more. Please choose another.",
    }

    def __init__(self, *, call_me=True, **kwargs):
        self.call_me = call_me
        super().__init__(**kwargs)

    @property
    def choices(self):
        return self.widget.choices

    @choices.setter
    def choices(self, value):
        self.widget.choices = list(value)

    def to_python(self, value) -> Slot | None:
        if value in self.empty_values:
            return None
        try:
            slot = Slot.decode(value)
        except ValueError:
            slot = None
        if slot is None or (slot.is_call_me and not self.call_me):
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        return slot

    def has_changed(self, initial, data):
        return str(initial or "") != str(data or "")


class ProcedureField(forms.Field):
    """A live procedure, by its slug, from the booking catalogue (no query): only what the
    booking reads (title, slug, group)."""

    widget = forms.HiddenInput
    default_error_messages = {"invalid_choice": "Choose a procedure from the list."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        procedure = catalogue().procedure(str(value))
        if procedure is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        return procedure
