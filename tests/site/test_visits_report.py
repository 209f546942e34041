"""Reports › Visits and requests: the owner sees page views against requests sent as a chart
the site draws, as tables and as CSV; nobody else sees it."""

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from wagtail.models import Page

from allure.base.models import DailyCount, Metric
from procedures.models import ProcedureIndexPage, ProcedurePage
from tests.bookings.conftest import PROCEDURE_FACTS

pytestmark = pytest.mark.django_db
REPORT = "/admin/reports/visits/"


@pytest.fixture
def pages(db):
    index = Page.get_first_root_node().add_child(
        instance=ProcedureIndexPage(title="Procedures", slug="procedures")
    )

    def procedure(title, slug):
        page = ProcedurePage(
            title=title, slug=slug, category="face", summary=title, **PROCEDURE_FACTS
        )
        return index.add_child(instance=page)

    return {"peel": procedure("Chemical peel", "peel"), "lift": procedure("Facelift", "lift")}


@pytest.fixture
def counted(pages):
    """Ten days of counts ending today: views and requests for both pages, and the rest."""
    today = timezone.localdate()
    rows = []
    for n in range(10):
        day = today - dt.timedelta(days=n)
        for name, views, sent in (("peel", 10 + n, n % 3), ("lift", 5, 1)):
            key = str(pages[name].pk)
            rows.append(DailyCount(date=day, metric=Metric.PROCEDURE_VIEW, key=key, count=views))
            if sent:
                rows.append(DailyCount(date=day, metric=Metric.REQUEST_SENT, key=key, count=sent))
        rows.append(DailyCount(date=day, metric=Metric.BOOKING_OPEN, count=3))
        rows.append(DailyCount(date=day, metric=Metric.PLANNER_USE, count=2))
    # Outside the range the tests ask for.
    rows.append(
        DailyCount(
            date=today - dt.timedelta(days=40),
            metric=Metric.PROCEDURE_VIEW,
            key=str(pages["peel"].pk),
            count=999,
        )
    )
    DailyCount.objects.bulk_create(rows)
    return today


def points(html: str, series: str) -> int:
    return len(re.findall(rf'<circle class="point" data-series="{series}"', html))


def test_the_owner_sees_a_chart_with_one_point_per_day_for_each_series(admin_client, counted):
    start = counted - dt.timedelta(days=9)
    response = admin_client.get(REPORT, {"start": start.isoformat(), "end": counted.isoformat()})
    assert response.status_code == 200
    html = response.text
    assert '<svg role="img" aria-labelledby="visits-chart-title visits-chart-desc"' in html
    assert '<title id="visits-chart-title">' in html and '<desc id="visits-chart-desc">' in html
    assert points(html, "views") == 10
    assert points(html, "requests") == 10


def test_the_numbers_match_the_table_rows(admin_client, counted, pages):
    start = counted - dt.timedelta(days=9)
    context = admin_client.get(REPORT, {"start": start, "end": counted}).context
    in_range = DailyCount.objects.filter(date__gte=start)
    views = sum(r.count for r in in_range.filter(metric=Metric.PROCEDURE_VIEW))
    sent = sum(r.count for r in in_range.filter(metric=Metric.REQUEST_SENT))
    assert (context["total_views"], context["total_requests"]) == (views, sent)
    peel = next(p for p in context["procedures"] if p["title"] == "Chemical peel")
    peel_rows = in_range.filter(key=str(pages["peel"].pk))
    assert peel["views"] == sum(r.count for r in peel_rows.filter(metric=Metric.PROCEDURE_VIEW))
    assert peel["requests"] == sum(r.count for r in peel_rows.filter(metric=Metric.REQUEST_SENT))
    assert context["booking_opens"] == 30 and context["planner_uses"] == 20
    # Each day's point carries that day's number.
    chart_views = [p.value for p in context["chart"]["panels"][0].points]
    assert chart_views == [row["views"] for row in context["daily"]]
    assert chart_views[-1] == sum(
        r.count for r in in_range.filter(date=counted, metric=Metric.PROCEDURE_VIEW)
    )


