"""What the patient tells the clinic before the consultation (issue 30): the questionnaires
the clinic edits and each published version of them, the patient's answers, the clinic's
documents and each version of them, and the patient's signatures.

Answers and signatures are health information: they are reached by the patient through
their manage link and by staff holding `bookings.view_intake` (two-factor) through logged
views, and are deleted with the request's anonymisation (`bookings.retention`).

A questionnaire is edited in the admin; every save that changes what is asked freezes it as
a new `QuestionnaireVersion` (a JSON snapshot of the questions). A patient's answers name
that version and keep each question's text as it was shown, so later edits never change
what a patient was asked."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from .diary import ConsultationType
from .requests import ConsultationRequest


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", "Yes or no (with an optional “tell us more”)"
    CHOICE = "choice", "One choice"
    CHOICES = "choices", "Several choices"
    TEXT = "text", "Short text"
    LIST = "list", "A list (e.g. medications with their dose)"


class Questionnaire(ClusterableModel):
    """The questions a patient answers before a consultation of the types that use it."""

    name = models.CharField(max_length=120, help_text="For staff, e.g. “Skin resurfacing”.")
    introduction = models.TextField(
        max_length=1000,
        blank=True,
        help_text="Shown to the patient above the first questions.",
    )
    asks_first = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="extended_by",
        verbose_name="Ask first the questions of",
        help_text="e.g. the general medical history, so this questionnaire holds only the "
        "questions its treatment adds. Publishing that one publishes this one again.",
    )
    for_other_types = models.BooleanField(
        default=False,
        verbose_name="For every other consultation type",
        help_text="Used by consultation types not chosen in any questionnaire.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("introduction"),
        MultiFieldPanel(
            [
                FieldPanel("asks_first"),
                FieldPanel("for_other_types"),
                InlinePanel("uses", label="Consultation type", heading="Used for"),
            ],
            heading="Who answers it",
        ),
        InlinePanel("questions", label="Question", heading="Questions"),
    ]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["for_other_types"],
                condition=models.Q(for_other_types=True),
                name="one_questionnaire_for_other_types",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.asks_first_id and self.asks_first_id == self.pk:
            raise ValidationError({"asks_first": "A questionnaire cannot ask itself first."})
        if self.asks_first and self.asks_first.asks_first_id:
            raise ValidationError(
                {"asks_first": "Choose a questionnaire that does not itself ask another first."}
            )


class QuestionnaireUse(Orderable):
    """One consultation type uses this questionnaire (the database allows one per type)."""

    questionnaire = ParentalKey(Questionnaire, on_delete=models.CASCADE, related_name="uses")
    consultation_type = models.OneToOneField(
        ConsultationType, on_delete=models.CASCADE, related_name="questionnaire_use"
    )

    panels = [FieldPanel("consultation_type")]

    def __str__(self):
        return f"{self.consultation_type} uses {self.questionnaire}"


class IntakeQuestion(Orderable):
    questionnaire = ParentalKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    # The question's identity across versions, so a rewording is still the same question.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    text = models.CharField(max_length=300, help_text="As the patient reads it.")
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    options = models.TextField(
        blank=True,
        help_text="One choice: the options, one per line. A list: the two column headings, "
        "one per line (e.g. “Medication” and “Dose and how often”).",
    )
    more_prompt = models.CharField(
        max_length=200,
        blank=True,
        verbose_name="“Tell us more” prompt",
        help_text="Yes or no: a text box under the question asking for details, e.g. "
        "“Which ones, and when?”. Empty: no box.",
    )
    help_text = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=True)
    safety_flag = models.BooleanField(
        default=False,
        help_text="An answer to this question the provider must see before the consultation.",
    )
    flag_answer = models.CharField(
        max_length=120,
        blank=True,
        verbose_name="Answer that raises the flag",
        help_text="“Yes”, “No” or one of the options. Empty: any answer raises it (for a "
        "text or a list).",
    )
    flag_note = models.CharField(
        max_length=300,
        blank=True,
        verbose_name="Note for the provider",
        help_text="Shown with the flag, to staff only, e.g. “Isotretinoin within 6 months: "
        "defer ablative resurfacing”.",
    )

    panels = [
        FieldPanel("text"),
        FieldPanel("kind"),
        FieldPanel("options"),
        FieldPanel("more_prompt"),
        FieldPanel("help_text"),
        FieldPanel("required"),
        MultiFieldPanel(
            [FieldPanel("safety_flag"), FieldPanel("flag_answer"), FieldPanel("flag_note")],
            heading="Safety flag",
        ),
    ]

    def __str__(self):
        return self.text

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def clean(self):
        options = self.option_list()
        if self.kind in (QuestionKind.CHOICE, QuestionKind.CHOICES) and len(options) < 2:
            raise ValidationError({"options": "Give at least two options, one per line."})
        if self.kind == QuestionKind.LIST and len(options) not in (0, 2):
            raise ValidationError({"options": "Give the two column headings, one per line."})
        if self.safety_flag and self.flag_answer:
            allowed = {"yes", "no"} if self.kind == QuestionKind.YES_NO else set()
            allowed |= {option.lower() for option in options}
            if self.kind in (QuestionKind.TEXT, QuestionKind.LIST):
                raise ValidationError(
                    {"flag_answer": "For a text or a list, leave it empty: any answer flags."}
                )
            if self.flag_answer.strip().lower() not in allowed:
                raise ValidationError(
                    {"flag_answer": "Write “Yes”, “No” or one of the options exactly."}
                )

    def snapshot(self) -> dict:
        return {
            "key": str(self.key),
            "text": self.text,
            "kind": self.kind,
            "options": self.option_list(),
            "more_prompt": self.more_prompt,
            "help_text": self.help_text,
            "required": self.required,
            "safety_flag": self.safety_flag,
            "flag_answer": self.flag_answer.strip(),
            "flag_note": self.flag_note,
        }


class QuestionnaireVersion(models.Model):
    """A questionnaire as published: what patients are asked from `published_at` on."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    # {"name", "introduction", "questions": [IntakeQuestion.snapshot(), ...]}
    content = models.JSONField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="one_questionnaire_version_number"
            )
        ]

    def __str__(self):
        return f"{self.content.get('name', '')} v{self.number}"

    @property
    def questions(self) -> list[dict]:
        return self.content["questions"]


