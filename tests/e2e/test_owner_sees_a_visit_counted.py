"""A patient reads a procedure page in Chromium; its beacon reaches the site; the worker's
flush moves the count to the table; the clinic's owner sees it in Reports › Visits and
requests, on a phone and on a desktop."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from allure.base.models import DailyCount, Metric
from procedures.models import ProcedurePage
from tests.conftest import SCREENSHOTS
from tests.e2e.conftest import DESKTOP, PHONE, axe_violations, screenshot
from tests.e2e.test_front_desk_confirms_a_request import log_in

PASSWORD = "owner-e2e-pass"  # noqa: S105
# Chromium run by the tests says "HeadlessChrome", which the bot rule leaves out; a patient's
# browser says what any desktop Chrome says.
PATIENTS_BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture
def owner(demo_site):
    return User.objects.create_superuser("owner", "owner@example.com", PASSWORD)


def test_a_visit_is_counted_and_shows_in_the_owners_report(browser, demo_site, owner):
    skin = ProcedurePage.objects.get(slug="skin-resurfacing")
    patient = browser.new_context(viewport=PHONE, user_agent=PATIENTS_BROWSER)
    page = patient.new_page()
    with page.expect_response(lambda r: r.url.endswith("/count/")) as beacon:
        page.goto(demo_site + skin.url)
    assert beacon.value.status == 204
    patient.close()

    call_command("flush_counts", verbosity=0)  # what the worker runs a minute later
    today = DailyCount.objects.get(
        date=timezone.localdate(), metric=Metric.PROCEDURE_VIEW, key=str(skin.pk)
    )
    assert today.count == 1 and not today.is_demo

    context = browser.new_context(viewport=DESKTOP)
    staff = context.new_page()
    staff.set_default_timeout(15_000)
    # A superuser owes two-factor sign-in: the first time, they set up the app.
    log_in(staff, demo_site, "owner", PASSWORD, second_step=True)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        staff.set_viewport_size(viewport)
        staff.goto(demo_site + f"/admin/reports/visits/?procedure={skin.pk}")
        expect(staff.get_by_role("heading", name="Visits and requests")).to_be_visible()
        chart = staff.get_by_role("img", name="Procedure page views and requests sent per day")
        expect(chart).to_be_visible()
        today_row = staff.locator("table[aria-labelledby=per-day] tr").last
        expect(today_row).to_contain_text(f"{timezone.localdate():%a %-d %b %Y}")
        expect(today_row.locator("td").first).to_have_text("1")
        screenshot(staff, f"visits-report-{name}")
        chart.screenshot(path=SCREENSHOTS / f"visits-chart-{name}.png")
        if name == "desktop":
            assert axe_violations(staff) == []
    context.close()
