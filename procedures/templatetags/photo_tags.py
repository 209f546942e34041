"""`{% photo %}`: an image's resized copy as an <img>, drawn exactly as Wagtail's `{% image %}`
and `{% srcset_image %}` draw it, from the copies the page readied (`find_renditions`)."""

from django import template
from django.apps import apps
from django.utils.safestring import mark_safe

from allure.base.markup import escaped, fill, fill_each
from allure.base.pages import readied_rendition, rendition_url
from procedures.models import PAIR_PHOTO_SPEC

register = template.Library()


@register.simple_tag
def photo(image, *specs, **attrs):
    """With one spec (`"width-720"`), Wagtail's `{% image image width-720 ... %}`; with
    several, its `{% srcset_image %}`: the first copy is the `src`, all of them the srcset.
    The attributes go on the <img> as given (alt, loading, sizes, class...)."""
    if not image:
        return ""
    renditions = [readied_rendition(image, spec) for spec in specs]
    first = renditions[0]
    if len(renditions) > 1:
        attrs["srcset"] = ", ".join(f"{rendition_url(r)} {r.width}w" for r in renditions)
    return img_tag(
        {
            "src": rendition_url(first),
            "width": first.width,
            "height": first.height,
            "alt": first.alt,
            **apps.get_app_config("wagtailimages").default_attrs,
            **attrs,
        }
    )


# One view of a result pair (`result_pair` draws one after the other), with the whitespace
# of the template it replaced; static/js/compare.js turns each into a slider.
COMPARE = """
    <div class="compare" data-compare>
      {label}
      <div class="compare__photos">
        <div class="compare__photo compare__photo--before">
          {before}
          <span class="compare__tag" aria-hidden="true">Before</span>
        </div>
        <div class="compare__photo compare__photo--after">
          {after}
          <span class="compare__tag" aria-hidden="true">After</span>
        </div>
      </div>
    </div>
  """


@register.simple_tag
def compare_views(pair):
    """Every view of a before-and-after pair (the main one, then the extra angles), each the
    two photos side by side at the size the page readied (`PAIR_PHOTO_FILTERS`)."""
    return fill_each(
        COMPARE,
        (
            {
                "label": fill('<p class="compare__label">{label}</p>', label=view.label)
                if view.label
                else "",
                "before": photo(view.before, PAIR_PHOTO_SPEC, alt=view.before_alt, loading="lazy"),
                "after": photo(view.after, PAIR_PHOTO_SPEC, alt=view.after_alt, loading="lazy"),
            }
            for view in pair.views
        ),
    )


# The template this replaced, components/result_pair.html, as it was drawn (its load and
# comment lines left a newline each; tests/procedures/test_result_pair_tag.py keeps it).
RESULT_PAIR = """

<figure class="result-pair">
  {views}
  <figcaption class="result-pair__caption">
    {procedure}
    {caption}
    <dl class="result-pair__facts">
      <div><dt>Treated by</dt><dd>{treated_by}</dd></div>
      <div><dt>Treatment</dt><dd>{sessions}</dd></div>
      <div><dt>After photo</dt><dd>{time_after} the last session</dd></div>
    </dl>
    <p class="disclaimer">Individual results may vary. Shown with the patient’s written consent.</p>
  </figcaption>
</figure>
"""


@register.simple_tag(takes_context=True)
def result_pair(context, pair, show_procedure=False):
    """One patient's result: before and after side by side (static/js/compare.js turns each
    view into a slider when scripts run), the facts to read it fairly, and the results
    disclaimer on every pair. `show_procedure` names the procedure, for the gallery page.
    Drawn here rather than by an include of a template for each pair, with that template's
    markup and whitespace."""
    procedure = ""
    if show_procedure:
        procedure = fill(
            '<p class="result-pair__procedure"><a href="{url}">{title}</a></p>',
            url=pair.procedure.get_url(request=context.get("request")),  # as {% pageurl %}
            title=pair.procedure.title,
        )
    return fill(
        RESULT_PAIR,
        views=compare_views(pair),
        procedure=procedure,
        caption=fill("<p>{caption}</p>", caption=pair.caption) if pair.caption else "",
        treated_by=pair.treated_by,
        sessions=pair.sessions_label,
        time_after=pair.time_after_label,
    )


def img_tag(attrs: dict) -> str:
    """`<img>` with Django's `flatatt` of `attrs`, as Wagtail's `img_tag` writes it: sorted,
    values escaped unless already safe, `True` bare, `None` and `False` left out. Written
    out here because `flatatt` checks every value for lazy strings (`keep_lazy`) several
    times over: a few hundred calls for each photo."""
    valued = sorted((name, value) for name, value in attrs.items() if not _bare_or_none(value))
    bare = sorted(name for name, value in attrs.items() if value is True)
    return mark_safe(  # noqa: S308 - every name and value is escaped as flatatt does
        "<img"
        + "".join(f' {escaped(name)}="{escaped(value)}"' for name, value in valued)
        + "".join(f" {escaped(name)}" for name in bare)
        + ">"
    )


def _bare_or_none(value) -> bool:
    return isinstance(value, bool) or value is None
