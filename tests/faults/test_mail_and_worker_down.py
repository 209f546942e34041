"""Mail down (a local SMTP server that refuses, then accepts) and the worker down: every
request is saved, and its emails go out once when the part is back."""

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from bookings import tasks
from bookings.models import ConsultationRequest
from bookings.schedule import availability
from procedures.models import ProcedurePage
from tests.bookings.conftest import drain_queue, form_data
from tests.faults.services import SmtpServer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
EMAIL_TASK = "bookings.tasks.send_consultation_email"
NEW_REQUEST_TASK = "bookings.tasks.send_new_request_emails"  # a new request's two emails


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "use_tls": False, "timeout": 2},
        }
    }
    settings.BOOKING_MIN_FILL_SECONDS = 0
    yield server
    server.stop()


@pytest.fixture
def book(demo):
    # The demo requests' emails.
    DBTaskResult.objects.filter(task_path__in=[EMAIL_TASK, NEW_REQUEST_TASK]).delete()
    pages = {"rhinoplasty": ProcedurePage.objects.live().first()}

    def book(email):
        # A free time asked afresh for each booking: a consultation and its buffer may cover
        # the next start time on the grid.
        slot = availability.available_slots(procedures=list(pages.values()))[0]
        response = Client().post("/consultation/", form_data(pages, slot=slot, email=email))
        return response.status_code, ConsultationRequest.objects.filter(email=email).count()

    return book


def waiting_emails():
    waiting = DBTaskResult.objects.filter(status="READY")
    new_requests = waiting.filter(task_path=NEW_REQUEST_TASK).count()
    return waiting.filter(task_path=EMAIL_TASK).count() + 2 * new_requests


def test_mail_down_then_back_delivers_every_email_once(smtp, book, clock, fault_report):
    assert book("avery@example.com") == (302, 1)  # saved while SMTP refuses
    drain_queue()
    assert smtp.messages == [] and waiting_emails() == 2  # retries scheduled

    smtp.start()
    clock.shift(tasks.retry_delay(1))
    drain_queue()
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == [
        "avery@example.com",
        "frontdesk@allureplastics.com",
    ]
    drain_queue()
    assert len(smtp.messages) == 2 and waiting_emails() == 0  # once each
    fault_report(
        fault="SMTP refuses, then accepts",
        patient="request saved, received page with its reference",
        staff="request on the dashboard at once; notice email late",
        lost="nothing (2 of 2 emails delivered once)",
        recovery=f"next retry: {tasks.retry_delay(1)} after the failure "
        f"(retries span {sum(tasks.RETRY_DELAYS_MINUTES) / 1440:.1f} days, then dashboard)",
    )


def test_worker_down_then_back_sends_every_email_once(smtp, book, fault_report):
    smtp.start()
    assert book("first@example.com") == (302, 1)
    assert book("second@example.com") == (302, 1)
    assert smtp.messages == [] and waiting_emails() == 4  # queued, nobody sends

    drain_queue()  # the worker (manage.py db_worker) starts again
    drain_queue()  # ...and again: nothing is sent twice
    assert len(smtp.messages) == 4 and waiting_emails() == 0
    fault_report(
        fault="task worker stopped",
        patient="request saved, received page with its reference",
        staff="requests on the dashboard at once; emails wait in the queue",
        lost="nothing (4 of 4 emails delivered once)",
        recovery="as soon as db_worker runs again",
    )
