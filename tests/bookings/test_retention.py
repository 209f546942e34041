"""Retention reaches every request and leaves no personal data behind: long-passed open
requests are closed as expired, anonymising scrubs the task queue too, failed sends are
logged by reference and SMTP code only, and development mail files go after 30 days."""

import datetime as dt
import io
import logging
import os

import pytest
import time_machine
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.models import ModelLogEntry

from bookings import tasks
from bookings.models import ConsultationRequest, ConsultationStatus

from .conftest import drain_queue

pytestmark = pytest.mark.django_db
S = ConsultationStatus
CHICAGO = dt.timezone(dt.timedelta(hours=-6))
# A Tuesday morning in the clinic's winter time.
BOOKED_AT = dt.datetime(2026, 1, 6, 9, 0, tzinfo=CHICAGO)


def run():
    out = io.StringIO()
    call_command("anonymise_consultations", stdout=out)
    return out.getvalue()


@pytest.fixture
def booked(make_request):
    """Requests made on BOOKED_AT: one holding a time a week later, one "call me"."""
    with time_machine.travel(BOOKED_AT, tick=False):
        from bookings.schedule import availability

        slot = availability.available_slots()[0]
        return {
            "held": make_request(slot=slot, full_name="Held Time"),
            "call_me": make_request(full_name="Call Me"),
            "slot": slot,
        }


def test_open_requests_are_kept_while_their_time_is_recent(booked):
    with time_machine.travel(booked["slot"] + dt.timedelta(days=29), tick=False):
        run()
    statuses = set(ConsultationRequest.objects.values_list("status", flat=True))
    assert statuses == {S.NEW}


def test_long_passed_open_requests_are_closed_as_expired_and_logged(booked):
    later = booked["slot"] + dt.timedelta(days=31)
    with time_machine.travel(later, tick=False):
        output = run()
    assert "Closed 2 open request(s)" in output
    for key in ("held", "call_me"):
        consultation = ConsultationRequest.objects.get(pk=booked[key].pk)
        assert consultation.status == S.EXPIRED
        assert consultation.closed_at == later
        entry = ModelLogEntry.objects.get(object_id=str(consultation.pk), action="bookings.expired")
        assert entry.data == {"from": "new"}


def test_expired_requests_are_anonymised_once_retention_has_passed(booked, settings):
    settings.BOOKING_RETENTION_MONTHS = 24
    with time_machine.travel(booked["slot"] + dt.timedelta(days=31), tick=False):
        run()
    with time_machine.travel(booked["slot"] + dt.timedelta(days=31 + 25 * 31), tick=False):
        assert "Anonymised 2" in run()
    assert set(ConsultationRequest.objects.values_list("full_name", flat=True)) == {"Anonymised"}


def test_a_scheduled_visit_long_past_with_no_outcome_expires_too(booked, front_desk_user):
    from bookings.workflow import changes

    changes.consultation_request_confirm_time(
        consultation=booked["held"], start=booked["slot"], user=front_desk_user
    )
    with time_machine.travel(booked["slot"] + dt.timedelta(days=31), tick=False):
        run()
    assert ConsultationRequest.objects.get(pk=booked["held"].pk).status == S.EXPIRED


def test_anonymising_deletes_the_task_rows_that_name_the_request(make_request, settings):
    settings.BOOKING_RETENTION_MONTHS = 24
    with time_machine.travel(BOOKED_AT, tick=False):
        gone, kept = make_request(), make_request()
        for consultation in (gone, kept):
            tasks.send_consultation_email.enqueue(
                kind="acknowledgement", consultation_id=consultation.pk
            )
        from bookings.workflow import changes

        changes.consultation_request_cancel(consultation=gone)
    with time_machine.travel(BOOKED_AT + dt.timedelta(days=25 * 31), tick=False):
        run()
    remaining = [r.args_kwargs["kwargs"].get("consultation_id") for r in DBTaskResult.objects.all()]
    assert gone.pk not in remaining
    assert kept.pk in remaining


# The worker closes the connection after a failed task, as it should outside tests: on
# PostgreSQL only a test that really commits survives that.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_address_is_logged_by_reference_and_smtp_code_only(
    make_request, settings, caplog
):
    settings.MAILERS = {"default": {"BACKEND": "tests.bookings.mailers.RecipientRefusedBackend"}}
    consultation = make_request(email="avery.private@example.com")
    tasks.send_consultation_email.enqueue(
        kind="acknowledgement", consultation_id=consultation.pk, attempt=1
    )
    tasks.send_consultation_email.enqueue(
        kind="acknowledgement", consultation_id=consultation.pk, attempt=tasks.MAX_ATTEMPTS
    )
    with caplog.at_level(logging.WARNING, logger="bookings.tasks"):
        drain_queue()
    messages = [r.getMessage() for r in caplog.records if r.name == "bookings.tasks"]
    assert any(consultation.reference in m and "550" in m for m in messages), messages
    assert not any("avery.private" in m for m in messages), messages
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert "EmailNotSent" in failed.exception_class_path
    assert consultation.reference in failed.traceback
    assert "avery.private" not in failed.traceback


def test_development_mail_files_are_pruned_after_30_days(settings, tmp_path):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    old, recent = tmp_path / "old.log", tmp_path / "recent.log"
    for mail_file, age_days in ((old, 31), (recent, 29)):
        mail_file.write_text("Subject: hello")
        stamp = (BOOKED_AT - dt.timedelta(days=age_days)).timestamp()
        os.utime(mail_file, (stamp, stamp))
    with time_machine.travel(BOOKED_AT, tick=False):
        assert "Deleted 1 mail file(s)" in run()
    assert not old.exists()
    assert recent.exists()


def test_sent_mail_is_never_pruned_from_a_real_server(settings, tmp_path):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with time_machine.travel(BOOKED_AT, tick=False):
        assert "mail file" not in run()
