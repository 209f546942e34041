"""Counting with Redis stopped: pages and the beacon keep answering, counting pauses (the
counts made meanwhile stay in each process and are dropped), and resumes when Redis is back."""

import pytest
import redis
from django.test import Client, override_settings
from django.utils import timezone

from allure.base import counts
from allure.base.models import DailyCount, Metric
from procedures.models import ProcedurePage

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


def visit(page) -> tuple[int, int]:
    """A patient reads the page and their browser sends its beacon."""
    patient = Client(HTTP_USER_AGENT=BROWSER)
    shown = patient.get(page.url).status_code
    counted = patient.post(
        "/count/",
        {"metric": Metric.PROCEDURE_VIEW, "key": page.pk},
        headers={"Sec-Fetch-Site": "same-origin"},
    ).status_code
    return shown, counted


def views(page) -> int:
    rows = DailyCount.objects.filter(
        metric=Metric.PROCEDURE_VIEW, key=str(page.pk), date=timezone.localdate()
    )
    return sum(row.count for row in rows)


@override_settings(PAGE_CACHE_SECONDS=60)
def test_counting_pauses_while_redis_is_down_and_no_page_fails(
    demo, redis_server, redis_cache, fault_report
):
    page = ProcedurePage.objects.get(slug="skin-resurfacing")
    assert visit(page) == (200, 204)
    waiting = list(redis.Redis(port=redis_server.port).scan_iter("*counts:*"))
    assert waiting  # named by day, metric and page only: nothing about the visitor
    assert all(b"127.0.0.1" not in key and b"Chrome" not in key for key in waiting)
    counts.flush()
    assert views(page) == 1

    redis_server.stop()
    assert [visit(page) for _ in range(3)] == [(200, 204)] * 3
    counts.flush()  # the worker cannot see what each process kept for itself
    assert views(page) == 1

    redis_server.start()
    assert visit(page) == (200, 204)
    counts.flush()
    assert views(page) == 2
    fault_report(
        fault="Redis stopped (counting)",
        patient="pages and the count beacon answer as usual",
        staff="the visits report shows no views for the outage",
        lost="the page views counted while Redis was down (3 here)",
        recovery="the first view after Redis restarted was counted",
    )
