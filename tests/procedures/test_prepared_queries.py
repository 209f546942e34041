"""A prepared query compiles its SQL once and then gives, for any values, the same objects as
the queryset it was made from: the same rows, fields, deferred fields and joined rows."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from allure.base.prepared_queries import ANY_DAY, ANY_ID, PreparedQuery
from allure.base.serving import fetch_for_serving
from procedures.gallery import ResultPair
from procedures.models import ProcedurePage, RelatedProcedure

pytestmark = pytest.mark.django_db


def state(obj, depth=2):
    """What an object holds: its field values, which fields are deferred, its database, and
    the same of every related object cached on it (as select_related leaves them)."""
    if obj is None or depth < 0:
        return obj
    cached = obj._state.fields_cache
    return (
        type(obj),
        {k: v for k, v in vars(obj).items() if not k.startswith("_")},
        sorted(obj.get_deferred_fields()),
        obj._state.db,
        obj._state.adding,
        {name: state(related, depth - 1) for name, related in cached.items()},
    )


def pages_with_people(procedure_id):
    return (
        ProcedurePage.objects.filter(pk=procedure_id)
        .select_related("hero_image", "doctor", "medical_reviewer")
        .defer("doctor__philosophy", "what_it_is")
    )


def test_a_page_with_its_joined_rows_is_what_the_queryset_gives(demo):
    query = PreparedQuery(pages_with_people, ANY_ID)
    for page in ProcedurePage.objects.all():
        from_the_orm = list(pages_with_people(page.pk))
        assert [state(p) for p in query(page.pk)] == [state(p) for p in from_the_orm]
    reviewed = query(ProcedurePage.objects.get(slug="skin-resurfacing").pk)[0]
    assert reviewed.medical_reviewer and reviewed.hero_image  # joined rows were compared
    assert query(0) == []


def test_values_and_dates_reach_the_database_as_the_orm_writes_them(demo, make_consent, make_pair):
    page = ProcedurePage.objects.get(slug="facelift")
    consent = make_consent(expires_on=dt.date(2026, 12, 31))
    make_pair(consent=consent, procedure=page)

    def shown(procedure_id, today):
        return (
            ResultPair.objects.filter(procedure=procedure_id)
            .shown(today)
            .select_related("before_image", "after_image")
        )

    query = PreparedQuery(shown, ANY_ID, ANY_DAY)
    for today in (dt.date(2026, 12, 31), dt.date(2027, 1, 1)):  # the last day, then past it
        expected = [state(pair) for pair in shown(page.pk, today)]
        assert [state(pair) for pair in query(page.pk, today)] == expected
    assert len(query(page.pk, dt.date(2026, 12, 31))) == 1
    assert query(page.pk, dt.date(2027, 1, 1)) == []


def test_a_prepared_query_compiles_once_and_runs_one_query_each_time(demo):
    built = []

    def links(page_id):
        built.append(page_id)
        return RelatedProcedure.objects.filter(page=page_id).select_related("procedure")

    query = PreparedQuery(links, ANY_ID)
    pages = list(ProcedurePage.objects.all())
    with CaptureQueriesContext(connection) as queries:
        found = {page.pk: query(page.pk) for page in pages}
    assert built == [ANY_ID]  # the queryset was made and compiled once
    assert len(queries) == len(pages)
    for page in pages:
        assert [state(link) for link in found[page.pk]] == [state(link) for link in links(page.pk)]
    assert any(found.values())


def test_querysets_it_cannot_run_as_django_would_are_refused(db):
    prefetching = PreparedQuery(
        lambda pk: ProcedurePage.objects.filter(pk=pk).prefetch_related(Prefetch("faqs")), ANY_ID
    )
    without_the_value = PreparedQuery(lambda pk: ProcedurePage.objects.all(), ANY_ID)
    for query in (prefetching, without_the_value):
        with pytest.raises(ValueError):
            query(1)


def test_serving_fetches_the_page_as_its_own_type_or_says_it_is_gone(demo):
    page = ProcedurePage.objects.get(slug="skin-resurfacing")
    served = fetch_for_serving(ProcedurePage, page.pk)
    assert type(served) is ProcedurePage
    assert state(served) == state(
        ProcedurePage.objects.select_related(*ProcedurePage.serve_select_related)
        .defer(*ProcedurePage.serve_defer)
        .get(pk=page.pk)
    )
    with pytest.raises(ProcedurePage.DoesNotExist):
        fetch_for_serving(ProcedurePage, 0)
