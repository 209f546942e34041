"""Closed requests past the retention period lose their personal details; nothing else does."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookings.frontdesk.services import consultation_note_add
from bookings.models import ConsultationRequest, ConsultationStatus, ReminderStage, TextReminder
from bookings.retention import consultation_request_anonymise
from bookings.workflow import changes

pytestmark = pytest.mark.django_db
S = ConsultationStatus


@pytest.fixture
def requests_by_age(make_request, front_desk_user, settings):
    settings.BOOKING_RETENTION_MONTHS = 24
    long_ago = timezone.now() - dt.timedelta(days=800)
    recently = timezone.now() - dt.timedelta(days=300)

    def closed(closed_at, status=S.DECLINED, **kwargs):
        consultation = make_request(**kwargs)
        consultation_note_add(
            consultation=consultation, author=front_desk_user, text="Called twice."
        )
        changes.consultation_request_transition(consultation=consultation, to_status=status)
        ConsultationRequest.objects.filter(pk=consultation.pk).update(closed_at=closed_at)
        return consultation

    return {
        "old_closed": closed(long_ago, full_name="Old Closed", message="Call after 5"),
        "old_cancelled": closed(long_ago, status=S.CANCELLED, full_name="Old Cancelled"),
        "recent_closed": closed(recently, full_name="Recent Closed"),
        "old_open": make_request(full_name="Old But Open"),
    }


def run(*args):
    out = io.StringIO()
    call_command("anonymise_consultations", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_reports_and_changes_nothing(requests_by_age):
    before = list(ConsultationRequest.objects.order_by("pk").values())
    output = run("--dry-run")
    assert "2 closed request(s)" in output and "would be anonymised" in output
    assert list(ConsultationRequest.objects.order_by("pk").values()) == before


def test_closed_requests_past_retention_lose_personal_details(requests_by_age):
    output = run()
    assert "Anonymised 2" in output
    old = ConsultationRequest.objects.get(pk=requests_by_age["old_closed"].pk)
    assert old.full_name == "Anonymised"
    assert old.email == "anonymised@invalid"
    assert old.phone == "+10000000000"
    assert old.message == ""
    assert old.anonymised_at is not None
    assert not old.notes.exists()
    assert old.procedures.exists()  # statistics stay
    assert old.status == S.DECLINED


def test_recent_and_open_requests_are_kept(requests_by_age):
    run()
    for key in ("recent_closed", "old_open"):
        kept = ConsultationRequest.objects.get(pk=requests_by_age[key].pk)
        assert kept.anonymised_at is None
        assert kept.full_name == requests_by_age[key].full_name
    assert ConsultationRequest.objects.get(pk=requests_by_age["recent_closed"].pk).notes.exists()


def test_running_twice_changes_nothing_more(requests_by_age):
    run()
    assert "Anonymised 0" in run()


def test_an_open_request_cannot_be_anonymised(make_request):
    with pytest.raises(Exception, match="closed"):
        consultation_request_anonymise(consultation=make_request())


def test_anonymising_deletes_the_request_s_texts_which_hold_the_phone_number(requests_by_age):
    old = requests_by_age["old_closed"]
    TextReminder.objects.create(
        consultation=old,
        stage=ReminderStage.MORNING,
        slot_start=timezone.now() - dt.timedelta(days=790),
        phone=old.phone,
        day=(timezone.now() - dt.timedelta(days=790)).date(),
        queued_at=timezone.now() - dt.timedelta(days=790),
    )
    run()
    assert not TextReminder.objects.filter(consultation=old).exists()
