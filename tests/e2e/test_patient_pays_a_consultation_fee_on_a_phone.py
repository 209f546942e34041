"""Money at booking, in Chromium, against a local stand-in for Stripe (tests/stripe_fake.py):
a patient on a phone pays a consultation fee on the hosted page and the front desk sees it
paid; another keeps a card on file, and the front desk charges their no-show once; a third
abandons checkout and their time is released after the hold. Every new page is checked
with axe."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import expect

from bookings.models import (
    ConsultationRequest,
    ConsultationStatus,
    ConsultationType,
    Payment,
    PaymentState,
)
from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.test_front_desk_confirms_a_request import log_in

PASSWORD = "billing-e2e-pass"  # noqa: S105


@pytest.fixture
def paying_site(booking_site, stripe):
    """Skin consultations take a $100 fee, credited toward treatment; injectables keep a
    card on file ($75 for a no-show or a late change). Saved one by one, as an editor would:
    the booking pages' shared catalogue follows."""
    skin = ConsultationType.objects.get(category="skin")
    skin.payment_rule, skin.fee_dollars, skin.refundable_hours = "fee", 100, 48
    skin.save()
    injectables = ConsultationType.objects.get(category="injectables")
    injectables.payment_rule, injectables.fee_dollars = "card", 75
    injectables.save()
    return booking_site


@pytest.fixture
def billing_user(paying_site):
    user = User.objects.create_user("billing", "billing@example.com", PASSWORD)
    user.groups.add(Group.objects.get(name="Front desk"))
    user.user_permissions.add(Permission.objects.get(codename="handle_payments"))
    return user


def book_on_a_phone(page, site, procedure: str, name: str, email: str, phone: str) -> None:
    page.goto(f"{site}/consultation/?procedure={procedure}")
    expect(page.locator(".booking-payment-terms").first).to_be_visible()
    page.locator(".booking-time input[type=radio]").first.click()
    page.get_by_role("textbox", name="Your name").fill(name)
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Phone").fill(phone)
    page.get_by_role("checkbox", name=re.compile("I agree to be contacted")).check()
    # Sent without accepting the policy: said on the same page, nothing typed lost.
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("alert").first).to_contain_text("Cancellation policy")
    expect(page.get_by_role("textbox", name="Your name")).to_have_value(name)
    page.locator(".booking-time input[type=radio]:checked").first.check()
    page.get_by_role("checkbox", name=re.compile("accept the cancellation policy")).check()
    screenshot(page, f"payment-form-{procedure}-phone")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send my request").click()


def test_a_patient_pays_the_fee_and_the_front_desk_sees_it_paid(
    paying_site, stripe, phone, desktop, billing_user, run_worker
):
    page = phone
    page.goto(f"{paying_site}/procedures/skin-resurfacing/")
    expect(page.locator(".side-card__terms")).to_have_text(
        "$100 consultation fee, credited toward your treatment; refundable up to 48 hours before."
    )
    book_on_a_phone(
        page, paying_site, "skin-resurfacing", "Riley Amos", "riley@example.com", "601-555-0161"
    )
    # Stripe's hosted page (here, the stand-in's), then back to ours.
    expect(page.get_by_role("heading", name=re.compile("^Checkout cs_"))).to_be_visible()
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your consultation fee is paid"
    )
    screenshot(page, "payment-paid-phone")
    assert axe_violations(page) == []
    consultation = ConsultationRequest.objects.get(email="riley@example.com")
    assert consultation.payment.state == PaymentState.PAID
    outbox = run_worker()
    assert any("payment received" in m.subject for m in outbox if m.to == ["riley@example.com"])

    desk = desktop
    log_in(desk, paying_site, "billing", PASSWORD, second_step=True)
    desk.goto(f"{paying_site}/admin/consultations/")
    row = desk.locator("tr", has_text=consultation.reference)
    expect(row).to_contain_text("Paid $100")
    row.get_by_role("link", name=consultation.reference).click()
    expect(desk.get_by_role("heading", name="Payment: Paid $100")).to_be_visible()
    expect(desk.locator("section[aria-labelledby=payment-heading]")).to_contain_text(
        "$100 toward treatment"
    )
    screenshot(desk, "payment-request-page-desktop")


def test_a_card_on_file_and_a_no_show_charged_once(
    paying_site, stripe, phone, desktop, billing_user, run_worker
):
    page = phone
    book_on_a_phone(
        page, paying_site, "dermal-fillers", "Casey Lund", "casey@example.com", "601-555-0162"
    )
    page.get_by_role("button", name="Save card").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your card is saved")
    assert axe_violations(page) == []
    consultation = ConsultationRequest.objects.get(email="casey@example.com")
    payment = consultation.payment
    assert payment.state == PaymentState.CARD_SAVED
    outbox = run_worker()
    [saved] = [m for m in outbox if "your card is saved" in m.subject]
    manage_link = re.search(rf"{re.escape(paying_site)}/consultation/manage/\S+/", saved.body)
    page.goto(manage_link.group(0))
    expect(page.get_by_role("heading", name="Payment")).to_be_visible()
    expect(page.get_by_text("Your card is kept on file with Stripe.")).to_be_visible()
    assert axe_violations(page) == []

    # The patient did not come.
    consultation.status = ConsultationStatus.NO_SHOW
    consultation.save()
    desk = desktop
    log_in(desk, paying_site, "billing", PASSWORD, second_step=True)
    desk.goto(f"{paying_site}/admin/consultations/{consultation.pk}/")
    desk.get_by_role("link", name="Charge the $75 no-show fee…").click()
    confirm_url = desk.url
    desk.get_by_label("Why (for the record)").fill("Did not come, no call")
    desk.get_by_role("button", name="Yes, charge $75").click()
    expect(desk.get_by_text("Charged $75 to the card on file")).to_be_visible()
    expect(desk.get_by_role("heading", name="Payment: Card on file, $75 charged")).to_be_visible()
    # The confirmation page, opened again from history and sent again: no second charge.
    desk.go_back()
    desk.go_back()
    desk.goto(confirm_url)
    desk.get_by_label("Why (for the record)").fill("Did not come, no call")
    desk.get_by_role("button", name="Yes, charge $75").click()
    expect(desk.get_by_role("alert")).to_contain_text("already been charged")
    assert len(stripe.intents) == 1
    payment.refresh_from_db()
    assert payment.no_show_charged_cents == 7_500


def test_an_abandoned_checkout_is_released_after_the_hold(
    paying_site, stripe, phone, run_worker, clock
):
    page = phone
    book_on_a_phone(
        page, paying_site, "skin-resurfacing", "Sam Orr", "sam@example.com", "601-555-0163"
    )
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("status")).to_have_text(
        "The payment was not completed. Nothing has been charged."
    )
    expect(page.get_by_role("button", name="Pay $100 now")).to_be_visible()
    screenshot(page, "payment-not-completed-phone")
    assert axe_violations(page) == []
    payment = Payment.objects.get(consultation__email="sam@example.com")
    clock.move_to(payment.hold_until)
    run_worker()
    payment.refresh_from_db()
    assert payment.state == PaymentState.RELEASED
    assert payment.consultation.status == ConsultationStatus.CANCELLED
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("This time is no longer held")
    assert axe_violations(page) == []
