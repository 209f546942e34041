"""Every public page type, as a patient sees it on a phone and a desktop: screenshots to look
at, and no WCAG 2.x A/AA violation that axe-core can find."""

import pytest

from tests.conftest import SCREENSHOTS
from tests.e2e.conftest import DESKTOP, PHONE, axe_violations

PAGES = {
    "home": "/",
    "procedure-index": "/procedures/",
    "procedure": "/procedures/skin-resurfacing/",
    "doctor": "/dr-walker/",
    "contact": "/contact/",
    "standard": "/privacy/",
    "search": "/search/?q=laser",
    "booking": "/consultation/?procedure=skin-resurfacing",
    "planner": "/procedures/which-treatment/?concern=fine-lines&downtime=week",
    "gallery": "/procedures/results/?procedure=skin-resurfacing",
}


@pytest.mark.parametrize("name", PAGES)
def test_public_page_is_accessible_and_screenshotted_at_phone_and_desktop_width(
    demo_site, page, name
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        response = page.goto(demo_site + PAGES[name])
        assert response.status == 200
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
        # What a patient sees first, before scrolling (the README shows the procedure's).
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}-first-screen.png")
        assert axe_violations(page) == [], f"{name} at {label} width"


def test_booking_form_with_errors_shown_is_accessible(demo_site, page):
    page.set_viewport_size(PHONE)
    page.goto(demo_site + "/consultation/")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() > 0
    page.screenshot(path=SCREENSHOTS / "booking-errors-phone.png", full_page=True)
    assert axe_violations(page) == []


def test_planner_with_a_missing_answer_is_accessible(demo_site, page):
    page.set_viewport_size(PHONE)
    page.goto(demo_site + "/procedures/which-treatment/?downtime=week")
    page.screenshot(path=SCREENSHOTS / "planner-errors-phone.png", full_page=True)
    assert axe_violations(page) == []
