"""The front desk signs in with a second factor, opens the calendar's week, steps to next week,
follows a request through to its page and prints that day's list; the same pages at 390 px
(a phone or a small tablet) and on a desktop, with no axe-core violation."""

import datetime as dt
import urllib.request
import uuid
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.utils import timezone
from playwright.sync_api import expect

from allure.base.clinic import clinic_time
from allure.base.models import Closure
from bookings.booking import services
from bookings.models import ConsultationRequest
from bookings.schedule import availability
from bookings.schedule.slots import Slot
from procedures.models import ProcedurePage
from tests.e2e.conftest import PHONE, axe_violations, screenshot
from tests.e2e.test_front_desk_confirms_a_request import log_in

PASSWORD = "front-desk-calendar-pass"  # noqa: S105


@pytest.fixture
def front_desk_user(demo_site):
    user = User.objects.create_user("desk", "desk@example.com", PASSWORD)
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


def next_week() -> dt.date:
    """A week from today (journeys start on a Wednesday like the pinned one, a real one)."""
    return clinic_time.local_day(timezone.now()) + dt.timedelta(days=7)


@pytest.fixture
def next_week_request(demo_site):
    """A patient's held time in next week, beside the demo's requests of this week; the
    clinic closes that Friday."""
    friday = next_week() + dt.timedelta(days=2)
    Closure.objects.create(starts_on=friday, ends_on=friday, reason="Staff training")
    skin = ProcedurePage.objects.get(slug="skin-resurfacing")
    start = next(
        s
        for s in availability.available_slots(procedures=[skin])
        if clinic_time.local_day(s) == next_week()
    )
    consultation, _ = services.consultation_request_create(
        patient_request=services.PatientRequest(
            full_name="Robin Hale",
            email="robin@example.com",
            phone="601-555-0177",
            contact_method="text",
            procedures=(skin,),
            slot=Slot(start),
            consent=True,
            submission_token=uuid.uuid4(),
        )
    )
    return consultation


def test_the_front_desk_steps_through_the_week_and_prints_the_day(
    demo_site, desktop, front_desk_user, next_week_request
):
    page = desktop
    NEXT_WEEK = next_week()  # noqa: N806
    log_in(page, demo_site, "desk", PASSWORD, second_step=True)
    page.locator("[data-wagtail-sidebar]").get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", name="Week of", exact=False)).to_be_visible()

    # The demo's requests that hold a time, each by its reference, in its own week.
    held = ConsultationRequest.objects.filter(
        status__in=["new", "contacted", "scheduled"], slot_start__isnull=False
    ).exclude(pk=next_week_request.pk)
    monday = NEXT_WEEK - dt.timedelta(days=7 + NEXT_WEEK.weekday())

    def in_week(first: dt.date) -> list[str]:
        return [
            c.reference
            for c in held
            if first <= clinic_time.local_day(c.slot_start) < first + dt.timedelta(days=7)
        ]

    assert in_week(monday)
    for reference in in_week(monday):
        expect(page.get_by_role("link", name=reference)).to_be_visible()
    expect(page.get_by_text("Robin Hale")).to_have_count(0)  # no names on the calendar
    assert axe_violations(page) == []
    screenshot(page, "calendar-week-desktop")

    page.get_by_role("link", name="Next week").click()
    expect(page).to_have_url(f"{demo_site}/admin/consultations/calendar/?date={NEXT_WEEK}")
    expect(page.get_by_text("Clinic closed: Staff training").first).to_be_visible()
    for reference in in_week(monday + dt.timedelta(days=7)):
        expect(page.get_by_role("link", name=reference)).to_be_visible()
    reference = next_week_request.reference
    entry = page.locator("li.calendar-entry", has_text=reference)
    expect(entry).to_contain_text("Held, not called yet")
    expect(entry).to_contain_text("Skin")
    entry.get_by_role("link").click()
    expect(page).to_have_url(f"{demo_site}/admin/consultations/{next_week_request.pk}/")
    expect(page.get_by_text("Robin Hale").first).to_be_visible()  # the detail page has it

    page.go_back()
    page.get_by_role("link", name="Day", exact=True).click()
    expect(page.get_by_role("heading", name=f"{NEXT_WEEK:%A}", exact=False).first).to_be_visible()
    screenshot(page, "calendar-day-desktop")
    page.get_by_role("link", name="Printable day list").click()
    row = page.locator("tr", has_text=reference)
    expect(row).to_contain_text("Text message")
    expect(row).to_contain_text("Skin resurfacing")
    expect(page.get_by_text("Robin Hale")).to_have_count(0)
    assert axe_violations(page) == []
    screenshot(page, "calendar-print-desktop")
    page.emulate_media(media="print")
    screenshot(page, "calendar-print-as-printed")
    page.emulate_media(media="screen")

    # Dr. Walker's feed: chosen with the GET form, made, and read as a calendar app would
    # (no cookie, no session).
    page.goto(f"{demo_site}/admin/consultations/calendar/?date={NEXT_WEEK}")
    page.get_by_label("Provider", exact=True).select_option(label="Dr. Walker")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Dr. Walker's calendar feed")).to_be_visible()
    page.get_by_role("button", name="Make a feed address").click()
    expect(page.get_by_text("calendar feed is ready")).to_be_visible()
    address = page.get_by_label("Feed address").input_value()
    assert address.startswith(f"{settings.SITE_URL}/calendar/") and address.endswith(".ics")
    with urllib.request.urlopen(demo_site + urlsplit(address).path) as feed:  # noqa: S310
        body = feed.read().decode()
    assert body.startswith("BEGIN:VCALENDAR") and reference in body
    assert "Robin" not in body and "robin@example.com" not in body
    screenshot(page, "calendar-provider-feed-desktop")

    # The same pages on a 390 px screen: nothing wider than the screen.
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_site}/admin/consultations/calendar/?date={NEXT_WEEK}")
    wider = page.evaluate("document.documentElement.scrollWidth")
    assert wider <= PHONE["width"], wider
    screenshot(page, "calendar-week-phone")
    page.goto(f"{demo_site}/admin/consultations/calendar/day/?date={NEXT_WEEK}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "calendar-day-phone")
    page.goto(f"{demo_site}/admin/consultations/calendar/day/print/?date={NEXT_WEEK}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "calendar-print-phone")
