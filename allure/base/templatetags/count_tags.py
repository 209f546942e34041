"""`{% count_visit metric key %}`: counts this page view with the site's own beacon
(allure/base/counts.py). Put it in the `counted` block of a page that should be counted."""

import functools

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from allure.base.counts import BEACON_METRICS

register = template.Library()


@functools.cache
def _beacon_script() -> str:
    """The beacon's address, worked out once per process: the hashed static file names come
    from a manifest read as the process starts (as `{% static %}`)."""
    return static("js/count.js")


@register.simple_tag
def count_visit(metric: str, key="") -> str:
    if metric not in BEACON_METRICS:
        raise template.TemplateSyntaxError(f"count_visit: no beacon metric {metric!r}")
    return format_html(
        '<script src="{}" data-metric="{}" data-key="{}" defer></script>',
        _beacon_script(),
        metric,
        key,
    )
