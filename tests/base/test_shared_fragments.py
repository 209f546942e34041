"""What every page shares (the site, clinic settings, menu, footer, hours, whether any page
is private, the pages along each address) is kept in the shared cache under the content
generation: each change an editor makes shows on the next visit, in any process, since what a
process keeps of them is keyed by the generation it reads from the shared cache each time."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from allure.base.models import ClinicSettings, Closure, FooterLink, OpeningHours
from allure.base.web.serving import (
    GENERATION_KEY,
    AnonymousPageCacheMiddleware,
    cached_until_content_changes,
    clear_page_cache,
    current_generation,
)
from allure.site.models import HomePage
from tests.counting_cache import CountingLocMemCache

pytestmark = pytest.mark.django_db


def header(client, url="/"):
    return client.get(url).content.decode().split("</header>")[0]


def test_a_new_phone_number_shows_at_once(demo, client):
    assert "(601) 555-0142" in header(client)
    clinic = ClinicSettings.load()
    clinic.phone = "(601) 555-0199"
    clinic.save()
    assert "(601) 555-0199" in header(client)
    assert "(601) 555-0199" in header(client, "/procedures/skin-resurfacing/")


def test_the_menu_follows_show_in_menus(demo, client):
    assert 'href="/contact/"' in header(client)
    contact = Page.objects.get(url_path__endswith="/contact/").specific
    contact.show_in_menus = False
    contact.save_revision().publish()
    assert 'href="/contact/"' not in header(client)


def test_a_new_footer_link_shows_at_once(demo, client):
    client.get("/")
    FooterLink.objects.create(
        settings=ClinicSettings.load(),
        page=Page.objects.get(url_path__endswith="/contact/"),
        label="Visit",
    )
    footer = client.get("/").content.decode().split('aria-label="Footer"')[1]
    assert ">Visit</a>" in footer


def test_changed_hours_and_a_new_closure_show_on_the_contact_page(demo, client):
    client.get("/contact/")
    OpeningHours.objects.filter(weekday=0).update(opens=dt.time(7, 15))  # no signal...
    Closure.objects.create(
        starts_on=dt.date.today() + dt.timedelta(days=3),
        ends_on=dt.date.today() + dt.timedelta(days=3),
        reason="Staff training",
    )  # ...but this save clears the generation, as any editor's change does
    html = client.get("/contact/").content.decode()
    assert "7:15 AM" in html
    assert "Staff training" in html


def test_publishing_the_home_page_shows_at_once(demo, client):
    client.get("/")
    home = HomePage.objects.get()
    home.hero_heading = "A freshly published promise"
    home.save_revision().publish()
    assert "A freshly published promise" in client.get("/").content.decode()


def test_making_a_page_private_takes_effect_at_once(demo, client):
    url = "/procedures/skin-resurfacing/"
    assert client.get(url).status_code == 200
    assert 'href="/procedures/skin-resurfacing/"' in client.get("/procedures/").content.decode()
    page = Page.objects.get(url_path__endswith="/skin-resurfacing/")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(url).status_code == 302  # to the login page
    assert 'href="/procedures/skin-resurfacing/"' not in client.get("/procedures/").content.decode()


def test_a_change_seen_by_another_process_reaches_this_one(demo, client):
    """Another process changes the database and bumps the shared generation: this process
    serves the change: what it kept, it kept for the generation before."""
    assert "(601) 555-0142" in header(client)
    ClinicSettings.objects.update(phone="(601) 555-0123")  # no signal: still cached here
    assert "(601) 555-0142" in header(client)
    cache.incr(GENERATION_KEY)
    assert "(601) 555-0123" in header(client)


def test_what_a_process_keeps_never_outlives_an_emptied_cache(demo, client):
    """The header is kept in the process for its generation; a shared cache emptied (Redis
    restarted, say) starts the generation again, never at one this process already kept."""
    assert "(601) 555-0142" in header(client)
    ClinicSettings.objects.update(phone="(601) 555-0123")  # no signal
    cache.clear()
    assert "(601) 555-0123" in header(client)


def test_the_header_marks_the_page_shown_in_the_menu_and_only_it(demo, client):
    def current(url):
        return re.findall(r'<a href="([^"]+)" aria-current="page">', header(client, url))

    assert current("/contact/") == ["/contact/"]
    assert current("/procedures/") == ["/procedures/"]
    assert current("/") == []
    assert current("/procedures/skin-resurfacing/") == []  # below a menu page, not in it
    assert current("/consultation/") == []
    assert current("/contact/") == ["/contact/"]


def test_a_change_clears_again_once_committed(demo, django_capture_on_commit_callbacks):
    """A visit between the first bump and the commit may store the old rows under the new
    generation; the bump after the commit retires them."""
    with django_capture_on_commit_callbacks(execute=True):
        Closure.objects.create(
            starts_on=dt.date(2031, 1, 1), ends_on=dt.date(2031, 1, 1), reason="X"
        )
        cached_until_content_changes("closures", lambda: ["the old rows"])
    assert "X" in [closure.reason for closure in Closure.cached()]


def test_routing_still_finds_only_live_pages_that_exist(demo, client):
    assert client.get("/procedures/no-such-procedure/").status_code == 404
    assert client.get("/no-such-section/skin-resurfacing/").status_code == 404
    page = Page.objects.get(url_path__endswith="/skin-resurfacing/")
    page.unpublish()
    assert client.get("/procedures/skin-resurfacing/").status_code == 404


def test_a_renamed_page_is_found_at_its_new_address_at_once(demo, client):
    assert client.get("/procedures/skin-resurfacing/").status_code == 200  # path now shared
    page = Page.objects.get(url_path__endswith="/skin-resurfacing/").specific
    page.slug = "laser-resurfacing"
    page.save_revision().publish()
    assert client.get("/procedures/skin-resurfacing/").status_code == 404
    assert client.get("/procedures/laser-resurfacing/").status_code == 200


def test_made_up_addresses_are_looked_up_each_time_never_kept(demo, client):
    """Anyone can make up addresses; keeping each lookup would let them fill the cache."""

    def path_lookups():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/procedures/made-up/").status_code == 404
        return [q for q in queries if '"url_path" IN' in q["sql"]]

    assert path_lookups()
    assert path_lookups()
    client.get("/procedures/skin-resurfacing/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/procedures/skin-resurfacing/")
    assert not [q for q in queries if '"url_path" IN' in q["sql"]]


def test_a_page_reads_the_content_generation_from_the_shared_cache_once(demo, client, settings):
    """Every fragment a page reads is keyed by the generation; reading it for each was a
    round trip to Redis each (about eight a procedure page)."""
    settings.CACHES = {"default": {"BACKEND": "tests.counting_cache.CountingLocMemCache"}}
    for url in ("/procedures/skin-resurfacing/", "/", "/consultation/?procedure=skin-resurfacing"):
        client.get(url)  # the fragments filled
        CountingLocMemCache.reads.clear()
        assert client.get(url).status_code == 200
        assert CountingLocMemCache.reads[GENERATION_KEY] == 1, url


def test_each_request_reads_the_generation_afresh(rf):
    """What a request read is forgotten when it ends: the next one sees another node's change."""
    seen = []

    def view(request):
        seen.extend([current_generation(), current_generation()])
        return HttpResponse()

    serve = AnonymousPageCacheMiddleware(view)
    serve(rf.get("/"))
    cache.incr(GENERATION_KEY)  # a change made on another node
    assert current_generation() == seen[0] + 1  # outside a request (a task, a command)
    serve(rf.get("/"))
    assert seen[0] == seen[1] and seen[2] == seen[3] == seen[0] + 1


def test_a_change_made_by_a_request_is_read_by_the_rest_of_it(rf):
    seen = []

    def view(request):
        seen.append(current_generation())
        clear_page_cache()  # an editor's save, say
        seen.extend([current_generation(), current_generation()])
        return HttpResponse()

    AnonymousPageCacheMiddleware(view)(rf.post("/admin/pages/3/edit/"))
    assert seen[0] != seen[1] == seen[2] == cache.get(GENERATION_KEY)
