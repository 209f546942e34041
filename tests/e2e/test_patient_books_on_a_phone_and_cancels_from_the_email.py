"""A patient on a phone books a consultation for the procedure they were reading about,
gets the acknowledgement through the real worker, and cancels from the link in it."""

import datetime as dt
import re

from playwright.sync_api import expect

from allure.base.models import ClinicSettings
from bookings.models import ConsultationRequest, ConsultationStatus
from tests.e2e.conftest import screenshot

PATIENT = {"name": "Dana Whitfield", "email": "dana@example.com", "phone": "601-555-0188"}


def test_a_patient_books_from_a_procedure_page_on_a_phone_and_cancels_from_the_email(
    booking_site, phone, run_worker
):
    page = phone
    page.goto(booking_site + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Procedures").click()
    expect(page).to_have_url(booking_site + "/procedures/")
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^Skin resurfacing")).click()
    expect(page).to_have_url(booking_site + "/procedures/skin-resurfacing/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skin resurfacing")

    page.get_by_role("main").get_by_role("link", name="Book a consultation").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a consultation")
    # The procedure the patient was reading about is already chosen, its first free day open.
    expect(page.get_by_role("combobox", name="Treatment")).to_have_value("skin-resurfacing")
    expect(page.get_by_role("radio", name=re.compile("^First available"))).to_be_checked()

    first_time = page.locator(".booking-time input[type=radio]").first
    chosen = first_time.get_attribute("value")
    first_time.click()  # the radio covers its time's whole tile, label included
    expect(first_time).to_be_checked()
    page.get_by_role("textbox", name="Your name").fill(PATIENT["name"])
    page.get_by_role("textbox", name="Email").fill(PATIENT["email"])
    page.get_by_role("textbox", name="Phone").fill(PATIENT["phone"])
    page.get_by_role("checkbox", name=re.compile("I agree to be contacted")).check()
    page.get_by_role("checkbox", name="Text me reminders").check()
    screenshot(page, "journey-form-filled-phone")
    page.get_by_role("button", name="Send my request").click()

    expect(page).to_have_url(re.compile(r"/consultation/received/[^/]+/$"))
    reference = page.locator(".booking-reference strong").inner_text()
    assert page.url.endswith(f"/received/{reference}/")
    screenshot(page, "journey-received-phone")
    # "Can't find our email? Call us": the number is a link that dials the clinic.
    clinic = ClinicSettings.load()
    expect(page.get_by_role("main").get_by_role("link", name=clinic.phone)).to_have_attribute(
        "href", clinic.phone_href
    )
    consultation = ConsultationRequest.objects.get(reference=reference)
    assert consultation.status == ConsultationStatus.NEW
    assert consultation.email == PATIENT["email"]
    assert consultation.texts_allowed  # ticked above: agreed, with its time
    assert consultation.slot_start == dt.datetime.fromisoformat(chosen)
    assert [p.slug for p in consultation.procedures.all()] == ["skin-resurfacing"]

    outbox = run_worker()
    [ack] = [m for m in outbox if m.to == [PATIENT["email"]]]
    assert reference in ack.subject
    manage_link = re.search(rf"{re.escape(booking_site)}/consultation/manage/\S+/", ack.body)
    assert manage_link, ack.body

    page.goto(manage_link.group(0))
    expect(page.locator(".booking-summary")).to_contain_text(reference)
    expect(page.locator(".booking-summary")).to_contain_text("Skin resurfacing")
    page.get_by_role("button", name="Yes, cancel my consultation").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("Your request is cancelled"))
    expect(page.locator(".booking-summary")).to_contain_text("Cancelled")
    expect(page.get_by_role("button", name="Yes, cancel my consultation")).to_have_count(0)
    screenshot(page, "journey-cancelled-phone")
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CANCELLED
