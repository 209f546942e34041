import pytest

from allure.base import demo as clinic_demo
from allure.base.clinic.clinic_time import CLINIC_TZ
from allure.base.models import Closure, OpeningHours
from bookings import demo
from bookings.models import BookingRules, ConsultationRequest, ConsultationStatus

pytestmark = pytest.mark.django_db


def test_demo_data_loads_in_various_states_and_loading_again_changes_nothing(procedures):
    clinic_demo.load()
    demo.load()
    counts = (
        ConsultationRequest.objects.count(),
        OpeningHours.objects.count(),
        Closure.objects.count(),
    )
    demo.load()
    assert (
        ConsultationRequest.objects.count(),
        OpeningHours.objects.count(),
        Closure.objects.count(),
    ) == counts
    assert BookingRules.load().consultation_minutes == 30
    statuses = set(ConsultationRequest.objects.values_list("status", flat=True))
    assert {ConsultationStatus.NEW, ConsultationStatus.CANCELLED} <= statuses


def test_the_booking_demo_makes_no_hours_of_its_own(procedures):
    demo.load()
    assert not OpeningHours.objects.exists() and not Closure.objects.exists()
    assert not ConsultationRequest.objects.exclude(slot_start=None).exists()


def test_demo_times_fall_in_the_clinics_demo_hours(procedures):
    clinic_demo.load()
    demo.load()
    held = ConsultationRequest.objects.exclude(slot_start=None)
    starts = held.values_list("slot_start", flat=True)
    hours, closures = list(OpeningHours.objects.all()), list(Closure.objects.all())
    assert starts
    for start in starts:
        local = start.astimezone(CLINIC_TZ)
        assert any(
            p.weekday == local.weekday() and p.opens <= local.time() < p.closes for p in hours
        ), local
        assert not any(closure.covers(local.date()) for closure in closures), local