def test_one_procedure_shows_only_its_own_counts(admin_client, counted, pages):
    start = counted - dt.timedelta(days=9)
    lift = pages["lift"]
    context = admin_client.get(REPORT, {"start": start, "end": counted, "procedure": lift.pk})
    context = context.context
    assert context["procedure_title"] == "Facelift"
    assert (context["total_views"], context["total_requests"]) == (50, 10)
    assert [p["title"] for p in context["procedures"]] == ["Facelift"]


def test_by_default_the_report_shows_the_last_four_weeks(admin_client, counted):
    html = admin_client.get(REPORT).text
    assert points(html, "views") == 28 and points(html, "requests") == 28


def test_the_csv_holds_exactly_the_rows_of_the_table_in_the_range(admin_client, counted, pages):
    start = counted - dt.timedelta(days=9)
    response = admin_client.get(REPORT, {"start": start, "end": counted, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == ["date", "metric", "key", "page", "count", "demo"]
    titles = {str(p.pk): p.title for p in pages.values()}
    expected = [
        [r.date.isoformat(), r.metric, r.key, titles.get(r.key, ""), str(r.count), ""]
        for r in DailyCount.objects.filter(date__range=(start, counted)).order_by(
            "date", "metric", "key"
        )
    ]
    assert rows == expected
    assert len(rows) == DailyCount.objects.count() - 1  # all but the day outside the range


def test_a_title_that_looks_like_a_formula_stays_text_in_the_csv(admin_client, counted, pages):
    Page.objects.filter(pk=pages["lift"].pk).update(title="=HYPERLINK(1)")
    text = admin_client.get(REPORT, {"format": "csv"}).content.decode()
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-11-10", "end": "2026-11-01"}, "The end date is before the start date."),
        ({"start": "2024-01-01", "end": "2026-11-01"}, "Choose at most 366 days."),
        ({"start": "last tuesday"}, "Enter a valid date."),
        ({"procedure": "lots"}, "Select a valid choice."),
        ({"procedure": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_dates_or_procedures_get_a_message_on_the_same_page(
    admin_client, pages, query, message
):
    response = admin_client.get(REPORT, query)
    assert response.status_code == 200
    assert message in response.text
    assert "visits-chart-title" not in response.text  # no chart of numbers it did not read
    csv_response = admin_client.get(REPORT, {**query, "format": "csv"})
    assert csv_response.status_code == 200 and "text/html" in csv_response["Content-Type"]


def test_demo_numbers_are_labelled_as_such(admin_client, counted):
    assert "Demo numbers" not in admin_client.get(REPORT).text
    DailyCount.objects.filter(date=counted).update(is_demo=True)
    assert "Demo numbers" in admin_client.get(REPORT).text


def test_the_owner_finds_it_in_the_reports_menu(admin_client):
    assert "Visits and requests" in admin_client.get("/admin/").text


@pytest.mark.parametrize("staff", ["editor_client", "desk_client"])
def test_editors_and_the_front_desk_neither_see_nor_open_it(request, staff, counted):
    client = request.getfixturevalue(staff)
    assert "Visits and requests" not in client.get("/admin/").text
    response = client.get(REPORT)
    assert response.status_code == 403
    assert "Chemical peel" not in response.text
    assert client.get(REPORT, {"format": "csv"}).status_code == 403


def test_anyone_given_the_permission_may_view_it(editor_client, editor_user, counted):
    from django.contrib.auth.models import Permission

    editor_user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    assert editor_client.get(REPORT).status_code == 200
    assert "Visits and requests" in editor_client.get("/admin/").text


def test_a_single_day_is_one_point_per_series(admin_client, counted):
    html = admin_client.get(REPORT, {"start": counted, "end": counted}).text
    assert points(html, "views") == 1 and points(html, "requests") == 1
