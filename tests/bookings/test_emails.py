"""Emails leave from the task worker: contents, calendar file, reminders and retries."""

import contextlib
import datetime as dt

import icalendar
import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings import tasks
from bookings.messages import links
from bookings.models import ConsultationRequest, ConsultationStatus
from bookings.workflow import changes
from tests.staff import sign_in_with_second_factor

from .conftest import drain_queue

# Real commits: the worker runs as it does in production, after the request's transaction
# committed (it also closes connections between tasks, which a test transaction can't survive).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
S = ConsultationStatus
MAIL_DOWN = {"default": {"BACKEND": "tests.bookings.mailers.MailServerDownBackend"}}
MAIL_UP = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def email_tasks(**filters):
    # Wagtail queues its own background work (search index) in the same table.
    return DBTaskResult.objects.filter(
        task_path="bookings.tasks.send_consultation_email", **filters
    )


@pytest.fixture
def on_commit():
    """Marks where the enqueueing happens: on commit, which these tests really do."""
    return contextlib.nullcontext


@pytest.fixture
def booked(make_request, free_slots, on_commit):
    with on_commit():
        return make_request(
            slot=free_slots[0],
            full_name="Avery Johnson",
            email="avery@example.com",
            message="I had surgery in 2019",
        )


def by_recipient(mailoutbox, address):
    return [m for m in mailoutbox if address in m.to]


def test_nothing_is_sent_inside_the_request_only_queued(booked, mailoutbox):
    assert mailoutbox == []
    # Both of a new request's emails in one task: one row written while the patient waits.
    [queued] = DBTaskResult.objects.filter(status="READY", task_path__startswith="bookings.")
    assert queued.task_path == "bookings.tasks.send_new_request_emails"
    assert queued.args_kwargs["kwargs"] == {"consultation_id": booked.pk}


def test_a_new_requests_emails_are_each_sent_once(booked, mailoutbox, settings):
    drain_queue()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        ["avery@example.com", settings.FRONT_DESK_EMAIL]
    )
    [done] = DBTaskResult.objects.filter(task_path="bookings.tasks.send_new_request_emails")
    assert (done.status, done.return_value) == ("SUCCESSFUL", ["sent", "sent"])


def test_the_worker_sends_the_acknowledgement_with_the_manage_link(booked, mailoutbox):
    drain_queue()
    [ack] = by_recipient(mailoutbox, "avery@example.com")
    assert booked.reference in ack.subject
    assert "Dear Avery" in ack.body
    signed = f"{booked.pk}.{booked.reference}.{booked.manage_link_version}:"
    assert f"http://testserver/consultation/manage/{signed}" in ack.body
    token = ack.body.split("/consultation/manage/")[1].split("/")[0]
    assert links.consultation_from_token(token) == booked
    html, mimetype = ack.alternatives[0]
    assert mimetype == "text/html"
    assert "Allure Plastics" in html and "Change or cancel my request" in html
    assert email_tasks().exclude(status="SUCCESSFUL").count() == 0


def test_the_front_desk_notice_links_to_the_admin_and_carries_no_health_details(
    booked, mailoutbox, settings
):
    drain_queue()
    [notice] = by_recipient(mailoutbox, settings.FRONT_DESK_EMAIL)
    assert f"http://testserver/admin/consultations/{booked.pk}/" in notice.body
    everything = notice.subject + notice.body + notice.alternatives[0][0]
    for private in ("Avery", "avery@example.com", "surgery", "Rhinoplasty", "+1601"):
        assert private not in everything


def test_confirming_a_time_sends_a_calendar_file(booked, free_slots, front_desk_user, mailoutbox):
    drain_queue()
    mailoutbox.clear()
    changes.consultation_request_confirm_time(
        consultation=booked, start=free_slots[1], user=front_desk_user
    )
    drain_queue()
    [confirmation] = mailoutbox
    assert "confirmed" in confirmation.subject
    name, content, mimetype = confirmation.attachments[0]
    assert (name, mimetype) == ("consultation.ics", "text/calendar")
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == free_slots[1]
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=30)
    assert booked.reference in str(event.get("uid"))
    assert (
        str(event.get("summary")) == f"Consultation with {booked.provider.name} at Allure Plastics"
    )


def test_confirming_enqueues_the_confirmation_on_commit(
    booked, free_slots, front_desk_user, on_commit, mailoutbox
):
    drain_queue()
    mailoutbox.clear()
    with on_commit():
        changes.consultation_request_confirm_time(
            consultation=booked, start=free_slots[1], user=front_desk_user
        )
    drain_queue()
    assert [m.attachments[0][0] for m in mailoutbox] == ["consultation.ics"]


def test_cancelling_sends_a_notice_to_the_patient_and_the_front_desk(
    booked, on_commit, mailoutbox, settings
):
    drain_queue()
    mailoutbox.clear()
    with on_commit():
        changes.consultation_request_cancel(consultation=booked)
    drain_queue()
    assert "is cancelled" in by_recipient(mailoutbox, "avery@example.com")[0].subject
    assert by_recipient(mailoutbox, settings.FRONT_DESK_EMAIL)


