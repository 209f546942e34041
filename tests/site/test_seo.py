"""What search engines and sharing previews see: titles, descriptions, canonical URLs,
Open Graph, structured data, robots.txt, the sitemap and the favicon."""

import json
import re

import pytest
from django.template import Context, Template
from wagtail.models import Page

pytestmark = pytest.mark.django_db


def json_ld_types(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return {json.loads(block)["@type"]: json.loads(block) for block in blocks}


def meta(html, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return match.group(1) if match else None


def test_the_home_page_is_a_medical_clinic_with_address_phone_and_hours(demo_responses):
    data = json_ld_types(demo_responses("/").content.decode())
    assert set(data) == {"MedicalClinic"}  # no breadcrumbs on home itself
    clinic = data["MedicalClinic"]
    assert clinic["telephone"] == "(601) 555-0142"
    assert clinic["address"]["addressLocality"] == "Jackson"
    assert clinic["address"]["addressRegion"] == "MS"
    hours = {
        (spec["opens"], spec["closes"]): spec["dayOfWeek"]
        for spec in clinic["openingHoursSpecification"]
    }
    assert hours == {
        ("08:00", "17:00"): ["Monday", "Tuesday", "Wednesday", "Thursday"],
        ("08:00", "13:00"): ["Friday"],
    }


def test_the_contact_page_is_a_medical_clinic_with_breadcrumbs(demo_responses):
    data = json_ld_types(demo_responses("/contact/").content.decode())
    assert set(data) == {"MedicalClinic", "BreadcrumbList"}


def test_the_doctor_page_is_a_physician(demo_responses):
    data = json_ld_types(demo_responses("/dr-walker/").content.decode())
    assert set(data) == {"Physician", "BreadcrumbList"}
    assert data["Physician"]["name"] == "Dr. Walker"


@pytest.mark.parametrize("url", ["/procedures/", "/privacy/", "/accessibility/"])
def test_pages_below_home_have_breadcrumbs(demo_responses, url):
    assert "BreadcrumbList" in json_ld_types(demo_responses(url).content.decode())


def test_a_page_has_its_own_title_description_canonical_and_open_graph(demo_responses):
    html = demo_responses("/procedures/skin-resurfacing/").content.decode()
    assert "<title>Skin resurfacing · Allure Plastics</title>" in html
    assert meta(html, "name", "description").startswith("Laser skin resurfacing in Jackson, MS")
    assert '<link rel="canonical" href="http://testserver/procedures/skin-resurfacing/">' in html
    assert meta(html, "property", "og:title") == "Skin resurfacing"
    assert meta(html, "property", "og:image").startswith("http://testserver/")
    assert meta(html, "property", "og:image:alt")


@pytest.mark.parametrize("url", ["/", "/procedures/skin-resurfacing/", "/dr-walker/"])
def test_the_open_graph_image_is_the_one_wagtails_image_tag_gives(demo, client, url):
    page = Page.find_for_request(client.get(url).wsgi_request, url).specific
    assert page.share_image is not None
    wagtails = Template(
        "{% load wagtailimages_tags %}{% image image fill-1200x630 format-jpeg as og %}{{ og.url }}"
    ).render(Context({"image": page.share_image}))
    html = client.get(url).content.decode()
    assert meta(html, "property", "og:image") == f"http://testserver{wagtails}"


def test_the_description_falls_back_to_the_summary(demo_responses):
    html = demo_responses("/procedures/facelift/").content.decode()
    assert meta(html, "name", "description").startswith("Surgery that lifts and firms")


def test_plain_django_views_render_the_layout_without_a_page(demo_responses):
    response = demo_responses("/consultation/")
    html = response.content.decode()
    assert response.status_code == 200
    assert meta(html, "name", "description")
    assert 'rel="canonical"' not in html
    assert "ld+json" not in html


def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_the_favicon_is_served_at_the_root_and_linked(client, demo_responses):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # ICO header
    assert '<link rel="icon" href="/favicon.ico"' in demo_responses("/").content.decode()


def test_the_sitemap_lists_the_site_pages(demo_responses):
    sitemap = demo_responses("/sitemap.xml").content.decode()
    for path in ["/", "/procedures/", "/dr-walker/", "/contact/", "/privacy/"]:
        assert f"<loc>http://testserver{path}</loc>" in sitemap


def test_public_pages_have_no_inline_styles_or_scripts(demo_responses):
    """The CSP blocks them (style-src/script-src 'self'), so they would silently break."""
    for url in ["/", "/procedures/", "/procedures/skin-resurfacing/", "/contact/", "/dr-walker/"]:
        html = demo_responses(url).content.decode()
        assert " style=" not in html, url
        scripts = re.findall(r"<script(?![^>]*(?:src=|application/ld\+json))[^>]*>", html)
        assert scripts == [], url


def test_content_images_are_webp_renditions_with_size_and_alt(demo_responses):
    html = demo_responses("/procedures/skin-resurfacing/").content.decode()
    hero = re.search(r'<img [^>]*class="page-hero__image"[^>]*>', html).group(0)
    for attribute in ('alt="', 'width="', 'height="', "srcset=", "sizes="):
        assert attribute in hero
    assert ".webp" in hero
