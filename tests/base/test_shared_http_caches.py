"""What caches in front of the site (Varnish, a CDN) may keep, and what a change purges."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from wagtail.models import Page

from allure.base.models import ClinicSettings, OpeningHours
from procedures import models as procedures_models
from procedures.models import ProcedurePage
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/procedures/", "/procedures/skin-resurfacing/", "/contact/", "/sitemap.xml"]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_may_be_kept_by_shared_caches_and_set_no_cookie(demo, client, path):
    response = client.get(path)
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "s-maxage=300" in cache_control
    assert "stale-while-revalidate=60" in cache_control
    assert "stale-if-error=86400" in cache_control
    assert "private" not in cache_control and not response.cookies


@pytest.mark.parametrize(
    "path", ["/consultation/", "/search/?q=laser", "/admin/", "/no-such-page/", "/sms/inbound/"]
)
def test_booking_search_admin_and_errors_are_kept_by_no_shared_cache(demo, client, path):
    response = client.get(path)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_signed_in_editor_never_gets_a_shareable_page(demo, admin_client):
    response = admin_client.get("/procedures/skin-resurfacing/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


@pytest.fixture
def purge_port(settings):
    """Stands in for the purge port of the cache in front: records each PURGE it receives."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self):  # noqa: N802 - the HTTP method's name
            received.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.WAGTAILFRONTENDCACHE = {
        "http": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}",
        }
    }
    yield received
    server.shutdown()
    server.server_close()


def every_public_path():
    pages = Page.objects.live().public().filter(depth__gt=1)
    return {page.url for page in pages} | {"/sitemap.xml", "/robots.txt"}


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.fixture
def site_behind_a_cache(transactional_db, purge_port):
    """The demo, really committed (purges leave after the commit), with nothing left to purge."""
    load_demo()
    run_worker()
    purge_port.clear()
    return purge_port


# Purges leave only after a real commit; the Wagtail tree must survive the flush afterwards.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@committed
@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda: ClinicSettings.load().save(), id="clinic settings"),
        pytest.param(lambda: OpeningHours.objects.first().save(), id="opening hours"),
        pytest.param(
            lambda: procedures_models.Testimonial.objects.first().save(), id="testimonial"
        ),
        pytest.param(
            lambda: ProcedurePage.objects.get(slug="facelift").save_revision().publish(),
            id="a procedure published",
        ),
    ],
)
def test_a_content_change_purges_every_public_page(site_behind_a_cache, change):
    change()
    run_worker()
    assert set(site_behind_a_cache) == every_public_path()


@committed
def test_unpublishing_purges_the_page_it_took_down(site_behind_a_cache):
    ProcedurePage.objects.get(slug="facelift").unpublish()
    run_worker()
    assert "/procedures/facelift/" in site_behind_a_cache


@committed
def test_moving_a_page_purges_its_old_address(site_behind_a_cache):
    facelift = ProcedurePage.objects.get(slug="facelift")
    facelift.slug = "facelift-surgery"
    facelift.save_revision().publish()
    run_worker()
    assert {"/procedures/facelift/", "/procedures/facelift-surgery/"} <= set(site_behind_a_cache)
