"""A busy front desk and editors saving drafts leave the public pages cached: only content
that visitors see clears the shared page cache."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from bookings.models import ConsultationRequest
from bookings.models import ConsultationStatus as S
from bookings.schedule import availability
from procedures.models import ProcedurePage
from tests.bookings.conftest import form_data
from tests.staff import sign_in_with_second_factor

pytestmark = pytest.mark.django_db
PROCEDURE = "/procedures/skin-resurfacing/"


@pytest.fixture
def cached_site(settings):
    settings.PAGE_CACHE_SECONDS = 60
    call_command("load_demo_content")
    Client().get("/")  # a first visit may create rows (settings, renditions)
    cache.clear()
    for path in ("/", PROCEDURE):
        Client().get(path)


def queries_for(path, client=None):
    with CaptureQueriesContext(connection) as queries:
        response = (client or Client()).get(path)
    assert response.status_code == 200
    return len(queries)


def test_a_front_desk_day_and_a_saved_draft_leave_anonymous_pages_cached(
    cached_site, django_user_model
):
    desk = django_user_model.objects.create_user(username="desk", password="pw")
    desk.groups.add(Group.objects.get(name="Front desk"))
    staff = Client()
    sign_in_with_second_factor(staff, desk)
    pages = {"rhinoplasty": ProcedurePage.objects.get(slug="skin-resurfacing")}

    # A patient books (a session-less POST, then the received page).
    slot = availability.available_slots(procedures=list(pages.values()))[0]
    booked = Client().post("/consultation/", form_data(pages, slot=slot))
    assert booked.status_code == 302
    consultation = ConsultationRequest.objects.get(email="avery@example.com")
    # The front desk works: list, look, export, note, call back, confirm a time, assign.
    base = f"/admin/consultations/{consultation.pk}/"
    assert staff.get("/admin/").status_code == 200
    assert staff.get("/admin/consultations/").status_code == 200
    assert staff.get(base).status_code == 200
    assert staff.post("/admin/consultations/export.csv").status_code == 200
    staff.post(base + "notes/", {"text": "Prefers mornings."})
    staff.post(base + "status/", {"status": S.CONTACTED})
    staff.post(base + "time/", {"slot": booked.wsgi_request.POST["slot"]})
    staff.post(base + "assign/", {"assignee": desk.pk})
    consultation.refresh_from_db()
    assert consultation.status == S.SCHEDULED
    assert consultation.notes.count() == 1
    # An editor saves a draft of a live page without publishing it.
    draft = pages["rhinoplasty"].specific
    draft.title = "Not published yet"
    draft.save_revision()

    assert queries_for("/") == 0
    assert queries_for(PROCEDURE) == 0
    assert "Not published yet" not in Client().get(PROCEDURE).text


def test_publishing_still_clears_the_cache(cached_site):
    page = Page.objects.get(url_path__endswith="/skin-resurfacing/").specific
    page.title = "Freshly published"
    page.save_revision().publish()
    assert "Freshly published" in Client().get(PROCEDURE).text


def test_unknown_query_parameters_share_one_cached_copy(cached_site):
    keys_before = len(cache._cache)
    for n in range(5):
        assert queries_for(f"/?x={n}") == 0
        assert queries_for(f"{PROCEDURE}?utm_source=mail{n}&fbclid={n}") == 0
    assert len(cache._cache) == keys_before
