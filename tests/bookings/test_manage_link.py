"""The patient's signed link: see the request, cancel or pick another time by POST only."""

import time

import pytest
from django.core import signing

from bookings.messages import links
from bookings.models import ConsultationRequest, ConsultationStatus
from bookings.schedule.slots import Slot

pytestmark = pytest.mark.django_db


class SignerFromLastMonth(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 31 * 24 * 3600)


def manage_path(consultation, token=None):
    return f"/consultation/manage/{token or links.manage_token(consultation)}/"


def test_the_link_shows_the_request_to_the_patient(client, make_request, free_slots):
    consultation = make_request(slot=free_slots[0], full_name="Avery Johnson")
    html = client.get(manage_path(consultation)).content.decode()
    assert consultation.reference in html
    assert "Avery Johnson" in html
    assert "Yes, cancel my consultation" in html
    assert "Pick another time" in html


def test_opening_the_link_changes_nothing(client, make_request, free_slots):
    consultation = make_request(slot=free_slots[0])
    before = ConsultationRequest.objects.values().get(pk=consultation.pk)
    for path in ("", "cancel/", "reschedule/"):
        client.get(manage_path(consultation) + path)
    assert ConsultationRequest.objects.values().get(pk=consultation.pk) == before


def test_cancelling_takes_a_button_press_and_frees_the_time(client, make_request, free_slots):
    consultation = make_request(slot=free_slots[0])
    response = client.post(manage_path(consultation) + "cancel/")
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CANCELLED
    follow = client.get(response["Location"]).content.decode()
    assert "Your request is cancelled" in follow
    assert "Yes, cancel my consultation" not in follow
    make_request(slot=free_slots[0])  # the time is free again


def test_the_patient_can_pick_another_time(client, make_request, free_slots):
    consultation = make_request(slot=free_slots[0])
    response = client.post(
        manage_path(consultation) + "reschedule/", {"slot": Slot(free_slots[5]).encode()}
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.slot_start == free_slots[5]


def test_picking_a_held_time_is_refused_with_a_message(client, make_request, free_slots):
    make_request(slot=free_slots[1])
    consultation = make_request(slot=free_slots[0])
    response = client.post(
        manage_path(consultation) + "reschedule/", {"slot": Slot(free_slots[1]).encode()}
    )
    assert response.status_code == 400
    assert "just taken" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.slot_start == free_slots[0]


def test_an_expired_link_is_refused_clearly(client, make_request):
    consultation = make_request()
    old = SignerFromLastMonth(salt=links.SALT).sign(f"{consultation.pk}.{consultation.reference}")
    for method, suffix in (("get", ""), ("post", "cancel/")):
        response = getattr(client, method)(manage_path(consultation, old) + suffix)
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.NEW


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "1" + token,
        lambda token: "nonsense",
        lambda token: token.replace(":", "", 1),
    ],
)
def test_a_tampered_link_is_refused_clearly(client, make_request, tamper):
    consultation = make_request()
    token = tamper(links.manage_token(consultation))
    response = client.get(manage_path(consultation, token))
    assert response.status_code == 400
    assert "This link doesn" in response.content.decode()
    response = client.post(manage_path(consultation, token) + "cancel/")
    assert response.status_code == 400
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.NEW


def test_a_link_signed_for_another_purpose_does_not_work(client, make_request):
    consultation = make_request()
    token = signing.TimestampSigner().sign(f"{consultation.pk}.{consultation.reference}")
    assert client.get(manage_path(consultation, token)).status_code == 400


def test_a_confirmed_appointment_is_moved_by_phone_not_online(
    client, make_request, free_slots, front_desk_user
):
    from bookings.workflow import changes

    consultation = make_request(slot=free_slots[0])
    changes.consultation_request_confirm_time(
        consultation=consultation, start=free_slots[0], user=front_desk_user
    )
    html = client.get(manage_path(consultation)).content.decode()
    assert "Pick another time" not in html
    assert "To move a confirmed appointment, please call us" in html
    assert "Yes, cancel my consultation" in html


def test_a_reschedule_after_the_front_desk_declined_says_so_and_changes_nothing(
    client, make_request, free_slots, front_desk_user
):
    from bookings.workflow import changes

    consultation = make_request(slot=free_slots[0])
    page = manage_path(consultation)
    assert "Pick another time" in client.get(page).content.decode()
    changes.consultation_request_transition(
        consultation=consultation, to_status=ConsultationStatus.DECLINED, user=front_desk_user
    )
    response = client.post(page + "reschedule/", {"slot": Slot(free_slots[3]).encode()})
    assert response.status_code == 409
    assert "This request is closed" in response.content.decode()
    assert ConsultationRequest.objects.get().status == ConsultationStatus.DECLINED
    assert ConsultationRequest.objects.get().slot_start == free_slots[0]


@pytest.mark.parametrize("path", ["", "cancel/", "reschedule/"])
def test_manage_pages_leak_through_no_referer_cache_or_search_engine(
    client, make_request, free_slots, path
):
    consultation = make_request(slot=free_slots[0])
    url = manage_path(consultation) + path
    response = client.get(url) if not path else client.post(url, {"slot": "call"})
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Robots-Tag"] == "noindex"


def test_a_broken_link_page_is_private_too(client):
    response = client.get("/consultation/manage/not-a-token/")
    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store, private"


def test_once_closed_the_link_shows_no_personal_details(client, make_request, free_slots):
    consultation = make_request(slot=free_slots[0], full_name="Avery Johnson")
    client.post(manage_path(consultation) + "cancel/")
    html = client.get(manage_path(consultation)).content.decode()
    assert consultation.reference in html
    assert "Cancelled" in html
    assert "Avery Johnson" not in html
    assert "Rhinoplasty" not in html  # what they asked about is health-adjacent
    assert "This request is closed" in html
