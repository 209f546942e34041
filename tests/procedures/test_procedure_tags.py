"""The procedure page's parts written in Python draw exactly what Wagtail and the templates
they replace drew: a procedure's story (`{% narrative %}` against `{% include_block %}`) and
its cards."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from allure.base.blocks import NarrativeBlock
from procedures import models
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


# Each tag against the template markup it stands for, as it was in the page's templates.
MARKUP = {
    "{% recovery_bars page %}": """{% for bar in page.recovery_timeline %}
        <li class="timeline__stage">
          <p class="timeline__label"><strong>{{ bar.stage.depth }}</strong><span class="timeline__days">{{ bar.stage.days_label }}</span>{% if bar.stage.examples %}<span class="timeline__examples">{{ bar.stage.examples|capfirst }}</span>{% endif %}</p>
          <div class="timeline__track" aria-hidden="true">
            <span class="timeline__heal tl-from-0 tl-to-{{ bar.starts_at }}"></span>
            <span class="timeline__range tl-from-{{ bar.starts_at }} tl-to-{{ bar.ends_at }}"></span>
          </div>
        </li>
      {% endfor %}""",  # noqa: E501
    "{% depth_rows page %}": """{% for stage in page.recovery_stages.all %}
          <tr>
            <th scope="row">{{ stage.depth }}{% if stage.examples %}<span class="muted"> {{ stage.examples }}</span>{% endif %}</th>
            <td>{{ stage.anaesthesia|default:"—" }}</td>
            <td>{{ stage.treatments|default:"—" }}</td>
          </tr>
        {% endfor %}""",  # noqa: E501
    "{% technology_cards page.technologies.all %}": """{% for tech in page.technologies.all %}
        <li class="card"><strong class="card__title">{{ tech.name }}</strong>{% if tech.description %}<span>{{ tech.description }}</span>{% endif %}</li>
      {% endfor %}""",  # noqa: E501
    "{% condition_items page.conditions.all %}": (
        "{% for condition in page.conditions.all %}<li>{{ condition.name }}</li>{% endfor %}"
    ),
    "{% area_chips page.areas.all %}": (
        '{% for area in page.areas.all %}<li{% if area.is_common %} class="chip--common"'
        '{% endif %}>{{ area.name }}{% if area.is_common %}<span class="visually-hidden">'
        " (most popular)</span>{% endif %}</li>{% endfor %}"
    ),
    "{% faq_items page.faqs.all %}": """{% for faq in page.faqs.all %}
      <details class="faq">
        <summary>{{ faq.question }}</summary>
        <p>{{ faq.answer }}</p>
      </details>
    {% endfor %}""",
}


def odd_lists(page):
    """Text an editor might type, with characters HTML must escape, and empty optional ones."""
    odd = '<b>"Tom" & Jerry\'s</b>'
    for model, fields in (
        (models.ProcedureTechnology, {"name": odd, "description": ""}),
        (models.ProcedureTechnology, {"name": "Laser", "description": odd}),
        (models.ProcedureCondition, {"name": odd}),
        (models.TreatmentArea, {"name": odd, "is_common": True}),
        (models.TreatmentArea, {"name": "Neck", "is_common": False}),
        (models.ProcedureFAQ, {"question": odd, "answer": odd}),
        (models.RecoveryStage, {"depth": odd, "examples": "", "days_min": 0, "days_max": 0}),
        (
            models.RecoveryStage,
            {"depth": "Deep", "examples": "éclat " + odd, "anaesthesia": "", "treatments": odd}
            | {"days_min": 3, "days_max": 9},
        ),
    ):
        model.objects.create(page=page, sort_order=99, **fields)


@pytest.mark.parametrize("tag", MARKUP)
def test_each_list_is_drawn_as_its_template_markup_drew_it(demo, tag):
    pages = list(ProcedurePage.objects.all())
    odd_lists(pages[0])
    for page in pages:
        page = ProcedurePage.objects.get(pk=page.pk)
        ours = draw("{% load procedure_tags %}" + tag, page=page)
        assert ours == draw(MARKUP[tag], page=page), page.slug
    ours = draw("{% load procedure_tags %}" + tag, page=ProcedurePage.objects.get(pk=pages[0].pk))
    assert "&lt;b&gt;&quot;Tom&quot; &amp; Jerry&#x27;s&lt;/b&gt;" in ours
    assert "<b>" not in ours
