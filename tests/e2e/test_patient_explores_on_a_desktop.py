"""A patient on a desktop: site search finds a procedure, the related-procedures browser
moves forward and back (by mouse and by keyboard), and the clinic's phone number is a link
that dials it."""

import re

from playwright.sync_api import expect

from allure.base.models import ClinicSettings
from tests.e2e.conftest import focus_indicator, screenshot, tab_to

SCROLL_LEFT = "document.querySelector('.related__list').scrollLeft"


def wait_for_scroll(page, condition: str) -> float:
    """Wait (bounded by the page's timeout) until the list's scrollLeft meets condition;
    smooth scrolling takes a moment, so it is polled rather than read once."""
    page.wait_for_function(f"() => {{ const x = {SCROLL_LEFT}; return {condition}; }}")
    return page.evaluate(SCROLL_LEFT)


def test_site_search_finds_a_procedure(demo_site, desktop):
    page = desktop
    page.goto(demo_site + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_role("searchbox", name="Search procedures and pages").fill("resurfacing")
    page.keyboard.press("Enter")
    expect(page).to_have_url(demo_site + "/search/?q=resurfacing")
    results = page.locator(".search-results")
    expect(results.get_by_role("link", name="Skin resurfacing")).to_be_visible()
    expect(results.get_by_role("link", name="Facelift")).to_have_count(0)
    screenshot(page, "journey-search-desktop")
    results.get_by_role("link", name="Skin resurfacing").click()
    expect(page).to_have_url(demo_site + "/procedures/skin-resurfacing/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skin resurfacing")


def test_the_related_procedures_browser_moves_forward_and_back_by_mouse_and_keyboard(
    demo_site, desktop
):
    page = desktop
    page.goto(demo_site + "/procedures/skin-resurfacing/")
    related = page.locator("[data-related-browser]")
    related.scroll_into_view_if_needed()
    cards = related.locator(".related__item")
    expect(cards).to_have_count(5)
    # More cards than fit: there is somewhere to scroll to.
    assert page.evaluate(
        "() => { const l = document.querySelector('.related__list');"
        " return l.scrollWidth > l.clientWidth; }"
    )
    assert page.evaluate(SCROLL_LEFT) == 0
    next_button = related.get_by_role("button", name="Next procedures")
    previous_button = related.get_by_role("button", name="Previous procedures")

    next_button.click()
    forward = wait_for_scroll(page, "x > 0")
    next_button.click()
    wait_for_scroll(page, f"x > {forward}")
    screenshot(page, "journey-related-scrolled-desktop")
    previous_button.click()
    previous_button.click()
    wait_for_scroll(page, "x === 0")

    # The same by keyboard: the buttons with Enter and Space...
    tab_to(page, ".related__button[aria-label='Next procedures']", limit=80)
    assert focus_indicator(page), "the Next button shows no focus"
    page.keyboard.press("Enter")
    wait_for_scroll(page, "x > 0")
    tab_to(page, ".related__button[aria-label='Previous procedures']", limit=1, backwards=True)
    page.keyboard.press("Space")
    wait_for_scroll(page, "x === 0")
    # ...and the list itself: it is focusable and scrolls with the arrow keys,
    tab_to(page, ".related__list", limit=2)
    assert focus_indicator(page), "the list shows no focus"
    page.keyboard.press("ArrowRight")
    wait_for_scroll(page, "x > 0")
    page.keyboard.press("ArrowLeft")
    wait_for_scroll(page, "x === 0")
    # and tabbing to a card that is out of view brings it into view.
    last_card = cards.last.get_by_role("link")
    tab_to(page, ".related__item:last-child a", limit=5)
    wait_for_scroll(page, "x > 0")
    list_box = related.locator(".related__list").bounding_box()
    card_box = last_card.bounding_box()
    assert card_box["x"] + card_box["width"] <= list_box["x"] + list_box["width"] + 1


def test_the_contact_pages_phone_number_is_a_tel_link_to_the_clinics_number(demo_site, desktop):
    clinic = ClinicSettings.load()
    clinic.phone = "(601) 555-0199"  # not the default: the page must follow the settings
    clinic.save()

    page = desktop
    page.goto(demo_site + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact")
    link = page.locator(".contact-phone").get_by_role("link")
    expect(link).to_have_text("(601) 555-0199")
    href = link.get_attribute("href")
    assert href == "tel:+16015550199", href
    # Every other phone link on the page dials the same number.
    for other in page.locator("a[href^='tel:']").all():
        assert re.sub(r"\D", "", other.get_attribute("href")) == "16015550199"
