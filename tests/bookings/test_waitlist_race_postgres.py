"""Several waitlisted patients claim the same freed time at once, each on their own
connection: the database's overlap rule lets exactly one hold it; the others are told it
was taken and stay on the waitlist."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from bookings.messages import links
from bookings.models import ConsultationRequest, WaitlistEntry, WaitlistStatus
from bookings.schedule import offers
from bookings.waitlist.services import OfferTaken, waitlist_offer_claim
from bookings.workflow import changes

from .waitlisting import join, next_monday_at

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
RACERS = 8


@pytest.fixture
def offered(procedures, make_request):
    """A freed Monday 9:00 offered to RACERS waitlisted patients at once."""
    freed = make_request(slot=next_monday_at(9))
    for n in range(RACERS):
        join(procedures["rhinoplasty"], n)
    changes.consultation_request_cancel(consultation=freed)
    made = offers.offer_freed_time(
        provider_id=freed.provider_id, start=freed.slot_start, now=timezone.now(), limit=RACERS
    )
    assert len(made) == RACERS
    return made


def race(target, items):
    barrier = threading.Barrier(len(items))
    results = []

    def run(item):
        try:
            barrier.wait(timeout=30)
            results.append(target(item))
        except Exception as error:  # anything unexpected is a failure of the rule
            results.append(("error", repr(error)))
        finally:
            connections.close_all()  # each thread had its own real connection

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def claim(offer):
    try:
        consultation = waitlist_offer_claim(offer=offer)
    except OfferTaken as taken:
        return ("taken", taken.message)
    return ("held", consultation.pk)


def test_exactly_one_of_several_simultaneous_claims_holds_the_time(offered):
    results = race(claim, offered)
    outcomes = [outcome for outcome, _ in results]
    assert outcomes.count("error") == 0, results
    assert outcomes.count("held") == 1
    assert outcomes.count("taken") == RACERS - 1
    assert all("You are still on the waitlist" in detail for o, detail in results if o == "taken")
    start = offered[0].slot_start
    [winner] = ConsultationRequest.objects.filter(slot_start=start, status="new")
    statuses = dict(WaitlistEntry.objects.values_list("email", "status"))
    assert statuses.pop(winner.email) == WaitlistStatus.FULFILLED
    assert set(statuses.values()) == {WaitlistStatus.WAITING}


def post_claim(offer):
    response = Client().post(f"/consultation/waitlist/offer/{links.offer_token(offer)}/claim/")
    return (response.status_code, response.content.decode())


def test_patients_racing_through_the_claim_page_get_one_booking_and_a_clear_page(offered):
    results = race(post_claim, offered)
    statuses = sorted(status for status, _ in results)
    assert statuses.count(302) == 1, statuses
    assert statuses.count(409) == RACERS - 1, statuses
    for status, html in results:
        if status == 409:
            assert "That time has just been taken" in html
    assert ConsultationRequest.objects.filter(slot_start=offered[0].slot_start).count() == 2
    assert WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING).count() == RACERS - 1
