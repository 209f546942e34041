"""Parts of procedure pages drawn many times over, written in Python: as templates, each card
cost a few hundred calls of Django's template engine for five lines of HTML."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.rich_text import expand_db_html

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
    return format_html(
        CARD,
        url=procedure.get_url(request=context.get("request")),  # as {% pageurl %}
        category=procedure.get_category_display(),
        title=procedure.title,
        summary=procedure.summary,
        downtime=format_html("Downtime {} · ", downtime) if downtime else "",
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
