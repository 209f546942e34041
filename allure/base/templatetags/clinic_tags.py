"""Template tags every page uses: the clinic's hours and status, the menu, the year,
breadcrumbs and structured data. The clinic settings themselves reach templates one way:
`{{ clinic }}` (see `allure.base.context_processors`)."""

import json

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from wagtail.models import Site

from allure.base.clinic.clinic_hours import clinic_status, weekly_hours
from allure.base.models import Closure, OpeningHours
from allure.base.web import serving

register = template.Library()

# What Django's `json_script` escapes in JSON put inside <script>, so no text can close the
# element or open a comment; that filter writes type="application/json", and JSON-LD needs
# its own type.
JSON_IN_SCRIPT = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


@register.simple_tag
def current_clinic_status():
    """Computed per request on purpose: the only part of the contact page that changes hourly."""
    return clinic_status(timezone.now(), OpeningHours.cached(), Closure.cached())


@register.simple_tag
def opening_hours_by_day():
    return weekly_hours(OpeningHours.cached())


@register.simple_tag(takes_context=True)
def main_menu(context) -> list:
    """The header's navigation: the home page's children that editors ticked "Show in menus"."""
    site = Site.find_for_request(context["request"])
    return [] if site is None else serving.main_menu(site)


@register.simple_tag
def current_year() -> int:
    """The footer's copyright year, in the clinic's time zone."""
    return timezone.localdate().year


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """Home › ... › this page, below the home page's own children (their parent is the menu)."""
    page = context.get("page")
    shown = page is not None and page.depth > 2 and hasattr(page, "breadcrumb_trail")
    return {"trail": page.breadcrumb_trail if shown else []}


@register.inclusion_tag("includes/json_ld.html", takes_context=True)
def json_ld(context):
    """schema.org blocks for the current page; nothing on plain Django views."""
    page = context.get("page")
    if page is None or not hasattr(page, "structured_data"):
        return {"blocks": []}
    # Escaped as Django's json_script escapes, so no content can close the script element.
    blocks = [
        mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_IN_SCRIPT))  # noqa: S308
        for data in page.structured_data(context["request"])
    ]
    return {"blocks": blocks}
