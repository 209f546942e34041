"""The same booking with the keyboard alone (Tab, Shift+Tab, arrows, Space, Enter, typing):
every control is reachable in a sensible order, and focus can always be seen."""

import datetime as dt
import re

from playwright.sync_api import expect

from bookings.models import ConsultationRequest, ConsultationStatus
from tests.e2e.conftest import focus_indicator, screenshot, tab_to

EMAIL = "kim@example.com"


def assert_focus_visible(page, where: str) -> None:
    indicator = focus_indicator(page)
    assert indicator, f"no visible focus indicator on {where} ({indicator!r})"


def test_a_patient_books_and_cancels_with_the_keyboard_only(booking_site, desktop, run_worker):
    page = desktop
    page.goto(booking_site + "/procedures/skin-resurfacing/")

    # The skip link comes first, then the way to book.
    tab_to(page, ".skip-link", limit=1)
    assert_focus_visible(page, "the skip link")
    tab_to(page, "main a[href$='?procedure=skin-resurfacing']", limit=30)
    assert_focus_visible(page, "the Book a consultation link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a consultation")
    expect(page.locator("#booking-procedure")).to_have_value("skin-resurfacing")

    # Who with: one stop; the arrow moves from "first available" to Dr. Walker.
    tab_to(page, "input[name=provider]", limit=30)
    expect(page.get_by_role("radio", name=re.compile("^First available"))).to_be_focused()
    assert_focus_visible(page, "the first-available choice")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name=re.compile("^Dr. Walker"))).to_be_checked()
    expect(page).to_have_url(re.compile(r"provider=\d+"))  # the days and times were redrawn

    # A day from the week strip: Enter follows its link; focus moves to that day's times.
    tab_to(page, "#booking-days a.booking-strip-day", limit=10)
    assert_focus_visible(page, "a day in the week strip")
    day = page.evaluate("() => document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.search(r"day=[\d-]+", day).group(0)))
    expect(page.locator("#booking-times")).to_be_focused()

    # The times are one stop; Space picks the first.
    tab_to(page, "input[name=slot]", limit=2)
    first_time = page.locator(".booking-time input[type=radio]").first
    expect(first_time).to_be_focused()
    page.keyboard.press("Space")
    expect(first_time).to_be_checked()
    assert_focus_visible(page, "a time")
    chosen = first_time.get_attribute("value")

    # About you: name, email and phone follow one another.
    tab_to(page, "#id_full_name", limit=5)
    assert_focus_visible(page, "the name field")
    page.keyboard.type("Kim Okafor")
    tab_to(page, "#id_email", limit=1)
    page.keyboard.type("kim@example")  # a slip...
    tab_to(page, "#id_phone", limit=1)
    page.keyboard.type("(601) 555-0177")
    tab_to(page, "#id_email", limit=1, backwards=True)  # ...noticed: back to fix it
    page.keyboard.press("End")
    page.keyboard.type(".com")
    expect(page.locator("#id_email")).to_have_value(EMAIL)

    # The contact method radios are one stop; arrows choose within the group.
    tab_to(page, "input[name=contact_method]", limit=2)
    expect(page.get_by_role("radio", name="Phone call")).to_be_focused()  # the default
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="Text message")).to_be_checked()
    assert_focus_visible(page, "a contact method")

    # Past the folded message, to the consent box: Space ticks it.
    tab_to(page, "#id_consent", limit=10)
    page.keyboard.press("Space")
    expect(page.locator("#id_consent")).to_be_checked()
    assert_focus_visible(page, "the consent box")

    tab_to(page, "button[type=submit]", limit=3)  # the privacy link, then the button
    assert_focus_visible(page, "the send button")
    screenshot(page, "journey-keyboard-form-desktop")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/consultation/received/[^/]+/$"))
    reference = page.locator(".booking-reference strong").inner_text()
    consultation = ConsultationRequest.objects.get(reference=reference)
    assert consultation.email == EMAIL
    assert consultation.contact_method == "text"
    assert consultation.slot_start == dt.datetime.fromisoformat(chosen)
    assert [p.title for p in consultation.procedures.all()] == ["Skin resurfacing"]
    assert consultation.provider.name == "Dr. Walker"

    [ack] = [m for m in run_worker() if m.to == [EMAIL]]
    link = re.search(rf"{re.escape(booking_site)}/consultation/manage/\S+/", ack.body).group(0)
    page.goto(link)
    tab_to(page, "button.booking-button-danger", limit=40)
    assert_focus_visible(page, "the cancel button")
    page.keyboard.press("Space")
    expect(page.get_by_role("status")).to_have_text(re.compile("Your request is cancelled"))
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CANCELLED
