"""The procedure page's Python-drawn parts escape exactly as Django's templates do."""

import pytest
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from allure.base.markup import escaped, fill, fill_each

VALUES = [
    "plain",
    "<script>alert('x')</script> & \"quoted\"",
    "already &amp; escaped",
    mark_safe("<b>safe</b>"),
    gettext_lazy("Skin & <face>"),
    720,
    1.5,
    None,
    "",
    "Éclat — “curly” ’",
]


@pytest.mark.parametrize("value", VALUES)
def test_a_value_is_escaped_as_conditional_escape_escapes_it(value):
    assert escaped(value) == conditional_escape(value)


def test_a_pattern_is_filled_as_format_html_fills_it():
    pattern = '<a href="{url}">{title}</a>{rest}'
    values = {"url": "/a?b=1&c=2", "title": "Tom's <peel>", "rest": mark_safe("<br>")}
    assert fill(pattern, **values) == format_html(pattern, **values)
    assert fill_each("<li>{name}</li>", [{"name": "<a>"}, {"name": "b"}]) == (
        "<li>&lt;a&gt;</li><li>b</li>"
    )
