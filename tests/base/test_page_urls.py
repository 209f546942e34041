"""Page links (`ServedPageMixin.get_url_parts`) are made without a `reverse()` per link: each
must be exactly what Wagtail's own `Page.get_url_parts` makes, for every page of the demo,
with and without a request, for unicode slugs (quoted as `reverse` quotes them), several
sites, a script prefix and WAGTAIL_APPEND_SLASH off."""

import pytest
from django.test import RequestFactory
from django.urls import clear_script_prefix, set_script_prefix
from wagtail.models import Page, Site

from allure.base.pages import SeoMixin
from allure.base.web import serving

pytestmark = pytest.mark.django_db


def served_pages():
    pages = [page.specific for page in Page.objects.filter(depth__gt=1)]
    served = [page for page in pages if isinstance(page, serving.ServedPageMixin)]
    assert len(served) > 5  # the demo's pages, so the comparisons below compare something
    return served


def wagtails(page, request=None):
    return Page.get_url_parts(page, request=request)


def assert_all_as_wagtail(request=None):
    for page in served_pages():
        if request is not None:  # each with a fresh request, as Wagtail caches on it
            request = RequestFactory().get("/")
        ours = page.get_url_parts(request=request)
        assert ours == wagtails(page, request), page.url_path
        assert page.get_url(request) == Page.get_url(page, request)
        assert page.get_full_url(request) == Page.get_full_url(page, request)


def test_every_demo_page_link_is_wagtails(demo):
    assert_all_as_wagtail()
    assert_all_as_wagtail(RequestFactory().get("/"))


def test_a_unicode_slug_is_quoted_as_reverse_quotes_it(demo, settings):
    settings.WAGTAIL_ALLOW_UNICODE_SLUGS = True
    home = Site.objects.get(is_default_site=True).root_page
    page = Page.objects.get(url_path=home.url_path + "procedures/skin-resurfacing/").specific
    page.slug = "péeling-ä"
    page.save()
    page = Page.objects.get(pk=page.pk).specific
    assert page.url_path.endswith("/péeling-ä/")
    parts = page.get_url_parts()
    assert "%C3%A9" in parts[2]  # quoted, as reverse() writes it
    assert parts == wagtails(page)


def test_with_a_script_prefix_the_links_carry_it_as_in_wagtail(demo):
    set_script_prefix("/clinic/")
    try:
        assert_all_as_wagtail()
        assert all(page.get_url_parts()[2].startswith("/clinic/") for page in served_pages())
    finally:
        clear_script_prefix()
    assert_all_as_wagtail()


def test_without_wagtails_trailing_slash_the_links_lose_it_as_in_wagtail(demo, monkeypatch):
    monkeypatch.setattr("wagtail.models.pages.WAGTAIL_APPEND_SLASH", False)
    assert_all_as_wagtail()
    assert any(not page.get_url_parts()[2].endswith("/") for page in served_pages())


def test_a_page_under_several_sites_is_linked_as_wagtail_links_it(demo):
    home = Site.objects.get(is_default_site=True).root_page
    Site.objects.create(hostname="clinic.example", port=80, root_page=home)
    procedures = Page.objects.get(url_path=home.url_path + "procedures/")
    Site.objects.create(hostname="procedures.example", port=80, root_page=procedures)
    assert_all_as_wagtail()
    assert_all_as_wagtail(RequestFactory().get("/", HTTP_HOST="procedures.example"))


def test_a_page_outside_every_site_has_no_link_as_in_wagtail(demo):
    page = next(page for page in served_pages() if isinstance(page, SeoMixin))
    page.url_path = "/elsewhere/" + page.slug + "/"
    assert page.get_url_parts() is None
    assert wagtails(page) is None
