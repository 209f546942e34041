"""The booking page as a diary: a treatment, then only who does it (or the first available),
a week strip of days, then that day's times. Every state is an address."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allure.base.clinic.clinic_time import local_day
from allure.base.web.serving import GENERATION_KEY
from bookings.models import ConsultationRequest, ConsultationType, ProviderHours
from bookings.schedule.slots import Slot
from tests.clinicians import add_diary, add_procedures, set_bookable

from .conftest import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse(procedures, clinic_hours):
    nurse = add_diary("Nurse Moore", "R.N., nurse injector", sort_order=5)
    add_procedures(nurse, procedures["botox"])
    nurse.save()
    return nurse


def diary_for(client, **query):
    response = client.get("/consultation/", query)
    assert response.status_code == 200
    return response, response.context["diary"]


def test_only_the_people_who_do_the_treatment_are_offered(client, walker, nurse):
    _, botox = diary_for(client, procedure="botox")
    _, rhinoplasty = diary_for(client, procedure="rhinoplasty")
    assert botox.providers == [walker, nurse]
    assert rhinoplasty.providers == [walker]


def test_a_provider_who_does_not_do_the_treatment_becomes_first_available(client, nurse):
    response, diary = diary_for(client, procedure="rhinoplasty", provider=str(nurse.pk))
    assert diary.provider is None
    assert 'name="provider" value="any"' in response.content.decode()


def test_the_week_strip_counts_free_times_and_links_the_next_week(client, nurse, free_slots):
    _, diary = diary_for(client, procedure="botox", provider="any")
    assert [day.date.weekday() for day in diary.days] == list(range(7))
    first_free = local_day(free_slots[0])
    assert diary.day == first_free
    counted = {day.date: day.free for day in diary.days}
    for day, free in counted.items():
        assert free == sum(1 for s in free_slots if local_day(s) == day)
    assert [t.value for t in diary.times] == [
        Slot(s).encode() for s in free_slots if local_day(s) == first_free
    ]
    assert diary.previous_week_url is None  # nothing before this week can be booked
    following = re.search(r"week=([\d-]+)", diary.next_week_url).group(1)
    _, next_week = diary_for(client, procedure="botox", provider="any", week=following)
    assert next_week.days[0].date == diary.days[0].date + dt.timedelta(days=7)
    assert next_week.previous_week_url


def test_a_day_link_opens_that_days_times_for_the_chosen_provider(client, nurse, free_slots):
    later = local_day(free_slots[-1])
    _, diary = diary_for(client, procedure="botox", provider=str(nurse.pk), day=later.isoformat())
    assert diary.day == later and diary.provider == nurse
    assert diary.times and all(t.provider == nurse for t in diary.times)


def test_each_time_says_who_only_when_the_first_available_could_be_either(client, nurse):
    first_available, _ = diary_for(client, procedure="botox")
    chosen, _ = diary_for(client, procedure="botox", provider=str(nurse.pk))
    only_one, _ = diary_for(client, procedure="rhinoplasty")
    who = re.findall(
        r'<label for="id_slot_\d+">[^<]+<span class="booking-time-who">([^<]+)</span>',
        first_available.content.decode(),
    )
    assert who and set(who) <= {"Dr. Walker", "Nurse Moore"}
    for response in (chosen, only_one):
        assert 'id="id_slot_1"' in response.content.decode()
        assert "booking-time-who" not in response.content.decode()


def test_names_and_treatments_are_escaped_in_the_diary(client, procedures, nurse):
    nurse.clinician.name = "Nurse <b>Moore</b> & Co"
    nurse.clinician.save()
    html = diary_for(client, procedure="botox")[0].content.decode()
    assert "Nurse &lt;b&gt;Moore&lt;/b&gt; &amp; Co" in html
    assert "<b>Moore" not in html
    assert "&amp;provider=any&amp;day=" in html  # the week strip's links


def test_the_kept_treatment_and_provider_lists_show_a_change_at_once_and_the_choice(
    client, procedures, nurse
):
    # Both lists are kept until any content changes; the choice is part of what is kept.
    first = diary_for(client, procedure="botox", provider=str(nurse.pk))[0].content.decode()
    assert re.search(rf'id="booking-provider-{nurse.pk}" value="{nurse.pk}" checked', first)
    assert re.search(r'<option value="botox" selected>', first)
    nurse.clinician.name = "Nurse Moore-Hill"
    nurse.clinician.save()
    procedures["rhinoplasty"].title = "Nose reshaping"
    procedures["rhinoplasty"].save_revision().publish()
    html = diary_for(client, procedure="botox")[0].content.decode()
    assert "Nurse Moore-Hill" in html and "Nose reshaping" in html
    assert 'id="booking-provider-any" value="any" checked' in html
    assert not re.search(rf'value="{nurse.pk}" checked', html)
    assert re.search(r'<option value="botox" selected>', html)
    bare = diary_for(client)[0].content.decode()
    assert '<option value="" selected>' in bare and "selected>Botox" not in bare


def test_nonsense_in_the_address_shows_a_usable_page(client, nurse):
    for query in (
        {"procedure": "botox", "day": "not-a-day"},
        {"procedure": "botox", "week": "1999-01-01"},
        {"procedure": "botox", "day": "2999-01-01", "provider": "x"},
    ):
        response, diary = diary_for(client, **query)
        assert diary.procedure is not None and diary.provider is None
        assert diary.days


def test_a_time_taken_meanwhile_keeps_every_choice_and_detail(
    client, procedures, walker, nurse, free_slots, make_request
):
    make_request(slot=free_slots[0], procedures=[procedures["botox"]], provider=nurse)
    make_request(slot=free_slots[0], procedures=[procedures["botox"]], provider=walker)
    data = form_data(procedures, slot=free_slots[0], procedure="botox", provider=str(nurse.pk))
    response = client.post("/consultation/", data)
    assert response.status_code == 409
    html = response.content.decode()
    assert '<option value="botox" selected>' in html
    assert re.search(rf'id="booking-provider-{nurse.pk}" value="{nurse.pk}" checked', html)
    assert 'value="Avery Johnson"' in html
    assert response.context["diary"].day == local_day(free_slots[0])
    assert "just taken" in html


def test_the_booking_page_costs_the_same_queries_however_full_the_diary(
    client, procedures, walker, nurse, free_slots, make_request
):
    def queries():
        for _ in range(2):  # warm the shared caches (hours, settings), as a server has them
            client.get("/consultation/?procedure=botox")
        with CaptureQueriesContext(connection) as captured:
            client.get("/consultation/?procedure=botox")
        return len(captured)

    before = queries()
    for n in range(3):
        extra = add_diary(f"Extra {n}", "R.N.")
        add_procedures(extra, procedures["botox"])
        extra.hours.add(ProviderHours(weekday=n, starts=dt.time(9), ends=dt.time(12)))
        extra.save()
    for slot in free_slots[:6]:
        make_request(slot=slot, procedures=[procedures["botox"]])
    assert queries() == before


# The tables the booking catalogue (bookings/schedule/catalogue.py) keeps as a shared fragment.
CATALOGUE_TABLES = (
    "bookings_provider",
    "bookings_consultationtype",
    "bookings_bookingrules",
    "procedures_procedurepage",
    "wagtailcore_page",
)


def _warm_queries(client, send):
    for _ in range(2):  # warm the shared caches (catalogue, hours, settings), as a server has them
        send()
    with CaptureQueriesContext(connection) as captured:
        response = send()
    return response, [q["sql"] for q in captured]


def test_the_booking_page_asks_the_database_only_for_the_times_held(client, nurse, free_slots):
    response, queries = _warm_queries(client, lambda: client.get("/consultation/?procedure=botox"))
    assert response.context["diary"].times  # a first visit: a week with free times
    assert len(queries) == 1, queries
    assert "bookings_consultationrequest" in queries[0]


def test_a_booking_post_reads_no_catalogue_row_and_keeps_its_query_budget(
    client, procedures, nurse, free_slots
):
    slots = iter(enumerate(free_slots[::4]))  # two hours apart: no two overlap

    def send():
        n, slot = next(slots)
        data = form_data(procedures, slot=slot, procedure="botox")
        # Another patient each time: one may hold only two open requests.
        data.update(email=f"patient{n}@example.com", phone=f"(601) 555-010{n}")
        return client.post("/consultation/", data)

    response, queries = _warm_queries(client, send)
    assert response.status_code == 302
    assert not [q for q in queries if any(table in q for table in CATALOGUE_TABLES)], queries
    # The times held with the patient's open requests (one statement), the insert and its
    # procedure, and here the savepoint around them (inside the test's transaction); the
    # one task for both emails is queued on commit. The form's token is looked for only
    # when a booking fails (by the service) or the form does (by the view). Nothing read
    # twice.
    assert len(queries) == 5, queries


def test_a_staff_change_to_providers_or_types_shows_on_the_next_visit(
    client, procedures, nurse, free_slots
):
    _, diary = diary_for(client, procedure="botox")
    assert [p.name for p in diary.providers] == ["Dr. Walker", "Nurse Moore"]

    add_procedures(nurse, procedures["rhinoplasty"])
    nurse.save()
    _, diary = diary_for(client, procedure="rhinoplasty")
    assert "Nurse Moore" in [p.name for p in diary.providers]

    set_bookable(nurse, False)
    _, diary = diary_for(client, procedure="botox")
    assert [p.name for p in diary.providers] == ["Dr. Walker"]

    ConsultationType.objects.create(category="injectables", name="Injectables", minutes=20)
    _, diary = diary_for(client, procedure="botox")
    assert diary.consultation_type.name == "Injectables"

    ProviderHours.objects.create(
        provider=walker_of(diary), weekday=6, starts=dt.time(9), ends=dt.time(10)
    )
    _, diary = diary_for(client, procedure="botox")
    assert [h.weekday for h in diary.providers[0].hours.all()] == [6]


def walker_of(diary):
    return next(p for p in diary.providers if p.name == "Dr. Walker")


def test_a_booking_leaves_the_shared_caches_warm(client, procedures, nurse, free_slots):
    client.get("/consultation/?procedure=botox")
    generation = cache.get(GENERATION_KEY)
    client.post("/consultation/", form_data(procedures, slot=free_slots[0]))
    assert ConsultationRequest.objects.count() == 1
    assert cache.get(GENERATION_KEY) == generation


def test_every_group_of_choices_has_a_name_before_and_after_a_treatment_is_chosen(client, nurse):
    """WCAG H71/H91: a fieldset needs a legend; the bare page has no one to choose yet, so it
    draws an empty placeholder for the script, not a nameless fieldset."""
    for query in ({}, {"procedure": "botox"}):
        html = client.get("/consultation/", query).content.decode()
        fieldsets = re.findall(r"<fieldset\b.*?</fieldset>", html, flags=re.S)
        assert all("<legend" in fieldset for fieldset in fieldsets), query
        assert 'id="booking-providers"' in html  # the script's target is always there
    assert 'name="provider"' in html and "<legend" in html
