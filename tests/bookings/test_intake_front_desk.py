"""The patient's intake as staff see it (issue 30): only the front desk and providers, with
two factors, on the request's page and a printable summary; safety flags in the inbox, on
the calendar and on the printed day list; every look logged; editors get 403; emails carry
the link, never an answer; anonymisation deletes it all."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import ModelLogEntry

from allure.base.clinic import clinic_time
from bookings.intake import services
from bookings.messages import emails
from bookings.models import ConsultationStatus, IntakeAnswer, IntakeResponse, SignedDocument
from bookings.retention import consultation_request_anonymise
from bookings.workflow import changes
from tests.bookings.intaking import document, questionnaire
from tests.staff import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

ISOTRETINOIN = "Have you taken isotretinoin (Accutane) in the last 6 months?"
NOTE = "Defer ablative resurfacing until 6 months after the last dose."


@pytest.fixture
def history(db):
    return questionnaire()


@pytest.fixture
def answered(history, make_request, free_slots):
    """A request whose patient answered the first step (isotretinoin: yes) and signed."""
    consultation = make_request(slot=free_slots[0])
    version = history.versions.get()
    keys = [q["key"] for q in version.questions]
    services.intake_answers_save(
        consultation=consultation,
        version=version,
        answers={
            keys[0]: {"answer": "yes", "more": "Until August"},
            keys[1]: {"answer": "Never"},
            keys[2]: {"answers": ["Keloid scars"]},
            keys[3]: {"rows": [["Doxycycline", "100 mg daily"]], "none": False},
        },
    )
    services.document_sign(
        consultation=consultation,
        version=document().versions.get(),
        signer=services.Signer(typed_name="Patient Zero", ip_address="203.0.113.9", user_agent=""),
    )
    return consultation


def intake_logs(consultation):
    return ModelLogEntry.objects.filter(
        object_id=str(consultation.pk), action="bookings.intake_viewed"
    )


def test_the_front_desk_sees_answers_flags_and_notes_and_the_view_is_logged(
    desk_client, answered, front_desk_user
):
    page = desk_client.get(f"/admin/consultations/{answered.pk}/").content.decode()
    assert "2 safety flags" in page
    assert ISOTRETINOIN in page and "Yes: Until August" in page
    assert NOTE in page
    assert "Doxycycline: 100 mg daily" in page
    assert "Consultation policy (version 1)" in page
    log = intake_logs(answered).get()
    assert log.user == front_desk_user
    assert "Until August" not in str(log.data)  # the log names the look, not the answer


def test_the_printable_summary_is_one_page_of_flags_answers_and_signatures_and_is_logged(
    desk_client, answered
):
    response = desk_client.get(f"/admin/consultations/{answered.pk}/intake/print/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 safety flags" in page and NOTE in page
    assert "Doxycycline – 100 mg daily" in page
    assert "“Patient Zero”" in page and "203.0.113.9" in page
    assert intake_logs(answered).filter(data__what="printable summary").exists()
    signed = SignedDocument.objects.get()
    form = desk_client.get(f"/admin/consultations/{answered.pk}/intake/signed/{signed.pk}/")
    assert "Second paragraph." in form.content.decode()


def test_editors_get_403_and_staff_without_view_intake_see_no_answers(
    client, editor_client, answered, django_user_model
):
    for url in (
        f"/admin/consultations/{answered.pk}/",
        f"/admin/consultations/{answered.pk}/intake/print/",
        f"/admin/consultations/{answered.pk}/intake/signed/{SignedDocument.objects.get().pk}/",
    ):
        assert editor_client.get(url).status_code == 403
    # Someone who manages consultations without the intake permission: no answers, no log.
    helper = django_user_model.objects.create_user(username="helper", password="pw")
    helper.user_permissions.add(
        *Group.objects.get(name="Front desk").permissions.exclude(codename="view_intake")
    )
    sign_in_with_second_factor(client, helper)
    page = client.get(f"/admin/consultations/{answered.pk}/").content.decode()
    assert ISOTRETINOIN not in page and "safety flag" not in page
    assert client.get(f"/admin/consultations/{answered.pk}/intake/print/").status_code == 403
    assert not intake_logs(answered).exists()


def test_view_intake_needs_two_factors(client, answered, front_desk_user):
    client.force_login(front_desk_user)  # a password alone
    response = client.get(f"/admin/consultations/{answered.pk}/intake/print/")
    assert response.status_code in (302, 403)
    assert ISOTRETINOIN not in response.content.decode()
    assert not intake_logs(answered).exists()


def test_the_intake_permission_alone_asks_for_a_second_factor(client, django_user_model):
    """Whoever may read intake signs in with two factors, even without any other patient
    permission (a provider's account set up by hand, say)."""
    from django.contrib.auth.models import Permission

    reader = django_user_model.objects.create_user(username="reader", password="pw-intake-1")
    reader.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_intake"),
    )
    client.post("/admin/login/", {"username": "reader", "password": "pw-intake-1"})
    response = client.get("/admin/", follow=True)
    assert "Set up two-factor sign-in" in response.content.decode()


def test_the_inbox_shows_the_flags_with_their_questions(desk_client, answered, make_request):
    make_request()  # another request, with no intake
    page = desk_client.get("/admin/consultations/").content.decode()
    assert page.count("2 safety flags") == 1
    assert ISOTRETINOIN in page and "Which of these have you had?" in page
    assert NOTE not in page  # notes are on the request's page, for the provider


def test_the_calendar_and_the_printed_day_list_show_the_flags(desk_client, answered):
    day = clinic_time.local_day(answered.slot_start).isoformat()
    week = desk_client.get(f"/admin/consultations/calendar/?date={day}").content.decode()
    assert "2 safety flags" in week and ISOTRETINOIN in week
    printed = desk_client.get(
        f"/admin/consultations/calendar/day/print/?date={day}"
    ).content.decode()
    assert "2 safety flags" in printed and ISOTRETINOIN in printed
    assert intake_logs(answered).filter(data__what="safety flags on the printed day list").exists()


def test_the_dashboard_shows_todays_consultations_with_their_flags(
    client, front_desk_user, answered, clock
):
    changes.consultation_request_confirm_time(
        consultation=answered, start=answered.slot_start, user=None
    )
    clock.move_to(answered.slot_start - dt.timedelta(hours=1))
    sign_in_with_second_factor(client, front_desk_user)  # on the day itself
    page = client.get("/admin/").content.decode()
    assert answered.reference in page
    assert "2 safety flags" in page and ISOTRETINOIN in page


def test_emails_invite_to_intake_with_a_link_and_carry_no_answer(answered):
    for kind in ("acknowledgement", "reminder_two_days"):
        message = emails.build(kind, answered)
        html = message.alternatives[0][0]
        assert "/intake/" in message.body and "/intake/" in html
        for text in (message.body, html):
            assert "Until August" not in text and "Doxycycline" not in text
            assert "isotretinoin" not in text.lower()
    assert "/intake/" not in emails.build("front_desk_notice", answered).body
    assert mail.outbox == []


def test_anonymisation_deletes_answers_and_signatures(answered):
    changes.consultation_request_cancel(consultation=answered)
    answered.refresh_from_db()
    assert answered.status == ConsultationStatus.CANCELLED
    consultation_request_anonymise(consultation=answered)
    assert not IntakeResponse.objects.exists()
    assert not IntakeAnswer.objects.exists()
    assert not SignedDocument.objects.exists()
