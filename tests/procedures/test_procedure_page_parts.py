"""The procedure page's parts, drawn by its templates: the story's blocks, the cards of
related procedures and the lists, with whatever an editor typed escaped."""

import pytest
from django.template.loader import render_to_string

from allure.base.blocks import NarrativeBlock
from procedures import models
from procedures.models import ProcedurePage, RecoveryStage
from tests.procedures.conftest import photo

pytestmark = pytest.mark.django_db

ODD = '<b>"Tom" & Jerry\'s</b>'
ODD_ESCAPED = "&lt;b&gt;&quot;Tom&quot; &amp; Jerry&#x27;s&lt;/b&gt;"


def card(procedure):
    return render_to_string("includes/procedure_card.html", {"procedure": procedure})


def test_a_card_names_the_procedure_links_to_it_and_gives_its_facts(demo):
    page = ProcedurePage.objects.get(slug="skin-resurfacing")
    drawn = card(page)
    assert f'<a class="procedure-card" href="{page.url}">' in drawn
    assert f'<strong class="procedure-card__title">{page.title}</strong>' in drawn
    assert f"{page.get_category_display()}</span>" in drawn
    assert f"Downtime {page.downtime_label} · {page.treatments_label}</span>" in drawn


def test_a_card_without_downtime_gives_only_the_treatments(demo):
    page = ProcedurePage.objects.get(slug="skin-resurfacing")
    RecoveryStage.objects.filter(page=page).delete()
    drawn = card(ProcedurePage.objects.get(pk=page.pk))
    assert "Downtime" not in drawn
    assert f'<span class="procedure-card__facts">{page.treatments_label}</span>' in drawn


def test_a_story_with_a_link_an_image_and_a_callout_shows_on_the_page(demo, client):
    page = ProcedurePage.objects.get(slug="skin-resurfacing")
    other = ProcedurePage.objects.exclude(pk=page.pk).live().first()
    page.how_it_works = NarrativeBlock().to_python(
        [
            {"type": "paragraph", "value": f'<p>See <a linktype="page" id="{other.pk}">it</a></p>'},
            {
                "type": "image",
                "value": {
                    "image": {
                        "image": photo("diagram", 800, 600).pk,
                        "alt_text": "A diagram",
                        "decorative": False,
                    },
                    "caption": "How deep it goes",
                },
            },
            {"type": "callout", "value": {"heading": "Bring <notes>", "text": "Questions & all"}},
        ]
    )
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert f'<a href="{other.url}">it</a>' in html
    assert 'alt="A diagram"' in html and "How deep it goes" in html
    assert "Bring &lt;notes&gt;" in html and "Questions &amp; all" in html


def test_what_an_editor_types_in_the_lists_is_escaped_on_the_page(demo, client):
    page = ProcedurePage.objects.get(slug="skin-resurfacing")
    for model, fields in (
        (models.ProcedureTechnology, {"name": ODD, "description": ODD}),
        (models.ProcedureCondition, {"name": ODD}),
        (models.TreatmentArea, {"name": ODD, "is_common": True}),
        (models.ProcedureFAQ, {"question": ODD, "answer": ODD}),
        (models.RecoveryStage, {"depth": ODD, "examples": ODD, "days_min": 3, "days_max": 9}),
    ):
        model.objects.create(page=page, sort_order=99, **fields)
    html = client.get(page.url).content.decode()
    # Name and description of the technology, the condition, the area, question and answer,
    # the stage in the timeline and in the depth table (with its examples in each).
    assert html.count(ODD_ESCAPED) >= 10
    assert "<b>" not in html
