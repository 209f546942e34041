"""A page editor (Wagtail's "Moderators" group, who may publish) changes a procedure's
recovery time in the page editor and publishes: the public page, cached for anonymous
visitors, shows the new value at once. Editors never see consultation requests: no menu
item, and a 403 if they go to the address."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import RequestFactory
from playwright.sync_api import expect

from allure.base.web import serving
from procedures.models import ProcedurePage
from tests.e2e.conftest import screenshot
from tests.e2e.test_front_desk_confirms_a_request import log_in

PASSWORD = "editor-e2e-pass"  # noqa: S105
PATH = "/procedures/skin-resurfacing/"


@pytest.fixture
def editor(demo_site):
    user = User.objects.create_user("editor", "editor@example.com", PASSWORD)
    # Wagtail's own group of page editors who may publish ("Editors" may only submit drafts).
    user.groups.add(Group.objects.get(name="Moderators"))
    assert not user.has_perm("bookings.manage_consultations")
    return user


def cached_copy(host: str):
    """The anonymous page cache's entry for the procedure page, if there is one."""
    request = RequestFactory().get(PATH, HTTP_HOST=host)
    return cache.get(serving._page_key(request, cache.get(serving.GENERATION_KEY)))


def shallow_stage(page):
    return page.locator(".timeline__stage").filter(has_text="Shallow")


def test_an_editor_changes_a_recovery_time_and_patients_see_it_at_once(
    demo_site, editor, browser, desktop, settings
):
    settings.PAGE_CACHE_SECONDS = 300  # as in production: anonymous pages are cached
    procedure = ProcedurePage.objects.get(slug="skin-resurfacing")
    stage = procedure.recovery_stages.get(depth="Shallow")
    assert (stage.days_min, stage.days_max) == (2, 3)

    patient_context = browser.new_context()
    patient = patient_context.new_page()
    patient.goto(demo_site + PATH)  # the first visit makes the image renditions...
    patient.reload()  # ...so the copy kept is this one
    expect(shallow_stage(patient)).to_contain_text("2–3 days")
    assert cached_copy(demo_site.split("//")[1]) is not None, "the page was not cached"

    page = desktop
    log_in(page, demo_site, "editor", PASSWORD)
    page.goto(demo_site + f"/admin/pages/{procedure.pk}/edit/")
    # The Shallow stage's row in the "Recovery by depth" inline panel.
    prefix = page.eval_on_selector_all(
        "input[name^='recovery_stages-'][name$='-depth']",
        "inputs => inputs.find(i => i.value === 'Shallow').name.replace(/-depth$/, '')",
    )
    expect(page.locator(f"input[name='{prefix}-days_min']")).to_have_value("2")
    days_max = page.locator(f"input[name='{prefix}-days_max']")
    expect(days_max).to_have_value("3")
    days_max.fill("6")
    page.locator("footer [data-w-dropdown-target='toggle'], footer .dropdown-toggle").first.click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("'Skin resurfacing' has been published")).to_be_visible()
    screenshot(page, "admin-editor-published")

    assert (
        ProcedurePage.objects.get(pk=procedure.pk).recovery_stages.get(depth="Shallow").days_max
        == 6
    )
    patient.goto(demo_site + PATH)
    expect(shallow_stage(patient)).to_contain_text("2–6 days")
    screenshot(patient, "procedure-after-publish-desktop")
    patient_context.close()


def test_an_editor_cannot_see_or_open_the_consultations(demo_site, editor, desktop):
    page = desktop
    log_in(page, demo_site, "editor", PASSWORD)
    sidebar = page.locator("[data-wagtail-sidebar]")
    expect(sidebar.get_by_text("Pages", exact=True)).to_be_visible()  # the menu is drawn
    expect(sidebar.get_by_role("link", name="Consultations", exact=True)).to_have_count(0)
    expect(page.locator("#consultations-section")).to_have_count(0)

    response = page.goto(demo_site + "/admin/consultations/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="No access to consultations")).to_be_visible()
    screenshot(page, "admin-editor-no-access")
