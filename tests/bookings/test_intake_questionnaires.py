"""Questionnaires and forms the clinic keeps in the admin (issue 30): saving one that changed
publishes a new version; patients keep the version they answered; the demo content."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from bookings import demo
from bookings.intake import demo as intake_demo
from bookings.intake import services
from bookings.models import (
    ClinicDocumentVersion,
    ConsultationType,
    IntakeAnswer,
    QuestionnaireVersion,
)
from tests.bookings.intaking import questionnaire

pytestmark = pytest.mark.django_db


def edit_form(q, changes=None):
    """The admin's edit form of `q` as it stands, with `changes` ({question pk: {field:
    value}}) applied."""
    changes = changes or {}
    questions = [
        {
            "id": question.pk,
            "text": question.text,
            "kind": question.kind,
            "options": question.options,
            "more_prompt": question.more_prompt,
            "help_text": question.help_text,
            "required": "on" if question.required else "",
            "safety_flag": "on" if question.safety_flag else "",
            "flag_answer": question.flag_answer,
            "flag_note": question.flag_note,
        }
        | changes.get(question.pk, {})
        for question in q.questions.all()
    ]
    return nested_form_data(
        {
            "name": q.name,
            "introduction": q.introduction,
            "for_other_types": "on",
            "asks_first": "",
            "uses": inline_formset([]),
            "questions": inline_formset(questions, initial=len(questions)),
        }
    )


def test_saving_a_changed_questionnaire_in_the_admin_publishes_a_new_version(
    admin_client, make_request, free_slots
):
    q = questionnaire()
    consultation = make_request(slot=free_slots[0])
    version = q.versions.get()
    first = version.questions[0]
    services.intake_answers_save(
        consultation=consultation, version=version, answers={first["key"]: {"answer": "yes"}}
    )
    question = q.questions.first()
    url = f"/admin/snippets/bookings/questionnaire/edit/{q.pk}/"
    response = admin_client.post(
        url, edit_form(q, {question.pk: {"text": "Acne tablets this year?"}})
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(q.versions.values_list("number", flat=True)) == [2, 1]
    newest = q.versions.get(number=2)
    assert newest.questions[0]["text"] == "Acne tablets this year?"
    assert newest.questions[0]["key"] == first["key"]  # the same question, reworded
    answer = IntakeAnswer.objects.get()
    assert answer.response.version == version
    assert answer.question_text == first["text"]
    # Saving again with nothing changed is no new version.
    admin_client.post(url, edit_form(q))
    assert q.versions.count() == 2


def test_a_flag_answer_that_is_no_answer_of_the_question_is_refused_in_the_admin(admin_client):
    q = questionnaire()
    question = q.questions.get(kind="choice")
    not_an_option = {"safety_flag": "on", "flag_answer": "Sometimes"}
    response = admin_client.post(
        f"/admin/snippets/bookings/questionnaire/edit/{q.pk}/",
        edit_form(q, {question.pk: not_an_option}),
    )
    assert response.status_code == 200
    assert "one of the options exactly" in response.content.decode()
    assert q.versions.count() == 1


def test_the_demo_asks_skin_patients_the_general_history_then_the_resurfacing_questions(
    procedures,
):
    demo.load()
    skin = ConsultationType.objects.get(category="skin")
    versions = QuestionnaireVersion.objects.all()
    assert versions.count() == 2
    skin_version = versions.get(questionnaire__uses__consultation_type=skin)
    texts = [q["text"] for q in skin_version.questions]
    assert texts[0] == "Are you being treated for any medical condition?"
    isotretinoin = next(q for q in skin_version.questions if "isotretinoin" in q["text"])
    assert services.raises_flag(isotretinoin, {"answer": "yes"})
    assert not services.raises_flag(isotretinoin, {"answer": "no"})
    flagged = {q["text"].split("?")[0] for q in skin_version.questions if q["safety_flag"]}
    assert any("keloid" in t for t in flagged) and any("cold sores" in t for t in flagged)
    assert any("pregnant" in t for t in flagged) and any("tanned" in t for t in flagged)
    assert set(ClinicDocumentVersion.objects.values_list("title", flat=True)) == {
        "Consultation policy",
        "Photo consent",
        "Financial policy",
    }
    intake_demo.load()
    assert QuestionnaireVersion.objects.count() == 2
    assert ClinicDocumentVersion.objects.count() == 3


def test_administrators_find_questionnaires_and_forms_under_intake_and_editors_do_not(
    admin_client, editor_client
):
    for url in (
        "/admin/snippets/bookings/questionnaire/add/",
        "/admin/snippets/bookings/clinicdocument/add/",
    ):
        assert admin_client.get(url).status_code == 200
        assert editor_client.get(url).status_code in (302, 403)


def test_saving_a_form_to_sign_publishes_a_version_once_per_change(admin_client):
    data = {
        "title": "Financial policy",
        "body": "Payment is due on the day.",
        "agreement": "I agree.",
        "active": "on",
        "sort_order": "0",
    }
    assert (
        admin_client.post("/admin/snippets/bookings/clinicdocument/add/", data).status_code == 302
    )
    version = ClinicDocumentVersion.objects.get()
    url = f"/admin/snippets/bookings/clinicdocument/edit/{version.document_id}/"
    admin_client.post(url, data)
    assert ClinicDocumentVersion.objects.count() == 1
    admin_client.post(url, data | {"body": "Payment is due before the day."})
    assert list(ClinicDocumentVersion.objects.values_list("number", "body")) == [
        (2, "Payment is due before the day."),
        (1, "Payment is due on the day."),
    ]
