import pytest
from django.core.cache import cache

from tests.faults.services import RedisServer


def pytest_collection_modifyitems(items):
    for item in items:
        if "/faults/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.faults)


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(redis_server, settings):
    """The production cache backend on the test's own Redis, retried at once when down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "allure.base.cache_backend.FallbackRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_SECONDS": 0},
        }
    }
    cache.clear()
    yield
    cache.clear()
