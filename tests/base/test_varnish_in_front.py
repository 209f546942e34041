"""A real Varnish (deploy/varnish/allure.vcl) in front of gunicorn with production settings,
with the real task worker purging: what a campaign's crowd meets."""

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from scripts.prodserver import (
    PYTHON,
    ROOT,
    gunicorn,
    prepare,
    production_env,
    scratch_database,
    task_worker,
    varnish,
)

HAS_VARNISH = shutil.which("varnishd") is not None
IN_CI = os.environ.get("CI", "").lower() == "true"
PAGE = "/procedures/skin-resurfacing/"

pytestmark = [
    pytest.mark.postgres,
    # gunicorn, the worker and an editor's process write at once: SQLite would lock.
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL (DATABASE_URL), as CI runs it",
    ),
    pytest.mark.skipif(
        not HAS_VARNISH and not IN_CI,
        reason="Varnish not found: `apt-get install varnish` to run it (CI installs it).",
    ),
]


def get(url: str) -> tuple[int, dict, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return response.status, dict(response.headers), response.read().decode()


@pytest.fixture(scope="module")
def stack():
    """gunicorn on a scratch database, Varnish in front, the worker beside (it purges)."""
    database_url = scratch_database("allure_varnish_test")
    env = production_env(
        database_url,
        SITE_URL="http://127.0.0.1",  # the hostname Varnish keys pages on (it drops the port)
        HTTP_CACHE_SECONDS="2",  # short, so a test can see a page outlive it (grace)
        PAGE_CACHE_SECONDS="0",  # only Varnish caches here
    )
    prepare(env)
    # What building the demo queued (search indexing): done before the tests, as in a site
    # that has been running a while, so a purge is the next task, not the hundredth.
    subprocess.run(
        [PYTHON, "manage.py", "db_worker", "--batch", "--queue-name", "*", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    with gunicorn(env, workers=2) as app, varnish(app.url) as front:
        env["FRONTEND_CACHE_URL"] = front
        with task_worker(env):
            yield {"env": env, "app": app, "front": front}


def publish_title(env: dict, title: str) -> None:
    """An editor publishes a new title, in a process of its own as the admin would."""
    code = (
        "from procedures.models import ProcedurePage\n"
        "page = ProcedurePage.objects.get(slug='skin-resurfacing')\n"
        f"page.title = {title!r}\n"
        "page.save_revision().publish()\n"
    )
    subprocess.run([PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True)


def test_varnish_serves_public_pages_from_its_cache(stack):
    get(stack["front"] + PAGE)
    status, headers, _ = get(stack["front"] + PAGE)
    assert status == 200 and headers["X-Cache"] == "hit"
    _, booking_headers, _ = get(stack["front"] + "/consultation/")
    assert booking_headers["X-Cache"] == "miss"


def test_a_published_change_reaches_the_next_visitor_through_varnish(stack):
    get(stack["front"] + PAGE)  # in Varnish's cache now
    publish_title(stack["env"], "Laser skin resurfacing")
    deadline = time.monotonic() + 30
    while "Laser skin resurfacing" not in get(stack["front"] + PAGE)[2]:
        assert time.monotonic() < deadline, "the purge never reached Varnish"
        time.sleep(0.1)


def reset_calendar_feed(env: dict) -> str:
    """The front desk resets Dr. Walker's feed address, in a process of its own."""
    code = (
        "from bookings.frontdesk import services\n"
        "from bookings.models import Provider\n"
        "provider = Provider.objects.get(clinician__name='Dr. Walker')\n"
        "print(services.provider_calendar_feed_reset(provider=provider, user=None))\n"
    )
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def status_of(url: str) -> int:
    try:
        return get(url)[0]
    except urllib.error.HTTPError as error:
        return error.code


def test_varnish_never_keeps_a_providers_calendar_feed(stack):
    old = f"{stack['front']}/calendar/{reset_calendar_feed(stack['env'])}.ics"
    for _ in range(2):
        status, headers, body = get(old)
        assert status == 200 and body.startswith("BEGIN:VCALENDAR")
        assert headers["X-Cache"] == "miss"
        assert "no-store" in headers["Cache-Control"] and "Set-Cookie" not in headers
    new = f"{stack['front']}/calendar/{reset_calendar_feed(stack['env'])}.ics"
    assert status_of(old) == 404  # at once: no copy was kept to answer for it
    assert status_of(new) == 200


# Last in the module: it stops the app servers, and the stack is shared by every test here.
def test_varnish_keeps_serving_pages_while_the_app_servers_are_down(stack):
    _, _, before = get(stack["front"] + PAGE)
    stack["app"].stop()
    time.sleep(4)  # past the s-maxage, and the probe has found gunicorn down: only grace answers
    status, _, during = get(stack["front"] + PAGE)
    assert status == 200 and during == before
