"""Many patients pressing "send" for the same time at once: the database lets one win."""

import threading
import uuid

import pytest
from django.db import connection, connections

from bookings import availability, services
from bookings.models import ConsultationRequest

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def submit(results, barrier, procedures, slot, name):
    try:
        barrier.wait(timeout=30)
        consultation, created = services.consultation_request_create(
            full_name=name,
            email=f"{name}@example.com",
            phone="+16015550142",
            contact_method="phone",
            procedures=procedures,
            slot_start=slot,
            consent=True,
            submission_token=uuid.uuid4(),
        )
        results.append(("held" if slot else "call me", consultation.pk))
    except services.SlotTakenError as error:
        results.append(("taken", error.message))
    except Exception as error:  # anything else is a failure of the rule
        results.append(("error", repr(error)))
    finally:
        connections.close_all()  # each thread had its own real connection


def test_only_one_of_many_simultaneous_requests_holds_a_time(procedures, clinic_hours):
    slot = availability.available_slots()[0]
    pages = [procedures["rhinoplasty"]]
    racers, bystanders = 12, 4
    barrier = threading.Barrier(racers + bystanders)
    results = []
    threads = [
        threading.Thread(target=submit, args=(results, barrier, pages, slot, f"racer{i}"))
        for i in range(racers)
    ] + [
        threading.Thread(target=submit, args=(results, barrier, pages, None, f"caller{i}"))
        for i in range(bystanders)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    outcomes = [outcome for outcome, _ in results]
    assert outcomes.count("error") == 0, results
    assert outcomes.count("held") == 1
    assert outcomes.count("taken") == racers - 1
    assert all("just taken" in detail for outcome, detail in results if outcome == "taken")
    assert outcomes.count("call me") == bystanders  # nobody else was lost
    assert ConsultationRequest.objects.filter(slot_start=slot).count() == 1
    assert ConsultationRequest.objects.count() == 1 + bystanders
