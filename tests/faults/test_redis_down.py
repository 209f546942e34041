"""Redis stops: public pages, booking and the admin keep working; the rate limit counts in
the process; one warning, not one per request; all recovers by itself."""

import itertools
import logging
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings

from allure.base.signin import two_factor
from allure.base.web.client_address import client_key
from bookings.models import ConsultationRequest
from bookings.schedule import availability
from procedures.models import ProcedurePage
from tests.bookings.conftest import form_data

pytestmark = pytest.mark.django_db
WARNINGS = "allure.base.web.cache_backend"


PATIENTS = itertools.count(1)


RECOVERY_CODES: list[str] = []


def visit_everything(slot=None):
    """What patients and staff do; returns each answer's status. Each visit is another
    patient (one email or phone may hold only two open requests)."""
    pages = {"rhinoplasty": ProcedurePage.objects.live().first()}
    n = next(PATIENTS)
    patient = {"email": f"patient{n}@example.com", "phone": f"(601) 555-{1000 + n:04d}"}
    statuses = {
        "home": Client().get("/").status_code,
        "procedure": Client().get(pages["rhinoplasty"].url).status_code,
        "booking form": Client().get("/consultation/").status_code,
        "booking POST": Client()
        .post("/consultation/", form_data(pages, slot=slot, **patient))
        .status_code,
        "admin login": Client().get("/admin/login/").status_code,
    }
    staff = Client()
    statuses["staff sign-in"] = staff.post(
        "/admin/login/", {"username": "desk", "password": "pw"}
    ).status_code
    statuses["second step"] = staff.post(
        "/admin/two-factor/verify/", {"code": RECOVERY_CODES.pop()}
    ).status_code
    statuses["admin"] = staff.get("/admin/").status_code
    return statuses


WORKING = {
    "home": 200,
    "procedure": 200,
    "booking form": 200,
    "booking POST": 302,
    "admin login": 200,
    "staff sign-in": 302,
    "second step": 302,
    "admin": 200,
}


@override_settings(PAGE_CACHE_SECONDS=60)
def test_the_site_works_without_redis_warns_once_and_recovers(
    demo, redis_server, redis_cache, django_user_model, caplog, fault_report
):
    desk = django_user_model.objects.create_superuser(username="desk", password="pw")
    RECOVERY_CODES[:] = two_factor.new_recovery_codes(desk)  # one per sign-in (a code works once)
    first = ProcedurePage.objects.live().first()  # the one visit_everything books

    def free_time():
        # Asked afresh for each visit: a consultation and its buffer may cover the next
        # start time on the grid, so times listed before a booking may overlap it.
        return availability.available_slots(procedures=[first])[0]

    before = ConsultationRequest.objects.count()
    assert visit_everything(slot=free_time()) == WORKING
    assert redis.Redis(port=redis_server.port).dbsize() > 0  # the shared cache was used

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger=WARNINGS):
        for _ in range(3):
            assert visit_everything(slot=free_time()) == WORKING
    unreachable = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(unreachable) == 1
    assert ConsultationRequest.objects.count() == before + 4  # every request was saved

    caplog.clear()
    redis_server.start()
    back = time.monotonic()
    with caplog.at_level(logging.WARNING, logger=WARNINGS):
        assert visit_everything(slot=free_time()) == WORKING
    assert [r.getMessage() for r in caplog.records if "answers again" in r.getMessage()]
    assert redis.Redis(port=redis_server.port).dbsize() > 0  # shared again
    fault_report(
        fault="Redis stopped",
        patient="pages and booking (GET, POST) work, slower",
        staff="admin sign-in and dashboard work; one warning in the log",
        lost=f"nothing ({ConsultationRequest.objects.count() - before} of 5 requests saved)",
        recovery="the first request after Redis restarted used it again (that journey: "
        f"{time.monotonic() - back:.2f} s); production retries every RETRY_SECONDS = 5 s",
    )


@override_settings(BOOKING_RATE_LIMIT=(2, 3600))
def test_without_redis_the_booking_rate_limit_still_counts_in_the_process(
    demo, redis_server, redis_cache
):
    redis_server.stop()
    pages = {"rhinoplasty": ProcedurePage.objects.live().first()}
    statuses = [Client().post("/consultation/", form_data(pages)).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert cache.get(client_key("bookings:form-posts", RequestFactory().post("/"))) == 3
