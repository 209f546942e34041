"""Every public page type stays lean without the whole-page cache (off in tests). Wagtail
routes every page with the site for the request and the home page (the root), then the page
itself; the clinic settings, menu, footer, hours and the pages along each path are shared
fragments, and the home page's and the procedure index's content is a `{% wagtailpagecache %}`
fragment, so with them warm each page costs its routing and what its template reads outside
a fragment. With every cache cleared, the first visit also fills those fragments: Wagtail's
site root paths, whether any page is private, the settings with their footer links, the path
with the menu, the hours, and one query for each image's resized copies."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allure.base.web.serving import clear_page_cache

pytestmark = pytest.mark.django_db

CEILINGS = {
    "/": 3,  # the site, the home page, its share image (the content is a fragment)
    "/procedures/": 3,  # the site, the home page, the page (the content is a fragment)
    # the site, the home page, the page, its clinician with their photo (the head's share
    # image), credentials, procedures performed
    "/dr-walker/": 6,
    "/contact/": 3,  # the site, the home page, the page; hours and closures are fragments
    "/privacy/": 3,  # the site, the home page, the page
}
# With every cache cleared (scripts/query_counts.py measures the same in `make bench`).
COLD_CEILINGS = {
    "/": 17,  # and the featured procedures, their stages, the doctor, the testimonials, images
    "/procedures/": 11,  # and the procedures, their stages, where the results gallery is
    "/dr-walker/": 12,
    "/contact/": 9,
    "/privacy/": 7,
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
