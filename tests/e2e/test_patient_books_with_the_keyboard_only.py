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
    expect(page.get_by_role("checkbox", name="Skin resurfacing")).to_be_checked()

    # About you: name, email and phone follow one another.
    tab_to(page, "#id_full_name", limit=30)
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

    # Procedures: Space ticks a second one beside the preselected procedure.
    tab_to(page, "input[name=procedures]", limit=2)
    for _ in range(20):
        label = page.evaluate("() => document.activeElement.labels[0].textContent.trim()")
        if label == "Chemical peel":
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Chemical peel not reached with Tab")
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Chemical peel")).to_be_checked()
    assert_focus_visible(page, "a procedure checkbox")

    # Preferred time: the group is one stop ("call me" first); the arrow picks the first time.
    tab_to(page, "input[name=slot]", limit=20)
    expect(page.get_by_role("radio", name="Please call me to arrange a time")).to_be_focused()
    page.keyboard.press("ArrowDown")
    first_time = page.locator(".booking-time input[type=radio]").first
    expect(first_time).to_be_checked()
    expect(first_time).to_be_focused()
    assert_focus_visible(page, "a time")
    chosen = first_time.get_attribute("value")

    # Past the folded later dates and the message, to the consent box: Space ticks it.
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
    assert sorted(p.title for p in consultation.procedures.all()) == [
        "Chemical peel",
        "Skin resurfacing",
    ]

    [ack] = [m for m in run_worker() if m.to == [EMAIL]]
    link = re.search(rf"{re.escape(booking_site)}/consultation/manage/\S+/", ack.body).group(0)
    page.goto(link)
    tab_to(page, "button.booking-button-danger", limit=40)
    assert_focus_visible(page, "the cancel button")
    page.keyboard.press("Space")
    expect(page.get_by_role("status")).to_have_text(re.compile("Your request is cancelled"))
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CANCELLED
