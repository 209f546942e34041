"""The skin resurfacing page says everything the clinic's current page says (shared/seed)."""

import json
import re

import pytest
from django.utils.html import strip_tags

from allure.base.models import ClinicSettings
from procedures.models import ProcedurePage

pytestmark = pytest.mark.django_db  # the module-wide demo needs the test database set up

SEED_FACTS = [
    # what it is: technology and approach
    "non-surgical",
    "Erbium:YAG",
    "CO2",
    "Full-field",
    "100%",
    "Fractional",
    "quicker recovery",
    "collagen",
    # how it works
    "depth",
    "downtime",
    # conditions treated, in the seed's order
    "Fine lines to deeper wrinkles",
    "Scars",
    "Aged or sun-damaged skin",
    "Liver spots",
    "Dull complexion",
    "Irregular pigmentation",
    "Poor skin tone and texture",
    # areas
    "Face",
    "Neck",
    "Chest",
    "Hands",
    # number of treatments
    "single treatment can give an excellent result",
    "nanolaser peel",
    "microlaser peel",
    "Usually a series",
    "Usually a single treatment",
    # a typical treatment
    "safety shields",
    "computer-guided scanner",
    "15–30 minutes",
    "deeper treatments can take longer",
    "topical anaesthetic",
    "local anaesthetic",
    # results
    "About a week, when makeup can go on",
    "4–6 months",
    "Individual results may vary",
    # recovery by depth
    "sunburn",
    "swell",
    "ointment",
    "2–3 days",
    "4–7 days",
    "7–10 days",
    "before makeup can be applied",
    # sun protection
    "Sun protection",
    "ultraviolet",
    "premature aging",
    # the doctor's take
    "Dr. Walker’s take",
    "Forever Young BBL",
    "chemical peels",
    "dermal fillers",
    # testimonial
    "Pam",
    "Wesson, MS",
]


@pytest.fixture
def page_text(demo_responses):
    response = demo_responses("/procedures/skin-resurfacing/")
    assert response.status_code == 200
    html = response.content.decode()
    return html, " ".join(strip_tags(html).split())


@pytest.mark.parametrize("fact", SEED_FACTS)
def test_the_skin_resurfacing_page_states_every_fact_of_the_seed_page(page_text, fact):
    _html, text = page_text
    assert fact.lower() in text.lower()


def test_conditions_are_an_ordered_list_in_the_seed_order(page_text):
    html, _text = page_text
    ordered = re.search(r'<ol class="checklist">(.*?)</ol>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", ordered)
    assert items[:3] == ["Fine lines to deeper wrinkles", "Scars", "Aged or sun-damaged skin"]
    assert len(items) == 7


def test_the_doctors_take_links_to_the_doctors_profile(page_text):
    html, _text = page_text
    take = html.split('id="doctors-take"')[1].split("</section>")[0]
    assert 'href="/dr-walker/"' in take


def test_booking_links_preselect_the_procedure(page_text):
    html, _text = page_text
    assert html.count('href="/consultation/?procedure=skin-resurfacing"') >= 2


def test_the_recovery_timeline_draws_one_bar_per_depth(page_text):
    html, _text = page_text
    timeline = html.split('class="timeline"')[1].split("</figure>")[0]
    assert timeline.count('class="timeline__stage"') == 3
    # The deepest stage ends at the right edge of the scale.
    assert "tl-from-70 tl-to-100" in timeline


def test_the_related_procedures_work_without_javascript(page_text):
    html, _text = page_text
    related = html.split("data-related-browser")[1].split("</section>")[0]
    assert 'class="related__list" tabindex="0"' in related  # focusable: arrow keys scroll it
    for slug in ["facelift", "neck-lift", "dermal-fillers", "chemical-peel", "bbl-photofacial"]:
        assert f'href="/procedures/{slug}/"' in related


def test_face_and_neck_are_the_popular_areas_and_chest_and_hands_also_treatable(page_text):
    html, _text = page_text
    chips = re.search(r'<ul class="chips">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'<li class="chip--common">(\w+)', chips) == ["Face", "Neck"]
    assert re.findall(r"<li>(\w+)</li>", chips) == ["Chest", "Hands"]


def test_every_seed_fact_is_content_editors_can_change_not_template_text(demo):
    """The page states the facts (above); here, each is stored in the CMS: the page's fields
    and inline rows (ranges such as "15–30 minutes" are made from two number fields), its
    doctor's take, its testimonials or the clinic settings."""
    page = ProcedurePage.objects.get(slug="skin-resurfacing")
    stored = [
        json.dumps(page.serializable_data(), ensure_ascii=False, default=str),
        page.duration_label,
        page.results_develop_label,
        f"{page.doctor.name}’s take" if page.doctors_take else "",
        ClinicSettings.load().results_disclaimer,
        *(f"{t.quote} {t.patient_name} {t.town}" for t in page.testimonials()),
    ]
    text = " ".join(strip_tags(" ".join(stored)).split()).lower()
    assert [fact for fact in SEED_FACTS if fact.lower() not in text] == []
