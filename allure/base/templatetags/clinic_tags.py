"""Template tags every page uses: the clinic's hours and status, the header and footer,
breadcrumbs and structured data. The clinic settings themselves reach templates one way:
`{{ clinic }}` (see `allure.base.context_processors`)."""

import functools
import json

from django import template
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from wagtail.models import Site

from allure.base import serving
from allure.base.clinic_hours import clinic_status, weekly_hours
from allure.base.models import Closure, OpeningHours
from allure.base.pages import SHARE_RENDITION, readied_rendition

register = template.Library()


@register.simple_tag
def current_clinic_status():
    """Computed per request on purpose: the only part of the contact page that changes hourly."""
    return clinic_status(timezone.now(), OpeningHours.cached(), Closure.cached())


@register.simple_tag
def opening_hours_by_day():
    return weekly_hours(OpeningHours.cached())


@functools.cache
def _static_url(path: str) -> str:
    return static(path)


@register.simple_tag
def static_once(path: str) -> str:
    """`{% static path %}`, worked out once per process: the hashed file names come from a
    manifest read as the process starts, so the answer cannot change while it runs (and
    looking it up cost a tenth of the booking page's template work)."""
    return _static_url(path)


@register.simple_tag
def share_rendition(image):
    """The page's Open Graph image (`{% share_rendition page.share_image as og_image %}`):
    what `{% image image fill-1200x630 format-jpeg as og_image %}` gives, from the copies
    the page readied (`find_renditions`); Wagtail's tag parsed its spec and wrote the copy
    back to the shared cache on every page view."""
    return readied_rendition(image, SHARE_RENDITION)


def _header(request, clinic, site, current_pk) -> tuple[str, frozenset[int]]:
    """The header's HTML with `current_pk` the menu entry marked current, and the menu's
    page ids. The menu: the home page's children that editors ticked “Show in menus”."""
    menu = [] if site is None else serving.main_menu(site)
    html = render_to_string(
        "includes/header.html",
        {"request": request, "clinic": clinic, "menu_pages": menu, "current_pk": current_pk},
    )
    return html, frozenset(page.pk for page in menu)


@register.simple_tag(takes_context=True)
def site_header(context):
    """The header, the same on every page but for the menu entry of the page shown: kept as
    HTML per content generation, site and current entry (so at most one more than the
    menu's entries), rendered once per process for each."""
    request, page = context["request"], context.get("page")
    site = Site.find_for_request(request)

    def drawn(current_pk):
        return serving.kept_until_content_changes(
            f"site-header:{site.pk if site else '-'}:{current_pk}",
            lambda: _header(request, context["clinic"], site, current_pk),
        )

    html, menu_pks = drawn(None)
    if (pk := getattr(page, "pk", None)) in menu_pks:
        html, _ = drawn(pk)
    return html


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The footer, the same on every page of a site: kept as HTML like the header, per year
    too (its copyright line)."""
    request = context["request"]
    site = Site.find_for_request(request)
    year = str(timezone.localdate().year)
    return serving.kept_until_content_changes(
        f"site-footer:{site.pk if site else '-'}:{year}",
        lambda: render_to_string(
            "includes/footer.html",
            {"request": request, "clinic": context["clinic"], "year": year},
        ),
    )


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """Home › ... › this page, below the home page's own children (their parent is the menu)."""
    page = context.get("page")
    shown = page is not None and page.depth > 2 and hasattr(page, "breadcrumb_trail")
    return {"trail": page.breadcrumb_trail if shown else []}


@register.simple_tag(takes_context=True)
def json_ld(context):
    """schema.org blocks for the current page; nothing on plain Django views."""
    page = context.get("page")
    if page is None or not hasattr(page, "structured_data"):
        return ""
    blocks = [
        json.dumps(data, ensure_ascii=False).translate(_json_script_escapes)
        for data in page.structured_data(context["request"])
    ]
    return mark_safe(  # noqa: S308 - escaped like Django's json_script
        "".join(f'<script type="application/ld+json">{block}</script>' for block in blocks)
    )
