"""Background work: every email and text leaves from here, run by `manage.py db_worker`.
Queued tasks are stored by their dotted path (`bookings.tasks.<name>`), so the tasks stay
defined here; what they send is built in bookings/messages/, a freed time's offers in
bookings/schedule/offers.py.

The database task backend has no retries of its own, so a send that fails because mail is
down re-enqueues itself with a growing delay, up to MAX_ATTEMPTS, then is recorded as an
UndeliveredEmail that the front desk sees on its dashboard and can resend. The request
itself was saved long before: mail trouble never loses a request.
"""

import datetime as dt
import logging
import smtplib

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from allure.base.clinic import clinic_time
from allure.base.operations import sms
from bookings.messages import emails, texts
from bookings.models import (
    ConsultationRequest,
    ConsultationStatus,
    Payment,
    TextReminder,
    TextStatus,
    UndeliveredEmail,
    WaitlistEntry,
    WaitlistOffer,
)
from bookings.payments import charges
from bookings.payments import services as payments
from bookings.schedule import offers

logger = logging.getLogger(__name__)

# Minutes to wait before attempt 2, 3, ...: quickly at first, then daily; about 3.9 days in
# all, so mail down over a long weekend still delivers everything by itself.
RETRY_DELAYS_MINUTES = [1, 5, 30, 120, 360, 720, 1440, 1440, 1440]
MAX_ATTEMPTS = len(RETRY_DELAYS_MINUTES) + 1


class EmailNotSent(Exception):
    """The last attempt failed. Stored in the task's row, so it names the request by its
    reference and the SMTP code only: an SMTP error's text often quotes the address."""


