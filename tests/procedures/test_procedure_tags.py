"""The procedure page's parts written in Python draw exactly what Wagtail and the templates
they replace drew: a procedure's story (`{% narrative %}` against `{% include_block %}`) and
its cards."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from allure.base.blocks import NarrativeBlock
from procedures.models import PROCEDURE_NARRATIVE_FIELDS, ProcedurePage, RecoveryStage
from tests.procedures.conftest import photo

pytestmark = pytest.mark.django_db


def draw(source, **context):
    return Template(source).render(Context({"request": RequestFactory().get("/"), **context}))


def wagtails_and_ours(stream):
    wagtails = draw("{% load wagtailcore_tags %}{% include_block stream %}", stream=stream)
    ours = draw("{% load procedure_tags %}{% narrative stream %}", stream=stream)
    return wagtails, ours


def test_every_story_of_the_demo_is_drawn_as_include_block_draws_it(demo):
    drawn = 0
    for page in ProcedurePage.objects.all():
        for name in PROCEDURE_NARRATIVE_FIELDS:
            wagtails, ours = wagtails_and_ours(getattr(page, name))
            assert ours == wagtails, (page.slug, name)
            drawn += bool(ours)
    assert drawn > 10


def test_links_images_and_callouts_are_drawn_as_include_block_draws_them(demo):
    doctor = ProcedurePage.objects.get(slug="skin-resurfacing")
    image = photo("diagram", 800, 600)
    stream = NarrativeBlock().to_python(
        [
            {
                "type": "paragraph",
                "value": f'<p>See <a linktype="page" id="{doctor.pk}">this</a> & <b>that</b></p>',
            },
            {
                "type": "image",
                "value": {
                    "image": {"image": image.pk, "alt_text": "A diagram", "decorative": False},
                    "caption": "How deep it goes",
                },
            },
            {"type": "callout", "value": {"heading": "Bring <notes>", "text": "Questions & all"}},
            {"type": "paragraph", "value": "<p>Last</p>"},
        ]
    )
    wagtails, ours = wagtails_and_ours(stream)
    assert ours == wagtails
    assert f'href="{doctor.url}"' in ours
    assert "block-image" in ours and "Bring &lt;notes&gt;" in ours


def test_an_empty_story_draws_nothing(db):
    assert wagtails_and_ours(NarrativeBlock().to_python([])) == ("", "")


def test_a_card_names_the_procedure_links_to_it_and_gives_its_facts(demo):
    page = ProcedurePage.objects.get(slug="skin-resurfacing")
    card = draw("{% load procedure_tags %}{% procedure_card procedure %}", procedure=page)
    assert f'<a class="procedure-card" href="{page.url}">' in card
    assert f'<strong class="procedure-card__title">{page.title}</strong>' in card
    assert f"{page.get_category_display()}</span>" in card
    assert f"Downtime {page.downtime_label} · {page.treatments_label}</span>" in card


def test_a_card_without_downtime_gives_only_the_treatments(demo):
    page = ProcedurePage.objects.get(slug="skin-resurfacing")
    RecoveryStage.objects.filter(page=page).delete()
    page = ProcedurePage.objects.get(pk=page.pk)
    card = draw("{% load procedure_tags %}{% procedure_card procedure %}", procedure=page)
    assert "Downtime" not in card
    assert f'<span class="procedure-card__facts">{page.treatments_label}</span>' in card
