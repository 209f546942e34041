"""Anonymous visitors get cached pages; editors' changes show at once; staff never share."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    call_command("load_demo_content")
    # A first visit may create rows (the clinic settings, image renditions); the tests then
    # start with nothing cached.
    Client().get("/")
    cache.clear()


def get_counting_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, len(queries)


def test_a_second_anonymous_visit_is_served_without_touching_the_database(client):
    first, first_queries = get_counting_queries(client, "/")
    second, second_queries = get_counting_queries(client, "/")
    assert first.status_code == second.status_code == 200
    assert first_queries > 0
    assert second_queries == 0
    assert second.content == first.content


def test_publishing_a_page_clears_the_cache(client):
    path = "/procedures/skin-resurfacing/"
    client.get(path)
    procedure = Page.objects.get(url_path__endswith="/skin-resurfacing/").specific
    procedure.title = "A freshly published title"
    procedure.save_revision().publish()
    assert "A freshly published title" in client.get(path).text


def test_logged_in_staff_never_get_or_fill_the_shared_copy(client, admin_user):
    client.force_login(admin_user)
    _, staff_queries = get_counting_queries(client, "/")
    _, again = get_counting_queries(client, "/")
    assert staff_queries > 0 and again > 0
    anonymous = Client()
    _, anonymous_queries = get_counting_queries(anonymous, "/")
    assert anonymous_queries > 0


def test_booking_pages_are_never_cached(client):
    # The bare booking page may need no query once its catalogue is warm, so tell a drawn
    # page from a kept copy by its body: each drawing carries a fresh CSRF token.
    first = client.get("/consultation/")
    second = client.get("/consultation/")
    assert first.status_code == second.status_code == 200
    assert first.content != second.content
    assert "no-store" in second["Cache-Control"]


def test_not_found_pages_are_not_kept(client):
    assert client.get("/no-such-page/").status_code == 404
    _, queries = get_counting_queries(client, "/no-such-page/")
    assert queries > 0
