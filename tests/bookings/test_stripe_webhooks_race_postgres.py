"""Stripe delivers the same webhook event ten times at once, and ten workers handle ten
events about one payment at once: the payment moves once, one email is queued, one line is
logged (issue 29)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from wagtail.models import ModelLogEntry

from bookings.models import ConsultationType, Payment, PaymentState, StripeEvent
from bookings.tasks import process_stripe_event
from tests.stripe_fake import signature

from .conftest import form_data

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RACERS = 10


def race(target, *args_per_thread):
    barrier = threading.Barrier(len(args_per_thread))
    results = []

    def run(*args):
        try:
            barrier.wait(timeout=30)
            results.append(target(*args))
        except Exception as error:  # any error is a failure of the rule
            results.append(("error", repr(error)))
        finally:
            connections.close_all()  # each thread had its own real connection

    threads = [threading.Thread(target=run, args=args) for args in args_per_thread]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def awaiting_payment(client, stripe, procedures, free_slots):
    ConsultationType.objects.create(
        category="face", name="Surgical", minutes=30, payment_rule="fee", fee_dollars=100
    )
    data = form_data(procedures, slot=free_slots[0], accept_change_policy="on")
    client.post(reverse("bookings:request"), data)
    payment = Payment.objects.get()
    stripe.complete(payment.checkout_session_id)
    return payment


def test_ten_deliveries_of_one_event_at_once_are_kept_once(stripe, awaiting_payment):
    body = stripe.event(
        "checkout.session.completed", awaiting_payment.checkout_session_id, event_id="evt_race"
    )

    def deliver():
        response = Client().post(
            reverse("bookings:stripe_webhook"),
            body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature(body),
        )
        return response.status_code

    assert race(deliver, *[()] * RACERS) == [200] * RACERS
    assert StripeEvent.objects.count() == 1
    queued = DBTaskResult.objects.filter(task_path="bookings.tasks.process_stripe_event")
    assert queued.count() == 1


def test_ten_workers_handling_events_of_one_payment_move_it_once(stripe, awaiting_payment):
    events = [
        StripeEvent.objects.create(
            event_id=f"evt_{n}",
            type="checkout.session.completed",
            object_id=awaiting_payment.checkout_session_id,
        )
        for n in range(RACERS)
    ]
    outcomes = race(lambda pk: process_stripe_event.call(event_id=pk), *[(e.pk,) for e in events])
    assert sorted(outcomes) == sorted(["paid"] + ["no change"] * (RACERS - 1)), outcomes
    awaiting_payment.refresh_from_db()
    assert awaiting_payment.state == PaymentState.PAID
    assert ModelLogEntry.objects.filter(action="bookings.payment_paid").count() == 1
    emails = DBTaskResult.objects.filter(
        task_path="bookings.tasks.send_consultation_email",
        args_kwargs__kwargs__kind="payment_received",
    )
    assert emails.count() == 1
