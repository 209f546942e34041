"""Counts without trackers: each page counts itself with a same-origin beacon; robots,
prefetches and other sites are not counted; nothing about a visitor is kept; the worker
moves the counts from the shared cache to the daily table exactly once."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from allure.base import counts
from allure.base.models import DailyCount, Metric
from procedures.models import ProcedureIndexPage, ProcedurePage, TreatmentPlannerPage
from tests.bookings.conftest import PROCEDURE_FACTS

pytestmark = pytest.mark.django_db

PHONE_BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
VISITOR_ADDRESS = "203.0.113.77"


@pytest.fixture
def skin(demo):
    """The demo's page, for what needs the whole site (templates, routing, the page cache)."""
    return ProcedurePage.objects.get(slug="skin-resurfacing")


@pytest.fixture
def procedure(db):
    """A live procedure page, for the beacon alone (no site to route: much faster)."""
    index = Page.get_first_root_node().add_child(
        instance=ProcedureIndexPage(title="Procedures", slug="procedures")
    )
    page = ProcedurePage(
        title="Botox",
        slug="botox",
        category="injectables",
        summary="Wrinkle relaxer.",
        **PROCEDURE_FACTS,
    )
    return index.add_child(instance=page)


def browser():
    """A patient's browser: its user agent and address, as the site would see them."""
    return Client(HTTP_USER_AGENT=PHONE_BROWSER, REMOTE_ADDR=VISITOR_ADDRESS)


def beacon(client, metric, key="", **headers):
    return client.post(
        "/count/",
        {"metric": metric, "key": key},
        headers={"Sec-Fetch-Site": "same-origin"} | headers,
    )


def table() -> dict[tuple[str, str], int]:
    return {(row.metric, row.key): row.count for row in DailyCount.objects.all()}


def test_a_procedure_page_loads_the_beacon_naming_itself(skin):
    html = Client().get(skin.url).text
    script = re.search(r'<script src="/static/js/count\.js"[^>]*>', html)
    assert script is not None
    assert f'data-metric="procedure_view" data-key="{skin.pk}"' in script.group(0)


def test_the_planner_counts_only_a_use_with_answers(demo):
    planner = TreatmentPlannerPage.objects.get()
    assert "count.js" not in Client().get(planner.url).text
    answered = Client().get(planner.url, {"concern": "fine-lines", "downtime": "week"}).text
    assert 'data-metric="planner_use" data-key=""' in answered


def test_the_booking_form_counts_an_opening(demo):
    assert 'data-metric="booking_open"' in Client().get("/consultation/").text


def test_each_beacon_counts_one_for_its_metric_and_key_once_flushed(procedure):
    patient = browser()
    for _ in range(3):
        assert beacon(patient, "procedure_view", str(procedure.pk)).status_code == 204
    assert beacon(patient, "booking_open").status_code == 204
    assert beacon(patient, "planner_use").status_code == 204
    assert table() == {}  # waiting in the shared cache until the worker flushes
    assert counts.flush() == 5
    assert table() == {
        ("procedure_view", str(procedure.pk)): 3,
        ("booking_open", ""): 1,
        ("planner_use", ""): 1,
    }
    assert set(DailyCount.objects.values_list("date", flat=True)) == {timezone.localdate()}


def test_flushing_twice_moves_each_count_once(procedure):
    patient = browser()
    beacon(patient, "procedure_view", str(procedure.pk))
    beacon(patient, "procedure_view", str(procedure.pk))
    assert counts.flush() == 2
    assert counts.flush() == 0
    beacon(patient, "procedure_view", str(procedure.pk))
    call_command("flush_counts", verbosity=0)
    call_command("flush_counts", verbosity=0)
    assert table() == {("procedure_view", str(procedure.pk)): 3}


def test_counts_of_yesterday_still_waiting_reach_yesterdays_row(procedure, clock):
    beacon(browser(), "procedure_view", str(procedure.pk))
    yesterday = timezone.localdate()
    clock.shift(dt.timedelta(days=1))
    beacon(browser(), "procedure_view", str(procedure.pk))
    counts.flush()
    rows = DailyCount.objects.filter(metric="procedure_view")
    assert {row.date: row.count for row in rows} == {
        yesterday: 1,
        yesterday + dt.timedelta(days=1): 1,
    }


