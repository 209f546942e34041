"""/readyz with a real part failing: a Redis the test starts and stops, PostgreSQL behind a
TCP proxy that is cut. /healthz answers throughout (a supervisor must not restart a process
that is serving stale pages), and /readyz says which part is down, in a short plain body.

Requests go through Django's WSGI handler, as gunicorn calls it, so that database
connections are kept and health-checked between requests as in production."""

import io
import wsgiref.util

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from tests.faults.services import TcpProxy


def get(path: str) -> tuple[int, str]:
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()}
    wsgiref.util.setup_testing_defaults(environ)
    environ["SERVER_NAME"] = environ["HTTP_HOST"] = "testserver"
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])

    response = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(response).decode()
    finally:
        response.close()
    return answer["status"], body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_redis_down_is_not_ready_and_back_is(redis_cache, redis_server):
    assert get("/readyz") == (200, "database ok\ncache ok\nqueue ok\n")
    redis_server.stop()
    assert get("/readyz") == (503, "database ok\ncache down\nqueue ok\n")
    assert get("/healthz") == (200, "ok\n")
    redis_server.start()
    assert get("/readyz") == (200, "database ok\ncache ok\nqueue ok\n")  # RETRY_SECONDS=0


@pytest.fixture
def database_behind_a_proxy():
    proxy = TcpProxy(int(connection.settings_dict["PORT"] or 5432))
    proxy.restore()
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(proxy.port)
    connection.settings_dict["CONN_MAX_AGE"] = 60
    yield proxy
    connection.close()
    connection.settings_dict["PORT"] = real_port
    proxy.cut()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_down_is_not_ready_and_back_is(database_behind_a_proxy, settings):
    settings.PAGE_CACHE_SECONDS = 60  # a ready answer is never kept, by the page cache or others
    assert get("/readyz") == (200, "database ok\ncache ok\nqueue ok\n")
    database_behind_a_proxy.cut()
    assert get("/readyz") == (503, "database down\ncache ok\nqueue unknown\n")
    assert get("/healthz") == (200, "ok\n")
    database_behind_a_proxy.restore()
    assert get("/readyz") == (200, "database ok\ncache ok\nqueue ok\n")
