"""The results gallery (/procedures/results/) and the "Before and after" section of each
procedure page: only pairs with a running website consent, each with its facts and the
results disclaimer, filterable by procedure, readable without JavaScript."""

import pytest
from wagtail.test.utils import WagtailPageTestCase

from procedures.gallery import ResultPair
from procedures.models import ProcedureIndexPage, ResultsGalleryPage

pytestmark = pytest.mark.django_db

GALLERY = "/procedures/results/"


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def shown(slug=None):
    pairs = ResultPair.objects.filter(is_published=True)
    return pairs.filter(procedure__slug=slug) if slug else pairs


def test_the_gallery_shows_every_published_pair_and_never_a_withdrawn_one(demo, client):
    page = html(client, GALLERY)
    assert shown().count() >= 2
    for pair in shown():
        assert pair.before_alt in page and pair.after_alt in page
    for pair in ResultPair.objects.filter(is_published=False):
        assert pair.before_alt not in page
    assert page.count("Individual results may vary.") == shown().count()


def test_every_pair_says_who_treated_how_often_and_when_the_after_photo_was_taken(demo, client):
    page = html(client, "/procedures/skin-resurfacing/")
    for pair in shown("skin-resurfacing"):
        assert pair.treated_by in page
        assert f"{pair.time_after_label} the last session" in page
        assert pair.sessions_label in page


def test_without_javascript_before_and_after_stand_side_by_side(demo, client):
    page = html(client, "/procedures/skin-resurfacing/")
    assert page.count('class="compare__photo compare__photo--before"') == page.count(
        'class="compare__photo compare__photo--after"'
    )
    assert 'type="range"' not in page  # the slider comes with the script, not before it
    assert "js/compare.js" in page


def test_the_gallery_filters_by_procedure(demo, client):
    page = html(client, GALLERY + "?procedure=chemical-peel")
    assert "Results of chemical peel" in page
    for pair in shown():
        assert (pair.before_alt in page) == (pair.procedure.slug == "chemical-peel")


def test_an_unknown_procedure_shows_every_result_and_says_so(demo, client):
    page = html(client, GALLERY + "?procedure=no-such-thing")
    assert "We have no photos for that procedure yet. Showing every result instead." in page
    assert all(pair.before_alt in page for pair in shown())


def test_the_page_cache_keeps_filtered_and_unfiltered_galleries_apart(demo, client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    everything = html(client, GALLERY)
    filtered = html(client, GALLERY + "?procedure=chemical-peel")
    assert everything != filtered and "Results of chemical peel" in filtered
    assert html(client, GALLERY) == everything


def test_the_procedure_page_links_to_its_results_in_the_gallery(demo, client):
    page = html(client, "/procedures/skin-resurfacing/")
    assert f'href="{GALLERY}?procedure=skin-resurfacing"' in page
    assert 'href="#before-and-after"' in page


def test_a_procedure_without_photos_has_no_section(demo, client):
    assert not shown("facelift").exists()
    page = html(client, "/procedures/facelift/")
    assert "before-and-after" not in page and "compare.js" not in page


class TestGalleryPageType(WagtailPageTestCase):
    def test_it_lives_under_the_procedure_index_only(self):
        self.assertAllowedParentPageTypes(ResultsGalleryPage, {ProcedureIndexPage})


def test_the_procedure_index_links_to_the_gallery(demo, client):
    assert f'href="{GALLERY}"' in html(client, "/procedures/")
