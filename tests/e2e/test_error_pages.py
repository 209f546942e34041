"""The 404, 500 and 503 pages at phone and desktop width: axe-clean, styled by the site's
own stylesheet, no sideways scrolling, the phone number one tap away."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from allure.base import outage
from tests.e2e.conftest import axe_violations, screenshot

PREVIEW = "/error-page-preview/"  # answered by the browser route below, never by the site


def rendered(exception) -> str:
    try:
        raise exception
    except Exception:
        return outage.server_error(RequestFactory().get("/")).content.decode()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_error_pages_are_axe_clean_and_show_the_phone(demo_site, device, request):
    page = request.getfixturevalue(device)
    pages = {"404": None, "500": rendered(ValueError()), "503": rendered(OperationalError())}
    for name, html in pages.items():
        if html is None:
            page.goto(demo_site + "/no-such-page/")
        else:
            # The page as the server would send it; its stylesheet comes from the site.
            page.route(
                f"**{PREVIEW}",
                lambda route, _request, body=html: route.fulfill(
                    body=body, content_type="text/html"
                ),
            )
            page.goto(demo_site + PREVIEW)
            page.unroute(f"**{PREVIEW}")
        assert axe_violations(page) == [], name
        assert page.locator('a[href="tel:+16015550142"]').first.is_visible(), name
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != "", name
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, name
        screenshot(page, f"error-{name}-{device}")
