"""A patient on a phone books a 45-minute surgical consultation with Dr. Walker and a
20-minute filler consultation with the nurse injector: a treatment, a person, a day from the
week strip, one of that day's times. The same page works with JavaScript off."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from bookings.models import ConsultationRequest, Provider
from tests.e2e.conftest import PHONE, _page, screenshot

PATIENT = {"name": "Riley Carter", "email": "riley@example.com", "phone": "601-555-0177"}


def fill_details_and_send(page, patient=PATIENT):
    page.get_by_role("textbox", name="Your name").fill(patient["name"])
    page.get_by_role("textbox", name="Email").fill(patient["email"])
    page.get_by_role("textbox", name="Phone").fill(patient["phone"])
    page.get_by_role("checkbox", name=re.compile("I agree to be contacted")).check()
    page.get_by_role("button", name="Send my request").click()
    expect(page).to_have_url(re.compile(r"/consultation/received/[^/]+/$"))
    return page.locator(".booking-reference strong").inner_text()


def pick_second_free_day_and_first_time(page):
    free_days = page.locator("#booking-days a.booking-strip-day")
    expect(free_days.first).to_be_visible()
    day = free_days.nth(1) if free_days.count() > 1 else free_days.first
    chosen = re.search(r"day=([\d-]+)", day.get_attribute("href")).group(1)
    day.click()
    # With JavaScript the days and times are redrawn in place, then the address follows.
    expect(page).to_have_url(re.compile(f"day={chosen}"))
    expect(page.locator("#booking-days [aria-current=date]")).to_have_count(1)
    first_time = page.locator("#booking-times .booking-time input[type=radio]").first
    first_time.click()
    expect(first_time).to_be_checked()
    return dt.datetime.fromisoformat(first_time.get_attribute("value"))


def test_a_patient_books_surgery_with_dr_walker_and_fillers_with_the_nurse(booking_site, phone):
    page = phone
    page.goto(booking_site + "/consultation/")
    treatment = page.get_by_role("combobox", name="Treatment")
    treatment.select_option(label="Facelift")
    walker = page.get_by_role("radio", name=re.compile("^Dr. Walker"))
    expect(walker).to_be_visible()  # drawn in place once the treatment is chosen
    # Only the people who do facelifts: the nurse and the aesthetician are not offered.
    expect(page.get_by_role("radio", name=re.compile("nurse injector"))).to_have_count(0)
    walker.check()
    expect(page).to_have_url(re.compile(r"procedure=facelift&provider=\d+"))
    page.get_by_role("textbox", name="Your name").fill("typed before the day")
    start = pick_second_free_day_and_first_time(page)
    # Redrawing the days and times kept what was typed further down.
    expect(page.get_by_role("textbox", name="Your name")).to_have_value("typed before the day")
    screenshot(page, "diary-surgery-phone")
    height = page.locator(".booking").bounding_box()["height"]
    # About two screens, the whole form: 2.25 since it gained the text-reminder consent (its
    # wording is what a carrier requires) and the waitlist line; it was 2.2.
    assert height <= 2.3 * PHONE["height"], height
    reference = fill_details_and_send(page)

    surgery = ConsultationRequest.objects.get(reference=reference)
    assert surgery.provider.name == "Dr. Walker"
    assert surgery.slot_start == start
    assert surgery.consultation_type.minutes == 45
    assert surgery.slot_end - surgery.slot_start == dt.timedelta(
        minutes=45 + surgery.consultation_type.buffer_minutes
    )

    nurse = Provider.objects.get(clinician__role__icontains="nurse injector")
    page.goto(booking_site + "/procedures/dermal-fillers/")
    page.get_by_role("main").get_by_role("link", name="Book a consultation").first.click()
    expect(page.get_by_role("combobox", name="Treatment")).to_have_value("dermal-fillers")
    page.get_by_role("radio", name=re.compile(f"^{nurse.name}")).check()
    start = pick_second_free_day_and_first_time(page)
    screenshot(page, "diary-fillers-phone")
    reference = fill_details_and_send(page)

    fillers = ConsultationRequest.objects.get(reference=reference)
    assert fillers.provider == nurse
    assert fillers.slot_start == start
    assert fillers.consultation_type.minutes == 20
    assert fillers.slot_end - fillers.slot_start == dt.timedelta(
        minutes=20 + fillers.consultation_type.buffer_minutes
    )


@pytest.fixture
def phone_without_javascript(browser):
    yield from _page(browser, PHONE, is_mobile=True, java_script_enabled=False)


def test_without_javascript_the_same_choices_are_a_form_and_links(
    booking_site, phone_without_javascript
):
    page = phone_without_javascript
    page.goto(booking_site + "/consultation/")
    page.get_by_role("combobox", name="Treatment").select_option(label="Chemical peel")
    page.get_by_role("button", name="Show times").click()
    expect(page).to_have_url(re.compile(r"procedure=chemical-peel"))
    page.get_by_role("radio", name=re.compile("^First available")).check()
    later = page.get_by_role("link", name=re.compile("Later week"))
    later.click()
    expect(page).to_have_url(re.compile(r"week=\d{4}-\d\d-\d\d"))
    page.go_back()  # the back button returns to the week before, choices intact
    expect(page.get_by_role("combobox", name="Treatment")).to_have_value("chemical-peel")
    start = pick_second_free_day_and_first_time(page)
    # A mistake keeps every choice: the time stays picked beside the message.
    page.get_by_role("textbox", name="Email").fill("not an email")
    page.get_by_role("button", name="Send my request").click()
    expect(page.locator("#error-summary")).to_contain_text("Email")
    expect(page.get_by_role("combobox", name="Treatment")).to_have_value("chemical-peel")
    expect(page.locator(f"input[name=slot][value='{start.isoformat()}']")).to_be_checked()
    screenshot(page, "diary-no-javascript-error-phone")
    reference = fill_details_and_send(page, {**PATIENT, "email": "peel@example.com"})
    peel = ConsultationRequest.objects.get(reference=reference)
    assert peel.slot_start == start
    assert peel.provider.clinician.procedures.filter(slug="chemical-peel").exists()
