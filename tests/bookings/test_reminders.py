"""Reminders two days before and on the morning, by email and by text: when they are queued
(clinic hours, daylight-saving days), once per appointment time and stage, one text a day
per phone number, moved and cancelled appointments, STOP, retries and giving up.

The command and the worker run for real, with real commits; texts go to the file backend
(files in a temporary directory) or to the Twilio backend talking to a local stub."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from allure.base.operations import sms
from bookings import tasks
from bookings.models import (
    ConsultationRequest,
    ConsultationStatus,
    Reminder,
    ReminderStage,
    TextReminder,
    TextStatus,
)
from bookings.workflow import changes
from tests.clock import CLINIC_ZONE
from tests.staff import sign_in_with_second_factor

from .conftest import drain_queue

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# PINNED_NOW is Wednesday 18 November 2026, 10:00 clinic time.
WED = dt.date(2026, 11, 18)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CLINIC_ZONE)


FRIDAY_10 = at(WED + dt.timedelta(days=2), 10)


@pytest.fixture
def sms_files(settings, tmp_path):
    settings.SMS_BACKEND = "allure.base.operations.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"

    def read() -> list[str]:
        folder = tmp_path / "sms"
        return [f.read_text() for f in sorted(folder.iterdir())] if folder.exists() else []

    return read


@pytest.fixture
def schedule(make_request, front_desk_user):
    """A patient's request, confirmed by the front desk at `start` (the real services)."""

    def make(start, *, texts=True, **overrides):
        consultation = make_request(slot=None, text_reminders=texts, **overrides)
        return changes.consultation_request_confirm_time(
            consultation=consultation, start=start, user=front_desk_user
        )

    return make


@pytest.fixture
def scheduled_at(make_request, walker):
    """A scheduled request at any instant, outside clinic hours too (weekends, DST nights),
    written straight to the table: the reminder rules do not depend on opening hours."""

    def make(start, *, texts=True, **overrides):
        consultation = make_request(slot=None, text_reminders=texts, **overrides)
        ConsultationRequest.objects.filter(pk=consultation.pk).update(
            status=ConsultationStatus.SCHEDULED,
            provider=walker,
            slot_start=start,
            slot_end=start + dt.timedelta(minutes=30),
            slot_confirmed_at=timezone.now(),
        )
        consultation.refresh_from_db()
        return consultation

    return make


def remind():
    call_command("send_consultation_reminders", verbosity=0)


def reminder_emails(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith("Reminder")]


def test_two_days_before_and_on_the_morning_by_email_and_by_text(
    schedule, sms_files, mailoutbox, clock
):
    consultation = schedule(FRIDAY_10, email="avery@example.com", phone="+16015550142")
    drain_queue()
    mailoutbox.clear()

    remind()  # Wednesday 10:00: two days before
    remind()
    drain_queue()
    [email] = reminder_emails(mailoutbox)
    assert email.to == ["avery@example.com"]
    assert "in two days" in email.subject and "in two days" in email.body
    assert "Fri 20 Nov, 10:00 AM" in email.body
    [text] = sms_files()
    assert "To: +16015550142" in text
    assert "on Fri 20 Nov, 10:00 AM" in text and consultation.reference in text
    assert "Reply STOP to stop texts." in text
    assert "Rhinoplasty" not in text and "Walker" not in text  # a locked screen shows it

    clock.move_to(at(WED + dt.timedelta(days=1), 10))  # Thursday: nothing is due
    remind()
    clock.move_to(at(FRIDAY_10.date(), 7, 59))  # Friday before 08:00: too early
    remind()
    drain_queue()
    assert len(reminder_emails(mailoutbox)) == 1 and len(sms_files()) == 1

    clock.move_to(at(FRIDAY_10.date(), 8))
    remind()
    drain_queue()
    emails = reminder_emails(mailoutbox)
    assert len(emails) == 2
    assert "today" in emails[1].subject and "today" in emails[1].body
    texts = sms_files()
    assert len(texts) == 2 and "today at 10:00 AM" in texts[1]
    assert set(Reminder.objects.values_list("stage", flat=True)) == set(ReminderStage.values)
    assert set(TextReminder.objects.values_list("status", flat=True)) == {TextStatus.SENT}


