"""Accessibility beyond axe: the booking form's errors are announced and tied to their
fields, pages reflow at 200% zoom without sideways scrolling, and reduced motion means no
animation."""

import pytest
from playwright.sync_api import expect

from bookings.booking.forms import ConsultationRequestForm
from tests.e2e.conftest import focus_indicator, screenshot

FORM_FIELDS = ConsultationRequestForm.base_fields
# What a patient who sends the empty form must be told, field by field.
REQUIRED_ERRORS = {
    name: FORM_FIELDS[name].error_messages["required"]
    for name in ("full_name", "email", "phone", "procedure", "slot", "consent")
}

# The text a screen reader reads with a control: its own aria-describedby, and that of the
# group (fieldset) it belongs to, which is announced on entering the group.
DESCRIPTION_JS = """el => {
  const ids = [el, el.closest("fieldset[aria-describedby]")]
    .filter(Boolean)
    .flatMap(node => (node.getAttribute("aria-describedby") || "").split(/\\s+/))
    .filter(Boolean);
  return ids.map(id => document.getElementById(id)?.textContent.trim() ?? `#${id} missing`)
    .join(" | ");
}"""


def test_the_booking_forms_errors_are_announced_and_tied_to_their_fields(demo_site, page):
    page.goto(demo_site + "/consultation/")
    page.get_by_role("button", name="Send my request").click()
    summary = page.locator("#error-summary")
    # The summary is an alert region and takes focus, so it is read out first...
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    assert focus_indicator(page), "the focused error summary shows no focus"
    screenshot(page, "booking-errors-announced")

    # ...and lists every problem, each linking to its field.
    links = summary.get_by_role("link")
    expect(links).to_have_count(len(REQUIRED_ERRORS))
    for link in links.all():
        target = link.get_attribute("href").removeprefix("#")
        name = page.locator(f"[id='{target}']").get_attribute("name")
        assert REQUIRED_ERRORS[name] in link.inner_text()

    for name, message in REQUIRED_ERRORS.items():
        # The treatment is chosen in its own form above; the posted copy is hidden.
        controls = page.locator(f"form.booking-form [name={name}]:not([type=hidden])")
        assert controls.count() > 0, name
        for control in controls.all():
            where = f"{name} ({control.get_attribute('id')})"
            assert control.get_attribute("aria-invalid") == "true", f"{where} not aria-invalid"
            assert message in control.evaluate(DESCRIPTION_JS), f"{where}: error not described"

    # Only the fields in error say they are invalid.
    invalid = page.locator("form.booking-form [aria-invalid=true]").evaluate_all(
        "els => [...new Set(els.map(e => e.name))]"
    )
    assert sorted(invalid) == sorted(REQUIRED_ERRORS)


# 200% browser zoom on a 1280×800 window lays pages out in 640×400 CSS pixels, with two device
# pixels per CSS pixel: the same viewport, media queries and text size the page sees when a
# person zooms. (CSS `zoom` on <html> would not be sound: media queries and viewport units
# would still see 1280 pixels.) 400% (320 CSS pixels) is WCAG's reflow width.
@pytest.mark.parametrize("zoom", [200, 400])
def test_pages_reflow_without_sideways_scrolling_when_zoomed(demo_site, browser, zoom):
    context = browser.new_context(
        viewport={"width": 1280 * 100 // zoom, "height": 800 * 100 // zoom},
        device_scale_factor=zoom / 100,
    )
    page = context.new_page()
    try:
        for name, path, button in (
            ("procedure", "/procedures/skin-resurfacing/", ("link", "Book a consultation")),
            ("booking", "/consultation/?procedure=skin-resurfacing", ("button", "Send my request")),
        ):
            page.goto(demo_site + path)
            assert page.evaluate("() => window.innerWidth") == 1280 * 100 // zoom
            overflow = page.evaluate(
                "() => document.scrollingElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {zoom}%"
            target = page.get_by_role("main").get_by_role(button[0], name=button[1]).first
            target.scroll_into_view_if_needed()
            expect(target).to_be_in_viewport(ratio=1)
            screenshot(page, f"zoom-{zoom}-{name}")
    finally:
        context.close()


# Every element's transitions and animations longer than 10 ms, and any that are running.
SLOW_MOTION_JS = """() => {
  const seconds = v => parseFloat(v) * (v.trim().endsWith("ms") ? 0.001 : 1);
  const longest = value => Math.max(...value.split(",").map(seconds));
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    const s = getComputedStyle(el);
    const name = el.tagName.toLowerCase() + (el.classList.length ? "." + el.classList[0] : "");
    if (s.transitionProperty !== "none" && longest(s.transitionDuration) > 0.01) {
      found.push(`${name} transition ${s.transitionDuration}`);
    }
    if (s.animationName !== "none" && longest(s.animationDuration) > 0.01) {
      found.push(`${name} animation ${s.animationDuration}`);
    }
  }
  for (const a of document.getAnimations()) {
    if (a.effect.getComputedTiming().duration > 10) found.push(`running ${a.constructor.name}`);
  }
  return found;
}"""


def test_with_reduced_motion_nothing_animates_on_a_procedure_page(demo_site, browser):
    path = demo_site + "/procedures/skin-resurfacing/"
    # The probe finds the site's transitions when motion is welcome...
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(path)
    assert page.evaluate(SLOW_MOTION_JS), "the probe found no motion even without the setting"
    context.close()

    # ...and none when the visitor asks for less.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    page = context.new_page()
    try:
        page.goto(path)
        assert page.evaluate(SLOW_MOTION_JS) == []
        page.get_by_role("main").get_by_role("link", name="Book a consultation").first.hover()
        page.get_by_role("button", name="Next procedures").hover()
        assert page.evaluate("() => document.getAnimations().length") == 0
        # The related browser jumps instead of gliding: scrolled as soon as it is clicked.
        moved = page.evaluate(
            """() => {
              document.querySelector(".related__button[aria-label='Next procedures']").click();
              return document.querySelector(".related__list").scrollLeft;
            }"""
        )
        assert moved > 0
    finally:
        context.close()
