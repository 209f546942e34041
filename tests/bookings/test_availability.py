"""Which times patients are offered: opening hours, closures, notice, horizon, DST."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from allure.base.clinic.clinic_time import format_slot, local_day
from allure.base.models import Closure, OpeningHours
from bookings.models import BookingRules, ConsultationStatus
from bookings.schedule.availability import (
    available_slots,
    held_and_open_requests,
    length_of,
    schedule_slots,
    slots_by_day,
)

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")
# Monday 7 December 2026, 8:00 in Jackson.
MONDAY_MORNING = dt.datetime(2026, 12, 7, 8, 0, tzinfo=CHICAGO)


def local_times(slots, day):
    return [
        s.astimezone(CHICAGO).strftime("%H:%M")
        for s in slots
        if s.astimezone(CHICAGO).date() == day
    ]


def rules(**kwargs):
    rules = BookingRules.load()
    for key, value in kwargs.items():
        setattr(rules, key, value)
    rules.save()
    return rules


def test_times_are_offered_only_inside_each_opening_period(clinic_hours):
    slots = available_slots(now=MONDAY_MORNING, rules=rules(minimum_notice_hours=0))
    assert local_times(slots, dt.date(2026, 12, 7)) == [
        "09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
        "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30",
    ]  # fmt: skip


def test_a_consultation_must_end_before_the_clinic_closes(walker):
    OpeningHours.objects.create(weekday=0, opens=dt.time(9), closes=dt.time(10, 15))
    slots = available_slots(now=MONDAY_MORNING, rules=rules(minimum_notice_hours=0))
    assert local_times(slots, dt.date(2026, 12, 7)) == ["09:00", "09:30"]


def test_consultation_length_sets_the_interval(clinic_hours):
    slots = available_slots(
        now=MONDAY_MORNING, rules=rules(minimum_notice_hours=0, consultation_minutes=60)
    )
    assert local_times(slots, dt.date(2026, 12, 7)) == [
        "09:00", "10:00", "11:00", "13:00", "14:00", "15:00", "16:00",
    ]  # fmt: skip


def test_weekends_without_hours_offer_nothing(clinic_hours):
    slots = available_slots(now=MONDAY_MORNING, rules=rules(minimum_notice_hours=0))
    assert local_times(slots, dt.date(2026, 12, 12)) == []
    assert local_times(slots, dt.date(2026, 12, 13)) == []


def test_closures_remove_every_time_on_the_days_they_cover(clinic_hours):
    Closure.objects.create(
        starts_on=dt.date(2026, 12, 8), ends_on=dt.date(2026, 12, 9), reason="Training"
    )
    slots = available_slots(now=MONDAY_MORNING, rules=rules(minimum_notice_hours=0))
    assert local_times(slots, dt.date(2026, 12, 8)) == []
    assert local_times(slots, dt.date(2026, 12, 9)) == []
    assert local_times(slots, dt.date(2026, 12, 10))


def test_a_closure_or_new_hours_added_by_staff_change_the_times_offered_at_once(clinic_hours):
    # Hours and closures come from the shared cache; a change must not wait for it to expire.
    before = available_slots(now=MONDAY_MORNING, rules=rules(minimum_notice_hours=0))
    assert local_times(before, dt.date(2026, 12, 8))
    Closure.objects.create(
        starts_on=dt.date(2026, 12, 8), ends_on=dt.date(2026, 12, 8), reason="Training"
    )
    OpeningHours.objects.create(weekday=5, opens=dt.time(9), closes=dt.time(10))
    after = available_slots(now=MONDAY_MORNING, rules=rules(minimum_notice_hours=0))
    assert local_times(after, dt.date(2026, 12, 8)) == []
    assert local_times(after, dt.date(2026, 12, 12)) == ["09:00", "09:30"]


def test_minimum_notice_hides_times_too_soon(clinic_hours):
    slots = available_slots(now=MONDAY_MORNING, rules=rules(minimum_notice_hours=24))
    assert local_times(slots, dt.date(2026, 12, 7)) == []
    assert local_times(slots, dt.date(2026, 12, 8))[0] == "09:00"
    assert min(slots) >= MONDAY_MORNING + dt.timedelta(hours=24)


def test_staff_are_not_bound_by_the_minimum_notice(clinic_hours):
    slots = available_slots(
        now=MONDAY_MORNING, rules=rules(minimum_notice_hours=24), for_staff=True
    )
    assert local_times(slots, dt.date(2026, 12, 7))[0] == "09:00"


def test_nothing_is_offered_past_the_horizon(clinic_hours):
    slots = available_slots(now=MONDAY_MORNING, rules=rules(horizon_days=7))
    assert max(slots).astimezone(CHICAGO).date() == dt.date(2026, 12, 14)


def test_times_held_by_open_requests_are_not_offered_but_closed_ones_are(make_request):
    rules(minimum_notice_hours=0)
    first, second = available_slots()[:2]
    held = make_request(slot=first)
    released = make_request(slot=second)
    released.status = ConsultationStatus.DECLINED
    released.save()
    slots = available_slots()
    assert held.slot_start not in slots
    assert second in slots


def test_a_new_bookings_one_read_finds_the_days_held_times_and_the_patients_open_requests(
    make_request, walker
):
    rules(minimum_notice_hours=0)
    slots = available_slots()
    day = local_day(slots[0])
    same_day = [s for s in slots if local_day(s) == day]
    by_email = make_request(slot=same_day[0], email="AVERY@example.com")
    closed = make_request(slot=same_day[1], phone="+16015550142")
    closed.status = ConsultationStatus.DECLINED
    closed.save()
    by_phone = make_request(slot=same_day[2], phone="+16015550142")
    someone_else = make_request(slot=same_day[3])
    make_request(slot=next(s for s in slots if local_day(s) > day))  # another day
    make_request(slot=None, email="avery@example.com", phone="+16015550199")  # call me

    length = length_of(None, BookingRules.load())
    held, open_requests = held_and_open_requests(
        same_day[4], providers=[walker], length=length, email="avery@example.com",
        phone="+16015550142",
    )  # fmt: skip

    assert list(held) == [walker.pk]
    assert sorted(held[walker.pk]) == sorted(
        (r.slot_start, r.slot_end) for r in (by_email, by_phone, someone_else)
    )  # not the declined request's, nor another day's
    assert open_requests == 3  # by email (in any case), by phone and the call-me request


def test_spring_forward_day_keeps_wall_clock_times(walker):
    # 14 March 2027: clocks jump from 2:00 to 3:00 in Chicago (CST -6 to CDT -5).
    OpeningHours.objects.create(weekday=5, opens=dt.time(9), closes=dt.time(10))  # Saturday
    OpeningHours.objects.create(weekday=6, opens=dt.time(9), closes=dt.time(10))  # Sunday
    slots = schedule_slots(
        start_day=dt.date(2027, 3, 13), end_day=dt.date(2027, 3, 14), consultation_minutes=30
    )
    assert [s.astimezone(dt.UTC).strftime("%d %H:%M") for s in slots] == [
        "13 15:00", "13 15:30", "14 14:00", "14 14:30",
    ]  # fmt: skip
    assert {s.astimezone(CHICAGO).strftime("%H:%M") for s in slots} == {"09:00", "09:30"}


def test_fall_back_day_keeps_wall_clock_times(walker):
    # 7 November 2027: clocks go back from 2:00 to 1:00 (CDT -5 to CST -6).
    OpeningHours.objects.create(weekday=5, opens=dt.time(9), closes=dt.time(10))
    OpeningHours.objects.create(weekday=6, opens=dt.time(9), closes=dt.time(10))
    slots = schedule_slots(
        start_day=dt.date(2027, 11, 6), end_day=dt.date(2027, 11, 7), consultation_minutes=30
    )
    assert [s.astimezone(dt.UTC).strftime("%d %H:%M") for s in slots] == [
        "06 14:00", "06 14:30", "07 15:00", "07 15:30",
    ]  # fmt: skip


def test_wall_times_that_do_not_exist_are_skipped_and_repeated_ones_offered_once(walker):
    # A (hypothetical) night period across both changes.
    OpeningHours.objects.create(weekday=6, opens=dt.time(1), closes=dt.time(4))
    spring = schedule_slots(
        start_day=dt.date(2027, 3, 14), end_day=dt.date(2027, 3, 14), consultation_minutes=30
    )
    assert [s.astimezone(CHICAGO).strftime("%H:%M") for s in spring] == [
        "01:00", "01:30", "03:00", "03:30",
    ]  # fmt: skip
    autumn = schedule_slots(
        start_day=dt.date(2027, 11, 7), end_day=dt.date(2027, 11, 7), consultation_minutes=30
    )
    assert len(autumn) == len(set(autumn)) == 6


def test_slots_are_grouped_by_local_day_and_labelled_for_patients(clinic_hours):
    slots = available_slots(now=MONDAY_MORNING, rules=rules(minimum_notice_hours=0))
    days = slots_by_day(slots)
    assert days[0][0] == dt.date(2026, 12, 7)
    assert format_slot(days[0][1][0]) == "Mon 7 Dec, 9:00 AM"
    assert format_slot(days[0][1][-1]) == "Mon 7 Dec, 4:30 PM"
