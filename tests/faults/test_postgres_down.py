"""PostgreSQL goes away (a TCP proxy in front of it is cut): cached pages are still served,
everything else is a branded 503 with the phone; when it returns no request fails.

Requests go through Django's own WSGI handler, as gunicorn calls it, so that connections
are kept and health-checked between requests as in production (the test client skips that).
"""

import io
import time
import wsgiref.util

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from tests.faults.services import TcpProxy

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def get(path: str) -> tuple[int, dict, str]:
    path, _, query = path.partition("?")
    environ = {
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REQUEST_METHOD": "GET",
        "wsgi.input": io.BytesIO(),
    }
    wsgiref.util.setup_testing_defaults(environ)
    environ["SERVER_NAME"] = environ["HTTP_HOST"] = "testserver"
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=int(status.split()[0]), headers=dict(headers))

    response = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(response).decode()
    finally:
        response.close()  # request_finished: the connection is kept or closed, as in production
    return answer["status"], answer["headers"], body


@pytest.fixture
def database_behind_a_proxy(settings):
    settings.PAGE_CACHE_SECONDS = 60
    from django.core.management import call_command

    call_command("load_demo_content", verbosity=0)
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


def test_cached_pages_stay_up_and_the_rest_says_to_call(
    database_behind_a_proxy, clock, fault_report
):
    status, _, home = get("/")
    assert status == 200
    database_behind_a_proxy.cut()
    clock.shift(120)  # the fresh copy has expired; the stale one is kept for hours

    status, _, again = get("/")
    assert status == 200
    assert again == home
    for path in ("/contact/", "/consultation/", "/procedures/skin-resurfacing/"):
        status, headers, body = get(path)
        assert status == 503, path
        assert headers["Retry-After"] == "120"
        assert 'href="tel:+16015550142"' in body
        assert "To book a consultation or ask a question, please call us" in body
        assert 'class="site-header"' in body
    fault_report(
        fault="PostgreSQL unreachable",
        patient="cached pages (stale copy); others a 503 saying to call, with the phone",
        staff="503 page with the phone",
        lost="nothing (no request can be sent; the form page says to call)",
        recovery="see next row",
    )


# A page that asks PostgreSQL on every visit: the times held for a treatment. (The bare
# booking page may need nothing from it once its catalogue is in the shared cache.)
DIARY = "/consultation/?procedure=skin-resurfacing"


def test_when_postgresql_returns_no_request_fails(database_behind_a_proxy, fault_report):
    assert get(DIARY)[0] == 200  # a kept connection is now open
    database_behind_a_proxy.cut()
    assert get(DIARY)[0] == 503
    database_behind_a_proxy.restore()
    back = time.monotonic()
    assert get(DIARY)[0] == 200
    recovered = time.monotonic() - back

    # A connection kept open across an outage nobody noticed is checked, not trusted.
    database_behind_a_proxy.cut()
    database_behind_a_proxy.restore()
    assert get(DIARY)[0] == 200
    fault_report(
        fault="PostgreSQL back",
        patient="the first request after it returns succeeds",
        staff="the same; no process restarted",
        lost="nothing",
        recovery=f"{recovered:.2f} s: the first request (kept connections are health-checked)",
    )
