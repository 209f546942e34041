"""A patient on a phone finds no time that suits and joins the waitlist. A consultation at a
time they wanted is cancelled; the worker emails the waitlisted patients; the first to open
the link books the time, and the second patient offered it is told it was taken."""

import re
import uuid

from playwright.sync_api import expect

from allure.base.clinic.clinic_time import local_day
from bookings.booking import services
from bookings.models import ConsultationRequest, WaitlistEntry, WaitlistStatus
from bookings.schedule import availability
from bookings.schedule.slots import Slot
from bookings.waitlist.services import waitlist_entry_join
from bookings.workflow import changes
from procedures.models import ProcedurePage
from tests.e2e.conftest import axe_violations, screenshot

PATIENT = {"name": "Mara Quinn", "email": "mara@example.com", "phone": "601-555-0177"}


def offer_link(outbox, email: str, site: str) -> str:
    [offer] = [m for m in outbox if m.to == [email] and "has come free" in m.subject]
    found = re.search(rf"{re.escape(site)}/consultation/waitlist/offer/\S+/", offer.body)
    assert found, offer.body
    return found.group(0)


def test_a_waitlisted_patient_claims_a_freed_time_and_the_next_one_finds_it_taken(
    booking_site, phone, run_worker
):
    page = phone
    page.goto(booking_site + "/consultation/?procedure=skin-resurfacing")
    expect(page.locator(".booking-waitlist")).to_contain_text("No time that suits?")
    screenshot(page, "waitlist-booking-page-phone")
    page.get_by_role("link", name="Join the waitlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the waitlist")
    expect(page.get_by_role("combobox", name="Treatment")).to_have_value("skin-resurfacing")
    expect(page.get_by_role("checkbox", name="Monday")).to_be_checked()
    # Sent empty first: the problems are listed on the same page.
    page.get_by_role("checkbox", name="Mornings (before noon)").uncheck()
    page.get_by_role("checkbox", name="Afternoons").uncheck()
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose mornings, afternoons or both.")
    screenshot(page, "waitlist-form-errors-phone")
    assert axe_violations(page) == []

    page.get_by_role("checkbox", name="Mornings (before noon)").check()
    page.get_by_role("checkbox", name="Afternoons").check()
    page.get_by_role("textbox", name="Your name").fill(PATIENT["name"])
    page.get_by_role("textbox", name="Email").fill(PATIENT["email"])
    page.get_by_role("textbox", name="Phone").fill(PATIENT["phone"])
    page.get_by_role("checkbox", name=re.compile("I agree to be contacted")).check()
    screenshot(page, "waitlist-form-phone")
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You're on the waitlist")
    entry = WaitlistEntry.objects.get(email=PATIENT["email"])
    assert entry.procedure.slug == "skin-resurfacing" and entry.provider is None

    # A second patient, who joined later, waits for the same.
    procedure = ProcedurePage.objects.get(slug="skin-resurfacing")
    second, _ = waitlist_entry_join(
        procedure=procedure,
        provider=None,
        weekdays=entry.weekdays,
        mornings=True,
        afternoons=True,
        until=entry.until,
        full_name="Lee Second",
        email="lee@example.com",
        phone="+16015550178",
        consent=True,
        submission_token=uuid.uuid4(),
    )
    # Someone holding a time on one of their days cancels it.
    start = next(
        s
        for s in availability.available_slots(procedures=[procedure])
        if local_day(s) <= entry.until
    )
    holder, _ = services.consultation_request_create(
        patient_request=services.PatientRequest(
            full_name="Sam Holder",
            email="sam@example.com",
            phone="+16015550179",
            contact_method="phone",
            procedures=(procedure,),
            slot=Slot(start),
            consent=True,
            submission_token=uuid.uuid4(),
        )
    )
    run_worker().clear()
    changes.consultation_request_cancel(consultation=holder)
    outbox = run_worker()
    first_link = offer_link(outbox, PATIENT["email"], booking_site)
    second_link = offer_link(outbox, "lee@example.com", booking_site)

    page.goto(first_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("A time for you")
    expect(page.locator(".booking-summary")).to_contain_text("Skin resurfacing")
    screenshot(page, "waitlist-offer-phone")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Book this time").click()
    expect(page).to_have_url(re.compile(r"/consultation/received/[^/]+/$"))
    reference = page.locator(".booking-reference strong").inner_text()
    booked = ConsultationRequest.objects.get(reference=reference)
    assert (booked.slot_start, booked.email) == (start, PATIENT["email"])

    page.goto(second_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("That time has just been taken")
    expect(page.get_by_role("status")).to_contain_text("You are still on the waitlist")
    screenshot(page, "waitlist-offer-taken-phone")
    entry.refresh_from_db()
    second.refresh_from_db()
    assert (entry.status, second.status) == (WaitlistStatus.FULFILLED, WaitlistStatus.WAITING)
