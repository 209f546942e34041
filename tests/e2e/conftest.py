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
