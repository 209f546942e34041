"""Visitors find procedures through search, the header menu and the footer, all from the CMS."""

import pytest

from allure.base.models import ClinicSettings

pytestmark = pytest.mark.django_db


def test_search_finds_procedures_by_their_words(demo, client):
    response = client.get("/search/", {"q": "collagen"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/procedures/skin-resurfacing/"' in html
    assert 'href="/procedures/facelift/"' not in html


def test_search_ignores_quotes_and_operators_a_patient_may_type(demo, client):
    html = client.get("/search/", {"q": '"laser AND ('}).content.decode()
    assert 'href="/procedures/skin-resurfacing/"' in html


def test_search_without_a_query_shows_just_the_form(demo, client):
    html = client.get("/search/").content.decode()
    assert 'role="search"' in html
    assert "result" not in html.split("</form>")[1]


def test_search_results_are_not_indexed(demo, client):
    assert '<meta name="robots" content="noindex">' in client.get("/search/?q=x").content.decode()


def test_the_header_menu_lists_pages_editors_put_in_menus(demo, client):
    nav = client.get("/").content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
    for link in ['href="/procedures/"', 'href="/dr-walker/"', 'href="/contact/"']:
        assert link in nav
    assert 'href="/privacy/"' not in nav


def test_the_footer_links_come_from_the_clinic_settings(demo, client):
    footer = client.get("/").content.decode().split('aria-label="Footer"')[1]
    assert 'href="/privacy/"' in footer and 'href="/accessibility/"' in footer
    ClinicSettings.load().footer_links.all().delete()
    footer = client.get("/").content.decode().split('aria-label="Footer"')[1]
    assert 'href="/privacy/"' not in footer


def test_every_page_offers_a_consultation_and_a_skip_link(demo, client):
    for url in ["/", "/procedures/", "/contact/", "/search/", "/consultation/"]:
        html = client.get(url).content.decode()
        assert 'href="/consultation/"' in html, url
        assert 'href="#main"' in html and 'id="main"' in html, url


def test_the_procedure_index_groups_by_category_with_facts_at_a_glance(demo, client):
    html = client.get("/procedures/").content.decode()
    skin = html.split('id="skin"')[1].split("</section>")[0]
    assert "Skin resurfacing" in skin and "Facelift" not in skin
    assert "2–10 days" in skin  # downtime across depths
    assert "1 or a series" in skin
    assert html.index('id="skin"') < html.index('id="face"') < html.index('id="injectables"')
