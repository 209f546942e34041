import json
import os
import shutil

import pytest
from django.core.cache import cache

from tests.faults.services import RedisServer


def pytest_collection_modifyitems(items):
    for item in items:
        if "/faults/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.faults)


@pytest.fixture
def redis_server():
    if not shutil.which("redis-server"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("redis-server is required under CI (.ci/run installs it).")
        pytest.skip("redis-server not found: `apt-get install redis-server` to run this test.")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(redis_server, settings):
    """The production cache backend on the test's own Redis, retried at once when down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "allure.base.web.cache_backend.FallbackRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_SECONDS": 0},
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fault_report():
    """Adds a row to `make faults`' table (scripts/faults.py sets FAULTS_TABLE and prints
    it): the fault, what a patient saw, what staff saw, what was lost, how recovery went."""

    def record(*, fault: str, patient: str, staff: str, lost: str, recovery: str) -> None:
        if path := os.environ.get("FAULTS_TABLE"):
            row = dict(fault=fault, patient=patient, staff=staff, lost=lost, recovery=recovery)
            with open(path, "a", encoding="utf-8") as table:
                table.write(json.dumps(row) + "\n")

    return record
