"""Background work: every email leaves from here, run by `manage.py db_worker`.

The database task backend has no retries of its own, so a send that fails because mail is
down re-enqueues itself with a growing delay, up to MAX_ATTEMPTS, then is recorded as an
UndeliveredEmail that the front desk sees on its dashboard and can resend. The request
itself was saved long before: mail trouble never loses a request.
"""

import datetime as dt
import logging
import smtplib

from django.tasks import task
from django.utils import timezone

from . import emails, offers
from .models import (
    ConsultationRequest,
    ConsultationStatus,
    UndeliveredEmail,
    WaitlistEntry,
    WaitlistOffer,
)

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
    if kind == "reminder" and (
        consultation.status != ConsultationStatus.SCHEDULED
        or consultation.slot_start is None
        or consultation.slot_start.isoformat() != slot_start
    ):
        return "skipped: appointment changed"
    if kind == "reminder" and consultation.slot_start <= timezone.now():
        return "skipped: appointment has passed"  # mail came back too late to remind
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
