"""Intake before the consultation (issue 30): the patient's answers a few at a time from the
manage link, saved as they go, reviewed and sent; forms signed by typed name and tick; all
kept with the version the patient saw."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings.intake import services
from bookings.messages import links
from bookings.models import IntakeAnswer, IntakeResponse, SignedDocument
from tests.bookings.intaking import document, questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(db):
    return questionnaire()


@pytest.fixture
def consultation(history, make_request, free_slots):
    return make_request(slot=free_slots[0])


def intake_url(consultation, rest=""):
    return f"/consultation/manage/{links.manage_token(consultation)}/intake/{rest}"


def key(history, position):
    return "q-" + str(history.questions.all()[position].key)


def first_step(history, **overrides):
    data = {
        key(history, 0): "yes",
        key(history, 0) + "-more": "Stopped in September",
        key(history, 1): "Never",
        key(history, 2): ["Cold sores"],
        key(history, 3) + "-0-item": "Tretinoin cream",
        key(history, 3) + "-0-detail": "0.05%, nightly",
    }
    data.update(overrides)
    return data


def test_the_manage_page_invites_the_patient_to_intake(client, consultation):
    page = client.get(f"/consultation/manage/{links.manage_token(consultation)}/").content.decode()
    assert intake_url(consultation) in page


def test_a_step_is_saved_as_it_is_sent_and_the_patient_resumes_where_they_left_off(
    client, consultation, history
):
    response = client.post(intake_url(consultation, "step/1/"), first_step(history))
    assert response.status_code == 302
    assert response["Location"] == intake_url(consultation, "step/2/")
    answers = {a.question_text: a for a in IntakeAnswer.objects.all()}
    isotretinoin = answers["Have you taken isotretinoin (Accutane) in the last 6 months?"]
    assert isotretinoin.value == {"answer": "yes", "more": "Stopped in September"}
    assert isotretinoin.flagged
    assert answers["Medications you take"].rows == [["Tretinoin cream", "0.05%, nightly"]]
    assert not answers["Which of these have you had?"].flagged

    overview = client.get(intake_url(consultation))
    assert overview["Cache-Control"] == "no-store, private"
    assert overview["Referrer-Policy"] == "no-referrer"
    assert overview["X-Robots-Tag"] == "noindex"
    page = overview.content.decode()
    assert "4 of 5" in page
    # Step 2's one question is optional: nothing holds the patient back from the review.
    assert "Review and send" in page and intake_url(consultation, "review/") in page
    # Coming back to the first step shows what was sent.
    again = client.get(intake_url(consultation, "step/1/")).content.decode()
    assert "Stopped in September" in again and "Tretinoin cream" in again


def test_an_invalid_answer_is_shown_on_the_same_page_and_the_valid_ones_are_kept(
    client, consultation, history
):
    data = first_step(history, **{key(history, 1): ""})
    response = client.post(intake_url(consultation, "step/1/"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please choose one." in page
    assert "Stopped in September" in page  # nothing typed is lost
    assert IntakeAnswer.objects.count() == 3  # the valid ones are saved


def test_the_pages_script_saves_answers_as_they_are_given_without_leaving_the_step(
    client, consultation, history
):
    data = {key(history, 0): "no", key(history, 1): "", "autosave": "1"}
    response = client.post(intake_url(consultation, "step/1/"), data)
    assert response.status_code == 204
    assert [a.value for a in IntakeAnswer.objects.all()] == [{"answer": "no", "more": ""}]


def test_review_lists_the_answers_and_submitting_needs_every_required_one(
    client, consultation, history
):
    client.post(intake_url(consultation, "step/1/"), first_step(history, **{key(history, 1): ""}))
    response = client.post(intake_url(consultation, "submit/"))
    assert response.status_code == 400
    assert "Please answer every question marked" in response.content.decode()
    client.post(intake_url(consultation, "step/1/"), first_step(history))
    review = client.get(intake_url(consultation, "review/")).content.decode()
    assert "Yes: Stopped in September" in review
    assert "Tretinoin cream – 0.05%, nightly" in review
    response = client.post(intake_url(consultation, "submit/"))
    assert response.status_code == 302
    assert IntakeResponse.objects.get().submitted_at is not None


def test_editing_the_questionnaire_later_leaves_the_answers_as_they_were_asked(
    client, consultation, history
):
    client.post(intake_url(consultation, "step/1/"), first_step(history))
    question = history.questions.all()[0]
    question.text = "Any acne medicine by mouth this year?"
    question.save()
    new_version = services.questionnaire_publish(questionnaire=history)
    assert new_version.number == 2
    response = IntakeResponse.objects.get()
    assert response.version.number == 1
    review = client.get(intake_url(consultation, "review/")).content.decode()
    assert "Have you taken isotretinoin (Accutane) in the last 6 months?" in review
    assert "Any acne medicine" not in review


def test_hostile_input_gets_a_message_never_a_500_and_stores_nothing_unexpected(
    client, consultation, history
):
    long_text = "x" * 5000
    response = client.post(intake_url(consultation, "step/2/"), {key(history, 4): long_text})
    assert response.status_code == 400
    assert "at most 1000 characters" in response.content.decode()
    response = client.post(
        intake_url(consultation, "step/2/"), {key(history, 4): "pen\x1bicillin\u202e"}
    )
    assert response.status_code == 400
    assert "unusual characters" in response.content.decode()
    response = client.post(
        intake_url(consultation, "step/2/"),
        {key(history, 4): "<script>alert(1)</script>"},
    )
    assert response.status_code == 302
    review = client.get(intake_url(consultation, "review/")).content.decode()
    assert "<script>alert(1)" not in review and "&lt;script&gt;" in review
    forged = client.post(
        intake_url(consultation, "step/2/"),
        {key(history, 4): "Latex", "q-00000000-0000-0000-0000-000000000000": "yes"},
    )
    assert forged.status_code == 400
    assert "a question we did not ask" in forged.content.decode()
    assert IntakeAnswer.objects.get().value == {"answer": "<script>alert(1)</script>"}
    # A question of another step, posted to this one, is refused too.
    assert (
        client.post(intake_url(consultation, "step/2/"), {key(history, 0): "no"}).status_code == 400
    )
    assert client.get(intake_url(consultation, "step/9/")).status_code == 404


def test_answers_posted_to_a_closed_request_are_refused_and_nothing_is_stored(
    client, consultation, history
):
    from bookings.workflow import changes

    changes.consultation_request_cancel(consultation=consultation)
    response = client.post(intake_url(consultation, "step/1/"), first_step(history))
    assert response.status_code == 409
    assert IntakeAnswer.objects.count() == 0
    page = client.get(intake_url(consultation)).content.decode()
    assert "This request is closed" in page


def test_answers_are_locked_once_the_consultation_starts(client, consultation, history, clock):
    client.post(intake_url(consultation, "step/1/"), first_step(history))
    clock.move_to(consultation.slot_start + dt.timedelta(minutes=1))
    response = client.post(
        intake_url(consultation, "step/1/"), first_step(history, **{key(history, 0): "no"})
    )
    assert response.status_code == 409
    assert "recorded as a new entry" in response.content.decode()
    assert IntakeAnswer.objects.get(position=0).value["answer"] == "yes"


def test_another_requests_link_can_neither_read_nor_write_these_answers(
    client, consultation, history, make_request, free_slots
):
    client.post(intake_url(consultation, "step/1/"), first_step(history))
    other = make_request(slot=free_slots[1])
    page = client.get(intake_url(other, "review/")).content.decode()
    assert "Stopped in September" not in page
    client.post(intake_url(other, "step/1/"), first_step(history, **{key(history, 0): "no"}))
    mine = IntakeAnswer.objects.get(response__consultation=consultation, position=0)
    assert mine.value["answer"] == "yes"
    tampered = intake_url(consultation).replace(
        links.manage_token(consultation), links.manage_token(consultation)[:-2] + "xx"
    )
    assert client.get(tampered).status_code == 400


def test_signing_keeps_the_version_the_exact_text_the_time_and_the_address(client, consultation):
    policy = document()
    version = policy.versions.get()
    url = intake_url(consultation, f"documents/{policy.pk}/")
    page = client.get(url).content.decode()
    assert "Second paragraph." in page
    response = client.post(url, {"version": version.pk, "full_name": "Patient Zero"})
    assert response.status_code == 400
    assert "Please tick the box to agree." in response.content.decode()
    response = client.post(
        url,
        {"version": version.pk, "full_name": "Patient Zero", "agree": "on"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Phone",
    )
    assert response.status_code == 302
    signed = SignedDocument.objects.get()
    assert signed.version == version
    assert signed.text_shown == "First paragraph.\n\nSecond paragraph."
    assert signed.typed_name == "Patient Zero"
    assert signed.ip_address == "203.0.113.9"
    assert signed.signed_at == timezone.now()
    # The clinic edits the policy: the signature keeps the text that was signed.
    policy.body = "A new text."
    policy.save()
    services.document_publish(document=policy)
    signed.refresh_from_db()
    assert signed.text_shown == "First paragraph.\n\nSecond paragraph."
    printable = client.get(intake_url(consultation, f"signed/{signed.pk}/")).content.decode()
    assert "Second paragraph." in printable and "Patient Zero" in printable


def test_signing_a_document_that_changed_while_it_was_read_asks_to_read_it_again(
    client, consultation
):
    policy = document()
    old = policy.versions.get()
    policy.body = "Changed."
    policy.save()
    services.document_publish(document=policy)
    response = client.post(
        intake_url(consultation, f"documents/{policy.pk}/"),
        {"version": old.pk, "full_name": "Patient Zero", "agree": "on"},
    )
    assert response.status_code == 409
    assert SignedDocument.objects.count() == 0
