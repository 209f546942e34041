"""A patient compares before-and-after photos: on a phone with a finger on the slider, on a
desktop with the keyboard alone, and without JavaScript side by side. axe finds no WCAG A/AA
violation on the gallery at either width."""

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, screenshot, tab_to

GALLERY = "/procedures/results/"


def test_a_patient_compares_results_on_a_phone(demo_site, phone):
    page = phone
    page.goto(demo_site + "/procedures/skin-resurfacing/")
    section = page.locator("#before-and-after")
    expect(section.get_by_role("heading", name="Before and after")).to_be_visible()
    slider = section.get_by_role("slider").first
    expect(slider).to_have_value("50")
    after = section.locator(".compare__photo--after").first
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    slider.tap(position={"x": box["width"] * 0.9, "y": box["height"] / 2})
    assert int(slider.input_value()) > 80
    # The after photo is revealed up to the slider: its clip leaves about a tenth hidden.
    assert "inset(0px" in after.evaluate("el => getComputedStyle(el).clipPath")
    expect(section).to_contain_text("Individual results may vary.")
    screenshot(page, "gallery-procedure-section-phone")

    section.get_by_role("link", name="More results in our gallery").click()
    expect(page.get_by_role("heading", level=2, name="Results of skin resurfacing")).to_be_visible()
    page.get_by_label("Show results for").select_option(label="Chemical peel")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=2, name="Results of chemical peel")).to_be_visible()
    screenshot(page, "gallery-phone")
    assert axe_violations(page) == []


def test_the_slider_works_with_the_keyboard_alone(demo_site, desktop):
    page = desktop
    page.goto(demo_site + GALLERY)
    tab_to(page, ".compare__range")
    slider = page.locator(".compare__range:focus")
    expect(slider).to_have_attribute("aria-valuetext", "50% of the after photo shown")
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    expect(slider).to_have_value("45")
    page.keyboard.press("End")
    expect(slider).to_have_attribute("aria-valuetext", "100% of the after photo shown")
    assert "Slide to compare" in slider.get_attribute("aria-label")
    screenshot(page, "gallery-desktop")
    assert axe_violations(page) == []


def test_without_javascript_the_photos_stand_side_by_side(demo_site, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(demo_site + GALLERY)
    pair = page.locator(".compare").first
    expect(pair.get_by_role("slider")).to_have_count(0)
    before = pair.locator(".compare__photo--before").bounding_box()
    after = pair.locator(".compare__photo--after").bounding_box()
    assert after["x"] >= before["x"] + before["width"] - 1  # beside it, not on top
    assert abs(after["y"] - before["y"]) < 1
    screenshot(page, "gallery-phone-no-javascript")
    context.close()
