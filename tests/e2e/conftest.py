"""Browser journeys: the demo site served by live_server, phones and desktops, the worker."""

import pytest
from django.core import mail
from django.core.management import call_command

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules axe-core checks for them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def demo_site(live_server, transactional_db):
    call_command("load_demo_content", verbosity=0)
    return live_server.url


def _page(browser, viewport, **kwargs):
    context = browser.new_context(viewport=viewport, **kwargs)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    yield from _page(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


@pytest.fixture
def desktop(browser):
    yield from _page(browser, DESKTOP)


@pytest.fixture
def run_worker():
    """Drain the task queue with the real worker, as `manage.py db_worker` does in production."""

    def run():
        call_command("db_worker", batch=True, verbosity=0)
        return mail.outbox

    return run


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


@pytest.fixture
def booking_site(demo_site, settings):
    """The demo site, ready for a patient: the form's minimum fill time is off (a browser
    fills it faster than a person) and the links in emails point at this server. The
    settings are changed in this process, so the live_server thread sees them too."""
    settings.BOOKING_MIN_FILL_SECONDS = 0
    settings.SITE_URL = demo_site
    return demo_site


def screenshot(page, name: str) -> None:
    from tests.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


# The focused element's focus indicator: its outline or box-shadow, or those of its label
# (the booking form's slot radios are styled through their labels).
FOCUS_INDICATOR_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  for (const c of [el, ...(el.labels || [])]) {
    const s = getComputedStyle(c);
    const outlined = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
    if (outlined) return "outline " + s.outlineWidth;
    if (s.boxShadow && s.boxShadow !== "none") return "box-shadow " + s.boxShadow;
  }
  return "";
}"""


def focus_indicator(page) -> str | None:
    """How the focused element shows focus ("" when it does not; None when nothing has it)."""
    return page.evaluate(FOCUS_INDICATOR_JS)


def tab_to(page, selector: str, *, limit: int = 60, backwards: bool = False) -> int:
    """Press Tab (or Shift+Tab) until the focused element matches selector; return how many
    presses it took. Fails after `limit` presses, so a keyboard trap or a control that is
    not focusable shows up as a failure rather than a hang."""
    key = "Shift+Tab" if backwards else "Tab"
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return presses
    active = page.evaluate("() => document.activeElement?.outerHTML.slice(0, 200)")
    raise AssertionError(f"{selector} not reached in {limit} x {key}; focus is on {active}")
