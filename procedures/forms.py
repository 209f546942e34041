"""The public GET forms of the procedures app (read from the query string, nothing stored):
the treatment planner's questions and the results gallery's procedure filter."""

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

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, text) for each field's first error, for the summary above the form."""
        return [
            (f"{self[name].auto_id}_0", f"{self.fields[name].label} {errors[0]}")
            for name, errors in self.errors.items()
        ]


class GalleryFilterForm(forms.Form):
    """Which procedure's results to show. Only procedures with photos to show are offered;
    an address naming any other (an old link, a typo) shows every result and says why."""

    procedure = forms.ChoiceField(
        label="Show results for",
        required=False,
        error_messages={
            "invalid_choice": "We have no photos for that procedure yet. "
            "Showing every result instead."
        },
    )

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedures = {procedure.slug: procedure for procedure in procedures}
        self.fields["procedure"].choices = [
            ("", "All procedures"),
            *((slug, procedure.title) for slug, procedure in self.procedures.items()),
        ]

    def chosen_procedure(self):
        if not self.is_valid():
            return None
        return self.procedures.get(self.cleaned_data["procedure"])
