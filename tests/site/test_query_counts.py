"""Every public page type stays lean without the whole-page cache (off in tests): the site,
clinic settings, menu, footer, hours and the pages along each path come from shared fragments,
so routing takes one query (the page itself, or none for the home page, which comes with the
site) and each list the page shows takes one. With every cache cleared, the first visit also
fills those fragments: the site with Wagtail's site root paths and whether any page is private
(one query), its home page, the settings with their footer links, the path with the menu (one
query) and image renditions."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allure.base.serving import clear_page_cache

pytestmark = pytest.mark.django_db

CEILINGS = {
    "/": 3,  # featured procedures and their recovery stages, testimonials (home is the root)
    "/procedures/": 3,  # the page, the procedures and their recovery stages
    "/dr-walker/": 3,  # the page, credentials, procedures performed
    "/contact/": 1,  # the page; hours and closures are shared fragments
    "/privacy/": 1,  # the page
}
# With every cache cleared (scripts/query_counts.py measures the same in `make bench`).
COLD_CEILINGS = {
    "/": 11,
    "/procedures/": 9,  # and where the results gallery is (a shared fragment)
    "/dr-walker/": 8,
    "/contact/": 7,
    "/privacy/": 5,
}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", CEILINGS)
def test_each_page_type_stays_within_its_ceiling(demo, client, url):
    client.get(url)  # warm up: renditions and the shared fragments are made on a first visit
    assert count_queries(client, url) <= CEILINGS[url]


@pytest.mark.parametrize("url", COLD_CEILINGS)
def test_each_page_type_stays_within_its_ceiling_with_every_cache_cleared(demo, client, url):
    client.get(url)  # renditions are made on a first visit; clearing the cache keeps them
    cache.clear()
    assert count_queries(client, url) <= COLD_CEILINGS[url]


def test_the_shared_fragments_are_what_a_first_visit_after_a_change_pays_for(demo, client):
    client.get("/contact/")
    warm = count_queries(client, "/contact/")
    clear_page_cache()
    cold = count_queries(client, "/contact/")
    assert cold > warm
    assert count_queries(client, "/contact/") == warm