def test_a_patient_who_did_not_agree_to_texts_gets_the_emails_only(schedule, sms_files, mailoutbox):
    schedule(FRIDAY_10, texts=False)
    remind()
    drain_queue()
    assert len(reminder_emails(mailoutbox)) == 1
    assert sms_files() == []
    assert not TextReminder.objects.exists()


@pytest.mark.parametrize(
    ("instant", "due"),
    [
        (at(WED, 7, 59), False),
        (at(WED, 8), True),
        (at(WED, 19, 59), True),
        (at(WED, 20), False),
        (at(WED, 23, 45), False),
        (at(WED + dt.timedelta(days=1), 0, 15), False),
    ],
    ids=["07:59", "08:00", "19:59", "20:00", "23:45", "00:15"],
)
def test_reminders_are_queued_only_between_8_and_20_clinic_time(
    scheduled_at, sms_files, mailoutbox, clock, instant, due
):
    scheduled_at(at(WED + dt.timedelta(days=2), 21))  # Friday evening: two days later
    clock.move_to(instant)
    remind()
    drain_queue()
    assert len(reminder_emails(mailoutbox)) == (1 if due else 0)
    assert len(sms_files()) == (1 if due else 0)


@pytest.mark.parametrize(
    "appointment",
    [
        # The day the clocks go back (25 hours long) is "two days before" this Tuesday.
        at(dt.date(2026, 11, 3), 9),
        # The day they go forward (23 hours long).
        at(dt.date(2027, 3, 16), 9),
    ],
    ids=["dst-ends", "dst-starts"],
)
def test_the_local_hours_and_days_hold_on_daylight_saving_change_days(
    scheduled_at, sms_files, mailoutbox, clock, appointment
):
    scheduled_at(appointment)
    change_day = appointment.date() - dt.timedelta(days=2)
    for instant, expected in (
        (at(change_day, 7, 59), 0),
        (at(change_day, 8), 1),  # 08:00 on the clinic's clock, whatever the UTC offset
        (at(change_day + dt.timedelta(days=1), 19, 59), 1),
        (at(appointment.date(), 7, 59), 1),
        (at(appointment.date(), 8), 2),
    ):
        clock.move_to(instant)
        remind()
        drain_queue()
        assert len(reminder_emails(mailoutbox)) == expected, instant
    assert len(sms_files()) == 2


def test_the_morning_reminder_is_not_queued_once_the_appointment_has_begun(
    scheduled_at, sms_files, mailoutbox, clock
):
    scheduled_at(at(WED, 9, 30))  # the command first runs at 10:00, after it began
    remind()
    drain_queue()
    assert reminder_emails(mailoutbox) == [] and sms_files() == []


def test_one_text_a_day_per_phone_number_the_nearer_appointment_wins(
    scheduled_at, sms_files, mailoutbox
):
    phone = "+16015550142"
    today = scheduled_at(at(WED, 15), phone=phone, email="a@example.com")
    scheduled_at(FRIDAY_10, phone=phone, email="b@example.com")
    remind()
    drain_queue()
    # Both emails go; only one text, for this afternoon's appointment.
    assert sorted(m.to[0] for m in reminder_emails(mailoutbox)) == [
        "a@example.com",
        "b@example.com",
    ]
    [text] = sms_files()
    assert "today at 3:00 PM" in text and today.reference in text


