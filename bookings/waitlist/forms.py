"""The waitlist's form (`/consultation/waitlist/`)."""

import datetime as dt

from django import forms

from allure.base.models import Weekday
from bookings.booking.forms import PatientContactForm
from bookings.models import Provider
from bookings.schedule.catalogue import FIRST_AVAILABLE, catalogue
from procedures.models import ProcedurePage


class WaitlistForm(PatientContactForm):
    """Joining the waitlist: what, with whom, when, and how to reach the patient. Parses
    only; the rules (the date within the horizon, the provider doing the procedure, the
    limit per contact) are the service's."""

    template_name = "bookings/waitlist_form.html"
    summary_labels = {
        "procedure": "Treatment",
        "provider": "Who with",
        "weekdays": "Days",
        "times_of_day": "Time of day",
        "until": "Until",
        "consent": "Consent",
        "website": "Last field",
    }

    procedure = forms.ModelChoiceField(
        label="Treatment",
        queryset=ProcedurePage.objects.none(),
        to_field_name="slug",
        empty_label="Choose a treatment…",
        error_messages={
            "required": "Choose the treatment you'd like a consultation for.",
            "invalid_choice": "Choose a treatment from the list.",
        },
    )
    provider = forms.ChoiceField(
        label="Who with",
        required=False,
        error_messages={"invalid_choice": "Choose someone from the list, or anyone."},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Which days suit you?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one day.",
            "invalid_choice": "Choose days from the list.",
        },
    )
    times_of_day = forms.MultipleChoiceField(
        label="What time of day?",
        choices=[("morning", "Mornings (before noon)"), ("afternoon", "Afternoons")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose mornings, afternoons or both.",
            "invalid_choice": "Choose mornings, afternoons or both.",
        },
    )
    until = forms.DateField(
        label="Until when?",
        help_text="We'll offer times up to and including this day.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Choose the last day a time would suit you.",
            "invalid": "Enter a date like 2026-12-24.",
        },
    )
    field_order = [
        "procedure",
        "provider",
        "weekdays",
        "times_of_day",
        "until",
        "full_name",
        "email",
        "phone",
        "consent",
        "website",
        "started",
        "submission_token",
    ]

    def __init__(self, *args, weekdays=(), today: dt.date | None = None, last=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = ProcedurePage.objects.live().order_by("title")
        self.fields["email"].error_messages["required"] = (
            "Enter your email: that is where we send a time when one comes free."
        )
        self.fields["phone"].error_messages["required"] = (
            "Enter a phone number, in case we need to reach you about a time."
        )
        self.fields["provider"].choices = [(FIRST_AVAILABLE, "Anyone who does it")] + [
            (str(p.pk), p.name) for p in catalogue().providers
        ]
        self.fields["weekdays"].choices = [
            (day.value, day.label) for day in Weekday if not weekdays or day.value in weekdays
        ]
        if today and last:
            self.fields["until"].widget.attrs.update(
                {"min": today.isoformat(), "max": last.isoformat()}
            )

    def clean_provider(self) -> Provider | None:
        value = self.cleaned_data["provider"]
        if value in ("", FIRST_AVAILABLE):
            return None
        return Provider.objects.filter(clinician__bookable=True, pk=value).first()
