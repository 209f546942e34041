import datetime as dt

import pytest

from allure.models import Closure, OpeningHours
from bookings import demo
from bookings.models import BookingRules, ConsultationRequest, ConsultationStatus

pytestmark = pytest.mark.django_db


def test_demo_data_loads_in_various_states_and_loading_again_changes_nothing(procedures):
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
    assert Closure.objects.filter(reason="Thanksgiving").exists()


def test_thanksgiving_is_the_fourth_thursday_of_november():
    thanksgivings = [
        (a, b) for r, a, b in demo._holidays(dt.date(2026, 1, 1)) if r == "Thanksgiving"
    ]
    assert thanksgivings == [
        (dt.date(2026, 11, 26), dt.date(2026, 11, 27)),
        (dt.date(2027, 11, 25), dt.date(2027, 11, 26)),
    ]


def test_demo_without_procedures_still_sets_up_hours(db):
    demo.load()
    assert OpeningHours.objects.exists()
    assert not ConsultationRequest.objects.exists()
