"""The header's menu is shared until content changes; routing after a change fills it with
the pages it fetches along the path, and it lists what Wagtail's own `in_menu()` lists."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from allure.base.web import serving

pytestmark = pytest.mark.django_db


def test_the_site_is_found_once_and_every_page_address_from_one_query(demo, client):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/procedures/").content.decode()
    assert 'href="/procedures/skin-resurfacing/"' in html
    # Wagtail's own: the site for the request, then the root paths every address is made
    # from (kept in the cache after), not a query per link.
    assert sum("wagtailcore_site" in query["sql"] for query in queries) == 2


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