def test_when_mail_is_down_the_request_is_kept_and_the_email_retried_later(
    make_request, free_slots, on_commit, mailoutbox, settings
):
    settings.MAILERS = MAIL_DOWN
    with on_commit():
        consultation = make_request(slot=free_slots[0], email="avery@example.com")
    drain_queue()
    assert ConsultationRequest.objects.filter(pk=consultation.pk).exists()
    retries = email_tasks(status="READY")
    assert retries.count() == 2
    assert all(r.args_kwargs["kwargs"]["attempt"] == 2 for r in retries)
    assert all(r.run_after > timezone.now() for r in retries)
    assert mailoutbox == []

    settings.MAILERS = MAIL_UP
    drain_queue()  # not due yet
    assert mailoutbox == []
    retries.update(run_after=timezone.now())  # ...a minute later
    drain_queue()
    assert len(mailoutbox) == 2
    assert not email_tasks(status="READY").exists()


def test_retries_stop_after_the_last_attempt(make_request, settings, mailoutbox):
    consultation = make_request()
    drain_queue()
    settings.MAILERS = MAIL_DOWN
    last = tasks.send_consultation_email.enqueue(
        kind="acknowledgement", consultation_id=consultation.pk, attempt=tasks.MAX_ATTEMPTS
    )
    drain_queue()
    assert DBTaskResult.objects.get(id=last.id).status == "FAILED"
    assert not email_tasks(status="READY").exists()


def test_retry_delays_grow():
    delays = [tasks.retry_delay(attempt) for attempt in range(1, tasks.MAX_ATTEMPTS)]
    assert delays == sorted(delays)
    assert delays[0] == dt.timedelta(minutes=1)


# The reminders' schedule and texts: tests/bookings/test_reminders.py.


def test_a_reminder_for_a_cancelled_appointment_is_not_sent(
    make_request, free_slots, front_desk_user, mailoutbox
):
    consultation = make_request(slot=None)
    changes.consultation_request_confirm_time(
        consultation=consultation, start=free_slots[0], user=front_desk_user
    )
    changes.consultation_request_cancel(consultation=consultation, user=front_desk_user)
    drain_queue()
    mailoutbox.clear()
    tasks.send_consultation_email.enqueue(
        kind="reminder",
        consultation_id=consultation.pk,
        slot_start=consultation.slot_start.isoformat(),
    )
    drain_queue()
    assert mailoutbox == []


def test_retries_span_at_least_three_days():
    total = sum(
        (tasks.retry_delay(attempt) for attempt in range(1, tasks.MAX_ATTEMPTS)), dt.timedelta()
    )
    assert total >= dt.timedelta(days=3)


def test_after_days_of_mail_trouble_the_front_desk_sees_the_emails_and_resends_them(
    make_request, free_slots, on_commit, mailoutbox, settings, clock, client, front_desk_user
):
    settings.MAILERS = MAIL_DOWN
    with on_commit():
        consultation = make_request(slot=free_slots[0], email="avery@example.com")
    drain_queue()
    for attempt in range(2, tasks.MAX_ATTEMPTS + 1):  # the worker tries again as each falls due
        clock.shift(tasks.retry_delay(attempt - 1))
        drain_queue()
    assert not email_tasks(status="READY").exists()
    assert mailoutbox == []
    assert ConsultationRequest.objects.filter(pk=consultation.pk).exists()

    sign_in_with_second_factor(client, front_desk_user)
    panel = client.get("/admin/").content.decode()
    assert "Emails that could not be sent (2)" in panel
    assert "Acknowledgement email" in panel and "Front desk notice email" in panel
    assert "csrfmiddlewaretoken" in panel

    settings.MAILERS = MAIL_UP
    for undelivered in consultation.undelivered_emails.all():
        resend = f"/admin/consultations/emails/{undelivered.pk}/resend/"
        assert client.post(resend).status_code == 302
        client.post(resend)  # a second click sends nothing more
    drain_queue()
    assert sorted(m.to[0] for m in mailoutbox) == ["avery@example.com", settings.FRONT_DESK_EMAIL]
    assert "could not be sent" not in client.get("/admin/").content.decode()


def test_a_reminder_whose_appointment_has_passed_is_never_sent(
    make_request, free_slots, front_desk_user, mailoutbox, clock
):
    consultation = make_request(slot=None)
    changes.consultation_request_confirm_time(
        consultation=consultation, start=free_slots[0], user=front_desk_user
    )
    drain_queue()
    mailoutbox.clear()
    tasks.send_consultation_email.enqueue(
        kind="reminder",
        consultation_id=consultation.pk,
        slot_start=consultation.slot_start.isoformat(),
    )
    clock.move_to(free_slots[0] + dt.timedelta(minutes=1))  # mail was down until after it
    drain_queue()
    assert mailoutbox == []
