"""Procedure pages describe themselves to search engines, built from their fields."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def by_type(html):
    return {data["@type"]: data for data in json_ld(html)}


def test_a_procedure_page_is_a_medical_procedure_with_faqs_and_breadcrumbs(demo_responses):
    data = by_type(demo_responses("/procedures/skin-resurfacing/").content.decode())
    assert set(data) == {"MedicalProcedure", "MedicalWebPage", "FAQPage", "BreadcrumbList"}

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
    assert set(data) == {"MedicalProcedure", "MedicalWebPage", "BreadcrumbList"}
    assert data["MedicalProcedure"]["procedureType"] == "https://schema.org/SurgicalProcedure"


def test_json_ld_cannot_be_broken_out_of_by_content(db, demo_responses):
    html = demo_responses("/procedures/skin-resurfacing/").content.decode()
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        assert "<" not in block  # escaped, so a "</script>" in content cannot end the block
