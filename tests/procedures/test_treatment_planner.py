""" "Which treatment suits me?": the patient's answers rank the live procedures, drawn only from
the procedures' CMS fields; nothing is stored or logged; every result leads to booking."""

import logging
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset

from allure.site.models import HomePage
from procedures.models import (
    ProcedureCondition,
    ProcedureIndexPage,
    ProcedurePage,
    RecoveryStage,
    TreatmentPlannerPage,
)
from procedures.planner import Concern, recommend
from tests.procedures.test_page_types import procedure_form_data

pytestmark = pytest.mark.django_db
PLANNER = "/procedures/which-treatment/"


def results(client, query):
    html = client.get(f"{PLANNER}?{query}").content.decode()
    return re.findall(r'<li class="planner-result">\s*<h3><a href="/procedures/([\w-]+)/">', html)


def reasons(client, query):
    html = client.get(f"{PLANNER}?{query}").content.decode()
    return re.findall(r'<p class="planner-reason">(.*?)</p>', html)


def test_fine_lines_and_a_week_of_downtime_suggests_skin_resurfacing(demo, client):
    found = results(client, "concern=fine-lines&downtime=week")
    assert set(found) == {"skin-resurfacing", "chemical-peel"}


def test_lost_volume_without_downtime_suggests_fillers(demo, client):
    assert results(client, "concern=lost-volume&downtime=none") == ["dermal-fillers"]


def test_each_result_says_why_from_the_procedure_fields(demo, client):
    assert reasons(client, "concern=fine-lines&concern=sun-spots&downtime=week") == [
        "Treats fine lines and sun spots and brown patches; 2–3 days downtime (shallow); "
        "treatments: 1 or a series",
        "Treats sun spots and brown patches; 0–2 days downtime (typical); 3–5 treatments",
        "Treats fine lines; 1–3 days downtime (light); 3–6 treatments",
    ]


def prices(client, query) -> dict[str, str]:
    html = client.get(f"{PLANNER}?{query}").content.decode()
    found = {}
    for result in html.split('<li class="planner-result">')[1:]:
        slug = re.search(r'href="/procedures/([\w-]+)/"', result).group(1)
        price = re.search(r'<p class="planner-price">(.*?)</p>', result.split("</li>")[0])
        found[slug] = price.group(1) if price else None
    return found


def test_each_result_gives_its_price_range_as_the_procedure_page_says_it(demo, client):
    ProcedurePage.objects.filter(slug="chemical-peel").update(price_to=None)
    assert prices(client, "concern=fine-lines&downtime=week") == {
        "skin-resurfacing": "From $1,500 to $4,000",
        "chemical-peel": "From $150",
    }
    page = client.get("/procedures/skin-resurfacing/").content.decode()
    assert "<strong>From $1,500 to $4,000</strong>" in page


def test_a_procedure_without_a_price_is_suggested_without_one(demo, client):
    ProcedurePage.objects.filter(slug="dermal-fillers").update(
        price_from=None, price_to=None, price_set_on=None
    )
    assert prices(client, "concern=lost-volume&downtime=none") == {"dermal-fillers": None}


def test_procedures_treating_more_of_the_concerns_come_first(demo, client):
    found = results(client, "concern=sun-spots&concern=redness&downtime=weekend")
    # BBL treats both; skin resurfacing only sun spots.
    assert found == ["bbl-photofacial", "skin-resurfacing"]


def test_downtime_leaves_out_what_takes_longer(demo, client):
    assert "facelift" not in results(client, "concern=loose-skin&downtime=week")
    assert "facelift" in results(client, "concern=loose-skin&downtime=two-weeks")


def test_a_new_procedure_page_takes_part_without_code(demo, client):
    index = ProcedureIndexPage.objects.get()
    page = index.add_child(
        instance=ProcedurePage(
            title="Microneedling",
            slug="microneedling",
            category="skin",
            summary="Fine needles prompt the skin to renew itself.",
            duration_min_minutes=30,
            results_first_visible="After a few weeks",
        )
    )
    ProcedureCondition.objects.create(page=page, name="Acne scars", concern=Concern.SCARS)
    RecoveryStage.objects.create(page=page, depth="Typical", days_min=1, days_max=2)
    assert "microneedling" in results(client, "concern=scars&downtime=weekend")


def test_a_condition_without_a_concern_is_not_used(demo, client):
    ProcedureCondition.objects.filter(concern=Concern.LOST_VOLUME).update(concern="")
    html = client.get(f"{PLANNER}?concern=lost-volume&downtime=none").content.decode()
    assert "No treatment matches all of that" in html
    assert "book a consultation" in html


def test_unpublished_procedures_are_never_suggested(demo, client):
    ProcedurePage.objects.get(slug="dermal-fillers").unpublish()
    assert results(client, "concern=lost-volume&downtime=two-weeks") == []


def test_each_result_links_to_its_page_and_to_booking_with_that_procedure_chosen(demo, client):
    # One link per treatment: each consultation is with someone who does that treatment
    # (a peel is the aesthetician's, resurfacing the surgeon's), so none books them all.
    html = client.get(f"{PLANNER}?concern=fine-lines&downtime=week").content.decode()
    links = re.findall(r'href="(/consultation/\?procedure=[^"]+)"', html)
    assert sorted(links) == [
        "/consultation/?procedure=chemical-peel",
        "/consultation/?procedure=skin-resurfacing",
    ]
    booking = client.get("/consultation/?procedure=chemical-peel").content.decode()
    assert re.search(r'<option value="chemical-peel" selected>', booking)


