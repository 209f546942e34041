"""Suite-wide set-up: the browser for tests/e2e and a database that survives live_server.

Browser journeys run in Debian's Chromium (never a downloaded browser). Without Chromium
they are skipped with a reason on a developer's machine, and fail under CI (CI=true).
"""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from tests.clock import PINNED_NOW, next_like_pinned_now
from tests.staff import sign_in_with_second_factor
from tests.stripe_fake import SECRET_KEY as STRIPE_SECRET_KEY
from tests.stripe_fake import WEBHOOK_SECRET as STRIPE_WEBHOOK_SECRET
from tests.stripe_fake import FakeStripe
from tests.twilio_stub import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, TwilioStub

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HAS_CHROMIUM = os.path.exists(CHROMIUM)
IN_CI = os.environ.get("CI", "").lower() == "true"
# Where the browser journeys leave full-page screenshots to look at (printed after the run).
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "var/screenshots")).resolve()

# Playwright's sync API runs an event loop in the main thread; Django's ORM must be told
# that the synchronous calls made beside it are safe (they are: one thread, no awaits).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        # Tests that really commit (live_server) flush every table afterwards, Wagtail's root
        # page and Site included: a serialized rollback puts them back for the next test.
        # Declared here, at collection, so the test database is serialized when it is built.
        uses_commits = {"live_server", "transactional_db"} & set(item.fixturenames)
        marker = item.get_closest_marker("django_db")
        if uses_commits and not marker:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        elif (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            # Its flush would let Django create the content types afresh, with new ids, and
            # the next test that restores the serialized tables would collide with them.
            raise pytest.UsageError(
                f"{item.nodeid}: django_db(transaction=True) needs serialized_rollback=True"
            )
        if "/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            if not HAS_CHROMIUM and not IN_CI:
                item.add_marker(
                    pytest.mark.skip(
                        reason="Chromium not found: `apt-get install chromium` to run the "
                        "browser journeys (never `playwright install`)."
                    )
                )


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"Screenshots of the public pages: {SCREENSHOTS}")


def pytest_report_header(config):
    if not HAS_CHROMIUM:
        state = "missing: a failure under CI" if IN_CI else "missing: e2e tests are skipped"
        return f"chromium: {state}"
    return f"chromium: {CHROMIUM}"


@pytest.fixture(autouse=True)
def _empty_shared_cache():
    """Each test's database is rolled back after it, but the cache would keep what it read
    (fragments under the same content generation, the page cache, the booking form's rate
    limit): every test starts as a fresh deployment. The one place the suite clears it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def clock(request):
    """Every test runs at a pinned instant (PINNED_NOW, or one of tests.clock's awkward
    instants), so the suite passes at any hour of any day.

    Browser journeys let time run, because the browser and the server wait on each other in
    real time; and they start at the next instant like PINNED_NOW (a Wednesday, 10:00) after
    the real one, because Chromium expires cookies (the staff session) by its own clock."""
    if request.node.get_closest_marker("e2e"):
        real_now = dt.datetime.now(dt.UTC)
        with time_machine.travel(next_like_pinned_now(real_now), tick=True) as traveller:
            yield traveller
        return
    with time_machine.travel(getattr(request, "param", PINNED_NOW), tick=False) as traveller:
        yield traveller


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not HAS_CHROMIUM:
        pytest.fail(f"Chromium is required under CI but was not found at {CHROMIUM}.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings):
    """Start Playwright's event loop before the test database is set up, when browser tests
    run: Django keeps connections per async context, and the connection that holds the
    serialized copy of the database (for serialized rollbacks) must be the one tests use."""
    if HAS_CHROMIUM and any(item.get_closest_marker("e2e") for item in request.session.items):
        request.getfixturevalue("playwright")


def load_demo():
    call_command("load_demo_content", verbosity=0)


@pytest.fixture
def demo(db):
    """The whole demo site, as `make run` builds it."""
    load_demo()


@pytest.fixture(scope="module")
def demo_responses(django_db_setup, django_db_blocker):
    """Fetch pages of the demo site once per module, then roll the demo back.

    Building the demo takes a second or two; many assertions read the same page.
    """
    cache = {}

    def get(url):
        if url not in cache:
            with django_db_blocker.unblock(), transaction.atomic():
                load_demo()
                cache[url] = Client().get(url)
                transaction.set_rollback(True)
        return cache[url]

    return get


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin_client, past the second sign-in step that superusers owe."""
    return sign_in_with_second_factor(Client(), admin_user)


@pytest.fixture
def twilio(settings):
    """Texts go to a local stub of Twilio's API (tests/twilio_stub.py) through the real
    Twilio backend."""
    stub = TwilioStub()
    stub.thread.start()
    settings.SMS_BACKEND = "allure.base.operations.sms.TwilioBackend"
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = FROM_NUMBER
    settings.TWILIO_API_BASE_URL = stub.url
    yield stub
    stub.server.shutdown()
    stub.server.server_close()


@pytest.fixture
def stripe(settings):
    """Payments on, against a local stand-in for Stripe's API (tests/stripe_fake.py, the
    outside world): the site's own Stripe library talks to it over HTTP."""
    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = STRIPE_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    # Its hosted page is where the site's forms send the patient on.
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": ["'self'", fake.url]}
    yield fake
    fake.stop()
