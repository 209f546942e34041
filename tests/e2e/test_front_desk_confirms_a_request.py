"""The front desk logs in to the admin, finds a new request on the dashboard, notes the call
and confirms a time; the patient's confirmation email, with a calendar file, goes out
through the real worker."""

import base64
import datetime as dt
import uuid

import icalendar
import pytest
from django.contrib.auth.models import Group, User
from django_otp.oath import totp
from playwright.sync_api import expect

from bookings.booking import services
from bookings.frontdesk import selectors
from bookings.models import ConsultationRequest, ConsultationStatus
from bookings.schedule import availability
from bookings.schedule.slots import Slot
from procedures.models import ProcedurePage
from tests.e2e.conftest import screenshot

PASSWORD = "front-desk-e2e-pass"  # noqa: S105
PATIENT_EMAIL = "lee@example.com"


@pytest.fixture
def front_desk_user(demo_site):
    user = User.objects.create_user("frontdesk", "desk@example.com", PASSWORD, first_name="Jo")
    user.groups.add(Group.objects.get(name="Front desk"))  # created by a migration
    return user


@pytest.fixture
def new_request(demo_site):
    consultation, _ = services.consultation_request_create(
        patient_request=services.PatientRequest(
            full_name="Lee Harmon",
            email=PATIENT_EMAIL,
            phone="601-555-0123",
            contact_method="phone",
            procedures=(skin := ProcedurePage.objects.get(slug="skin-resurfacing"),),
            slot=Slot(availability.available_slots(procedures=(skin,))[0]),
            consent=True,
            submission_token=uuid.uuid4(),
        )
    )
    return consultation


def log_in(page, url: str, username: str, password: str, *, second_step: bool = False) -> None:
    """Wagtail's sign-in form. With `second_step`, the account owes two-factor sign-in and has
    no app yet: set one up as a person would, typing the key shown (the QR code's key) into
    an authenticator, here RFC 6238 computed by django-otp, and entering the code it gives."""
    page.goto(url + "/admin/")
    expect(page).to_have_url(url + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if second_step:
        expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
        screenshot(page, "two-factor-setup")
        key = page.locator("code.two-factor-key").inner_text().replace(" ", "")
        secret = base64.b32decode(key + "=" * (-len(key) % 8))
        page.get_by_label("Code from the app").fill(f"{totp(secret):06d}")
        page.get_by_role("button", name="Turn on").click()
        expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
        expect(page.locator(".two-factor-codes li")).to_have_count(10)
        page.get_by_role("link", name="I have kept them: continue").click()
    expect(page).to_have_url(url + "/admin/")


def test_the_front_desk_confirms_a_time_and_the_patient_gets_the_calendar_file(
    demo_site, desktop, front_desk_user, new_request, run_worker
):
    page = desktop
    log_in(page, demo_site, "frontdesk", PASSWORD, second_step=True)
    sidebar = page.locator("[data-wagtail-sidebar]")
    expect(sidebar.get_by_role("link", name="Consultations", exact=True)).to_be_visible()

    panel = page.locator("#consultations-section")
    waiting = selectors.consultation_requests_waiting_for_call().count()  # demo ones too
    assert waiting >= 1
    expect(panel).to_contain_text(f"Waiting for a first call ({waiting})")
    screenshot(page, "admin-dashboard")
    panel.get_by_role("link", name=f"{new_request.reference} · Lee Harmon").click()
    expect(page).to_have_url(demo_site + f"/admin/consultations/{new_request.pk}/")
    expect(page.get_by_role("heading", name="Status: New")).to_be_visible()

    page.get_by_label("Add a note").fill("Called at 10, prefers a later time.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added.")).to_be_visible()
    expect(page.locator("section[aria-labelledby=notes-heading]")).to_contain_text(
        "Called at 10, prefers a later time."
    )

    # Confirm a time other than the one the patient held, so the email must follow staff.
    select = page.get_by_role("combobox", name="Appointment time")
    held = select.input_value()
    assert held == new_request.slot_start.astimezone(dt.UTC).isoformat()
    options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    confirmed = next(value for value in options[5:] if value != held)
    select.select_option(confirmed)
    page.get_by_role("button", name="Confirm and email the patient").click()
    expect(page.get_by_text("the patient gets a confirmation email")).to_be_visible()
    expect(page.get_by_role("heading", name="Status: Scheduled")).to_be_visible()
    screenshot(page, "admin-detail")

    new_request.refresh_from_db()
    assert new_request.status == ConsultationStatus.SCHEDULED
    assert new_request.slot_start == dt.datetime.fromisoformat(confirmed)
    assert [n.text for n in new_request.notes.all()] == ["Called at 10, prefers a later time."]
    assert new_request.notes.get().author == front_desk_user

    outbox = run_worker()
    [confirmation] = [m for m in outbox if m.to == [PATIENT_EMAIL] and "is confirmed" in m.subject]
    assert new_request.reference in confirmation.subject
    [(filename, ics, mimetype)] = confirmation.attachments
    assert (filename, mimetype) == ("consultation.ics", "text/calendar")
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime.fromisoformat(confirmed)
    assert ConsultationRequest.objects.get(pk=new_request.pk).slot_confirmed_at is not None
