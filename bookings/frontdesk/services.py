"""The front desk's own writes: assigning, notes, the audit log's views, lists and exports,
a replaced manage link, an email sent again, a provider's new feed address. The changes
patients make too (status, time, cancelling) are bookings/workflow/changes.py."""

import secrets
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.log_actions import log

from bookings.models import ConsultationNote, ConsultationRequest, Provider, UndeliveredEmail
from bookings.workflow.changes import enqueue_email


def consultation_request_assign(
    *,
    consultation: ConsultationRequest,
    assignee: AbstractBaseUser | None,
    user: AbstractBaseUser | None,
) -> ConsultationRequest:
    consultation.assigned_to = assignee
    consultation.save(update_fields=["assigned_to", "updated_at"])
    log(
        consultation,
        "bookings.assigned",
        user=user,
        data={"to": assignee.get_username() if assignee else None},
    )
    return consultation


def consultation_note_add(
    *, consultation: ConsultationRequest, author: AbstractBaseUser, text: str
) -> ConsultationNote:
    note = ConsultationNote(consultation=consultation, author=author, text=text.strip())
    note.full_clean()
    with transaction.atomic():
        note.save()
        log(consultation, "bookings.note_added", user=author)
    return note


def consultation_request_record_view(
    *, consultation: ConsultationRequest, user: AbstractBaseUser
) -> None:
    log(consultation, "bookings.viewed", user=user)


def undelivered_email_resend(*, undelivered: UndeliveredEmail, user: AbstractBaseUser) -> bool:
    """Queue an email the worker gave up on again (with a fresh set of retries). Returns
    False if someone resent it already: two clicks send it once."""
    with transaction.atomic():
        claimed = UndeliveredEmail.objects.filter(pk=undelivered.pk, resent_at__isnull=True)
        if not claimed.update(resent_at=timezone.now()):
            return False
        extra = {"slot_start": undelivered.slot_start} if undelivered.slot_start else {}
        enqueue_email(undelivered.kind, undelivered.consultation, **extra)
        log(
            undelivered.consultation,
            "bookings.email_resent",
            user=user,
            data={"kind": undelivered.kind},
        )
    return True


def consultation_manage_link_revoke(
    *, consultation: ConsultationRequest, user: AbstractBaseUser
) -> ConsultationRequest:
    """The front desk replaces a patient's manage link (forwarded, left on a shared computer,
    sent to a wrong address): every earlier link stops working at once and says it was
    replaced, and the worker emails the patient a new one. In the audit log with who did it.
    Raises ValidationError for an anonymised request (it has no patient to write to)."""
    with transaction.atomic():
        locked = ConsultationRequest.objects.select_for_update().get(pk=consultation.pk)
        if locked.anonymised_at:
            raise ValidationError("This request is anonymised: it has no link to replace.")
        locked.manage_link_version = F("manage_link_version") + 1
        locked.save(update_fields=["manage_link_version"])
        locked.refresh_from_db(fields=["manage_link_version"])
        consultation.manage_link_version = locked.manage_link_version
        log(
            consultation,
            "bookings.manage_link_revoked",
            user=user,
            data={"version": locked.manage_link_version},
        )
        # Built by the worker when it sends: the link in the email is the newest one.
        enqueue_email("manage_link_replaced", consultation)
    return consultation


def provider_calendar_feed_reset(*, provider: Provider, user: AbstractBaseUser | None) -> str:
    """Give the provider's calendar feed a new secret address; the old one is dead at once
    (a subscribed calendar stops updating and the front desk hands out the new one).
    Also how a feed is first made. 32 random bytes: 256 bits nobody can guess."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Provider.objects.filter(pk=provider.pk).update(calendar_feed_token=token)
        provider.calendar_feed_token = token
        log(provider, "bookings.calendar_feed_reset", user=user)
    return token


def consultation_requests_record_list(
    *, consultations: Iterable[ConsultationRequest], user: AbstractBaseUser, searched: bool
) -> None:
    """A list shows names and times, so each request on it is logged as seen. The search
    words are not logged: they are often a patient's name."""
    with transaction.atomic():
        for consultation in consultations:
            log(consultation, "bookings.listed", user=user, data={"search": searched})


def consultation_requests_record_export(
    *, consultations: Iterable[ConsultationRequest], user: AbstractBaseUser
) -> None:
    with transaction.atomic():
        for consultation in consultations:
            log(consultation, "bookings.exported", user=user)
