"""Procedure pages describe themselves to search engines, built from their fields."""

import json
import re

import pytest

from procedures.models import ProcedurePage
from tests import schema_org

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def by_type(html):
    return {data["@type"]: data for data in json_ld(html)}


def test_a_procedure_page_is_a_medical_procedure_with_faqs_and_breadcrumbs(demo_responses):
    data = by_type(demo_responses("/procedures/skin-resurfacing/").content.decode())
    assert set(data) == {
        "MedicalProcedure",
        "MedicalWebPage",
        "Service",
        "FAQPage",
        "BreadcrumbList",
    }

    procedure = data["MedicalProcedure"]
    assert procedure["name"] == "Skin resurfacing"
    assert procedure["procedureType"] == "https://schema.org/NoninvasiveProcedure"
    assert procedure["bodyLocation"] == "Face, Neck, Chest, Hands"
    assert "Erbium:YAG laser" in procedure["howPerformed"]
    assert procedure["url"] == "http://testserver/procedures/skin-resurfacing/"

    questions = [q["name"] for q in data["FAQPage"]["mainEntity"]]
    assert "When can I wear makeup again?" in questions

    crumbs = [item["name"] for item in data["BreadcrumbList"]["itemListElement"]]
    assert crumbs == ["Allure Plastics", "Procedures", "Skin resurfacing"]


def test_a_procedure_without_faqs_has_no_faq_page(demo_responses):
    data = by_type(demo_responses("/procedures/facelift/").content.decode())
    assert set(data) == {"MedicalProcedure", "MedicalWebPage", "Service", "BreadcrumbList"}
    assert data["MedicalProcedure"]["procedureType"] == "https://schema.org/SurgicalProcedure"


def test_json_ld_cannot_be_broken_out_of_by_content(db, demo_responses):
    html = demo_responses("/procedures/skin-resurfacing/").content.decode()
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        assert "<" not in block  # escaped, so a "</script>" in content cannot end the block


def test_the_price_range_is_offered_by_the_clinic_as_a_service(demo_responses):
    data = by_type(demo_responses("/procedures/skin-resurfacing/").content.decode())
    service = data["Service"]
    assert service["name"] == "Skin resurfacing"
    assert service["url"] == "http://testserver/procedures/skin-resurfacing/"
    assert service["provider"] == {
        "@type": "MedicalClinic",
        "name": "Allure Plastics",
        "url": "http://testserver/",
    }
    offer = service["offers"]
    assert offer["@type"] == "Offer"
    assert offer["description"].startswith("One treatment of the face")
    assert offer["priceSpecification"] == {
        "@type": "PriceSpecification",
        "minPrice": 1500,
        "maxPrice": 4000,
        "priceCurrency": "USD",
        "validFrom": "2026-11-02",
    }
    # schema.org gives a MedicalProcedure no offers, nor the clinic a "$$" price range.
    assert "offers" not in data["MedicalProcedure"]
    assert "priceRange" not in json.dumps(data)


def test_a_price_with_no_upper_end_states_only_its_lowest(demo, client):
    ProcedurePage.objects.filter(slug="facelift").update(price_to=None)
    price = by_type(client.get("/procedures/facelift/").content.decode())["Service"]
    assert price["offers"]["priceSpecification"]["minPrice"] == 9000
    assert "maxPrice" not in price["offers"]["priceSpecification"]


def test_a_procedure_without_a_price_offers_nothing(demo, client):
    ProcedurePage.objects.filter(slug="facelift").update(
        price_from=None, price_to=None, price_set_on=None
    )
    assert "Service" not in by_type(client.get("/procedures/facelift/").content.decode())


@pytest.mark.parametrize("slug", ["skin-resurfacing", "facelift", "dermal-fillers"])
def test_every_property_is_one_schema_org_defines_there(demo_responses, slug):
    for node in json_ld(demo_responses(f"/procedures/{slug}/").content.decode()):
        assert schema_org.problems(node) == [], node["@type"]


def test_the_check_refuses_an_offer_on_the_medical_procedure():
    wrong = {"@type": "MedicalProcedure", "offers": {"@type": "Offer", "price": 1}}
    assert schema_org.problems(wrong) == [
        "MedicalProcedure.offers: schema.org has no offers on a MedicalProcedure",
        "Offer.price: a property this excerpt does not know",
    ]
