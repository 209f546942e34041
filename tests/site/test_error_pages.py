"""Branded error pages: a 404 with the site around it, and 500/503 pages that read nothing
from the database."""

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from allure.base import outage
from allure.base.models import ClinicSettings

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_site_search_procedures_and_the_phone(demo):
    response = Client().get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert 'action="/search/"' in html
    assert 'href="/procedures/skin-resurfacing/"' in html
    assert 'href="tel:+16015550142"' in html
    assert '<meta name="robots" content="noindex">' in html


def error_page_for(exception, django_assert_num_queries):
    request = RequestFactory().get("/consultation/")
    with django_assert_num_queries(0):
        try:
            raise exception
        except Exception:
            return outage.server_error(request)


def test_a_database_outage_is_a_503_with_the_last_saved_phone(demo, django_assert_num_queries):
    clinic = ClinicSettings.load()
    clinic.phone = "(601) 555-0199"
    clinic.save()
    response = error_page_for(OperationalError("connection refused"), django_assert_num_queries)
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert 'href="tel:+16015550199"' in html and "(601) 555-0199" in html
    assert "please call us" in html


def test_any_other_failure_is_a_branded_500_without_the_database(django_assert_num_queries):
    response = error_page_for(ValueError("a bug"), django_assert_num_queries)
    html = response.content.decode()
    assert response.status_code == 500
    assert "something went wrong" in html.lower()
    assert 'href="tel:+16015550142"' in html  # the clinic's default, with nothing saved
    assert "<script" not in html and "style=" not in html
