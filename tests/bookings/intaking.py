"""A questionnaire and the clinic's forms, as an administrator would keep them, for the
intake tests."""

from bookings.intake import services
from bookings.models import ClinicDocument, IntakeQuestion, Questionnaire


def questionnaire(name="Medical history", **fields) -> Questionnaire:
    """Five questions over two steps; isotretinoin is a safety flag."""
    q = Questionnaire.objects.create(name=name, for_other_types=True, **fields)
    IntakeQuestion.objects.create(
        questionnaire=q,
        sort_order=0,
        text="Have you taken isotretinoin (Accutane) in the last 6 months?",
        kind="yes_no",
        more_prompt="When did you stop?",
        safety_flag=True,
        flag_answer="Yes",
        flag_note="Defer ablative resurfacing until 6 months after the last dose.",
    )
    IntakeQuestion.objects.create(
        questionnaire=q,
        sort_order=1,
        text="Do you smoke?",
        kind="choice",
        options="Never\nIn the past\nYes",
    )
    IntakeQuestion.objects.create(
        questionnaire=q,
        sort_order=2,
        text="Which of these have you had?",
        kind="choices",
        options="Cold sores\nKeloid scars\nNone of these",
        required=False,
        safety_flag=True,
        flag_answer="Keloid scars",
        flag_note="Keloid risk.",
    )
    IntakeQuestion.objects.create(
        questionnaire=q,
        sort_order=3,
        text="Medications you take",
        kind="list",
        options="Medication\nDose and how often",
    )
    IntakeQuestion.objects.create(
        questionnaire=q,
        sort_order=4,
        text="Allergies",
        kind="text",
        required=False,
    )
    services.questionnaire_publish(questionnaire=q)
    return q


def document(title="Consultation policy", body="First paragraph.\n\nSecond paragraph."):
    d = ClinicDocument.objects.create(title=title, body=body)
    services.document_publish(document=d)
    return d