def test_the_database_refuses_a_second_text_to_a_number_on_one_day(scheduled_at):
    first = scheduled_at(FRIDAY_10, phone="+16015550142")
    second = scheduled_at(FRIDAY_10 + dt.timedelta(hours=4), phone="+16015550142")
    fields = {"stage": ReminderStage.TWO_DAYS, "phone": "+16015550142", "day": WED}
    now = timezone.now()
    TextReminder.objects.create(
        consultation=first, slot_start=first.slot_start, queued_at=now, **fields
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TextReminder.objects.create(
            consultation=second, slot_start=second.slot_start, queued_at=now, **fields
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            consultation=first,
            stage=ReminderStage.TWO_DAYS,
            slot_start=first.slot_start,
            queued_at=now,
        )
        Reminder.objects.create(
            consultation=first,
            stage=ReminderStage.TWO_DAYS,
            slot_start=first.slot_start,
            queued_at=now,
        )


def test_a_moved_appointment_gets_fresh_reminders_for_its_new_time_only(
    schedule, sms_files, mailoutbox, front_desk_user
):
    consultation = schedule(FRIDAY_10)
    drain_queue()
    mailoutbox.clear()
    remind()  # queued for 10:00, not yet sent...
    changes.consultation_request_confirm_time(
        consultation=consultation, start=FRIDAY_10 + dt.timedelta(hours=4), user=front_desk_user
    )
    remind()  # ...and queued afresh for 14:00
    drain_queue()
    [email] = reminder_emails(mailoutbox)
    assert "2:00 PM" in email.body
    [text] = sms_files()
    assert "2:00 PM" in text
    assert sorted(TextReminder.objects.values_list("status", flat=True)) == [
        TextStatus.SENT,
        TextStatus.SKIPPED,
    ]


def test_a_cancelled_appointment_gets_no_reminder_queued_or_already_queued(
    schedule, sms_files, mailoutbox, front_desk_user
):
    queued_then_cancelled = schedule(FRIDAY_10)
    cancelled_first = schedule(FRIDAY_10 + dt.timedelta(hours=4))
    changes.consultation_request_cancel(consultation=cancelled_first, user=front_desk_user)
    remind()
    changes.consultation_request_cancel(consultation=queued_then_cancelled, user=front_desk_user)
    drain_queue()
    assert reminder_emails(mailoutbox) == [] and sms_files() == []
    assert not Reminder.objects.filter(consultation=cancelled_first).exists()


def test_a_text_the_worker_reaches_after_a_change_is_dropped_there(scheduled_at, sms_files):
    """The services drop queued texts when a time changes; the worker checks again, for a
    change made some other way (here, straight in the table) or in the same instant."""
    consultation = scheduled_at(FRIDAY_10)
    remind()
    ConsultationRequest.objects.filter(pk=consultation.pk).update(status=ConsultationStatus.NO_SHOW)
    drain_queue()
    assert sms_files() == []
    assert TextReminder.objects.get().outcome == "appointment changed"


def test_a_text_is_sent_only_on_its_own_day_within_the_hours(scheduled_at, sms_files, clock):
    scheduled_at(FRIDAY_10)
    clock.move_to(at(WED, 19, 59))
    remind()
    clock.move_to(at(WED, 20, 30))  # the worker was busy or down until after 20:00
    drain_queue()
    assert sms_files() == []
    text = TextReminder.objects.get()
    assert (text.status, text.outcome) == (TextStatus.SKIPPED, "outside reminder hours")


def stop_request(client, settings, *, body="STOP", phone="+16015550142", signature=None, **more):
    params = {"From": phone, "To": "+16015550100", "Body": body, "MessageSid": "SM1", **more}
    if signature is None:
        signature = sms.twilio_signature(
            settings.SITE_URL + "/sms/inbound/",
            {k: [v] for k, v in params.items()},
            settings.TWILIO_AUTH_TOKEN,
        )
    return client.post("/sms/inbound/", params, headers={"X-Twilio-Signature": signature})


def test_stop_ends_texts_at_once_for_every_request_of_that_number(
    scheduled_at, sms_files, mailoutbox, client, settings, clock
):
    settings.TWILIO_AUTH_TOKEN = "webhook-test-token"  # noqa: S105
    phone = "+16015550142"
    today = scheduled_at(at(WED, 15), phone=phone)
    friday = scheduled_at(FRIDAY_10, phone=phone)
    other = scheduled_at(FRIDAY_10 + dt.timedelta(hours=4), phone="+16015550199")
    remind()  # today's text is queued for 555-0142, and the other patient's
    response = stop_request(client, settings, body="  stop ")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert "no-store" in response["Cache-Control"]
    drain_queue()
    for consultation in (today, friday):
        consultation.refresh_from_db()
        assert consultation.text_reminders_stopped_at == timezone.now()
    texts = sms_files()
    assert len(texts) == 1 and other.reference in texts[0]  # the other patient's only
    assert len(reminder_emails(mailoutbox)) == 3  # emails are not texts: they still go
    clock.move_to(at(FRIDAY_10.date(), 8))
    remind()
    drain_queue()
    texts = sms_files()  # nor on the morning: the other patient's texts only
    assert len(texts) == 2 and all("To: +16015550199" in text for text in texts)
    assert len(reminder_emails(mailoutbox)) == 5  # both Friday appointments, by email


@pytest.mark.parametrize("word", ["STOPALL", "unsubscribe", "Cancel", "end", "QUIT\n"])
def test_every_stop_word_stops(scheduled_at, client, settings, word):
    settings.TWILIO_AUTH_TOKEN = "webhook-test-token"  # noqa: S105
    consultation = scheduled_at(FRIDAY_10, phone="+16015550142")
    assert stop_request(client, settings, body=word).status_code == 200
    consultation.refresh_from_db()
    assert consultation.text_reminders_stopped_at is not None


@pytest.mark.parametrize(
    "signature", ["", "bm90IHRoZSBzaWduYXR1cmU=", "\u00e9\u00e9", "x" * 5000], ids=repr
)
def test_a_wrong_or_missing_signature_is_refused_and_stops_nothing(
    scheduled_at, client, settings, signature
):
    settings.TWILIO_AUTH_TOKEN = "webhook-test-token"  # noqa: S105
    consultation = scheduled_at(FRIDAY_10, phone="+16015550142")
    assert stop_request(client, settings, signature=signature).status_code == 403
    params = {"From": "+16015550142", "Body": "STOP"}
    assert client.post("/sms/inbound/", params).status_code == 403  # no header at all
    consultation.refresh_from_db()
    assert consultation.text_reminders_stopped_at is None


def test_a_signature_made_with_another_token_is_refused(scheduled_at, client, settings):
    settings.TWILIO_AUTH_TOKEN = "someone-elses-token"  # noqa: S105
    consultation = scheduled_at(FRIDAY_10, phone="+16015550142")
    signature = sms.twilio_signature(
        settings.SITE_URL + "/sms/inbound/",
        {"From": ["+16015550142"], "To": ["+16015550100"], "Body": ["STOP"], "MessageSid": ["SM1"]},
        "webhook-test-token",
    )
    settings.TWILIO_AUTH_TOKEN = "the-real-token"  # noqa: S105
    assert stop_request(client, settings, signature=signature).status_code == 403
    consultation.refresh_from_db()
    assert consultation.text_reminders_stopped_at is None


def test_without_an_auth_token_every_webhook_request_is_refused(scheduled_at, client, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    consultation = scheduled_at(FRIDAY_10, phone="+16015550142")
    assert stop_request(client, settings).status_code == 403
    consultation.refresh_from_db()
    assert consultation.text_reminders_stopped_at is None


@pytest.mark.parametrize(
    "params",
    [
        {"Body": "START"},
        {"Body": "Please call me"},
        {"Body": "STOP", "From": "not a number"},
        {"Body": "STOP", "From": ""},
        {"Body": "STOP", "From": "+44 20 7946 0958"},  # a number we have never texted
        {"Body": "\x00\ud7ff" * 3000},
        {},
    ],
    ids=["start", "chatter", "bad-from", "empty-from", "unknown-from", "junk", "nothing"],
)
def test_odd_webhook_input_is_answered_calmly_and_stops_nobody(
    scheduled_at, client, settings, params
):
    settings.TWILIO_AUTH_TOKEN = "webhook-test-token"  # noqa: S105
    consultation = scheduled_at(FRIDAY_10, phone="+16015550142")
    signature = sms.twilio_signature(
        settings.SITE_URL + "/sms/inbound/",
        {k: [v] for k, v in params.items()},
        settings.TWILIO_AUTH_TOKEN,
    )
    response = client.post("/sms/inbound/", params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    consultation.refresh_from_db()
    assert consultation.text_reminders_stopped_at is None


def test_the_webhook_takes_posts_only_and_is_never_cached(client):
    response = client.get("/sms/inbound/")
    assert response.status_code == 405
    assert "no-store" in response["Cache-Control"]


def test_twilio_down_then_busy_then_up_the_text_is_retried_until_sent(scheduled_at, twilio, clock):
    scheduled_at(FRIDAY_10, phone="+16015550142")
    twilio.answers = [500, 429]
    remind()
    drain_queue()
    clock.shift(tasks.TEXT_RETRY_DELAYS_MINUTES[0] * 60)
    drain_queue()
    clock.shift(tasks.TEXT_RETRY_DELAYS_MINUTES[1] * 60)
    drain_queue()
    assert len(twilio.sent) == 3
    assert {s["To"][0] for s in twilio.sent} == {"+16015550142"}
    text = TextReminder.objects.get()
    assert (text.status, text.attempts) == (TextStatus.SENT, 3)
    assert text.provider_message_id == "SM" + "3".zfill(32)


def test_a_text_given_up_on_is_shown_to_the_front_desk(
    scheduled_at, twilio, clock, client, front_desk_user
):
    consultation = scheduled_at(FRIDAY_10, phone="+16015550142")
    twilio.answers = [503] * tasks.TEXT_MAX_ATTEMPTS
    remind()
    drain_queue()
    for attempt in range(1, tasks.TEXT_MAX_ATTEMPTS):
        clock.shift(tasks.TEXT_RETRY_DELAYS_MINUTES[attempt - 1] * 60)
        drain_queue()
    assert len(twilio.sent) == tasks.TEXT_MAX_ATTEMPTS
    text = TextReminder.objects.get()
    assert (text.status, text.outcome) == (TextStatus.FAILED, "HTTP 503 / 21211")
    sign_in_with_second_factor(client, front_desk_user)
    panel = client.get("/admin/").content.decode()
    assert "Reminder texts that could not be sent (1)" in panel
    assert consultation.reference in panel and "HTTP 503 / 21211" in panel
    assert "555" not in text.outcome


def test_a_refused_text_is_not_retried(scheduled_at, twilio, clock):
    scheduled_at(FRIDAY_10, phone="+16015550142")
    twilio.answers = [400]
    remind()
    drain_queue()
    clock.shift(3 * 3600)
    drain_queue()
    assert len(twilio.sent) == 1
    assert TextReminder.objects.get().status == TextStatus.FAILED


def test_a_retry_that_would_fall_after_20_gives_up_instead(scheduled_at, twilio, clock):
    scheduled_at(FRIDAY_10, phone="+16015550142")
    clock.move_to(at(WED, 19, 59))
    twilio.answers = [500]
    remind()
    drain_queue()
    clock.shift(3600)
    drain_queue()
    assert len(twilio.sent) == 1
    assert TextReminder.objects.get().status == TextStatus.FAILED


def test_a_text_queued_twice_for_the_worker_is_sent_once(scheduled_at, sms_files):
    """Two workers, or a task row run again: the text row is claimed before sending."""
    scheduled_at(FRIDAY_10)
    remind()
    tasks.send_text_reminder.enqueue(text_id=TextReminder.objects.get().pk)
    drain_queue()
    assert len(sms_files()) == 1


def test_a_reminder_email_held_up_past_its_day_is_not_sent(
    scheduled_at, sms_files, mailoutbox, settings, clock
):
    """Mail down all Wednesday: on Thursday "in two days" would be wrong, so it is dropped
    (Friday morning's reminder still comes)."""
    settings.MAILERS = {"default": {"BACKEND": "tests.bookings.mailers.MailServerDownBackend"}}
    scheduled_at(FRIDAY_10)
    remind()
    drain_queue()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    clock.move_to(at(WED + dt.timedelta(days=1), 10))
    drain_queue()  # the retries queued on Wednesday, now due
    assert reminder_emails(mailoutbox) == []
    clock.move_to(at(FRIDAY_10.date(), 8))
    remind()
    drain_queue()
    [email] = reminder_emails(mailoutbox)
    assert "today" in email.subject
