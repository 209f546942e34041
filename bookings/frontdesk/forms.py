"""The front desk's small admin forms: the list's filters, a note, who it is assigned to, a
confirmed time (also a time offered from the waitlist), and the calendar's day and provider."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from bookings.booking.fields import SlotField, day_grouped_choices
from bookings.models import ConsultationStatus, Provider
from procedures.models import ProcedurePage


def front_desk_users():
    perm = Q(groups__permissions__codename="manage_consultations") | Q(
        user_permissions__codename="manage_consultations"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(perm | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class ConsultationFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    status = forms.ChoiceField(
        choices=[("", "Any status"), ("open", "Open (new, contacted, scheduled)")]
        + list(ConsultationStatus.choices),
        required=False,
    )
    procedure = forms.ModelChoiceField(
        queryset=ProcedurePage.objects.order_by("title"), required=False, empty_label="Any"
    )
    date_from = forms.DateField(
        label="Requested from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Requested to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    assigned_to = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="Anyone"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = front_desk_users()


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label="Assigned to",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Nobody",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = front_desk_users()


class ConfirmTimeForm(forms.Form):
    slot = SlotField(label="Appointment time", call_me=False, widget=forms.Select)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = day_grouped_choices(slots)


class CalendarForm(forms.Form):
    """The calendar's GET form: which day (or a day of the week) and whose. Works without
    JavaScript: the browser's own date picker, or typing 2026-11-18."""

    date = forms.DateField(
        label="Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter a date like 2026-11-18; showing today instead."},
    )
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.select_related("clinician").order_by(
            "-clinician__bookable", "clinician__sort_order", "clinician__name"
        ),
        required=False,
        empty_label="All providers",
        error_messages={
            "invalid_choice": "That provider is not on the list; showing all providers."
        },
    )

    def clean_date(self):
        date = self.cleaned_data["date"]
        # Far-off years would run past what dates can hold once a week is added to them.
        if date and not (dt.date(2000, 1, 1) <= date <= dt.date(2099, 12, 31)):
            raise forms.ValidationError(
                "Choose a date between 2000 and 2099; showing today instead.", code="range"
            )
        return date


class RefundForm(forms.Form):
    """A refund of all or part of a paid fee, confirmed with what the person saw."""

    amount = forms.DecimalField(
        label="Amount to refund ($)",
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        error_messages={"invalid": "Enter an amount in dollars, like 100 or 25.50."},
    )
    reason = forms.CharField(label="Why (for the record)", max_length=300)
    version = forms.CharField(widget=forms.HiddenInput)

    @property
    def cents(self) -> int:
        return int(self.cleaned_data["amount"] * 100)


class NoShowChargeForm(forms.Form):
    reason = forms.CharField(label="Why (for the record)", max_length=300)
    version = forms.CharField(widget=forms.HiddenInput)
