"""Template tags every page uses: the clinic's hours and status, the menu, breadcrumbs and
structured data. The clinic settings themselves reach templates one way: `{{ clinic }}`
(see `allure.base.context_processors`)."""

import json

from django import template
from django.utils import timezone
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from wagtail.models import Site

from allure.base import serving
from allure.base.clinic_hours import clinic_status, weekly_hours
from allure.base.models import Closure, OpeningHours

register = template.Library()


@register.simple_tag
def current_clinic_status():
    """Computed per request on purpose: the only part of the contact page that changes hourly."""
    return clinic_status(timezone.now(), OpeningHours.cached(), Closure.cached())


@register.simple_tag
def opening_hours_by_day():
    return weekly_hours(OpeningHours.cached())


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Header navigation: the home page's children that editors ticked “Show in menus”.
    On every page, so shared from the cache until the next content change."""
    site = Site.find_for_request(context["request"])
    return [] if site is None else serving.main_menu(site)


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
