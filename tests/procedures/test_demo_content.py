"""The demo loader builds a complete site, every page of it renders, and running it again
changes nothing."""

from unittest import mock

import pytest
from django.apps import apps
from django.core.management import call_command
from wagtail.models import Page

from procedures.models import ProcedurePage
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db

COUNTED_MODELS = [
    "wagtailcore.Page",
    "wagtailcore.Revision",
    "wagtailimages.Image",
    "procedures.Testimonial",
    "procedures.RelatedProcedure",
    "procedures.RecoveryStage",
    "allure.OpeningHours",
    "allure.Closure",
    "allure.FooterLink",
    "allure.HomeFeaturedProcedure",
    "allure.ClinicSettings",
]


def counts():
    return {label: apps.get_model(label).objects.count() for label in COUNTED_MODELS}


def test_running_the_loader_twice_doubles_nothing():
    load_demo()
    first = counts()
    load_demo()
    assert counts() == first


def test_the_demo_has_the_procedures_the_clinic_offers(demo):
    slugs = set(ProcedurePage.objects.live().values_list("slug", flat=True))
    assert {
        "skin-resurfacing",
        "facelift",
        "neck-lift",
        "dermal-fillers",
        "chemical-peel",
        "bbl-photofacial",
    } <= slugs
    assert len(slugs) >= 7


def test_every_demo_page_renders(demo, client):
    pages = Page.objects.live().filter(depth__gt=1)
    assert pages.count() == 13  # home, index, 7 procedures, doctor, contact, 2 standard
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert 'href="/consultation/' in response.content.decode(), page.url


def test_the_sitemap_lists_every_live_procedure(demo, client):
    sitemap = client.get("/sitemap.xml").content.decode()
    for page in ProcedurePage.objects.live():
        assert f"<loc>http://testserver/procedures/{page.slug}/</loc>" in sitemap


def test_the_loader_hands_over_to_the_booking_demo_when_it_exists(db):
    booking_demo = mock.Mock()
    with (
        mock.patch("importlib.util.find_spec", return_value=object()),
        mock.patch("importlib.import_module", return_value=booking_demo) as import_module,
    ):
        call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    import_module.assert_called_once_with("bookings.demo")
    booking_demo.load.assert_called_once_with()
