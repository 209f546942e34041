"""Demo intake for `make run`: a general medical history for every consultation, the skin
resurfacing additions for the skin consultation (asked after the general questions), and the
clinic's three forms to sign. Published as version 1 of each. Idempotent. Demo wording only:
the clinic's own questions and policies are written and checked by the clinic."""

from django.db import transaction

from bookings.intake import services
from bookings.models import (
    ClinicDocument,
    ConsultationType,
    IntakeQuestion,
    Questionnaire,
    QuestionnaireUse,
)
from procedures.models import ProcedureCategory

YES_NO, CHOICE, CHOICES, TEXT, LIST = "yes_no", "choice", "choices", "text", "list"

# text, kind, fields (options, more_prompt, help_text, required, safety flag...)
GENERAL = [
    (
        "Are you being treated for any medical condition?",
        YES_NO,
        {"more_prompt": "Which, and who treats you?"},
    ),
    (
        "Medicines, vitamins and supplements you take",
        LIST,
        {
            "options": "Name\nDose and how often",
            "help_text": "Include creams, blood thinners, aspirin and herbal remedies. Tick “None” "
            "if you take nothing.",
        },
    ),
    (
        "Do you have any allergies (medicines, latex, tape, anaesthetics, foods)?",
        YES_NO,
        {
            "more_prompt": "To what, and what happens?",
            "safety_flag": True,
            "flag_answer": "Yes",
            "flag_note": "Check the allergy before any anaesthetic, antibiotic or dressing.",
        },
    ),
    (
        "Do you bleed easily or take a blood thinner?",
        YES_NO,
        {
            "more_prompt": "Tell us more",
            "safety_flag": True,
            "flag_answer": "Yes",
            "flag_note": "Bleeding risk: review anticoagulants before any procedure.",
        },
    ),
    ("Do you smoke or vape?", CHOICE, {"options": "Never\nIn the past\nYes, now"}),
    (
        "Are you pregnant, trying to become pregnant, or breastfeeding?",
        CHOICE,
        {
            "options": "No\nYes\nNot sure\nDoes not apply to me",
            "safety_flag": True,
            "flag_answer": "Yes",
            "flag_note": "Most elective treatments wait until after pregnancy and breastfeeding.",
        },
    ),
    (
        "Cosmetic treatments or surgery you have had before",
        TEXT,
        {"required": False, "help_text": "What, where and roughly when."},
    ),
]
SKIN_RESURFACING = [
    (
        "Have you taken isotretinoin (Accutane, Absorica, Claravis) in the last 6 months?",
        YES_NO,
        {
            "more_prompt": "When did you take the last dose?",
            "safety_flag": True,
            "flag_answer": "Yes",
            "flag_note": "Isotretinoin within 6 months: do not resurface; "
            "discuss timing with the provider.",
        },
    ),
    (
        "Have you ever had keloid or raised, thick scars?",
        YES_NO,
        {
            "more_prompt": "Where?",
            "safety_flag": True,
            "flag_answer": "Yes",
            "flag_note": "Keloid history: higher scarring risk after laser treatment.",
        },
    ),
    (
        "Do you get cold sores (herpes simplex)?",
        YES_NO,
        {
            "safety_flag": True,
            "flag_answer": "Yes",
            "flag_note": "Cold sores: antiviral cover before resurfacing around the mouth.",
        },
    ),
    (
        "Have you tanned, in the sun or a tanning bed, or used self-tan in the last 4 weeks?",
        YES_NO,
        {
            "safety_flag": True,
            "flag_answer": "Yes",
            "flag_note": "Recent tan: higher risk of pigment change; consider postponing.",
        },
    ),
    (
        "Which of these do you use on your face now?",
        CHOICES,
        {
            "options": "Retinol or tretinoin\nExfoliating acids (AHA, BHA)\nNone of these",
            "required": False,
        },
    ),
]

DOCUMENTS = [
    (
        "Consultation policy",
        "Your consultation is time set aside for you with one of our providers. Please arrive "
        "ten minutes early so that we can start on time.\n\n"
        "If you need to cancel or move it, please tell us at least a day before, from the link "
        "in your email or by phone, so we can offer the time to another patient.\n\n"
        "A consultation is advice, not a promise of treatment: your provider may recommend a "
        "different treatment, or none, once they have met you.",
    ),
    (
        "Photo consent",
        "With your agreement, your provider takes photos of the areas discussed, to plan your "
        "treatment and to compare results later.\n\n"
        "These photos are part of your confidential medical record. They are never shown on "
        "our website or anywhere else without a separate, written consent that you can refuse "
        "or withdraw.",
    ),
    (
        "Financial policy",
        "We explain the price of any treatment before it is booked. Cosmetic treatment is "
        "usually not covered by health insurance.\n\n"
        "Payment is due on the day of treatment. Any deposit, and when it is refundable, is "
        "written on your quote.",
    ),
]


def _questionnaire(name, introduction, questions, **fields) -> Questionnaire:
    questionnaire, created = Questionnaire.objects.get_or_create(
        name=name, defaults={"introduction": introduction, **fields}
    )
    if created:
        for order, (text, kind, options) in enumerate(questions):
            IntakeQuestion.objects.create(
                questionnaire=questionnaire, sort_order=order, text=text, kind=kind, **options
            )
    return questionnaire


@transaction.atomic
def load() -> None:
    general = _questionnaire(
        "General medical history",
        "These questions help your provider plan a safe consultation. Answer what you can; "
        "we will go through them with you.",
        GENERAL,
        for_other_types=True,
    )
    skin = _questionnaire(
        "Skin resurfacing",
        "Some questions are specific to laser and skin treatments.",
        SKIN_RESURFACING,
        asks_first=general,
    )
    skin_type = ConsultationType.objects.filter(category=ProcedureCategory.SKIN).first()
    if skin_type and not QuestionnaireUse.objects.filter(consultation_type=skin_type).exists():
        QuestionnaireUse.objects.create(questionnaire=skin, consultation_type=skin_type)
    services.questionnaire_publish(questionnaire=general)  # publishes skin too
    for order, (title, body) in enumerate(DOCUMENTS):
        document, _ = ClinicDocument.objects.get_or_create(
            title=title, defaults={"body": body, "sort_order": order}
        )
        services.document_publish(document=document)
