"""Several reminder commands at once (two cron hosts, or a run that overlaps the next): each
appointment time is reminded once per stage and each number texted once a day, because the
database says so, not because the runs took turns."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings.models import ConsultationRequest, ConsultationStatus, Reminder, TextReminder
from bookings.workflow.reminders import consultation_reminders_queue
from tests.clock import CLINIC_ZONE

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_queue(barrier, results):
    try:
        barrier.wait(timeout=30)
        results.append(consultation_reminders_queue())
    except Exception as error:  # anything else is a failure of the rule
        results.append(repr(error))
    finally:
        connections.close_all()


def test_simultaneous_runs_queue_each_reminder_once_and_one_text_a_day_per_number(
    make_request, walker
):
    today_3pm = dt.datetime(2026, 11, 18, 15, tzinfo=CLINIC_ZONE)
    friday_10 = dt.datetime(2026, 11, 20, 10, tzinfo=CLINIC_ZONE)
    starts = [today_3pm, friday_10] + [
        friday_10 + dt.timedelta(minutes=30 * n) for n in range(1, 7)
    ]
    # The first two share a number: this afternoon's text wins the day.
    phones = ["+16015550142", "+16015550142"] + [f"+1601555{2000 + n}" for n in range(6)]
    for start, phone in zip(starts, phones, strict=True):
        consultation = make_request(slot=None, phone=phone, text_reminders=True)
        ConsultationRequest.objects.filter(pk=consultation.pk).update(
            status=ConsultationStatus.SCHEDULED,
            provider=walker,
            slot_start=start,
            slot_end=start + dt.timedelta(minutes=30),
            slot_confirmed_at=timezone.now(),
        )
    runs = 6
    barrier = threading.Barrier(runs)
    results = []
    threads = [threading.Thread(target=run_queue, args=(barrier, results)) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == len(starts)  # every reminder queued, by one run or another
    assert Reminder.objects.count() == len(starts)
    assert TextReminder.objects.count() == len(starts) - 1
    assert not TextReminder.objects.filter(slot_start=friday_10).exists()
    reminder_emails = DBTaskResult.objects.filter(
        task_path="bookings.tasks.send_consultation_email",
        args_kwargs__kwargs__kind__startswith="reminder",
    )
    assert reminder_emails.count() == len(starts)
    texts = DBTaskResult.objects.filter(task_path="bookings.tasks.send_text_reminder")
    assert texts.count() == len(starts) - 1
