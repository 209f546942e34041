"""Many patients pressing "send" for the same or overlapping times at once: the database
lets one win per overlap."""

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection, connections
from django.utils import timezone

from allure.base.clinic.clinic_time import CLINIC_TZ, local_day
from bookings.booking import services
from bookings.booking.services import SlotTakenError
from bookings.models import ConsultationRequest, ConsultationType
from bookings.schedule import availability
from bookings.schedule.slots import Slot
from bookings.workflow import changes

from .conftest import form_data

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def submit(results, barrier, procedures, slot, name, n, *tag):
    try:
        barrier.wait(timeout=30)
        consultation, created = services.consultation_request_create(
            patient_request=services.PatientRequest(
                full_name=name,
                email=f"{name}@example.com",
                phone=f"+1601555{1000 + n:04d}",  # one each: a number may hold two requests
                contact_method="phone",
                procedures=procedures,
                slot=Slot(slot),
                consent=True,
                submission_token=uuid.uuid4(),
            )
        )
        results.append(("held" if slot else "call me", consultation.pk, *tag))
    except SlotTakenError as error:
        results.append(("taken", error.message, *tag))
    except Exception as error:  # anything else is a failure of the rule
        results.append(("error", repr(error), *tag))
    finally:
        connections.close_all()  # each thread had its own real connection