# The worker closes its database connection when it stops: let it, with real commits.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_flushes_a_minute_after_the_first_count(procedure, clock):
    from tests.bookings.conftest import drain_queue

    patient = browser()
    for _ in range(4):
        beacon(patient, "procedure_view", str(procedure.pk))
    planned = DBTaskResult.objects.filter(task_path="allure.base.counts.flush_counts")
    assert planned.count() == 1  # one flush planned, however many counts arrive
    drain_queue()
    assert table() == {}  # not due yet
    clock.shift(dt.timedelta(seconds=counts.FLUSH_EVERY_SECONDS + 1))
    drain_queue()
    assert table() == {("procedure_view", str(procedure.pk)): 4}


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0 Safari/537.36",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 (Linux; Android 11) Chrome/131.0 Mobile Safari/537.36 Chrome-Lighthouse",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 (compatible; AhrefsSpider/7.0)",
    ],
)
def test_robots_are_not_counted(procedure, agent):
    response = beacon(Client(HTTP_USER_AGENT=agent), "procedure_view", str(procedure.pk))
    assert response.status_code == 204
    counts.flush()
    assert table() == {}


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Purpose": "prefetch"},
        {"Sec-Purpose": "prefetch;prerender"},
        {"Purpose": "prefetch"},
        {"Sec-Fetch-Site": "cross-site"},  # another site's page posting from its visitors
    ],
)
def test_prefetches_and_other_sites_are_not_counted(procedure, headers):
    assert beacon(browser(), "procedure_view", str(procedure.pk), **headers).status_code == 204
    counts.flush()
    assert table() == {}


@pytest.mark.parametrize("method", ["head", "get"])
def test_only_a_post_counts(procedure, method):
    data = {"metric": "procedure_view", "key": procedure.pk}
    response = getattr(browser(), method)("/count/", data)
    assert response.status_code == 405
    counts.flush()
    assert table() == {}


@pytest.mark.parametrize(
    ("metric", "key"),
    [
        ("visits", ""),  # no such metric
        ("request_sent", "KEY"),  # only the booking service counts requests
        ("procedure_view", "999999"),  # no such page
        ("procedure_view", ""),
        ("booking_open", "12"),  # has no key
    ],
)
def test_a_beacon_naming_nothing_countable_is_refused_plainly(procedure, metric, key):
    key = str(procedure.pk) if key == "KEY" else key
    response = beacon(browser(), metric, key)
    assert response.status_code == 400
    assert "Unknown metric or key" in response.text
    counts.flush()
    assert table() == {}


def test_nothing_about_the_visitor_is_kept(procedure):
    response = beacon(browser(), "procedure_view", str(procedure.pk))
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    waiting = [key for key in cache._cache if ":counts:" in key]  # noqa: SLF001
    assert waiting and all(
        VISITOR_ADDRESS not in key and "iPhone" not in key and "Safari" not in key
        for key in waiting
    )
    counts.flush()
    fields = [field.name for field in DailyCount._meta.get_fields()]
    assert fields == ["id", "date", "metric", "key", "count", "is_demo"]
    stored = " ".join(str(value) for row in DailyCount.objects.values_list() for value in row)
    assert VISITOR_ADDRESS not in stored and "iPhone" not in stored
    assert "count" not in str(response.cookies) and not Client().cookies


def test_without_a_shared_cache_each_count_goes_straight_to_the_table(procedure, settings):
    settings.COUNTS_IN_SHARED_CACHE = False
    beacon(browser(), "procedure_view", str(procedure.pk))
    beacon(browser(), "procedure_view", str(procedure.pk))
    assert table() == {("procedure_view", str(procedure.pk)): 2}
    assert not DBTaskResult.objects.filter(task_path="allure.base.counts.flush_counts").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_counts_straight_to_the_table_add_up_outside_any_transaction(settings):
    # Outside a transaction (as on a server) one count is one statement, with no
    # transaction of its own; several are written together in one.
    settings.COUNTS_IN_SHARED_CACHE = False
    counts.record(Metric.BOOKING_OPEN)
    counts.record(Metric.BOOKING_OPEN)
    today = timezone.localdate()
    counts.add_to_daily_counts(
        {(today, Metric.BOOKING_OPEN, ""): 3, (today, Metric.PLANNER_USE, ""): 1}
    )
    assert table() == {("booking_open", ""): 5, ("planner_use", ""): 1}


def test_a_cached_page_is_served_without_a_query_with_counting_on(skin, settings):
    settings.PAGE_CACHE_SECONDS = 60
    Client().get(skin.url)  # the first visit fills the cache
    with CaptureQueriesContext(connection) as queries:
        response = browser().get(skin.url)
    assert response.status_code == 200 and "count.js" in response.text
    assert len(queries) == 0


def test_a_beacon_touches_the_database_only_to_plan_a_flush(procedure):
    beacon(browser(), "procedure_view", str(procedure.pk))  # plans the flush, reads the live pages
    with CaptureQueriesContext(connection) as queries:
        beacon(browser(), "procedure_view", str(procedure.pk))
    assert len(queries) == 0


def test_all_metrics_have_a_label_for_the_report():
    assert {choice.value for choice in Metric} >= counts.BEACON_METRICS | counts.PAGE_METRICS
