"""A patient on a phone, from the home page: "Which treatment suits me?", two answers, the
reason for each suggestion and the medical review line, then booking a suggestion with it
already chosen. Then the same planner with the keyboard alone on a desktop."""

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def test_a_patient_finds_a_treatment_and_books_it_on_a_phone(demo_site, phone):
    page = phone
    page.goto(demo_site + "/")
    page.get_by_role("link", name="Which treatment suits me?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Which treatment suits me?")

    page.get_by_label("Fine lines").check()
    page.get_by_label("Up to a week").check()
    page.get_by_role("button", name="Show matching treatments").click()

    results = page.locator("#results")
    expect(results.get_by_role("heading", name="Treatments that may suit you")).to_be_visible()
    expect(results.get_by_role("link", name="Skin resurfacing", exact=True)).to_be_visible()
    expect(results).to_contain_text("Treats fine lines; 2–3 days downtime (shallow)")
    expect(results).to_contain_text("not medical advice")
    screenshot(page, "journey-planner-phone")

    results.get_by_role("link", name="Skin resurfacing", exact=True).click()
    expect(page.locator(".review-line")).to_have_text(
        "Medically reviewed by Dr. Walker, M.D., on 3 November 2026"
    )
    page.go_back()

    page.get_by_role("link", name="Book a consultation about chemical peel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a consultation")
    expect(page.get_by_role("combobox", name="Treatment")).to_have_value("chemical-peel")


def test_the_planner_works_with_the_keyboard_alone(demo_site, desktop):
    page = desktop
    page.goto(demo_site + "/procedures/which-treatment/")
    page.get_by_label("Lost volume").focus()
    page.keyboard.press("Space")
    page.get_by_label("None: I want to go back to my day at once").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show matching treatments")).to_be_focused()
    page.keyboard.press("Enter")
    # Only the answers travel in the address: no token, nothing else to share or log.
    expect(page).to_have_url(
        demo_site + "/procedures/which-treatment/?concern=lost-volume&downtime=none#results"
    )
    expect(
        page.locator("#results").get_by_role("link", name="Dermal fillers", exact=True)
    ).to_be_visible()
    screenshot(page, "journey-planner-desktop")
