"""Every public page type stays lean without the whole-page cache (off in tests): the site,
clinic settings, menu, footer and hours come from shared fragments, routing takes two queries
(the pages on the path, then the page itself) and each list the page shows takes one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allure.base.serving import clear_page_cache

pytestmark = pytest.mark.django_db

CEILINGS = {
    "/": 4,  # featured procedures and their recovery stages, testimonials (home is the root)
    "/procedures/": 5,  # routing, the procedures and their recovery stages
    "/dr-walker/": 5,  # routing, credentials, procedures performed
    "/contact/": 3,  # routing; hours and closures are shared fragments
    "/privacy/": 3,  # routing
}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", CEILINGS)
def test_each_page_type_stays_within_its_ceiling(demo, client, url):
    client.get(url)  # warm up: renditions and the shared fragments are made on a first visit
    assert count_queries(client, url) <= CEILINGS[url]


def test_the_shared_fragments_are_what_a_first_visit_after_a_change_pays_for(demo, client):
    client.get("/contact/")
    warm = count_queries(client, "/contact/")
    clear_page_cache()
    cold = count_queries(client, "/contact/")
    assert cold > warm
    assert count_queries(client, "/contact/") == warm
