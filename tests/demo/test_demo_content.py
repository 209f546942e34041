"""The demo loader builds a complete site, every page of it renders, and running it again
changes nothing."""

import pytest
from django.apps import apps
from django.utils.html import escape
from django.utils.timezone import localdate
from wagtail.models import Page

from bookings.models import ConsultationRequest, ConsultationStatus
from procedures.clinicians import Clinician
from procedures.gallery import ConsentRecord, ResultPair
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
    "base.OpeningHours",
    "base.Closure",
    "base.FooterLink",
    "base.FinancingLender",
    "allure.HomeFeaturedProcedure",
    "base.ClinicSettings",
    "bookings.ConsultationRequest",
    "procedures.ConsentRecord",
    "procedures.ResultPair",
    "procedures.ResultPairAngle",
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
    # home, index, 7 procedures, the planner, the results gallery, doctor, contact, 2 standard
    assert pages.count() == 15
    for page in pages.specific():
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        html = response.content.decode()
        assert f"<title>{escape(page.seo_title or page.title)} · " in html, page.url
        if isinstance(page, ProcedurePage):
            assert f'href="/consultation/?procedure={page.slug}"' in html, page.url


def test_the_sitemap_lists_every_live_procedure(demo, client):
    sitemap = client.get("/sitemap.xml").content.decode()
    for page in ProcedurePage.objects.live():
        assert f"<loc>http://testserver/procedures/{page.slug}/</loc>" in sitemap


def test_the_loader_builds_the_booking_demo_on_the_demo_procedures(demo):
    statuses = set(ConsultationRequest.objects.values_list("status", flat=True))
    assert {ConsultationStatus.NEW, ConsultationStatus.SCHEDULED} <= statuses
    demo_procedures = ProcedurePage.objects.filter(consultation_requests__isnull=False)
    assert demo_procedures.exists() and not demo_procedures.filter(live=False).exists()


def test_skin_resurfacing_shows_consented_demo_photos(demo, client):
    html = client.get("/procedures/skin-resurfacing/").content.decode()
    shown = ResultPair.objects.shown(localdate()).filter(procedure__slug="skin-resurfacing")
    assert shown.count() >= 2 and 'id="before-and-after"' in html
    assert all(pair.before_alt in html for pair in shown)
    # The ledger has a revoked consent too, whose photos show nowhere.
    withdrawn = ResultPair.objects.filter(consent__status="revoked")
    assert withdrawn.exists() and not withdrawn.filter(is_published=True).exists()
    for consent in ConsentRecord.objects.all():
        assert consent.scanned_form.storage.exists(consent.scanned_form.name)


def test_the_demo_has_three_clinicians_each_booked_for_their_own_procedures(demo):
    does = {
        clinician.name: sorted(clinician.procedures.values_list("slug", flat=True))
        for clinician in Clinician.objects.filter(bookable=True)
    }
    assert does["Dr. Walker"] == ["eyelid-surgery", "facelift", "neck-lift", "skin-resurfacing"]
    assert does["Jessica Moore"] == ["dermal-fillers"]
    assert does["Maya Reed"] == ["bbl-photofacial", "chemical-peel"]
    walker = Clinician.objects.get(name="Dr. Walker")
    assert walker.profile_page.slug == "dr-walker"
    assert walker.diary.clinician == walker  # every clinician has the diary patients book
    for consultation in ConsultationRequest.objects.exclude(slot_start=None):
        chosen = set(consultation.procedures.values_list("pk", flat=True))
        performed = consultation.provider.clinician.procedures.values_list("pk", flat=True)
        assert chosen <= set(performed)