class IntakeResponse(models.Model):
    """One patient's answers for one request, to one version of a questionnaire."""

    consultation = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="intake_responses"
    )
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]
        permissions = [("view_intake", "Can see patients' intake answers and signed forms")]
        constraints = [
            models.UniqueConstraint(fields=["consultation"], name="one_intake_per_request")
        ]

    def __str__(self):
        # The audit log keeps this label: the reference only.
        return f"Intake of {self.consultation.reference}"


class IntakeAnswer(models.Model):
    """The patient's answer to one question, with the question as they read it. Corrected in
    place until the consultation starts; after that the patient's link cannot change it."""

    response = models.ForeignKey(IntakeResponse, on_delete=models.CASCADE, related_name="answers")
    question_key = models.UUIDField()
    position = models.PositiveIntegerField()
    question_text = models.CharField(max_length=300)
    # {"answer": "yes", "more": "..."} | {"answer": "..."} | {"answers": [...]} |
    # {"rows": [["Tretinoin cream", "nightly"], ...]}
    value = models.JSONField()
    flagged = models.BooleanField(default=False)
    # The provider's note of the flag, as the version answered had it.
    flag_note = models.CharField(max_length=300, blank=True)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question_key"], name="one_answer_per_question"
            )
        ]

    def __str__(self):
        return f"Answer {self.position} of {self.response.consultation.reference}"

    @property
    def rows(self) -> list[list[str]]:
        return self.value.get("rows", [])

    @property
    def summary(self) -> str:
        """The answer in one line, for the review step, the request's page and the print."""
        value = self.value
        if "rows" in value:
            return "; ".join(" – ".join(c for c in row if c) for row in value["rows"]) or "None"
        if "answers" in value:
            return ", ".join(value["answers"]) or "None"
        text = {"yes": "Yes", "no": "No"}.get(value.get("answer", ""), value.get("answer", ""))
        if value.get("more"):
            text = f"{text}: {value['more']}"
        return text


class ClinicDocument(models.Model):
    """A document patients sign before the consultation (consultation policy, photo consent,
    financial policy). Each save that changes it is a new `ClinicDocumentVersion`."""

    title = models.CharField(max_length=120)
    body = models.TextField(
        help_text="Plain text; a blank line starts a new paragraph. The patient signs exactly "
        "this text, and it is kept with their signature."
    )
    agreement = models.CharField(
        max_length=200,
        default="I have read this document and agree to it.",
        help_text="What the patient ticks.",
    )
    active = models.BooleanField(
        default=True, help_text="Asked of every patient with an open request."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [
        FieldPanel("title"),
        FieldPanel("body"),
        FieldPanel("agreement"),
        FieldPanel("active"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "title"]

    def __str__(self):
        return self.title


class ClinicDocumentVersion(models.Model):
    document = models.ForeignKey(ClinicDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    body = models.TextField()
    agreement = models.CharField(max_length=200)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="one_document_version_number"
            )
        ]

    def __str__(self):
        return f"{self.title} v{self.number}"


class SignedDocument(models.Model):
    """The patient's electronic signature: their typed full name and tick, on the exact text
    shown, at a time, from an address."""

    consultation = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="signed_documents"
    )
    version = models.ForeignKey(ClinicDocumentVersion, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(max_length=120)
    text_shown = models.TextField()
    agreement_shown = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["signed_at"]

    def __str__(self):
        return f"{self.version.title} signed for {self.consultation.reference}"
