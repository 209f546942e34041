"""A consultation fee or a card on file through Stripe's hosted Checkout (issue 29), against
a local stand-in for Stripe's API (tests/stripe_fake.py): what the patient is told, the held
time, what Stripe reports (return page, webhooks, the worker), the front desk's refunds and
no-show charges, and what never goes to Stripe."""

import datetime as dt
from urllib.parse import parse_qs

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from bookings.models import (
    BookingRules,
    ConsultationRequest,
    ConsultationStatus,
    ConsultationType,
    Payment,
    PaymentState,
    StripeEvent,
)
from bookings.payments import charges
from bookings.payments import services as payments
from tests.bookings.conftest import drain_queue, form_data
from tests.clock import PINNED_NOW
from tests.staff import sign_in_with_second_factor
from tests.stripe_fake import signature

pytestmark = pytest.mark.django_db
# Real commits, for the tests where the worker runs as in production, after the request's
# transaction committed (slower: the tables are emptied and refilled after each).
with_worker = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def fee_type(procedures):
    """Rhinoplasty's group takes a $100 fee, credited, refundable up to 48 hours before."""
    return ConsultationType.objects.create(
        category="face",
        name="Surgical consultation",
        minutes=30,
        payment_rule="fee",
        fee_dollars=100,
        fee_credited=True,
        refundable_hours=48,
    )


@pytest.fixture
def card_type(procedures):
    """Botox's group keeps a card on file; $75 for a no-show or a late change."""
    return ConsultationType.objects.create(
        category="injectables", name="Injectables consultation", minutes=20,
        payment_rule="card", fee_dollars=75,
    )  # fmt: skip


@pytest.fixture
def payments_staff(django_user_model):
    from django.contrib.auth.models import Group, Permission

    user = django_user_model.objects.create_user(username="billing", password="pw")
    user.groups.add(Group.objects.get(name="Front desk"))
    user.user_permissions.add(Permission.objects.get(codename="handle_payments"))
    return user


def book(client, procedures, slot, **overrides):
    data = form_data(procedures, slot=slot, accept_change_policy="on", **overrides)
    return client.post(reverse("bookings:request"), data, REMOTE_ADDR="203.0.113.9")


def webhook(client, stripe, event_type, object_id, *, event_id=None, sign=True):
    body = stripe.event(event_type, object_id, event_id=event_id)
    headers = {"HTTP_STRIPE_SIGNATURE": signature(body)} if sign else {}
    return client.post(
        reverse("bookings:stripe_webhook"), body, content_type="application/json", **headers
    )


# --- What the patient is told before they start -----------------------------------------------


def test_the_booking_page_states_the_fee_before_the_patient_starts(
    client, stripe, fee_type, procedures, clinic_hours
):
    page = client.get(reverse("bookings:request"), {"procedure": "rhinoplasty"})
    text = page.content.decode()
    assert (
        "$100 consultation fee, credited toward your treatment; refundable up to 48 hours "
        "before." in text
    )
    assert "I have read and accept the cancellation policy above" in text
    assert BookingRules.load().change_policy.split(".")[0] in text
    # A treatment whose consultation asks nothing shows neither.
    free = client.get(reverse("bookings:request"), {"procedure": "botox"}).content.decode()
    assert "consultation fee" not in free and "accept_change_policy" not in free


def test_without_stripe_keys_a_fee_is_payable_at_the_clinic(
    client, fee_type, procedures, free_slots
):
    page = client.get(reverse("bookings:request"), {"procedure": "rhinoplasty"})
    assert "$100 consultation fee, payable at the clinic, credited toward your treatment." in (
        page.content.decode()
    )
    response = book(client, procedures, free_slots[0])
    consultation = ConsultationRequest.objects.get()
    assert response.url == reverse("bookings:received", args=[consultation.reference])
    assert not Payment.objects.exists()  # nothing taken online, the request as today


