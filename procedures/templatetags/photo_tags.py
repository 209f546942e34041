"""`{% photo %}`: an image's resized copy as an <img>, drawn as Wagtail's `{% image %}` and
`{% srcset_image %}` draw it, from the copies the page readied (`find_renditions`)."""

from django import template

from allure.base.pages import readied_rendition

register = template.Library()


@register.simple_tag
def photo(image, *specs, **attrs):
    """With one spec (`"width-720"`), Wagtail's `{% image image width-720 ... %}`; with
    several, its `{% srcset_image %}`: the first copy is the `src`, all of them the srcset.
    The attributes go on the <img> as they are (alt, loading, sizes, class...)."""
    if not image:
        return ""
    renditions = [readied_rendition(image, spec) for spec in specs]
    if len(renditions) > 1:
        attrs["srcset"] = ", ".join(f"{r.url} {r.width}w" for r in renditions)
    return renditions[0].img_tag(attrs)
