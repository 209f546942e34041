"""The patient's forms: one step of questions, built from the version they answer, and a
signature. They parse only; `services` stores."""

import re

from django import forms
from django.core.exceptions import ValidationError

from bookings.booking.forms import ErrorSummaryMixin
from bookings.models import QuestionKind, validate_plain_name

TEXT_MAX = 1000
CELL_MAX = 200
LIST_ROWS_MIN = 3  # empty rows offered under the ones already given
LIST_ROWS_MAX = 15
PREFIX = "q-"

# Control characters (other than tab and line breaks) and the invisible marks that reverse
# text direction: nothing a patient types, and they could make an answer read differently
# to staff than it was written.
UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def validate_printable(value: str) -> None:
    if UNPRINTABLE.search(value):
        raise ValidationError(
            "Please remove the unusual characters (control codes) from this answer.",
            code="unprintable",
        )


def _text(label, *, required, max_length=TEXT_MAX, rows=None, help_text=""):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=widget,
        validators=[validate_printable],
        error_messages={"required": "Please answer this question."},
    )


class StepForm(ErrorSummaryMixin, forms.Form):
    """The questions of one step. Each field is named after its question's key, so an answer
    to a question this step does not ask is recognised (`unknown_questions`)."""

    def __init__(self, *args, questions: list[dict], answers: dict[str, dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.list_rows: dict[str, int] = {}
        self.summary_labels = {}  # a list's error is the question's, not its "None" box's
        for question in questions:
            self._add(question, answers.get(question["key"]))

    def _add(self, question, value):
        name = PREFIX + question["key"]
        label, required, kind = question["text"], question["required"], question["kind"]
        help_text = question.get("help_text", "")
        value = value or {}
        if kind == QuestionKind.YES_NO:
            self.fields[name] = forms.ChoiceField(
                label=label,
                required=required,
                help_text=help_text,
                choices=[("yes", "Yes"), ("no", "No")],
                widget=forms.RadioSelect,
                error_messages={"required": "Please answer yes or no."},
            )
            self.initial[name] = value.get("answer")
            if question.get("more_prompt"):
                self.fields[name + "-more"] = _text(question["more_prompt"], required=False, rows=2)
                self.initial[name + "-more"] = value.get("more", "")
        elif kind == QuestionKind.CHOICE:
            options = [(o, o) for o in question["options"]]
            self.fields[name] = forms.ChoiceField(
                label=label,
                required=required,
                help_text=help_text,
                choices=options,
                widget=forms.RadioSelect,
                error_messages={"required": "Please choose one."},
            )
            self.initial[name] = value.get("answer")
        elif kind == QuestionKind.CHOICES:
            options = [(o, o) for o in question["options"]]
            self.fields[name] = forms.MultipleChoiceField(
                label=label,
                required=required,
                help_text=help_text,
                choices=options,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": "Please choose at least one."},
            )
            self.initial[name] = value.get("answers", [])
        elif kind == QuestionKind.LIST:
            headings = question["options"] or ["Name", "Details"]
            given = value.get("rows", [])
            count = min(LIST_ROWS_MAX, max(len(given) + LIST_ROWS_MIN, LIST_ROWS_MIN))
            if self.is_bound:  # as many rows as were posted, within the bound
                posted = sum(
                    1 for k in self.data if k.startswith(name + "-") and k.endswith("-item")
                )
                count = min(LIST_ROWS_MAX, max(count, posted))
            self.list_rows[name] = count
            for row in range(count):
                for column, heading in (("item", headings[0]), ("detail", headings[1])):
                    field = f"{name}-{row}-{column}"
                    self.fields[field] = _text(
                        f"{heading} {row + 1}", required=False, max_length=CELL_MAX
                    )
                    if row < len(given):
                        self.initial[field] = given[row][0 if column == "item" else 1]
            # The answer itself: "None" or the rows (a required list may say "none").
            self.fields[name] = forms.BooleanField(label="None", required=False)
            self.initial[name] = value.get("none", False)
            self.summary_labels[name] = label
        else:
            self.fields[name] = _text(label, required=required, rows=3, help_text=help_text)
            self.initial[name] = value.get("answer", "")

    def unknown_questions(self) -> bool:
        """A posted answer to a question this step does not ask (a forged or stale form)."""
        return any(k.startswith(PREFIX) and k not in self.fields for k in self.data)

    def clean(self):
        for question in self.questions:
            if question["kind"] != QuestionKind.LIST:
                continue
            name = PREFIX + question["key"]
            rows = self._rows(name)
            if question["required"] and not rows and not self.cleaned_data.get(name):
                self.add_error(name, "Please list them, or tick “none”.")
        return self.cleaned_data

    def _rows(self, name) -> list[list[str]]:
        rows = []
        for row in range(self.list_rows[name]):
            item = self.cleaned_data.get(f"{name}-{row}-item", "").strip()
            detail = self.cleaned_data.get(f"{name}-{row}-detail", "").strip()
            if item or detail:
                rows.append([item, detail])
        return rows

    def _question_fields(self, question) -> list[str]:
        name = PREFIX + question["key"]
        names = [f for f in self.fields if f == name or f.startswith(name + "-")]
        return names

    def answers(self) -> dict[str, dict | None]:
        """The answers of the questions whose every field is valid (the others keep what was
        stored before): question key → value, None for an answer the patient cleared.
        Call after is_valid(), whatever it returned."""
        result = {}
        for question in self.questions:
            if any(self.errors.get(f) for f in self._question_fields(question)):
                continue
            name = PREFIX + question["key"]
            data = self.cleaned_data
            kind = question["kind"]
            if kind == QuestionKind.LIST:
                rows = self._rows(name)
                none = bool(data.get(name)) and not rows
                result[question["key"]] = {"rows": rows, "none": none} if rows or none else None
            elif kind == QuestionKind.CHOICES:
                chosen = data.get(name) or []
                result[question["key"]] = {"answers": chosen} if chosen else None
            elif kind == QuestionKind.YES_NO:
                answer = data.get(name)
                more = data.get(name + "-more", "").strip()
                result[question["key"]] = {"answer": answer, "more": more} if answer else None
            else:
                answer = (data.get(name) or "").strip()
                result[question["key"]] = {"answer": answer} if answer else None
        return result

    def groups(self):
        """Each question with its bound fields, for the template."""
        for question in self.questions:
            name = PREFIX + question["key"]
            if question["kind"] == QuestionKind.LIST:
                rows = [
                    (self[f"{name}-{row}-item"], self[f"{name}-{row}-detail"])
                    for row in range(self.list_rows[name])
                ]
                yield {"question": question, "field": self[name], "rows": rows}
            else:
                more = self[name + "-more"] if name + "-more" in self.fields else None
                yield {"question": question, "field": self[name], "more": more}


class SignatureForm(ErrorSummaryMixin, forms.Form):
    full_name = forms.CharField(
        label="Type your full name to sign",
        max_length=120,
        validators=[validate_plain_name, validate_printable],
        error_messages={"required": "Please type your full name to sign."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    agree = forms.BooleanField(
        error_messages={"required": "Please tick the box to agree."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, agreement: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agree"].label = agreement
