"""The treatment planner's form: read from the query string (a GET form, nothing stored)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from procedures.planner import Concern, Downtime


class PlannerForm(forms.Form):
    concern = forms.MultipleChoiceField(
        label="What would you like to change?",
        help_text="Choose as many as you like.",
        choices=Concern.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one thing you would like to change.",
            "invalid_choice": "Choose from the list below.",
        },
    )
    downtime = forms.ChoiceField(
        label="How much downtime can you take?",
        help_text="Days when you would rather not go out or wear makeup.",
        choices=Downtime.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how much downtime you can take.",
            "invalid_choice": "Choose one of the downtime answers below.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # A GET form: a CSRF token would land in the address (and in every shared link).
        self.helper.disable_csrf = True
        self.helper.layout = Layout("concern", "downtime")

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, text) for each field's first error, for the summary above the form."""
        return [
            (f"{self[name].auto_id}_0", f"{self.fields[name].label} {errors[0]}")
            for name, errors in self.errors.items()
        ]