def test_the_page_says_the_consultation_decides_and_nothing_is_stored(demo, client):
    html = client.get(f"{PLANNER}?concern=fine-lines&downtime=week").content.decode()
    assert "not medical advice" in html and "not stored" in html


def test_the_form_sends_only_the_answers(demo, client):
    html = client.get(PLANNER).content.decode()
    form = re.search(r'<form method="get".*?</form>', html, re.S).group(0)
    assert set(re.findall(r'name="([\w-]+)"', form)) == {"concern", "downtime"}


def test_missing_answers_are_asked_for_on_the_same_page(demo, client):
    response = client.get(f"{PLANNER}?downtime=week")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one thing you would like to change." in html
    assert 'href="#id_concern_0"' in html  # the summary leads to the question
    assert re.search(r'<input[^>]*value="week"[^>]*checked', html)  # the answer is kept
    assert 'class="planner-result"' not in html


def test_unknown_answers_get_a_message_not_an_error(demo, client):
    response = client.get(f"{PLANNER}?concern=botox&downtime=forever")
    assert response.status_code == 200
    assert "Choose from the list below." in response.content.decode()


def test_answering_writes_nothing_and_logs_nothing(demo, client, caplog):
    client.get(PLANNER)  # warm-up: shared fragments and renditions
    with caplog.at_level(logging.DEBUG), CaptureQueriesContext(connection) as queries:
        client.get(f"{PLANNER}?concern=scars&downtime=weekend")
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert not [r for r in caplog.records if "scars" in r.getMessage()]


def test_home_and_the_procedure_index_link_to_the_planner(demo, client):
    for url in ("/", "/procedures/"):
        assert f'href="{PLANNER}"' in client.get(url).content.decode()


def test_without_a_live_planner_nothing_links_to_it(demo, client):
    TreatmentPlannerPage.objects.get().unpublish()
    for url in ("/", "/procedures/"):
        assert "which-treatment" not in client.get(url).content.decode()


def test_the_planner_sits_under_the_procedure_index_once():
    assert TreatmentPlannerPage.parent_page_types == ["procedures.ProcedureIndexPage"]
    assert TreatmentPlannerPage.max_count == 1
    assert not TreatmentPlannerPage.can_create_at(Page.objects.get(depth=1))
    assert HomePage not in TreatmentPlannerPage.allowed_parent_page_models()


def test_recommend_ranks_by_concerns_then_shortest_recovery_then_name(demo):
    procedures = ProcedurePage.objects.live().prefetch_related("conditions", "recovery_stages")
    ranked = recommend(procedures, [Concern.DULL_SKIN, Concern.SUN_SPOTS], "two-weeks")
    assert [(r.procedure.slug, len(r.concerns), r.stage.days_max) for r in ranked] == [
        ("bbl-photofacial", 2, 2),
        ("skin-resurfacing", 2, 3),
        ("chemical-peel", 1, 3),
    ]


def test_an_editor_maps_a_condition_to_a_concern_in_the_admin(demo, admin_client):
    page = ProcedurePage.objects.get(slug="facelift")
    data = procedure_form_data(
        title=page.title,
        slug=page.slug,
        conditions=inline_formset([{"name": "Acne scars", "concern": "scars"}]),
    )
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {**data, "action-publish": "action-publish"},
    )
    assert response.status_code == 302
    assert "facelift" in results(Client(), "concern=scars&downtime=weekend")


def count_queries(client, url):
    client.get(url)  # warm-up: shared fragments
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_the_answers_cost_the_same_few_queries_however_many_procedures(demo, client):
    answers = "concern=scars&concern=sun-spots&downtime=two-weeks"
    url = f"{PLANNER}?{answers}"
    with_seven = count_queries(client, url)
    index = ProcedureIndexPage.objects.get()
    for number in range(3):
        page = index.add_child(
            instance=ProcedurePage(
                title=f"Scar treatment {number}",
                slug=f"scar-treatment-{number}",
                category="skin",
                summary="For scars.",
                duration_min_minutes=30,
                results_first_visible="Soon",
            )
        )
        ProcedureCondition.objects.create(page=page, name="Scars", concern=Concern.SCARS)
        RecoveryStage.objects.create(page=page, depth="Typical", days_min=1, days_max=2)
    assert "scar-treatment-2" in results(client, answers)
    # Wagtail's routing (the site, the home page, the page), then one query each for the
    # procedures, their conditions and their recovery stages.
    assert count_queries(client, url) == with_seven <= 6


def test_answers_are_never_kept_by_a_cache_nor_answered_from_the_bare_page(demo, settings):
    settings.PAGE_CACHE_SECONDS = 60
    bare = Client().get(PLANNER)
    assert "public" in bare["Cache-Control"]  # the questions alone are shared like any page
    assert Client().get(PLANNER).content == bare.content  # ...from the page cache now
    answered = Client().get(f"{PLANNER}?concern=fine-lines&downtime=week")
    assert "private" in answered["Cache-Control"] and "no-store" in answered["Cache-Control"]
    assert results(Client(), "concern=lost-volume&downtime=none") == ["dermal-fillers"]
