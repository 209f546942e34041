"""The data behind a procedure page's and the gallery's cached fragments. Each inclusion tag
fetches what its template shows, so the queries run only when the fragment around it is
drawn (`{% wagtailpagecache %}` in procedure_page.html and results_gallery_page.html); a
warm fragment costs none. The markup is all in the templates."""

from django import template
from django.urls import reverse

from procedures.models import ResultsGalleryPage

register = template.Library()


@register.inclusion_tag("procedures/procedure_page/content.html", takes_context=True)
def procedure_content(context, page):
    """Everything below the breadcrumbs of a procedure page, with its lists fetched."""
    request = context["request"]
    page.fetch_shown_lists(request)
    clinic = context["clinic"]
    return {
        "request": request,
        "page": page,
        "clinic": clinic,
        # Only pages with a price show them: the query runs when the Cost section is drawn.
        "lenders": clinic.financing_lenders.all(),
        "related": page.related(),
        "testimonials": page.testimonials(),
        "result_pairs": page.shown_result_pairs(),
        "gallery_url": ResultsGalleryPage.live_url(),
        "booking_url": reverse("bookings:request"),
    }


@register.inclusion_tag("procedures/results_gallery_page/results.html", takes_context=True)
def gallery_results(context, page, chosen):
    """The gallery's pairs for the procedure chosen in the filter (every pair without one)."""
    return {
        "request": context["request"],
        "chosen": chosen,
        "result_pairs": page.shown_pairs(chosen),
    }