def smtp_code(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return ",".join(sorted({str(code) for code, _ in error.recipients.values()}))
    if isinstance(error, smtplib.SMTPResponseException):
        return str(error.smtp_code)
    return type(error).__name__  # no SMTP answer: the connection failed


def retry_delay(attempt: int) -> dt.timedelta:
    return dt.timedelta(minutes=RETRY_DELAYS_MINUTES[min(attempt, len(RETRY_DELAYS_MINUTES)) - 1])


@task()
def send_consultation_email(
    *, kind: str, consultation_id: int, attempt: int = 1, slot_start: str | None = None
) -> str:
    consultation = ConsultationRequest.objects.filter(pk=consultation_id).first()
    if consultation is None or consultation.anonymised_at:
        return "skipped: request gone"
    if kind in emails.REMINDER_KINDS and (
        consultation.status != ConsultationStatus.SCHEDULED
        or consultation.slot_start is None
        or consultation.slot_start.isoformat() != slot_start
    ):
        return "skipped: appointment changed"
    if kind in emails.REMINDER_KINDS and consultation.slot_start <= timezone.now():
        return "skipped: appointment has passed"  # mail came back too late to remind
    if kind in emails.REMINDER_KINDS and not emails.reminder_still_true(
        kind, consultation.slot_start, timezone.now()
    ):
        return "skipped: its day has passed"  # "in two days" would no longer be true
    message = emails.build(kind, consultation)
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        code = smtp_code(error)
        if attempt >= MAX_ATTEMPTS:
            logger.error("Giving up on %s email for %s: %s", kind, consultation.reference, code)
            # The front desk sees it on the dashboard and can send it again; by reference and
            # SMTP code only: an SMTP error's text often quotes the address.
            UndeliveredEmail.objects.create(
                consultation=consultation, kind=kind, slot_start=slot_start or "", error=code
            )
            raise EmailNotSent(f"{kind} email for {consultation.reference}: {code}") from None
        run_after = timezone.now() + retry_delay(attempt)
        send_consultation_email.using(run_after=run_after).enqueue(
            kind=kind, consultation_id=consultation_id, attempt=attempt + 1, slot_start=slot_start
        )
        logger.warning(
            "Could not send %s email for %s (attempt %d), retrying after %s: %s",
            kind,
            consultation.reference,
            attempt,
            run_after,
            code,
        )
        return f"retry scheduled: attempt {attempt + 1}"
    return "sent"


# A new request's emails: queued as one task, so the booking writes one row, not two.
NEW_REQUEST_EMAILS = ("acknowledgement", "front_desk_notice")


@task()
def send_new_request_emails(*, consultation_id: int) -> list[str]:
    """Each as `send_consultation_email` sends it: one that mail refuses is retried on its
    own, by that task, as if it had been queued alone."""
    return [
        send_consultation_email.call(kind=kind, consultation_id=consultation_id)
        for kind in NEW_REQUEST_EMAILS
    ]


# --- Payments (bookings/payments/) ----------------------------------------------------------
# Stripe trouble is retried quickly at first, then hourly, for about a day; until then the
# payment simply stays as it was, and the patient's return page or the next webhook may
# settle it first (each move happens once, whoever makes it).
PAYMENT_RETRY_DELAYS_MINUTES = [1, 5, 15, 60, 60, 120, 240, 480, 720]


def _payment_retry(task_, attempt: int, **kwargs) -> str:
    if attempt > len(PAYMENT_RETRY_DELAYS_MINUTES):
        logger.error("Giving up on %s after %d attempts", task_.name, attempt)
        return "gave up: Stripe unreachable"
    delay = dt.timedelta(minutes=PAYMENT_RETRY_DELAYS_MINUTES[attempt - 1])
    task_.using(run_after=timezone.now() + delay).enqueue(attempt=attempt + 1, **kwargs)
    return f"retry scheduled: attempt {attempt + 1}"


def _after_payment_change(change: str, payment) -> None:
    """What follows a payment's move, whoever saw it first (webhook, return page, sweep)."""
    consultation = payment.consultation
    if change in ("paid", "card_saved"):
        kind = "payment_received" if change == "paid" else "card_saved"
        send_consultation_email.enqueue(kind=kind, consultation_id=consultation.pk)
    elif change == "released":
        send_consultation_email.enqueue(kind="payment_released", consultation_id=consultation.pk)
        if consultation.provider_id and consultation.slot_start:
            offer_freed_time.enqueue(
                provider_id=consultation.provider_id,
                slot_start=consultation.slot_start.isoformat(),
            )
    elif change == "paid_after_release":
        refund_fee.enqueue(
            payment_id=payment.pk, reason="Paid after the held time had been released"
        )


def payment_changed(change: str, payment) -> None:
    """For the web process (the patient's return page): queue what follows once committed."""
    if change:
        transaction.on_commit(lambda: _after_payment_change(change, payment))


@task()
def process_stripe_event(*, event_id: int, attempt: int = 1) -> str:
    """A webhook's event, kept by the view (which answered Stripe at once), handled here."""
    try:
        change, payment = payments.stripe_event_process(event_id)
    except payments.GatewayError:
        return _payment_retry(process_stripe_event, attempt, event_id=event_id)
    if change and payment:
        _after_payment_change(change, payment)
    return change or "no change"


@task()
def release_unpaid_hold(*, payment_id: int, attempt: int = 1) -> str:
    """Queued for the end of a payment's hold: unpaid by then, its time is released."""
    payment = Payment.objects.select_related("consultation").filter(pk=payment_id).first()
    if payment is None:
        return "skipped: gone"
    if payment.hold_until > timezone.now():  # the hold was extended: run again at its end
        release_unpaid_hold.using(run_after=payment.hold_until).enqueue(payment_id=payment_id)
        return "not yet"
    try:
        change = payments.payment_hold_release(payment)
    except payments.GatewayError:
        return _payment_retry(release_unpaid_hold, attempt, payment_id=payment_id)
    if change:
        _after_payment_change(change, payment)
    return change or "no change"


@task()
def refund_fee(*, payment_id: int, reason: str, attempt: int = 1) -> str:
    """The clinic's own rule refunds the whole fee that is left (a cancellation before the
    refund deadline, a payment after the hold)."""
    payment = Payment.objects.select_related("consultation").filter(pk=payment_id).first()
    if payment is None or not payment.refundable_cents:
        return "skipped: nothing to refund"
    try:
        charges.payment_refund(
            payment=payment,
            cents=payment.refundable_cents,
            reason=reason,
            user=None,
            seen_version=charges.payment_version(payment),
        )
    except charges.PaymentRefused as error:
        return f"skipped: {' '.join(error.messages)}"
    except payments.GatewayError:
        return _payment_retry(refund_fee, attempt, payment_id=payment_id, reason=reason)
    send_consultation_email.enqueue(
        kind="payment_refunded", consultation_id=payment.consultation_id
    )
    return "refunded"


# --- Waitlist -------------------------------------------------------------------------------


@task()
def offer_freed_time(*, provider_id: int, slot_start: str) -> str:
    """A request let go of `slot_start` with this provider: offer it to the next few
    waitlisted patients. If none of them claims it before their offers expire, this task
    runs again then and offers it to the next few, for as long as the time stays free."""
    start = dt.datetime.fromisoformat(slot_start)
    made = offers.offer_freed_time(provider_id=provider_id, start=start, now=timezone.now())
    for offer in made:
        send_waitlist_email.enqueue(
            kind="waitlist_offer", entry_id=offer.entry_id, offer_id=offer.pk
        )
    if made:
        offer_freed_time.using(run_after=max(offer.expires_at for offer in made)).enqueue(
            provider_id=provider_id, slot_start=slot_start
        )
    return f"offered to {len(made)}"


@task()
def send_waitlist_email(
    *, kind: str, entry_id: int, offer_id: int | None = None, attempt: int = 1
) -> str:
    """The waitlist's emails to patients: "you're on the list" and an offer. Retried like
    the others; an offer that expired or was used meanwhile is not sent late."""
    entry = WaitlistEntry.objects.filter(pk=entry_id).first()
    if entry is None or not entry.is_waiting:
        return "skipped: no longer waiting"
    offer = None
    if kind == "waitlist_offer":
        offer = WaitlistOffer.objects.filter(pk=offer_id, entry=entry).first()
        if offer is None or offer.claimed_at or offer.is_expired(timezone.now()):
            return "skipped: offer gone"
    message = emails.build_waitlist(kind, entry, offer)
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        code = smtp_code(error)
        if attempt >= MAX_ATTEMPTS:
            logger.error("Giving up on %s email for waitlist entry %s: %s", kind, entry.pk, code)
            raise EmailNotSent(f"{kind} email for waitlist entry {entry.pk}: {code}") from None
        send_waitlist_email.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
            kind=kind, entry_id=entry_id, offer_id=offer_id, attempt=attempt + 1
        )
        logger.warning(
            "Could not send %s email for waitlist entry %s (attempt %d): %s",
            kind,
            entry.pk,
            attempt,
            code,
        )
        return f"retry scheduled: attempt {attempt + 1}"
    return "sent"