def test_the_policy_must_be_accepted_and_nothing_typed_is_lost(
    client, stripe, fee_type, procedures, free_slots
):
    data = form_data(procedures, slot=free_slots[0])
    response = client.post(reverse("bookings:request"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "please read the cancellation policy" in form.errors["accept_change_policy"][0]
    assert form["full_name"].value() == "Avery Johnson"
    assert form["message"].value() == "Afternoons are best."
    assert not ConsultationRequest.objects.exists()
    assert not stripe.requests


# --- A fee, end to end --------------------------------------------------------------------------


def test_a_fee_goes_to_checkout_holds_the_time_and_keeps_the_evidence(
    client, stripe, fee_type, procedures, free_slots
):
    response = book(client, procedures, free_slots[0])
    [session] = stripe.sessions.values()
    assert response.status_code == 302
    assert response.url == session["url"]
    consultation = ConsultationRequest.objects.get()
    payment = consultation.payment
    assert payment.state == PaymentState.AWAITING
    assert payment.amount_cents == 10_000 and payment.credited
    assert payment.hold_until == PINNED_NOW + dt.timedelta(minutes=20)
    assert payment.refundable_until == free_slots[0] - dt.timedelta(hours=48)
    assert consultation.is_open  # the time is held while unpaid
    # Evidence for a disputed charge: which policy, when, from where.
    assert consultation.change_policy_version == BookingRules.load().change_policy_version
    assert consultation.change_policy_accepted_at == PINNED_NOW
    assert consultation.change_policy_accepted_from == "203.0.113.9"
    assert session["mode"] == "payment" and session["amount_total"] == 10_000
    assert session["client_reference_id"] == consultation.reference


def test_what_goes_to_stripe_is_the_reference_amount_and_the_receipt_email_only(
    client, stripe, fee_type, card_type, procedures, free_slots
):
    book(client, procedures, free_slots[0], message="My scar from 2019 worries me")
    book(
        client,
        procedures,
        free_slots[1],
        procedure="botox",
        full_name="Jordan Pryce",
        email="jordan@example.com",
        phone="(601) 555-0199",
    )
    sent = stripe.bodies()
    assert stripe.requests
    for private in ("Rhinoplasty", "rhinoplasty", "Botox", "botox", "scar", "Avery", "Jordan"):
        assert private not in sent, private
    assert "Surgical" not in sent and "Injectables" not in sent
    fields = {}
    for request in stripe.requests:
        for key, values in parse_qs(request.body).items():
            fields.setdefault(key, set()).update(values)
    # Every field that goes, by name: the reference, the amount, the receipt email, the
    # return addresses and Checkout's own settings.
    assert set(fields) == {
        "client_reference_id", "metadata[reference]", "expires_at", "success_url",
        "cancel_url", "mode", "customer_email", "line_items[0][quantity]",
        "line_items[0][price_data][currency]", "line_items[0][price_data][unit_amount]",
        "line_items[0][price_data][product_data][name]",
        "payment_intent_data[metadata][reference]", "currency", "customer",
        "setup_intent_data[metadata][reference]", "email", "payment_method_types[0]",
    }  # fmt: skip
    references = set(ConsultationRequest.objects.values_list("reference", flat=True))
    assert fields["metadata[reference]"] == references
    assert fields["line_items[0][price_data][product_data][name]"] == {"Consultation fee"}
    emails = {v for values in fields.values() for v in values if "@" in v}
    assert emails == {"avery@example.com", "jordan@example.com"}  # for Stripe's receipt


@with_worker
def test_back_from_checkout_the_page_asks_stripe_and_shows_it_paid(
    client, stripe, fee_type, procedures, free_slots
):
    book(client, procedures, free_slots[0])
    payment = Payment.objects.get()
    [session_id] = stripe.sessions
    stripe.complete(session_id)
    page = client.get(
        reverse("bookings:payment", args=[payments.payment_token(payment)]),
        {"session_id": session_id},
    )
    assert page.status_code == 200
    assert "your consultation fee is paid" in page.content.decode()
    assert page["Cache-Control"] == "no-store, private"
    assert page["Referrer-Policy"] == "no-referrer"
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert payment.payment_intent_id == stripe.sessions[session_id]["payment_intent"]
    drain_queue()
    [receipt] = [m for m in mail.outbox if "payment received" in m.subject]
    assert "we received your consultation fee of $100" in receipt.body
    assert "credited toward your treatment" in receipt.body
    assert BookingRules.load().change_policy.split(".")[0] in receipt.body
    # The page names nobody: its address went to Stripe.
    assert "Avery" not in page.content.decode() and "Rhinoplasty" not in page.content.decode()


def test_a_session_of_another_booking_does_not_pay_this_one(
    client, stripe, fee_type, procedures, free_slots
):
    book(client, procedures, free_slots[0])
    book(client, procedures, free_slots[1], email="other@example.com", phone="(601) 555-0177")
    first, second = Payment.objects.order_by("pk")
    stripe.complete(second.checkout_session_id)
    client.get(
        reverse("bookings:payment", args=[payments.payment_token(first)]),
        {"session_id": second.checkout_session_id},
    )
    first.refresh_from_db()
    assert first.state == PaymentState.AWAITING


# --- Webhooks -----------------------------------------------------------------------------------


@with_worker
def test_a_webhook_pays_once_however_often_it_comes(
    client, stripe, fee_type, procedures, free_slots
):
    book(client, procedures, free_slots[0])
    payment = Payment.objects.get()
    stripe.complete(payment.checkout_session_id)
    for _ in range(3):
        response = webhook(
            client, stripe, "checkout.session.completed", payment.checkout_session_id,
            event_id="evt_once",
        )  # fmt: skip
        assert response.status_code == 200
    assert StripeEvent.objects.count() == 1
    drain_queue()
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert StripeEvent.objects.get().outcome == "paid"
    # A second event (another id) for the same session changes nothing more.
    webhook(client, stripe, "checkout.session.completed", payment.checkout_session_id)
    drain_queue()
    paid_logs = ModelLogEntry.objects.filter(action="bookings.payment_paid")
    assert paid_logs.count() == 1
    assert len([m for m in mail.outbox if "payment received" in m.subject]) == 1


def test_a_forged_webhook_is_refused_and_changes_nothing(
    client, stripe, fee_type, procedures, free_slots
):
    book(client, procedures, free_slots[0])
    payment = Payment.objects.get()
    stripe.complete(payment.checkout_session_id)
    body = stripe.event("checkout.session.completed", payment.checkout_session_id)
    forged = signature(body, secret="whsec_someone_else")
    for headers in ({"HTTP_STRIPE_SIGNATURE": forged}, {}):
        response = client.post(
            reverse("bookings:stripe_webhook"), body, content_type="application/json", **headers
        )
        assert response.status_code == 400
    assert not StripeEvent.objects.exists()  # so nothing is queued for the worker either
    payment.refresh_from_db()
    assert payment.state == PaymentState.AWAITING


@with_worker
def test_a_webhook_for_an_unknown_session_is_answered_and_ignored(
    client, stripe, fee_type, procedures, free_slots
):
    book(client, procedures, free_slots[0])
    other = stripe.sessions  # a session Stripe has that is no booking of ours
    stripe.sessions["cs_elsewhere"] = {
        **next(iter(other.values())), "id": "cs_elsewhere", "client_reference_id": "ZZZZZZZZ"
    }  # fmt: skip
    stripe.complete("cs_elsewhere")
    assert webhook(client, stripe, "checkout.session.completed", "cs_elsewhere").status_code == 200
    assert webhook(client, stripe, "checkout.session.completed", "cs_nowhere").status_code == 200
    drain_queue()
    assert Payment.objects.get().state == PaymentState.AWAITING
    outcomes = dict(StripeEvent.objects.values_list("object_id", "outcome"))
    assert outcomes["cs_elsewhere"] == "unknown"
    # Stripe does not know the second session at all: handled, nothing to retry.
    assert outcomes["cs_nowhere"] == "unknown"
    assert not StripeEvent.objects.filter(processed_at=None).exists()


# --- The hold -----------------------------------------------------------------------------------


@with_worker
def test_an_abandoned_checkout_releases_the_time_after_the_hold(
    client, stripe, fee_type, procedures, free_slots, clock
):
    slot = free_slots[-1]  # still bookable after the hold (24 hours' notice)
    book(client, procedures, slot)
    payment = Payment.objects.get()
    drain_queue()  # not yet: the release waits for the end of the hold
    payment.refresh_from_db()
    assert payment.state == PaymentState.AWAITING
    clock.move_to(payment.hold_until + dt.timedelta(seconds=1))
    drain_queue()
    payment.refresh_from_db()
    assert payment.state == PaymentState.RELEASED
    assert payment.consultation.status == ConsultationStatus.CANCELLED
    assert stripe.sessions[payment.checkout_session_id]["status"] == "expired"
    [released] = [m for m in mail.outbox if "released" in m.subject]
    assert "Nothing was charged" in released.body
    # The time is free again: someone else can book it.
    response = book(client, procedures, slot, email="next@example.com", phone="(601) 555-0111")
    assert response.status_code == 302, response.context["form"].errors


@with_worker
def test_paid_at_the_last_moment_is_kept_not_released(
    client, stripe, fee_type, procedures, free_slots, clock
):
    book(client, procedures, free_slots[0])
    payment = Payment.objects.get()
    stripe.complete(payment.checkout_session_id)  # no webhook has arrived yet
    clock.move_to(payment.hold_until + dt.timedelta(seconds=1))
    drain_queue()
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert payment.consultation.is_open


def test_stripe_unreachable_when_the_patient_submits_keeps_the_request(
    client, stripe, fee_type, procedures, free_slots
):
    stripe.stop()
    response = book(client, procedures, free_slots[0])
    payment = Payment.objects.get()
    assert payment.state == PaymentState.AWAITING
    assert response.status_code == 302
    assert "/consultation/payment/" in response.url and response.url.endswith("?problem=1")
    page = client.get(response.url)
    text = page.content.decode()
    assert "We could not reach our card processor just now" in text
    assert payment.consultation.reference in text
    assert "held until" in text
    # Stripe is back: "Pay now" on the same page goes on to Checkout.
    stripe.start()
    again = client.post(response.url.split("?")[0])
    assert again.status_code == 302
    assert again.url == stripe.sessions[Payment.objects.get().checkout_session_id]["url"]


def test_the_manage_link_offers_pay_now_until_paid(
    client, stripe, fee_type, procedures, free_slots
):
    from bookings.messages.links import manage_token

    book(client, procedures, free_slots[0])
    payment = Payment.objects.get()
    token = manage_token(payment.consultation)
    page = client.get(reverse("bookings:manage", args=[token])).content.decode()
    assert "Pay $100 now" in page
    response = client.post(reverse("bookings:pay", args=[token]))
    assert response.url == stripe.sessions[payment.checkout_session_id]["url"]
    assert len(stripe.sessions) == 1  # the open session, not a second one
    stripe.complete(payment.checkout_session_id)
    payments.payment_sync(payment)
    page = client.get(reverse("bookings:manage", args=[token])).content.decode()
    assert "Pay $100 now" not in page
    assert "Consultation fee: $100 paid" in page


# --- Refunds ------------------------------------------------------------------------------------


def paid_fee(client, stripe, procedures, slot):
    book(client, procedures, slot)
    payment = Payment.objects.get()
    stripe.complete(payment.checkout_session_id)
    payments.payment_sync(payment)
    return payment


@with_worker
def test_a_cancellation_before_the_refund_deadline_refunds_the_fee(
    client, stripe, fee_type, procedures, free_slots
):
    from bookings.messages.links import manage_token

    later = next(s for s in free_slots if s - PINNED_NOW > dt.timedelta(hours=72))
    payment = paid_fee(client, stripe, procedures, later)
    client.post(reverse("bookings:cancel", args=[manage_token(payment.consultation)]))
    drain_queue()
    payment.refresh_from_db()
    assert payment.refunded_cents == 10_000
    assert [r["amount"] for r in stripe.refunds] == [10_000]
    [entry] = payment.entries.all()
    assert entry.by is None and "before the refund deadline" in entry.reason
    assert any("refunded" in m.subject for m in mail.outbox)


@with_worker
def test_a_cancellation_after_the_refund_deadline_keeps_the_fee(
    client, stripe, fee_type, procedures, free_slots
):
    from bookings.messages.links import manage_token

    soon = next(s for s in free_slots if s - PINNED_NOW < dt.timedelta(hours=48))
    payment = paid_fee(client, stripe, procedures, soon)
    BookingRules.objects.update(late_change_hours=0)  # the window is not what is tested here
    client.post(reverse("bookings:cancel", args=[manage_token(payment.consultation)]))
    drain_queue()
    payment.refresh_from_db()
    assert payment.consultation.status == ConsultationStatus.CANCELLED
    assert payment.refunded_cents == 0 and not stripe.refunds


def test_the_front_desk_refunds_part_of_a_fee_with_a_reason(
    client, stripe, fee_type, procedures, free_slots, payments_staff
):
    payment = paid_fee(client, stripe, procedures, free_slots[0])
    staff = sign_in_with_second_factor(client, payments_staff)
    url = reverse("bookings_admin:payment_refund", args=[payment.consultation_id])
    form = staff.get(url)
    version = form.context["form"]["version"].value()
    too_much = staff.post(url, {"amount": "150", "reason": "Goodwill", "version": version})
    assert too_much.status_code == 400
    assert "up to $100" in too_much.content.decode()
    no_reason = staff.post(url, {"amount": "40", "reason": "", "version": version})
    assert no_reason.status_code == 400
    done = staff.post(url, {"amount": "40", "reason": "Goodwill", "version": version})
    assert done.status_code == 302
    # The same confirmation sent twice (a double click) refunds once.
    again = staff.post(url, {"amount": "40", "reason": "Goodwill", "version": version})
    assert again.status_code == 409
    payment.refresh_from_db()
    assert payment.refunded_cents == 4_000 and len(stripe.refunds) == 1
    assert payment.credit_cents == 6_000
    log = ModelLogEntry.objects.get(action="bookings.payment_refunded")
    assert log.user == payments_staff and log.data == {"cents": 4_000, "reason": "Goodwill"}
    detail = staff.get(reverse("bookings_admin:detail", args=[payment.consultation_id]))
    text = detail.content.decode()
    assert "Paid $100, $40 refunded" in text
    assert "$100 less $40 refunded toward treatment" in text


def test_only_staff_who_handle_payments_may_refund(
    client, stripe, fee_type, procedures, free_slots, front_desk_user
):
    payment = paid_fee(client, stripe, procedures, free_slots[0])
    desk = sign_in_with_second_factor(client, front_desk_user)
    url = reverse("bookings_admin:payment_refund", args=[payment.consultation_id])
    assert desk.get(url).status_code == 403
    assert desk.post(url, {"amount": "100", "reason": "x", "version": "paid.0.0"}).status_code == (
        403
    )
    assert not stripe.refunds
    # The request's page shows the payment to the front desk, without the actions.
    detail = desk.get(reverse("bookings_admin:detail", args=[payment.consultation_id]))
    assert "Payment: Paid $100" in detail.content.decode()
    assert "Refund…" not in detail.content.decode()


# --- A card on file and a no-show ---------------------------------------------------------------


@with_worker
def test_a_card_on_file_then_a_no_show_charged_once(
    client, stripe, card_type, procedures, free_slots, payments_staff
):
    response = book(client, procedures, free_slots[0], procedure="botox")
    payment = Payment.objects.get()
    session = stripe.sessions[payment.checkout_session_id]
    assert response.url == session["url"]
    assert session["mode"] == "setup" and session["customer"].startswith("cus_")
    stripe.complete(payment.checkout_session_id)
    webhook(client, stripe, "checkout.session.completed", payment.checkout_session_id)
    drain_queue()
    payment.refresh_from_db()
    assert payment.state == PaymentState.CARD_SAVED
    assert payment.payment_method_id == session["setup_intent"]["payment_method"]

    staff = sign_in_with_second_factor(client, payments_staff)
    url = reverse("bookings_admin:payment_no_show", args=[payment.consultation_id])
    version = staff.get(url).context["form"]["version"].value()
    early = staff.post(url, {"reason": "Did not come", "version": version})
    assert early.status_code == 409
    assert "Mark the request as a no-show" in early.content.decode()
    consultation = payment.consultation
    consultation.status = ConsultationStatus.NO_SHOW
    consultation.save()
    version = staff.get(url).context["form"]["version"].value()
    done = staff.post(url, {"reason": "Did not come", "version": version})
    assert done.status_code == 302
    twice = staff.post(url, {"reason": "Did not come", "version": version})
    assert twice.status_code == 409
    assert len(stripe.intents) == 1
    [intent] = stripe.intents
    assert intent["amount"] == 7_500 and intent["payment_method"] == payment.payment_method_id
    payment.refresh_from_db()
    assert payment.no_show_charged_cents == 7_500
    assert payment.summary == "Card on file, $75 charged"
    log = ModelLogEntry.objects.get(action="bookings.payment_no_show_charged")
    assert log.user == payments_staff


def test_a_declined_no_show_charge_says_so_and_charges_nothing(
    client, stripe, card_type, procedures, free_slots, payments_staff
):
    book(client, procedures, free_slots[0], procedure="botox")
    payment = Payment.objects.get()
    stripe.complete(payment.checkout_session_id)
    payments.payment_sync(payment)
    ConsultationRequest.objects.update(status=ConsultationStatus.NO_SHOW)
    stripe.decline_charges = True
    staff = sign_in_with_second_factor(client, payments_staff)
    url = reverse("bookings_admin:payment_no_show", args=[payment.consultation_id])
    response = staff.post(
        url, {"reason": "Did not come", "version": charges.payment_version(payment)}
    )
    assert response.status_code == 409
    assert "The card was declined" in response.content.decode()
    payment.refresh_from_db()
    assert payment.no_show_charged_cents == 0 and not payment.entries.exists()


# --- The front desk's views and the admin ---------------------------------------------------------


def test_the_inbox_and_calendar_show_the_payment_state(
    client, stripe, fee_type, procedures, free_slots, front_desk_user
):
    paid_fee(client, stripe, procedures, free_slots[0])
    desk = sign_in_with_second_factor(client, front_desk_user)
    assert "Paid $100" in desk.get(reverse("bookings_admin:index")).content.decode()
    day = free_slots[0].date().isoformat()
    calendar = desk.get(reverse("bookings_admin:calendar_day"), {"date": day})
    assert "Paid $100" in calendar.content.decode()


def test_production_refuses_a_payment_rule_without_stripe_keys(settings, procedures):
    settings.PAYMENTS_NEED_STRIPE = True
    consultation_type = ConsultationType(
        category="face", name="Surgical", minutes=30, payment_rule="fee", fee_dollars=100
    )
    with pytest.raises(ValidationError) as refused:
        consultation_type.full_clean()
    assert "Payments are off" in refused.value.message_dict["payment_rule"][0]
    consultation_type.payment_rule = "none"
    consultation_type.full_clean()  # nothing asked: fine without keys


def test_check_deploy_reports_missing_keys_when_a_rule_is_in_use(fee_type):
    with pytest.raises(SystemCheckError, match="bookings.E001"):
        call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR")


def test_check_deploy_is_quiet_with_keys_or_without_rules(stripe, fee_type, settings):
    call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR")
    settings.STRIPE_SECRET_KEY = ""
    ConsultationType.objects.update(payment_rule="none")
    call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR")


def test_a_booking_asks_nothing_of_payments_when_no_payment_rule_applies(
    client, stripe, procedures, free_slots
):
    """With Stripe on but the treatment's consultation free, the POST reads and writes no
    payment and calls no Stripe. (Its query count is tests/bookings/test_request_counts.py's.)"""
    book(client, procedures, free_slots[1], email="warm@example.com", phone="(601) 555-0100")
    with CaptureQueriesContext(connection) as counted:
        response = book(client, procedures, free_slots[0])
    assert response.status_code == 302 and "/received/" in response.url
    assert not any("bookings_payment" in q["sql"] for q in counted.captured_queries)
    assert not stripe.requests


def test_the_slot_held_while_unpaid_is_taken_for_others(
    client, stripe, fee_type, procedures, free_slots
):
    book(client, procedures, free_slots[0])
    other = book(client, procedures, free_slots[0], email="b@example.com", phone="(601) 555-0123")
    assert other.status_code == 409
    assert ConsultationRequest.objects.count() == 1


# --- Odd and hostile input --------------------------------------------------------------------


@pytest.mark.parametrize(
    "token", ["nonsense", "1:abc:def", "9" * 500, "%00", "1:1xTi4m:QPpqrxGHgJIlk0ULzhle0sWWnwmN3"]
)
def test_a_bad_payment_link_says_so_and_is_never_a_500(client, token):
    response = client.get(f"/consultation/payment/{token}/")
    assert response.status_code in (404, 410)
    if response.status_code == 410:
        assert response["Cache-Control"] == "no-store, private"


def test_a_mangled_return_address_changes_nothing(client, stripe, fee_type, procedures, free_slots):
    book(client, procedures, free_slots[0])
    payment = Payment.objects.get()
    url = reverse("bookings:payment", args=[payments.payment_token(payment)])
    for session_id in ("cs_unknown", "<script>", "x" * 5000, "\x00"):
        response = client.get(url, {"session_id": session_id})
        assert response.status_code == 200
        assert "<script>" not in response.content.decode()
    payment.refresh_from_db()
    assert payment.state == PaymentState.AWAITING


@pytest.mark.parametrize(
    "body", [b"not json", b"{}", b'{"id": "evt_1"}', b'{"id": "evt_1", "type": "x"}', b"[]"]
)
def test_a_signed_but_odd_webhook_body_is_a_400_or_ignored(client, stripe, body):
    response = client.post(
        reverse("bookings:stripe_webhook"),
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature(body),
    )
    assert response.status_code in (200, 400)
    assert not StripeEvent.objects.exists()


def test_the_webhook_answers_400_while_payments_are_off(client):
    body = b'{"id": "evt_1", "type": "checkout.session.completed"}'
    response = client.post(
        reverse("bookings:stripe_webhook"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize("amount", ["abc", "-5", "0", "1e9", "12.345", "NaN", ""])
def test_a_refund_of_an_odd_amount_is_refused_on_the_page(
    client, stripe, fee_type, procedures, free_slots, payments_staff, amount
):
    payment = paid_fee(client, stripe, procedures, free_slots[0])
    staff = sign_in_with_second_factor(client, payments_staff)
    url = reverse("bookings_admin:payment_refund", args=[payment.consultation_id])
    response = staff.post(
        url, {"amount": amount, "reason": "Test", "version": charges.payment_version(payment)}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["amount"]
    assert not stripe.refunds


def test_pay_now_on_a_closed_request_does_nothing(client, stripe, fee_type, procedures, free_slots):
    from bookings.messages.links import manage_token

    book(client, procedures, free_slots[0])
    payment = Payment.objects.get()
    ConsultationRequest.objects.update(status=ConsultationStatus.DECLINED)
    payment.refresh_from_db()
    Payment.objects.update(state=PaymentState.RELEASED)
    sessions = len(stripe.sessions)
    response = client.post(reverse("bookings:pay", args=[manage_token(payment.consultation)]))
    assert response.status_code == 302
    assert "/consultation/manage/" in response.url
    assert len(stripe.sessions) == sessions


def test_the_refund_deadline_moves_with_the_consultation(
    client, stripe, fee_type, procedures, free_slots, front_desk_user
):
    from bookings.workflow import changes

    payment = paid_fee(client, stripe, procedures, free_slots[0])
    later = free_slots[-1]
    changes.consultation_request_confirm_time(
        consultation=payment.consultation, start=later, user=front_desk_user
    )
    payment.refresh_from_db()
    assert payment.refundable_until == later - dt.timedelta(hours=48)


def test_the_admin_says_whether_payments_are_on(admin_client, fee_type, settings):
    url = reverse("wagtailsnippets_bookings_consultationtype:edit", args=[fee_type.pk])
    page = admin_client.get(url).content.decode()
    assert "Payments are off (no Stripe keys on this site)" in page
    assert "Fee or card at booking" in page
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    assert "Payments are on" in admin_client.get(url).content.decode()


def test_a_session_complete_but_not_yet_paid_is_neither_paid_nor_released(
    client, stripe, fee_type, procedures, free_slots
):
    book(client, procedures, free_slots[0])
    payment = Payment.objects.get()
    stripe.sessions[payment.checkout_session_id] |= {
        "status": "complete",
        "payment_status": "unpaid",
    }
    assert payments.payment_sync(payment) == ""
    assert payments.payment_hold_release(payment) == ""
    payment.refresh_from_db()
    assert payment.state == PaymentState.AWAITING
    assert payment.consultation.is_open


def test_a_request_closed_by_the_front_desk_is_not_paid_for(
    client, stripe, fee_type, procedures, free_slots
):
    book(client, procedures, free_slots[0])
    payment = Payment.objects.get()
    ConsultationRequest.objects.update(status=ConsultationStatus.DECLINED)
    payment.refresh_from_db()
    sessions = len(stripe.sessions)
    url = reverse("bookings:payment", args=[payments.payment_token(payment)])
    response = client.post(url)
    assert response.status_code == 200
    assert "Pay $100 now" not in response.content.decode()
    assert len(stripe.sessions) == sessions
