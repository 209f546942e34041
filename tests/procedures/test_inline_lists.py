"""The procedure page fetches its inline lists (technologies, conditions, areas, questions,
recovery stages, the related procedures with their stages) once each, by prefetching: each
list must be what reading it afresh gives, field by field, in the same order, and reading
them again spends no query."""

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from procedures import models
from procedures.models import ProcedurePage, RelatedProcedure

pytestmark = pytest.mark.django_db

FIELDS = {
    "technologies": ("pk", "page_id", "sort_order", "name", "description"),
    "conditions": ("pk", "page_id", "sort_order", "name", "concern"),
    "areas": ("pk", "page_id", "sort_order", "name", "is_common"),
    "faqs": ("pk", "page_id", "sort_order", "question", "answer"),
    "recovery_stages": (
        "pk",
        "page_id",
        "sort_order",
        "depth",
        "examples",
        "anaesthesia",
        "treatments",
        "days_min",
        "days_max",
    ),
}
TESTIMONIAL_FIELDS = ("pk", "quote", "patient_name", "town", "consent_given_on", "is_published")


def rows(objects, fields):
    return [tuple(getattr(obj, name) for name in fields) for obj in objects]


def from_the_orm(page):
    fresh = ProcedurePage.objects.get(pk=page.pk)
    lists = {name: rows(getattr(fresh, name).all(), FIELDS[name]) for name in FIELDS}
    lists["testimonials"] = rows(fresh.testimonials(), TESTIMONIAL_FIELDS)
    related = {
        link.procedure_id: rows(link.procedure.recovery_stages.all(), FIELDS["recovery_stages"])
        for link in fresh.related_procedures.all()
    }
    return lists, related


# One query per list, one for the related procedures' links with their pages, one for
# their recovery stages, one for whose take it is and who reviewed it (clinicians).
PREFETCH_QUERIES = len(FIELDS) + 3


def from_one_query(page):
    page = ProcedurePage.objects.get(pk=page.pk)
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries:
        page.fetch_shown_lists(request)
        lists = {name: rows(getattr(page, name).all(), FIELDS[name]) for name in FIELDS}
        related = {
            link.procedure_id: rows(link.procedure.recovery_stages.all(), FIELDS["recovery_stages"])
            for link in page.related_procedures.all()
        }
    lists["testimonials"] = rows(page.testimonials(), TESTIMONIAL_FIELDS)
    return lists, related, len(queries)


@pytest.mark.parametrize("slug", ["skin-resurfacing", "chemical-peel", "facelift"])
def test_each_list_is_what_the_orm_gives_in_one_query_each(demo, slug):
    page = ProcedurePage.objects.get(slug=slug)
    lists, related, queries = from_one_query(page)

    assert (lists, related) == from_the_orm(page)
    assert queries == PREFETCH_QUERIES
    assert lists["recovery_stages"] and related  # the demo has something to compare
    for areas in lists["areas"]:
        assert isinstance(areas[-1], bool)  # SQLite hands back 0 and 1


def test_testimonials_newest_consent_first_with_types_intact(demo):
    page = ProcedurePage.objects.get(slug="chemical-peel")
    for day, name in ((3, "Older"), (20, "Newest"), (10, "Middle")):
        testimonial = models.Testimonial.objects.create(
            quote=f"{name} words",
            patient_name=name,
            consent_given_on=dt.date(2025, 1, day),
            is_published=True,
        )
        testimonial.procedures.add(page)
    hidden = models.Testimonial.objects.create(quote="Not yet", patient_name="Draft")
    hidden.procedures.add(page)

    lists, _related, _queries = from_one_query(page)

    assert lists == from_the_orm(page)[0]
    names = [row[2] for row in lists["testimonials"]]
    assert names.index("Newest") < names.index("Middle") < names.index("Older")
    assert "Draft" not in names
    assert all(isinstance(row[4], dt.date) for row in lists["testimonials"])


def test_a_page_with_empty_lists_gets_empty_lists(demo):
    page = ProcedurePage.objects.get(slug="chemical-peel")
    for name in ("technologies", "conditions", "areas", "faqs"):
        getattr(page, name).all().delete()
    RelatedProcedure.objects.filter(page=page).delete()
    models.Testimonial.procedures.through.objects.filter(procedurepage=page).delete()

    lists, related, queries = from_one_query(page)

    assert lists == from_the_orm(page)[0]
    assert related == {}
    assert all(lists[name] == [] for name in ("technologies", "faqs", "testimonials"))
    assert queries == PREFETCH_QUERIES - 1  # no related procedures: no stages to fetch
