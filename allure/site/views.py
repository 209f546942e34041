"""Small site-wide views: site search, the 404 page, robots.txt and the favicon."""

import re

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Page

from procedures.models import ProcedurePage

RESULTS_PER_PAGE = 10
POPULAR_PROCEDURES = 6


def search_terms(raw: str) -> str:
    """Words only: quotes and operators mean syntax to the full-text engine (an unmatched
    quote is an error in SQLite's), and patients search for words, not expressions."""
    return " ".join(re.sub(r"[^\w\s]", " ", raw).split())[:200]


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()
    terms = search_terms(query)
    results = (
        Page.objects.live().public().filter(depth__gt=1).specific().search(terms)
        if terms
        else Page.objects.none()
    )
    page_of_results = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "allure/search.html", {"query": query, "results": page_of_results})


def page_not_found(request, exception):
    """handler404: the whole site around it (header, search, the phone) and a few
    procedures to go on to: the first ones of the procedure index, in the editors' order."""
    procedures = ProcedurePage.objects.live().public().order_by("path")[:POPULAR_PROCEDURES]
    return render(request, "404.html", {"procedures": procedures}, status=404)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
@cache_control(max_age=60 * 60 * 24 * 7, public=True)
def favicon(request):
    # Browsers ask for /favicon.ico at the root whatever the page says; serve it from here.
    icon = settings.BASE_DIR / "static" / "images" / "favicon.ico"
    return FileResponse(icon.open("rb"), content_type="image/x-icon")
