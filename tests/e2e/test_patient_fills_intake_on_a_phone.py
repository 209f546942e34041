"""Issue 30: on a 390 px phone a patient books skin resurfacing, opens the link in the
acknowledgement, answers two steps of health questions, closes the page, comes back from the
email and finishes, reviews, sends, and signs the consultation policy. The front desk, signed
in with two factors, sees the answers and the isotretinoin flag with its note; the audit log
has the view; an editor gets 403; another request's link reads none of it. axe on every step;
intake pages are never stored and carry no count beacon."""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect
from wagtail.models import ModelLogEntry

from bookings.messages import links
from bookings.models import ConsultationRequest, IntakeResponse, SignedDocument
from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.test_front_desk_confirms_a_request import log_in

PASSWORD = "intake-e2e-pass"  # noqa: S105
PATIENT = {"name": "Jamie Rivers", "email": "jamie@example.com", "phone": "601-555-0188"}
ISOTRETINOIN = "Have you taken isotretinoin"


@pytest.fixture
def staff(demo_site):
    desk = User.objects.create_user("desk", "desk@example.com", PASSWORD)
    desk.groups.add(Group.objects.get(name="Front desk"))
    editor = User.objects.create_user("writer", "writer@example.com", PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    return desk, editor


def answer(page, question: str, choice: str) -> None:
    page.get_by_role("group", name=re.compile("^" + re.escape(question))).get_by_label(
        choice, exact=True
    ).check()


def checked_private_page(page, url=None) -> None:
    """The page in front of the patient: accessible, never stored, not counted."""
    if url:
        response = page.goto(url)
        assert "no-store" in response.headers["cache-control"]
        assert response.headers["referrer-policy"] == "no-referrer"
    assert page.locator("script[src*='count']").count() == 0
    assert axe_violations(page) == []


def book_skin_resurfacing(page, site) -> ConsultationRequest:
    page.goto(site + "/consultation/?procedure=skin-resurfacing")
    page.locator(".booking-time input[type=radio]").first.click()
    page.get_by_role("textbox", name="Your name").fill(PATIENT["name"])
    page.get_by_role("textbox", name="Email").fill(PATIENT["email"])
    page.get_by_role("textbox", name="Phone").fill(PATIENT["phone"])
    page.get_by_role("checkbox", name=re.compile("I agree to be contacted")).check()
    page.get_by_role("button", name="Send my request").click()
    expect(page).to_have_url(re.compile(r"/consultation/received/[^/]+/$"))
    return ConsultationRequest.objects.get(email=PATIENT["email"])


def test_a_patient_fills_intake_in_two_sittings_and_the_front_desk_sees_the_flag(
    booking_site, browser, staff, run_worker
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    consultation = book_skin_resurfacing(page, booking_site)
    [ack] = [m for m in run_worker() if m.to == [PATIENT["email"]]]
    intake = re.search(rf"{re.escape(booking_site)}/consultation/manage/\S+/intake/", ack.body)
    manage = re.search(rf"{re.escape(booking_site)}/consultation/manage/[^/\s]+/", ack.body)
    assert intake and manage
    assert "isotretinoin" not in ack.body.lower()

    # First sitting: the overview, then two steps.
    checked_private_page(page, intake.group(0))
    expect(page.get_by_role("main")).to_contain_text("0 of 12")
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("step 1 of 3")
    checked_private_page(page)
    page.get_by_role("button", name="Save and continue").click()  # nothing answered
    expect(page.get_by_role("alert")).to_contain_text("Please answer yes or no.")
    checked_private_page(page)
    answer(page, "Are you being treated", "No")
    medicines = page.get_by_role("group", name=re.compile("^Medicines"))
    medicines.get_by_label("Name 1", exact=True).fill("Vitamin D")
    medicines.get_by_label("Dose and how often 1", exact=True).fill("1000 IU daily")
    answer(page, "Do you have any allergies", "No")
    answer(page, "Do you bleed easily", "No")
    screenshot(page, "intake-step-phone")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("step 2 of 3")
    checked_private_page(page)
    answer(page, "Do you smoke", "Never")
    answer(page, "Are you pregnant", "No")
    answer(page, "Have you taken isotretinoin", "Yes")
    page.get_by_label("When did you take the last dose?").fill("Stopped in August")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("step 3 of 3")
    # One more answer, not sent with a button: the page's script saves it.
    with page.expect_response(lambda r: "/intake/step/3/" in r.url and r.status == 204):
        answer(page, "Have you ever had keloid", "No")
    expect(page.locator("#intake-autosave")).to_have_text("Your answers so far are saved.")
    context.close()  # the patient closes the page half-way

    # Second sitting, from the email's manage link: resume where they left off.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(manage.group(0))
    page.get_by_role("link", name="Health questions and forms").click()
    expect(page.get_by_role("main")).to_contain_text("8 of 12")  # one optional left blank
    page.get_by_role("link", name="Continue where you left off").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("step 3 of 3")
    keloids = page.get_by_role("group", name=re.compile("^Have you ever had keloid"))
    expect(keloids.get_by_label("No", exact=True)).to_be_checked()  # kept from the first sitting
    answer(page, "Do you get cold sores", "No")
    answer(page, "Have you tanned", "No")
    page.get_by_role("button", name="Save and review").click()
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Yes: Stopped in August")
    expect(page.get_by_role("main")).to_contain_text("Vitamin D – 1000 IU daily")
    checked_private_page(page)
    page.get_by_role("button", name="Send my answers to the clinic").click()
    expect(page.get_by_role("status")).to_contain_text("your answers are with the clinic")
    checked_private_page(page)
    page.get_by_role("link", name="read and sign Consultation policy").click()
    expect(page.get_by_role("heading", name="Consultation policy")).to_be_visible()
    checked_private_page(page)
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_role("alert")).to_contain_text("Please tick the box to agree.")
    page.get_by_role("checkbox", name=re.compile("I have read this document")).check()
    page.get_by_label("Type your full name to sign").fill(PATIENT["name"])
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_role("status")).to_contain_text("your signed form is with the clinic")
    page.get_by_role("link", name="view or print Consultation policy").click()
    expect(page.get_by_role("main")).to_contain_text(f"{PATIENT['name']} (typed name)")
    checked_private_page(page)
    screenshot(page, "intake-signed-form-phone")
    context.close()
    response = IntakeResponse.objects.get(consultation=consultation)
    assert response.submitted_at and response.answers.filter(flagged=True).count() == 1
    assert SignedDocument.objects.get().text_shown.startswith("Your consultation is time")

    # Another request's link reads none of these answers.
    other = ConsultationRequest.objects.exclude(pk=consultation.pk).filter(status="new").first()
    context = browser.new_context()
    stranger = context.new_page()
    stranger.goto(f"{booking_site}/consultation/manage/{links.manage_token(other)}/intake/review/")
    expect(stranger.get_by_role("main")).not_to_contain_text("Stopped in August")
    context.close()

    desk, editor = staff
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = context.new_page()
    log_in(admin, booking_site, desk.username, PASSWORD, second_step=True)
    admin.goto(f"{booking_site}/admin/consultations/")
    expect(admin.get_by_role("main")).to_contain_text("1 safety flag")
    admin.goto(f"{booking_site}/admin/consultations/{consultation.pk}/")
    section = admin.get_by_role("region", name=re.compile("^Intake"))
    expect(section).to_contain_text("1 safety flag")
    expect(section.get_by_role("note")).to_contain_text(ISOTRETINOIN)
    expect(section.get_by_role("note")).to_contain_text("do not resurface")
    expect(section).to_contain_text("Vitamin D")
    expect(section).to_contain_text("Consultation policy (version 1)")
    screenshot(admin, "front-desk-sees-intake")
    context.close()
    assert ModelLogEntry.objects.filter(
        object_id=str(consultation.pk), action="bookings.intake_viewed", user=desk
    ).exists()

    context = browser.new_context()
    writer = context.new_page()
    log_in(writer, booking_site, editor.username, PASSWORD)
    url = f"{booking_site}/admin/consultations/{consultation.pk}/intake/print/"
    assert writer.request.get(url).status == 403
    context.close()
