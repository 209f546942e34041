"""The procedure page costs the same number of queries however many testimonials, questions,
related procedures and photos it shows, and no more than its budget: with its fragments warm,
after a content change (when they are drawn again), and with every cache cleared."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allure.base.web import serving
from procedures import models
from procedures.gallery import ResultPair, ResultPairAngle
from procedures.models import ProcedureFAQ, ProcedurePage, RelatedProcedure
from tests.procedures.conftest import photo

pytestmark = pytest.mark.django_db

# Uncached means without the whole-page cache (off in tests). With the page's fragments warm
# ({% wagtailpagecache %} around its head's structured data and its content), a procedure
# page costs what Wagtail's routing costs: the site for the request, the home page, the page
# itself with its hero image (the pages along its path are a shared fragment).
MAX_QUERIES = 3
# After any content change the fragments are drawn again: routing's three (the pages along
# the path come with the menu), whether any page is private, the settings with their footer
# links, which procedures have photos, the page's five lists (technologies, conditions, areas,
# questions, recovery stages), the related procedures' links with their cards and the cards'
# recovery stages, where the gallery is, the testimonials, the doctor and the medical
# reviewer (clinicians, one query with their profile pages), the clinicians who perform it,
# read only when the fragments are drawn, the financing lenders under the price (a page
# without a price reads none), and the consultation types that take a fee or a card (the
# booking card states the terms; one query shared by every page until the next change):
# 20 in all (the resized photos come from the cache).
MAX_QUERIES_AFTER_A_CHANGE = 20
# With every cache cleared (a restarted Redis) also the site's root paths, and one query for
# the resized copies of each image shown (the hero, the share image, each photo), which the
# cache then keeps.
MAX_QUERIES_COLD = MAX_QUERIES_AFTER_A_CHANGE + 1
# A page with before-and-after photos adds two when drawn (the pairs with their photos, the
# extra angles with theirs), however many pairs.
PHOTO_QUERIES = 2


def grow(page, others, how_many):
    start = models.Testimonial.objects.count()
    for n in range(start, start + how_many):
        testimonial = models.Testimonial.objects.create(
            quote=f"Quote {n}",
            patient_name=f"Patient {n}",
            consent_given_on=dt.date(2026, 1, 1),
            is_published=True,
        )
        testimonial.procedures.add(page)
        ProcedureFAQ.objects.create(page=page, question=f"Q{n}?", answer="A.")
        RelatedProcedure.objects.create(page=page, procedure=others[n % len(others)])


def count_queries(client, url, after_a_change=True):
    """The queries of a visit once the resized photos are made (on a first visit), after a
    content change (so the page's fragments are drawn again) or with them warm."""
    client.get(url)
    if after_a_change:
        serving.clear_page_cache()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_testimonials_faqs_and_related_procedures(demo, client):
    page = ProcedurePage.objects.get(slug="chemical-peel")
    others = list(ProcedurePage.objects.exclude(pk=page.pk))
    models.Testimonial.procedures.through.objects.filter(procedurepage=page).delete()
    page.faqs.all().delete()
    page.related_procedures.all().delete()
    url = page.url

    grow(page, others, 1)
    with_one = count_queries(client, url)
    grow(page, others, 19)
    with_twenty = count_queries(client, url)

    assert "Patient 19" in client.get(url).content.decode()
    assert with_twenty == with_one
    # The demo has photos of chemical peels.
    assert with_one <= MAX_QUERIES_AFTER_A_CHANGE + PHOTO_QUERIES


def test_a_procedure_page_with_its_fragments_warm_costs_only_the_routing(demo, client):
    for page in ProcedurePage.objects.live():
        assert count_queries(client, page.url, after_a_change=False) <= MAX_QUERIES, page.slug


def test_the_skin_resurfacing_page_is_within_the_budget_after_a_change(demo, client):
    url = "/procedures/skin-resurfacing/"
    assert count_queries(client, url) <= MAX_QUERIES_AFTER_A_CHANGE + PHOTO_QUERIES


def test_the_skin_resurfacing_page_is_within_the_budget_with_every_cache_cleared(demo, client):
    url = "/procedures/skin-resurfacing/"
    client.get(url)  # renditions are made on a first visit; clearing the cache keeps them
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    copies = [query for query in queries if "wagtailimages_rendition" in query["sql"]]
    assert len(queries) - len(copies) <= MAX_QUERIES_COLD + PHOTO_QUERIES
    pairs = ResultPair.objects.filter(procedure__url_path__endswith="/skin-resurfacing/")
    photos = 2 * (pairs.count() + ResultPairAngle.objects.filter(pair__in=pairs).count())
    assert photos and len(copies) <= 2 + photos


def add_pairs(page, consent, how_many):
    """Pairs, each with an extra angle: every photo its own image, so nothing is shared."""
    start = ResultPair.objects.count()
    for n in range(start, start + how_many):
        pair = ResultPair.objects.create(
            procedure=page,
            consent=consent,
            before_image=photo(f"b{n}", 60, 40),
            after_image=photo(f"a{n}", 60, 40),
            before_alt=f"Before {n}",
            after_alt=f"After {n}",
            treated_by="Dr. Walker, M.D.",
            time_after=6,
            is_published=True,
        )
        ResultPairAngle.objects.create(
            pair=pair, label="Side", before_image=photo(f"sb{n}"), after_image=photo(f"sa{n}")
        )


@pytest.mark.parametrize("url", ["/procedures/facelift/", "/procedures/results/"])
def test_query_count_does_not_grow_with_before_and_after_photos(demo, client, make_consent, url):
    page = ProcedurePage.objects.get(slug="facelift")
    consent = make_consent()
    add_pairs(page, consent, 1)
    with_one = count_queries(client, url)
    add_pairs(page, consent, 10)
    with_eleven = count_queries(client, url)

    assert "After 10" in client.get(url).content.decode()
    assert with_eleven == with_one
    assert with_one <= MAX_QUERIES_AFTER_A_CHANGE + PHOTO_QUERIES
