"""Booking rules' late-change window: inside it, the patient's link no longer cancels or
moves the consultation, says why and gives the clinic's number; staff still can."""

import datetime as dt

import pytest

from allure.base.models import ClinicSettings
from bookings.models import BookingRules, ConsultationRequest, ConsultationStatus
from bookings.schedule.slots import Slot
from bookings.workflow import changes
from tests.bookings.test_manage_link import manage_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(make_request, free_slots, clock):
    """A request holding the first free time; the clock then moves to `hours` before it."""
    consultation = make_request(slot=free_slots[0])

    def hours_before(hours):
        clock.move_to(consultation.slot_start - dt.timedelta(hours=hours))
        return consultation

    return hours_before, free_slots


def rules(hours):
    booking_rules = BookingRules.load()
    booking_rules.late_change_hours = hours
    booking_rules.save()


def test_inside_the_window_the_page_says_why_and_gives_the_number(client, booked):
    rules(24)
    consultation = booked[0](23)
    html = client.get(manage_path(consultation)).content.decode()
    phone = ClinicSettings.load().phone
    assert "less than 24 hours away, so it can no longer be cancelled or moved online" in html
    assert phone and phone in html
    assert "Yes, cancel my consultation" not in html
    assert "Pick another time" not in html


def test_inside_the_window_a_posted_cancel_or_move_changes_nothing(client, booked):
    rules(24)
    consultation = booked[0](1)
    free_slots = booked[1]
    before = ConsultationRequest.objects.values().get(pk=consultation.pk)
    cancel = client.post(manage_path(consultation) + "cancel/")
    move = client.post(
        manage_path(consultation) + "reschedule/", {"slot": Slot(free_slots[5]).encode()}
    )
    assert (cancel.status_code, move.status_code) == (409, 409)
    for response in (cancel, move):
        assert "can no longer be cancelled or moved online" in response.content.decode()
    assert ConsultationRequest.objects.values().get(pk=consultation.pk) == before


def test_outside_the_window_the_patient_still_cancels(client, booked):
    rules(24)
    consultation = booked[0](25)
    assert "Yes, cancel my consultation" in client.get(manage_path(consultation)).content.decode()
    assert client.post(manage_path(consultation) + "cancel/").status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CANCELLED


def test_staff_are_not_held_to_the_window(booked, front_desk_user):
    rules(48)
    consultation = booked[0](2)
    changes.consultation_request_cancel(consultation=consultation, user=front_desk_user)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CANCELLED


def test_a_window_of_zero_hours_lets_the_patient_change_until_the_start(client, booked):
    rules(0)
    consultation = booked[0](1)
    html = client.get(manage_path(consultation)).content.decode()
    assert "Yes, cancel my consultation" in html
    assert "can no longer be cancelled" not in html
