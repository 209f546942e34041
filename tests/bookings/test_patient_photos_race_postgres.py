"""Four uploads of three photos each to one request at the same moment (a double tap, two
tabs, a script): the request's row lock makes them take turns at the count, so at most six
photos are kept and every other file is named as refused (issue 28)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from bookings.models import MAX_PATIENT_PHOTOS, PatientPhoto

from .test_patient_photos import consultation, png, send, video_type  # noqa: F401

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

UPLOADS, PHOTOS_EACH = 4, 3


def upload(results, barrier, request, n):
    try:
        files = [png(f"upload{n}-photo{k}.png") for k in range(PHOTOS_EACH)]
        barrier.wait(timeout=30)
        # Each thread its own client and its own database connection, as separate workers.
        response = send(Client(), request, *files)
        results.append((response.status_code, response.content.decode()))
    except Exception as error:  # anything else is a failure of the rule
        results.append(("error", repr(error)))
    finally:
        connections.close_all()


def test_four_parallel_uploads_of_three_photos_keep_at_most_six(consultation, settings):  # noqa: F811
    settings.BOOKING_RATE_LIMIT = (100, 3600)  # the same address four times: not the subject
    barrier = threading.Barrier(UPLOADS)
    results = []
    threads = [
        threading.Thread(target=upload, args=(results, barrier, consultation, n))
        for n in range(UPLOADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [r for r in results if r[0] == "error"] == []
    assert len(results) == UPLOADS
    assert PatientPhoto.objects.filter(consultation=consultation).count() == MAX_PATIENT_PHOTOS
    # Every file beyond the six was refused by name, with the reason.
    refused = sum(page.count("was not sent: you can send up to 6") for _, page in results)
    assert refused == UPLOADS * PHOTOS_EACH - MAX_PATIENT_PHOTOS
    assert sorted(status for status, _ in results).count(302) >= 1
