"""Arbitrary input thrown at the form: never a 500, never an invalid request saved."""

import time
import uuid

import phonenumbers
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.booking.forms import started_token
from bookings.models import ConsultationRequest
from bookings.schedule.slots import Slot

pytestmark = pytest.mark.django_db

junk = st.text(max_size=300)


@pytest.fixture
def fixed(procedures, free_slots, settings):
    settings.BOOKING_RATE_LIMIT = (10**9, 3600)
    return {"procedures": procedures, "slots": free_slots}


def is_uuid(value) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return True


def field(valid: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly plausible values (so some requests get through), else garbage or missing."""
    garbage = st.one_of(junk, st.none(), st.lists(junk, max_size=3))
    return st.integers(0, 9).flatmap(lambda n: valid if n < 8 else garbage)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_input_gives_a_clear_answer_and_only_valid_requests_are_saved(fixed, data):
    pages = fixed["procedures"]
    slots = fixed["slots"]
    payload = {
        "full_name": data.draw(field(st.sampled_from(["Avery Johnson", "Ö'Brien-Łukasz"]))),
        "email": data.draw(field(st.emails())),
        "phone": data.draw(field(st.sampled_from(["(601) 555-0142", "+44 20 7946 0958", "911"]))),
        "procedure": data.draw(
            field(st.sampled_from([p.slug for p in pages.values()] + ["-1", "x"]))
        ),
        "provider": data.draw(field(st.sampled_from(["any", "", "-1", "x"]))),
        "slot": data.draw(field(st.sampled_from([Slot(s).encode() for s in slots[:5]] + ["call"]))),
        "contact_method": data.draw(field(st.sampled_from(["phone", "text", "email"]))),
        "message": data.draw(field(st.text(max_size=1200))),
        "consent": data.draw(field(st.sampled_from(["on", "true"]))),
        "website": data.draw(st.one_of(st.just(""), junk)),
        "started": data.draw(
            field(st.just(started_token(time.time() - 60)) | st.just(started_token()))
        ),
        "submission_token": data.draw(field(st.uuids().map(str))),
        data.draw(st.text(min_size=1, max_size=20)): data.draw(junk),
    }
    payload = {key: value for key, value in payload.items() if value is not None}
    before = ConsultationRequest.objects.count()
    token = payload.get("submission_token")
    # A token sent again (a double click) redirects to the request it already made.
    sent_before = isinstance(token, str) and any(
        str(saved) == token
        for saved in ConsultationRequest.objects.values_list("submission_token", flat=True)
    )
    try:
        response = Client().post("/consultation/", payload)
    except ValueError as error:  # the test client refuses some payloads (e.g. NUL bytes)
        assert "null" in str(error).lower() or "\x00" in repr(payload)
        return
    assert response.status_code < 500
    if response.status_code == 302:
        reference = response["Location"].removeprefix("/consultation/received/").strip("/")
        stored = ConsultationRequest.objects.get(reference=reference)
        if is_uuid(token):  # a mangled token of our own hidden field is replaced instead
            assert stored.submission_token == uuid.UUID(token)
        assert ConsultationRequest.objects.count() == before + (0 if sent_before else 1)
    else:
        assert ConsultationRequest.objects.count() == before
    for saved in ConsultationRequest.objects.all():
        saved.full_clean(validate_constraints=False)
        assert phonenumbers.is_valid_number(phonenumbers.parse(saved.phone))
        assert saved.consent_given_at and saved.privacy_notice_version
        assert saved.procedures.filter(live=True).exists()
        assert saved.full_name.strip() and "@" in saved.email
        assert saved.slot_start is None or saved.slot_start in slots
        assert isinstance(saved.submission_token, uuid.UUID)