# Texts are retried quickly and only on their own day, within the reminder hours: a reminder
# text that cannot go out that day is not worth sending at all. Minutes before attempt 2, 3...
TEXT_RETRY_DELAYS_MINUTES = [1, 5, 15, 30, 60, 120]
TEXT_MAX_ATTEMPTS = len(TEXT_RETRY_DELAYS_MINUTES) + 1


class TextNotDelivered(Exception):
    """The last attempt failed; by reference and the provider's code only."""


def _text_finish(text: TextReminder, status: str, outcome: str) -> None:
    text.status = status
    text.outcome = outcome[:100]
    text.finished_at = timezone.now()
    text.save(update_fields=["status", "outcome", "finished_at", "attempts", "provider_message_id"])


def _why_not_text(text: TextReminder, now: dt.datetime) -> str | None:
    """Why this text must not go out now, checked just before sending: a STOP that arrived
    after it was queued, a cancelled or moved appointment, or the day's hours gone."""
    consultation = text.consultation
    if consultation.anonymised_at:
        return "request closed"
    if not consultation.texts_allowed:
        return "patient stopped texts"
    if (
        consultation.status != ConsultationStatus.SCHEDULED
        or consultation.slot_start != text.slot_start
    ):
        return "appointment changed"
    if consultation.slot_start <= now:
        return "appointment has passed"
    if clinic_time.local_day(now) != text.day or not texts.within_hours(now):
        return "outside reminder hours"
    return None


@task()
def send_text_reminder(*, text_id: int, attempt: int = 1) -> str:
    # Claim the text (queued to sending) so that it is sent at most once, even if a worker
    # died half-way: a lost reminder text is better than two.
    if not TextReminder.objects.filter(pk=text_id, status=TextStatus.QUEUED).update(
        status=TextStatus.SENDING
    ):
        return "skipped: already handled"
    text = TextReminder.objects.select_related(
        "consultation__provider", "consultation__consultation_type"
    ).get(pk=text_id)
    text.attempts = attempt
    now = timezone.now()
    reason = _why_not_text(text, now)
    if reason:
        _text_finish(text, TextStatus.SKIPPED, reason)
        return f"skipped: {reason}"
    reference = text.consultation.reference
    try:
        message_id = sms.send_text(to=text.phone, body=texts.body(text))
    except sms.TextNotSent as error:
        retry_at = (
            now + dt.timedelta(minutes=TEXT_RETRY_DELAYS_MINUTES[attempt - 1])
            if (attempt < TEXT_MAX_ATTEMPTS)
            else None
        )
        refused = isinstance(error, sms.TextRefused)
        if (
            refused
            or retry_at is None
            or clinic_time.local_day(retry_at) != text.day
            or not texts.within_hours(retry_at)
        ):
            # The front desk sees it on the dashboard and can call the patient instead.
            _text_finish(text, TextStatus.FAILED, error.code)
            logger.error("Giving up on the %s text for %s: %s", text.stage, reference, error.code)
            raise TextNotDelivered(f"{text.stage} text for {reference}: {error.code}") from None
        text.status = TextStatus.QUEUED
        text.outcome = error.code[:100]
        text.save(update_fields=["status", "outcome", "attempts"])
        send_text_reminder.using(run_after=retry_at).enqueue(text_id=text_id, attempt=attempt + 1)
        logger.warning(
            "Could not send the %s text for %s (attempt %d), retrying after %s: %s",
            text.stage,
            reference,
            attempt,
            retry_at,
            error.code,
        )
        return f"retry scheduled: attempt {attempt + 1}"
    text.provider_message_id = message_id[:64]
    _text_finish(text, TextStatus.SENT, "")
    return "sent"
