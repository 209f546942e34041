"""The site fragment (allure.base.serving.CachedSiteMiddleware) finds the site for a request
and Wagtail's site root paths from one query of every site, and routing after a content
change fills the menu with the pages along the path: each must give what Wagtail's own
lookups give."""

import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site
from wagtail.models.sites import get_site_for_hostname

from allure.base import serving

pytestmark = pytest.mark.django_db


def every_site():
    return list(Site.objects.select_related("root_page", "root_page__locale"))


def wagtails_choice(hostname, port):
    try:
        return get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None


@pytest.fixture
def sites(db):
    root = Page.get_first_root_node()
    home = Site.objects.get(is_default_site=True).root_page
    other = root.add_child(instance=Page(title="Other", slug="other"))
    Site.objects.create(hostname="clinic.example", port=80, root_page=home)
    Site.objects.create(hostname="clinic.example", port=8080, root_page=other)
    Site.objects.create(hostname="shop.example", port=443, root_page=other)
    Site.objects.create(hostname="shop.example", port=8443, root_page=other)


HOSTS = ["localhost", "clinic.example", "shop.example", "unknown.example"]
PORTS = [80, 443, 8080, 8443, 9000]


def test_the_site_for_each_host_and_port_is_wagtails(sites):
    found = every_site()
    for hostname, port in itertools.product(HOSTS, PORTS):
        assert serving._site_for_host(found, hostname, port) == wagtails_choice(hostname, port)


def test_without_a_default_site_an_ambiguous_host_finds_none_as_in_wagtail(sites):
    Site.objects.filter(is_default_site=True).update(is_default_site=False)
    found = every_site()
    for hostname, port in itertools.product(HOSTS, PORTS):
        assert serving._site_for_host(found, hostname, port) == wagtails_choice(hostname, port)
    assert serving._site_for_host(found, "shop.example", 9000) is None


def test_the_site_root_paths_are_wagtails(sites):
    cache.clear()
    assert serving._site_root_paths(every_site()) == Site.get_site_root_paths()


def test_one_query_of_the_sites_serves_the_site_and_every_page_address(demo, client):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/procedures/").content.decode()
    assert 'href="/procedures/skin-resurfacing/"' in html
    assert sum("wagtailcore_site" in query["sql"] for query in queries) == 1


def test_routing_after_a_change_fills_the_menu_as_wagtail_lists_it(demo, client):
    home = Site.objects.get(is_default_site=True).root_page
    hidden = home.get_children().live().filter(show_in_menus=False).first().specific
    hidden.show_in_menus = True
    hidden.save_revision()  # a draft: the live page is still out of the menu
    cache.clear()
    client.get("/procedures/skin-resurfacing/")

    site = Site.objects.get(is_default_site=True)
    with CaptureQueriesContext(connection) as queries:
        menu = serving.main_menu(site)
    assert len(queries) == 0  # routing filled it
    assert [p.pk for p in menu] == [p.pk for p in home.get_children().live().in_menu()]
    assert hidden.pk not in [p.pk for p in menu]


def test_a_page_added_to_the_menu_shows_on_a_procedure_page_at_once(demo, client):
    client.get("/procedures/skin-resurfacing/")
    home = Site.objects.get(is_default_site=True).root_page
    hidden = home.get_children().live().filter(show_in_menus=False).first().specific
    hidden.show_in_menus = True
    hidden.save_revision().publish()
    header = client.get("/procedures/skin-resurfacing/").content.decode().split("</header>")[0]
    assert f'href="{hidden.url}"' in header
