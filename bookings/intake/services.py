"""Every write of intake: publishing a questionnaire or a document as a new version, the
patient's answers and signatures, the staff's views of them (logged), and their deletion
with the request's anonymisation."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.log_actions import log

from bookings.models import (
    ClinicDocument,
    ClinicDocumentVersion,
    ConsultationRequest,
    IntakeAnswer,
    IntakeResponse,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    SignedDocument,
)

QUESTIONS_PER_STEP = 4

LOCKED_MESSAGE = (
    "Your answers can no longer be changed online: your consultation has begun or this "
    "request is closed. If something has changed, please tell us at the clinic; it will be "
    "recorded as a new entry."
)


class IntakeLocked(ValidationError):
    def __init__(self):
        super().__init__(LOCKED_MESSAGE, code="intake_locked")


# --- Publishing --------------------------------------------------------------------------


def _questionnaire_content(questionnaire: Questionnaire) -> dict:
    questions = []
    if questionnaire.asks_first:
        questions += [q.snapshot() for q in questionnaire.asks_first.questions.all()]
    questions += [q.snapshot() for q in questionnaire.questions.all()]
    return {
        "name": questionnaire.name,
        "introduction": questionnaire.introduction,
        "questions": questions,
    }


def questionnaire_publish(
    *, questionnaire: Questionnaire, user=None
) -> QuestionnaireVersion | None:
    """Freeze what the questionnaire asks now as its next version, when it differs from the
    last one (and again each questionnaire that asks this one's questions first). Patients
    who already started keep the version they answered."""
    with transaction.atomic():
        Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
        content = _questionnaire_content(questionnaire)
        latest = questionnaire.versions.order_by("-number").first()
        version = None
        if latest is None or latest.content != content:
            version = QuestionnaireVersion.objects.create(
                questionnaire=questionnaire,
                number=(latest.number + 1) if latest else 1,
                content=content,
                published_at=timezone.now(),
                published_by=user,
            )
        for extension in questionnaire.extended_by.exclude(pk=questionnaire.pk):
            questionnaire_publish(questionnaire=extension, user=user)
        return version


def document_publish(*, document: ClinicDocument) -> ClinicDocumentVersion | None:
    """Freeze the document's text as its next version when it changed: a patient signs a
    version, and keeps the text they signed."""
    with transaction.atomic():
        latest = document.versions.order_by("-number").first()
        current = (document.title, document.body, document.agreement)
        if latest and (latest.title, latest.body, latest.agreement) == current:
            return None
        return ClinicDocumentVersion.objects.create(
            document=document,
            number=(latest.number + 1) if latest else 1,
            title=document.title,
            body=document.body,
            agreement=document.agreement,
            published_at=timezone.now(),
        )


# --- What a request is asked -------------------------------------------------------------


def questionnaire_version_for(consultation: ConsultationRequest) -> QuestionnaireVersion | None:
    """The version this request answers: the one it started, else the latest of its type's
    questionnaire (or the one for every other type)."""
    response = IntakeResponse.objects.filter(consultation=consultation).first()
    if response:
        return response.version
    questionnaire = None
    if consultation.consultation_type_id:
        questionnaire = Questionnaire.objects.filter(
            uses__consultation_type_id=consultation.consultation_type_id
        ).first()
    if questionnaire is None:
        questionnaire = Questionnaire.objects.filter(for_other_types=True).first()
    if questionnaire is None:
        return None
    return questionnaire.versions.order_by("-number").first()


def documents_to_sign(
    consultation: ConsultationRequest,
) -> list[tuple[ClinicDocumentVersion, SignedDocument | None]]:
    """Each active document's latest version, with this request's signature of it if any
    (of any version: a signature stays valid when the text is later edited)."""
    signed = {
        s.version.document_id: s for s in consultation.signed_documents.select_related("version")
    }
    latest_numbers = (
        ClinicDocumentVersion.objects.filter(document__active=True)
        .values("document")
        .annotate(latest=Max("number"))
    )
    latest = {row["document"]: row["latest"] for row in latest_numbers}
    versions = ClinicDocumentVersion.objects.filter(document__active=True).select_related(
        "document"
    )
    chosen = [v for v in versions if latest.get(v.document_id) == v.number]
    chosen.sort(key=lambda v: (v.document.sort_order, v.title))
    return [(v, signed.get(v.document_id)) for v in chosen]


def is_locked(consultation: ConsultationRequest, now: dt.datetime | None = None) -> bool:
    """Answers and signatures change only while the request is open and before the
    consultation starts."""
    now = now or timezone.now()
    if not consultation.is_open:
        return True
    return bool(consultation.slot_start and now >= consultation.slot_start)


def steps(version: QuestionnaireVersion) -> list[list[dict]]:
    questions = version.questions
    return [
        questions[start : start + QUESTIONS_PER_STEP]
        for start in range(0, len(questions), QUESTIONS_PER_STEP)
    ]


def raises_flag(question: dict, value: dict) -> bool:
    if not question.get("safety_flag"):
        return False
    wanted = question.get("flag_answer", "").strip().lower()
    kind = question["kind"]
    if kind == QuestionKind.YES_NO:
        return value.get("answer") == (wanted or "yes")
    if kind == QuestionKind.CHOICE:
        return not wanted or value.get("answer", "").lower() == wanted
    if kind == QuestionKind.CHOICES:
        chosen = [a.lower() for a in value.get("answers", [])]
        return bool(chosen) and (not wanted or wanted in chosen)
    if kind == QuestionKind.LIST:
        return bool(value.get("rows"))
    return bool(value.get("answer"))


# --- The patient's writes ----------------------------------------------------------------


def _locked_request(consultation: ConsultationRequest) -> ConsultationRequest:
    """The request's row, locked until the transaction ends, as it is now."""
    locked = ConsultationRequest.objects.select_for_update().get(pk=consultation.pk)
    if is_locked(locked):
        raise IntakeLocked
    return locked


def intake_answers_save(
    *,
    consultation: ConsultationRequest,
    version: QuestionnaireVersion,
    answers: dict[str, dict | None],
) -> IntakeResponse:
    """Save the patient's answers (question key: value; None clears an answer) to `version`.
    Only questions of that version are stored; anything else is refused."""
    questions = {q["key"]: (position, q) for position, q in enumerate(version.questions)}
    unknown = set(answers) - set(questions)
    if unknown:
        raise ValidationError("An answer was sent to a question we did not ask.", code="unknown")
    with transaction.atomic():
        _locked_request(consultation)
        response, _ = IntakeResponse.objects.get_or_create(
            consultation=consultation, defaults={"version": version}
        )
        if response.version_id != version.pk:
            raise ValidationError("These answers belong to another version.", code="version")
        for key, value in answers.items():
            position, question = questions[key]
            if value is None:
                response.answers.filter(question_key=key).delete()
                continue
            flagged = raises_flag(question, value)
            IntakeAnswer.objects.update_or_create(
                response=response,
                question_key=key,
                defaults={
                    "position": position,
                    "question_text": question["text"],
                    "value": value,
                    "flagged": flagged,
                    "flag_note": question.get("flag_note", "") if flagged else "",
                },
            )
        response.save(update_fields=["updated_at"])
        return response


def missing_required(response: IntakeResponse | None, version: QuestionnaireVersion) -> list[dict]:
    answered = set()
    if response:
        answered = {str(key) for key in response.answers.values_list("question_key", flat=True)}
    return [q for q in version.questions if q["required"] and q["key"] not in answered]


def intake_submit(*, consultation: ConsultationRequest) -> IntakeResponse:
    with transaction.atomic():
        _locked_request(consultation)
        response = IntakeResponse.objects.filter(consultation=consultation).first()
        if response is None:
            raise ValidationError("Please answer the questions first.", code="empty")
        missing = missing_required(response, response.version)
        if missing:
            raise ValidationError(
                "Please answer every question marked with an asterisk first.", code="missing"
            )
        first_time = response.submitted_at is None
        response.submitted_at = timezone.now()
        response.save(update_fields=["submitted_at", "updated_at"])
        if first_time:
            log(consultation, "bookings.intake_submitted")
        return response


@dataclass(frozen=True)
class Signer:
    typed_name: str
    ip_address: str | None
    user_agent: str


def document_sign(
    *, consultation: ConsultationRequest, version: ClinicDocumentVersion, signer: Signer
) -> SignedDocument:
    """The patient signs exactly the text of `version` (what they were shown). One signature
    per document and request: signing again after the text changed adds a new one."""
    with transaction.atomic():
        _locked_request(consultation)
        existing = consultation.signed_documents.filter(version=version).first()
        if existing:
            return existing
        signed = SignedDocument(
            consultation=consultation,
            version=version,
            typed_name=signer.typed_name,
            text_shown=version.body,
            agreement_shown=version.agreement,
            signed_at=timezone.now(),
            ip_address=signer.ip_address,
            user_agent=signer.user_agent[:300],
        )
        signed.full_clean()
        signed.save()
        log(consultation, "bookings.document_signed", data={"document": version.title})
        return signed


# --- Staff ---------------------------------------------------------------------------------


def intake_record_view(*, consultation: ConsultationRequest, user, what: str) -> None:
    """Each look at a patient's answers or signatures, in Site history (no answer in it)."""
    log(consultation, "bookings.intake_viewed", user=user, data={"what": what})


def intake_delete_all(*, consultation: ConsultationRequest) -> None:
    """For anonymisation: every answer and signature of the request."""
    IntakeResponse.objects.filter(consultation=consultation).delete()
    consultation.signed_documents.all().delete()