def test_only_one_of_many_simultaneous_requests_holds_a_time(procedures, clinic_hours):
    slot = availability.available_slots()[0]
    pages = [procedures["rhinoplasty"]]
    racers, bystanders = 12, 4
    barrier = threading.Barrier(racers + bystanders)
    results = []
    threads = [
        threading.Thread(target=submit, args=(results, barrier, pages, slot, f"racer{i}", i))
        for i in range(racers)
    ] + [
        threading.Thread(
            target=submit, args=(results, barrier, pages, None, f"caller{i}", racers + i)
        )
        for i in range(bystanders)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    outcomes = [outcome for outcome, *_ in results]
    assert outcomes.count("error") == 0, results
    assert outcomes.count("held") == 1
    assert outcomes.count("taken") == racers - 1
    assert all("just taken" in detail for outcome, detail, *_ in results if outcome == "taken")
    assert outcomes.count("call me") == bystanders  # nobody else was lost
    assert ConsultationRequest.objects.filter(slot_start=slot).count() == 1
    assert ConsultationRequest.objects.count() == 1 + bystanders


def test_racing_requests_of_different_lengths_for_one_provider_leave_one_per_overlap(
    procedures, clinic_hours
):
    """Surgical consultations (45 + 15 minutes) and injectables (20 + 10) with the one
    provider: in each cluster every pair of times overlaps, clusters never overlap each
    other. Exactly one request per cluster may win, whatever its length."""
    ConsultationType.objects.create(category="face", name="Surgical", minutes=45, buffer_minutes=15)
    ConsultationType.objects.create(
        category="injectables", name="Injectables", minutes=20, buffer_minutes=10
    )
    first_day = local_day(timezone.now()) + dt.timedelta(days=2)
    monday = first_day + dt.timedelta(days=-first_day.weekday() % 7)
    surgery, injection = [procedures["rhinoplasty"]], [procedures["botox"]]
    clusters = {}
    for day, hour in ((monday, 9), (monday, 13), (monday + dt.timedelta(days=1), 9)):
        start = dt.datetime.combine(day, dt.time(hour), tzinfo=CLINIC_TZ)
        half_past = start + dt.timedelta(minutes=30)
        # start-start+60, half past-half past+60, half past-half past+30: all share :45.
        clusters[start] = [(surgery, start), (surgery, half_past), (injection, half_past)] * 3
    racers = [(cluster, pages, at) for cluster, tries in clusters.items() for pages, at in tries]
    barrier = threading.Barrier(len(racers))
    results = []
    threads = [
        threading.Thread(target=submit, args=(results, barrier, pages, at, f"racer{i}", i, cluster))
        for i, (cluster, pages, at) in enumerate(racers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [r for r in results if r[0] == "error"] == []
    for cluster, tries in clusters.items():
        outcomes = [outcome for outcome, _, c in results if c == cluster]
        assert outcomes.count("held") == 1, (cluster, results)
        assert outcomes.count("taken") == len(tries) - 1
    held = list(ConsultationRequest.objects.values_list("slot_start", "slot_end"))
    assert len(held) == len(clusters)
    assert all(
        not (a_start < b_end and b_start < a_end)
        for i, (a_start, a_end) in enumerate(held)
        for b_start, b_end in held[i + 1 :]
    )


def post_form(results, barrier, data):
    from django.test import Client

    try:
        barrier.wait(timeout=30)
        response = Client().post("/consultation/", data)
        results.append((response.status_code, response.content.decode()))
    except Exception as error:
        results.append((500, repr(error)))
    finally:
        connections.close_all()


def test_patients_racing_through_the_form_get_one_booking_and_clear_messages(
    procedures, clinic_hours, settings
):
    settings.BOOKING_RATE_LIMIT = (1000, 3600)
    slot = availability.available_slots()[0]
    racers = 10
    barrier = threading.Barrier(racers)
    results = []
    threads = [
        threading.Thread(
            target=post_form,
            args=(results, barrier, form_data(procedures, slot=slot, email=f"p{i}@example.com")),
        )
        for i in range(racers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _ in results)
    assert statuses.count(302) == 1, statuses
    assert all(status in (200, 409) for status in statuses if status != 302), statuses
    for status, html in results:
        if status == 409:
            assert "that time was just taken" in html
        elif status == 200:
            assert "not available any more" in html
    assert ConsultationRequest.objects.filter(slot_start=slot).count() == 1


def change(results, barrier, what, action):
    try:
        barrier.wait(timeout=30)
        action()
        results.append((what, "applied"))
    except changes.StaleChangeError:
        results.append((what, "refused as stale"))
    except Exception as error:  # anything else is a failure of the rule
        results.append((what, repr(error)))
    finally:
        connections.close_all()


def test_a_patient_and_the_front_desk_changing_one_request_at_once_are_serialised(
    procedures, clinic_hours, django_user_model
):
    desk = django_user_model.objects.create_user(username="desk")
    slots = availability.available_slots()
    for round_ in range(6):
        consultation, _ = services.consultation_request_create(
            patient_request=services.PatientRequest(
                full_name=f"Patient {round_}",
                email="p@example.com",
                phone="+16015550142",
                contact_method="phone",
                procedures=[procedures["rhinoplasty"]],
                slot=Slot(slots[2 * round_]),
                consent=True,
                submission_token=uuid.uuid4(),
            )
        )
        # Each side read the request (status new) before either acts.
        patients_copy = ConsultationRequest.objects.get(pk=consultation.pk)
        desk_copy = ConsultationRequest.objects.get(pk=consultation.pk)
        new_time = slots[2 * round_ + 1]
        barrier, results = threading.Barrier(2), []
        threads = [
            threading.Thread(
                target=change,
                args=(
                    results,
                    barrier,
                    "patient",
                    lambda c=patients_copy, t=new_time: changes.consultation_request_reschedule(
                        consultation=c, start=t
                    ),
                ),
            ),
            threading.Thread(
                target=change,
                args=(
                    results,
                    barrier,
                    "desk",
                    lambda c=desk_copy: changes.consultation_request_transition(
                        consultation=c, to_status="declined", user=desk
                    ),
                ),
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        outcome = dict(results)
        stored = ConsultationRequest.objects.get(pk=consultation.pk)
        # Whoever came second: the decline always stands; a reschedule that came after it
        # was refused, never written over it.
        assert outcome["desk"] == "applied", results
        assert outcome["patient"] in ("applied", "refused as stale"), results
        assert stored.status == "declined"
        expected_time = new_time if outcome["patient"] == "applied" else slots[2 * round_]
        assert stored.slot_start == expected_time
    assert not ConsultationRequest.objects.filter(status="new").exists()
