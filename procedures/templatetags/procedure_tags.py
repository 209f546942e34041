"""The procedure page's repeated parts, drawn in Python (see `allure.base.markup`): its story,
cards, lists and the recovery timeline. Each tag says which template markup it stands for;
the patterns keep that markup's whitespace, so the page is byte-for-byte as before."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from wagtail.rich_text import expand_db_html

from allure.base.markup import fill, fill_each, joined

register = template.Library()

CARD = """<a class="procedure-card" href="{url}">
  <span class="procedure-card__category">{category}</span>
  <strong class="procedure-card__title">{title}</strong>
  <span class="procedure-card__summary">{summary}</span>
  <span class="procedure-card__facts">{downtime}{treatments}</span>
</a>"""


@register.simple_tag(takes_context=True)
def procedure_card(context, procedure):
    """A procedure as a card linking to its page (home, and a procedure's related ones).
    The fields it shows are `procedures.models.RELATED_CARD_FIELDS`."""
    downtime = procedure.downtime_label
    return fill(
        CARD,
        url=procedure.get_url(request=context.get("request")),  # as {% pageurl %}
        category=procedure.category_label,
        title=procedure.title,
        summary=procedure.summary,
        downtime=fill("Downtime {downtime} · ", downtime=downtime) if downtime else "",
        treatments=procedure.treatments_label,
    )


@register.simple_tag(takes_context=True)
def narrative(context, stream):
    """A procedure's story (a `NarrativeBlock` StreamField) exactly as `{% include_block %}`
    draws it. Its paragraphs are written here, as blocks/paragraph_block.html and Wagtail's
    rich text template would write them: drawn by Wagtail, each paragraph copied the whole
    template context and rendered two templates, about 250 calls. Other blocks (images,
    callouts) are drawn by Wagtail with their own templates."""
    parent = None
    drawn = []
    for child in stream:
        if child.block_type == "paragraph":
            # The template's last line ends with a newline, which is drawn too.
            html = f'<div class="rich-text">{expand_db_html(child.value.source)}</div>\n'
        else:
            parent = context.flatten() if parent is None else parent
            html = child.render(context=parent)
        drawn.append(
            f'<div class="w-block-{child.block_type} block-{child.block_type}">{html}</div>'
        )
    return mark_safe("\n".join(drawn))  # noqa: S308 - Wagtail's own HTML, as include_block's


RECOVERY_BAR = """
        <li class="timeline__stage">
          <p class="timeline__label"><strong>{depth}</strong><span class="timeline__days">{days}</span>{examples}</p>
          <div class="timeline__track" aria-hidden="true">
            <span class="timeline__heal tl-from-0 tl-to-{starts_at}"></span>
            <span class="timeline__range tl-from-{starts_at} tl-to-{ends_at}"></span>
          </div>
        </li>
      """  # noqa: E501


@register.simple_tag
def recovery_bars(page):
    """The recovery timeline's bars, one per depth of treatment (recovery.html)."""
    return fill_each(
        RECOVERY_BAR,
        (
            {
                "depth": bar.stage.depth,
                "days": bar.stage.days_label,
                "examples": fill(
                    '<span class="timeline__examples">{examples}</span>',
                    examples=capfirst(bar.stage.examples),
                )
                if bar.stage.examples
                else "",
                "starts_at": bar.starts_at,
                "ends_at": bar.ends_at,
            }
            for bar in page.recovery_timeline()
        ),
    )


DEPTH_ROW = """
          <tr>
            <th scope="row">{depth}{examples}</th>
            <td>{anaesthesia}</td>
            <td>{treatments}</td>
          </tr>
        """


@register.simple_tag
def depth_rows(page):
    """Comfort and number of treatments by depth: the table's rows (treatment.html)."""
    return fill_each(
        DEPTH_ROW,
        (
            {
                "depth": stage.depth,
                "examples": fill('<span class="muted"> {examples}</span>', examples=stage.examples)
                if stage.examples
                else "",
                "anaesthesia": stage.anaesthesia or "—",
                "treatments": stage.treatments or "—",
            }
            for stage in page.recovery_stages.all()
        ),
    )


TECHNOLOGY = """
        <li class="card"><strong class="card__title">{name}</strong>{description}</li>
      """


@register.simple_tag
def technology_cards(technologies):
    """The technologies and approaches, as small cards (what_it_is.html)."""
    return fill_each(
        TECHNOLOGY,
        (
            {
                "name": tech.name,
                "description": fill("<span>{text}</span>", text=tech.description)
                if tech.description
                else "",
            }
            for tech in technologies
        ),
    )


@register.simple_tag
def condition_items(conditions):
    """What the procedure treats, one list item each (conditions.html)."""
    return fill_each("<li>{name}</li>", ({"name": c.name} for c in conditions))


AREA = "<li>{name}</li>"
COMMON_AREA = (
    '<li class="chip--common">{name}<span class="visually-hidden"> (most popular)</span></li>'
)


@register.simple_tag
def area_chips(areas):
    """The treatment areas as chips, the most popular marked (conditions.html)."""
    return joined(fill(COMMON_AREA if area.is_common else AREA, name=area.name) for area in areas)


FAQ = """
      <details class="faq">
        <summary>{question}</summary>
        <p>{answer}</p>
      </details>
    """


@register.simple_tag
def faq_items(faqs):
    """Questions patients ask, each opening to its answer (faqs.html)."""
    return fill_each(FAQ, ({"question": f.question, "answer": f.answer} for f in faqs))
