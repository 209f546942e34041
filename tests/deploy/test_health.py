"""/healthz and /readyz: plain answers for probes and monitors, never cached, no patient data.
(The same checks with a real part failing: tests/faults/test_readiness.py.)"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from allure.base.counts import flush_counts

pytestmark = pytest.mark.django_db


def test_liveness_reads_nothing(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain"
    assert "no-store" in response["Cache-Control"]
    assert len(queries) == 0


def test_ready_when_every_part_answers(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"database ok\ncache ok\nqueue ok\n"
    assert "no-store" in response["Cache-Control"]
    assert len(queries) == 1  # the queue's oldest ready task


def test_a_task_waiting_for_minutes_means_no_worker_takes_tasks(client, clock):
    flush_counts.enqueue()
    clock.shift(4 * 60)
    assert client.get("/readyz").status_code == 200  # a worker may be a few polls behind
    clock.shift(2 * 60)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"database ok\ncache ok\nqueue stalled\n"
    assert "no-store" in response["Cache-Control"]


def test_a_task_planned_for_later_waits_from_then(client, clock):
    flush_counts.using(run_after=timezone.now() + dt.timedelta(hours=1)).enqueue()
    clock.shift(60 * 60 + 4 * 60)
    assert client.get("/readyz").status_code == 200
    clock.shift(2 * 60)
    assert client.get("/readyz").status_code == 503


def test_only_reads(client):
    assert client.post("/readyz").status_code == 405
    assert client.post("/healthz").status_code == 405
