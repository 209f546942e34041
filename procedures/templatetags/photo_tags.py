"""`{% photo %}`: an image's resized copy as an <img>, drawn exactly as Wagtail's `{% image %}`
and `{% srcset_image %}` draw it, from the copies the page readied (`find_renditions`)."""

from django import template
from django.apps import apps
from django.utils.safestring import mark_safe

from allure.base.pages import readied_rendition, rendition_url
from procedures.markup import escaped, fill, fill_each
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


# One view of a result pair (components/result_pair.html draws one after the other), with
# that template's whitespace; static/js/compare.js turns each into a slider.
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
