"""Every write to consultation requests goes through here: the public views and the admin
call the same functions, so one set of rules holds everywhere."""

import datetime as dt
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.log_actions import log

from allure.base import counts
from allure.base.clinic.clinic_time import day_range, local_day
from allure.base.models import ClinicSettings, Metric
from procedures.models import ProcedurePage

from . import availability, patient_photos, texts
from .catalogue import catalogue
from .models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ConsultationNote,
    ConsultationRequest,
    Provider,
    Reminder,
    ReminderStage,
    TextReminder,
    TextStatus,
    UndeliveredEmail,
)
from .models import ConsultationStatus as S
from .phones import normalise_phone
from .slots import Slot
from .tasks import (
    offer_freed_time,
    send_consultation_email,
    send_new_request_emails,
    send_text_reminder,
)

# The front desk's workflow: from each status, where a request may go next.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.CONTACTED, S.SCHEDULED, S.CANCELLED, S.DECLINED}),
    S.CONTACTED: frozenset({S.SCHEDULED, S.CANCELLED, S.DECLINED}),
    S.SCHEDULED: frozenset({S.COMPLETED, S.NO_SHOW, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.NO_SHOW: frozenset(),
    S.CANCELLED: frozenset(),
    S.DECLINED: frozenset(),
    S.EXPIRED: frozenset(),  # only ever set by consultation_requests_expire
}


# One email address or phone number can hold this many open requests at once, so nobody can
# fill the diary with made-up consultations under one identity.
MAX_OPEN_REQUESTS_PER_CONTACT = 2


# The availability rule's verdicts, under the names the views and admin catch.
SlotTakenError = availability.TimeTaken
SlotUnavailableError = availability.TimeUnavailable


class StaleChangeError(ValidationError):
    """The request's status moved on since the one making the change looked at it."""


def _lock_unchanged(consultation: ConsultationRequest) -> None:
    """Lock the request's row until the transaction ends, so that patient and staff changes
    to one request happen one after the other; then refuse the change if the status is no
    longer the one `consultation` was read with (someone decided a moment earlier).
    Call inside transaction.atomic(), before checking or changing anything."""
    status = (
        ConsultationRequest.objects.select_for_update()
        .filter(pk=consultation.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status != consultation.status:
        now = S(status).label.lower() if status else "gone"
        raise StaleChangeError(
            f"This request was changed a moment ago (it is now {now}), so your change was "
            "not made. Please look at it again."
        )


def _drop_queued_texts(consultation: ConsultationRequest, reason: str) -> None:
    """Texts not yet sent for a time that no longer holds (moved, cancelled, STOP): dropped
    now, which also frees the phone's one text of the day for a new time. The worker checks
    again before sending, for any it already picked up."""
    TextReminder.objects.filter(consultation=consultation, status=TextStatus.QUEUED).update(
        status=TextStatus.SKIPPED, outcome=reason, finished_at=timezone.now()
    )


def _enqueue_email(kind: str, consultation: ConsultationRequest, **extra) -> None:
    pk = consultation.pk
    transaction.on_commit(
        lambda: send_consultation_email.enqueue(kind=kind, consultation_id=pk, **extra)
    )


def _time_freed(provider_id: int | None, start: dt.datetime | None) -> None:
    """A request let go of a time (cancelled, declined, moved away): once that is committed,
    the worker offers it to the waitlist (tasks.offer_freed_time). A time already past, or
    never held, frees nothing."""
    if provider_id is None or start is None or start <= timezone.now():
        return
    value = start.isoformat()
    transaction.on_commit(
        lambda: offer_freed_time.enqueue(provider_id=provider_id, slot_start=value)
    )


def _save_holding_slot(
    consultation: ConsultationRequest, *, savepoint: bool = True, **save_kwargs
) -> None:
    """Save; if the database refuses because the time is held, raise SlotTakenError.
    savepoint=False inside a transaction that is rolled back whole on a refusal."""
    try:
        with transaction.atomic(savepoint=savepoint):
            consultation.save(**save_kwargs)
    except IntegrityError as error:
        if OVERLAP_RULE in str(error):
            raise SlotTakenError from error
        raise


# The database's rule against overlapping open requests of one provider (migration 0006).
OVERLAP_RULE = "one_open_request_per_provider_time"


@dataclass(frozen=True)
class PatientRequest:
    """What a patient asks for, handed whole from the booking form (or a waitlist claim) to
    `consultation_request_create`. The form has checked its shape; the service checks the
    clinic's rules; the database has the last word on the time."""

    full_name: str
    email: str
    phone: str
    contact_method: str
    procedures: tuple[ProcedurePage, ...]
    slot: Slot
    consent: bool
    submission_token: uuid.UUID
    provider: Provider | None = None  # None: the first who does it and is free then
    message: str = ""
    text_reminders: bool = False


def consultation_request_create(
    *, patient_request: PatientRequest, now: dt.datetime | None = None
) -> tuple[ConsultationRequest, bool]:
    """Create the request, holding its slot (unless "call me") with its provider or the
    first available one.

    Returns (request, created). The same submission_token twice, with the same email,
    returns the first request: a double-clicked submit makes one request. A known token with
    another email gets the refusal, never the first request (whose reference a stranger
    could otherwise collect). Raises ValidationError for bad input and SlotTakenError when
    another request holds the time.
    """
    try:
        return _new_request(patient_request, now=now or timezone.now()), True
    except (ValidationError, SlotTakenError):
        # The same form sent again fails here, never earlier: its first request holds the
        # time, counts among the contact's open requests and has the token the database
        # keeps unique. So the first request is looked for only then (the booking page
        # looks before it even checks the form: a reload ends there).
        existing = resent_request(
            submission_token=patient_request.submission_token, email=patient_request.email
        )
        if existing:
            return existing, False
        raise


def resent_request(*, submission_token, email: str) -> ConsultationRequest | None:
    """The request a form already made, when it is sent again: the same token and the same
    email. A token alone (copied from someone's page) finds nothing (issue 28)."""
    if not email.strip():
        return None
    return (
        ConsultationRequest.objects.filter(
            submission_token=submission_token, email__iexact=email.strip()
        )
        .order_by()
        .first()
    )


def _new_request(patient_request: PatientRequest, *, now: dt.datetime) -> ConsultationRequest:
    if not patient_request.consent:
        raise ValidationError({"consent": "We need your consent to contact you."})
    rules = catalogue().rules
    procedures = list(patient_request.procedures)
    if not procedures:
        raise ValidationError({"procedures": "Choose at least one procedure."})
    consultation_type = availability.consultation_type_for(procedures)
    length = availability.length_of(consultation_type, rules)
    eligible = availability.providers_for(procedures)
    provider = patient_request.provider
    if provider is not None:
        eligible = [p for p in eligible if p.pk == provider.pk]
        if not eligible:
            raise ValidationError(
                {
                    "provider": f"{provider.name} does not hold consultations for that "
                    "procedure. Please choose someone else, or the first available."
                }
            )
    # Whoever calls (the form has already done it for patients): stored as E.164, so the
    # limit per contact below compares like with like.
    try:
        phone = normalise_phone(patient_request.phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from error
    email = patient_request.email.strip()
    start = patient_request.slot.start
    if start is not None and eligible:
        # The times held that day and the patient's open requests: one round trip.
        held, open_requests = availability.held_and_open_requests(
            start, providers=eligible, length=length, email=email, phone=phone
        )
        provider = availability.check_time(
            start, providers=eligible, length=length, now=now, rules=rules, held=held
        )
    else:  # "call me", or a time nobody eligible can hold (which check_time refuses)
        if start is not None:
            availability.check_time(start, providers=[], length=length, now=now, rules=rules)
        open_requests = _open_requests_for(email=email, phone=phone)
    _check_open_requests(open_requests)

    consultation = ConsultationRequest(
        full_name=patient_request.full_name.strip(),
        email=email,
        phone=phone,
        contact_method=patient_request.contact_method,
        message=patient_request.message.strip(),
        provider=provider,
        consultation_type=consultation_type,
        preferred_start=start,
        slot_start=start,
        slot_end=start + length.held if start else None,
        consent_given_at=now,
        text_reminders_agreed_at=now if patient_request.text_reminders else None,
        privacy_notice_version=rules.privacy_notice_version,
        submission_token=patient_request.submission_token,
    )
    # The unique constraints are checked by the database below, where races are decided;
    # so are the provider and consultation type, both just read (the catalogue) and both
    # foreign keys. Asking again here would cost three queries for nothing.
    consultation.full_clean(
        exclude=["reference", "provider", "consultation_type"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            # No savepoint of its own: a refusal rolls back this whole block anyway.
            _save_holding_slot(consultation, savepoint=False)
            # A new request has no procedures yet: add, without first reading which it has.
            consultation.procedures.add(*procedures)
            pk = consultation.pk
            transaction.on_commit(lambda: send_new_request_emails.enqueue(consultation_id=pk))
            counts.record_after_commit(Metric.REQUEST_SENT, (str(p.pk) for p in procedures))
    except IntegrityError as error:
        # Most likely the same form was posted twice at once: the other POST won (the
        # caller finds its request). Otherwise a provider or treatment read from the shared
        # catalogue was deleted meanwhile (on another node, say): the foreign key refused it.
        raise ValidationError(
            "Something you chose has just been taken off our list. Please check your "
            "choices and send the form again."
        ) from error
    return consultation


def _open_requests_for(*, email: str, phone: str) -> int:
    return availability.open_requests(email=email, phone=phone).count()


def _check_open_requests(held: int) -> None:
    """At most MAX_OPEN_REQUESTS_PER_CONTACT open requests per email address or phone
    (`held`: how many the patient's email or phone holds already).

    A check, not a database constraint: two posts racing could both pass, which the per-client
    rate limit bounds; the point is that one identity cannot hold the diary.
    """
    if held >= MAX_OPEN_REQUESTS_PER_CONTACT:
        raise ValidationError(
            f"You already have {MAX_OPEN_REQUESTS_PER_CONTACT} open consultation requests "
            f"with us. Please call us on {ClinicSettings.load().phone} to change one or to "
            "book another; you can also cancel one from the link in its email.",
            code="too_many_open_requests",
        )


def consultation_request_transition(
    *, consultation: ConsultationRequest, to_status: str, user: AbstractBaseUser | None = None
) -> ConsultationRequest:
    """Move a request along the workflow; only ALLOWED_TRANSITIONS are accepted."""
    with transaction.atomic():
        _lock_unchanged(consultation)
        if to_status not in ALLOWED_TRANSITIONS.get(consultation.status, ()):
            target = S(to_status).label.lower() if to_status in S.values else "that"
            raise ValidationError(
                f"A {consultation.get_status_display().lower()} request cannot become {target}."
            )
        if to_status == S.SCHEDULED and not consultation.slot_confirmed_at:
            raise ValidationError("Confirm an appointment time first; that schedules the request.")
        previous = consultation.status
        consultation.status = to_status
        if to_status in CLOSED_STATUSES:
            consultation.closed_at = timezone.now()
            _drop_queued_texts(consultation, "appointment changed")
        consultation.full_clean(validate_constraints=False)
        consultation.save(update_fields=["status", "closed_at", "updated_at"])
        log(
            consultation,
            "bookings.status_changed",
            user=user,
            data={"from": previous, "to": to_status},
        )
        if to_status == S.CANCELLED:
            _enqueue_email("cancellation", consultation)
        if to_status in (S.CANCELLED, S.DECLINED):  # completed or no-show: the time was used
            _time_freed(consultation.provider_id, consultation.slot_start)
    return consultation


def consultation_request_cancel(
    *, consultation: ConsultationRequest, user: AbstractBaseUser | None = None
) -> ConsultationRequest:
    """Cancel by the patient (user None, from the manage page) or by staff."""
    consultation = consultation_request_transition(
        consultation=consultation, to_status=S.CANCELLED, user=user
    )
    if user is None:
        _enqueue_email("front_desk_cancelled", consultation)
    return consultation


def consultation_request_confirm_time(
    *,
    consultation: ConsultationRequest,
    start: dt.datetime,
    user: AbstractBaseUser | None,
) -> ConsultationRequest:
    """Staff confirm (or move) the appointment; the request becomes scheduled and the patient
    gets a confirmation with a calendar file."""
    with transaction.atomic():
        _lock_unchanged(consultation)
        if not consultation.is_open:
            raise ValidationError("Only an open request can be given a time.")
        length = availability.length_held_by(consultation, catalogue().rules)
        previous_provider_id = consultation.provider_id
        if start != consultation.slot_start:
            consultation.provider = availability.check_time(
                start,
                providers=availability.providers_of(consultation),
                length=length,
                for_staff=True,
                exclude_pk=consultation.pk,
            )
        previous = consultation.slot_start
        if start != previous:
            _drop_queued_texts(consultation, "appointment changed")
        consultation.slot_start = start
        consultation.slot_end = start + length.held
        consultation.slot_confirmed_at = timezone.now()
        consultation.status = S.SCHEDULED
        _save_holding_slot(
            consultation,
            update_fields=[
                "provider",
                "slot_start",
                "slot_end",
                "slot_confirmed_at",
                "status",
                "updated_at",
            ],
        )
        if (previous, previous_provider_id) != (start, consultation.provider_id):
            _time_freed(previous_provider_id, previous)
        log(
            consultation,
            "bookings.time_confirmed",
            user=user,
            data={
                "from": previous.isoformat() if previous else None,
                "to": start.isoformat(),
            },
        )
        _enqueue_email("confirmation", consultation)
    return consultation


def consultation_request_reschedule(
    *, consultation: ConsultationRequest, start: dt.datetime | None
) -> ConsultationRequest:
    """The patient picks another time (None: "call me") from the manage page.

    A time staff already confirmed is moved by phone instead, so only new and contacted
    requests can be rescheduled here.
    """
    with transaction.atomic():
        _lock_unchanged(consultation)
        if consultation.status == S.SCHEDULED:
            raise ValidationError("Please call us to change a confirmed appointment.")
        if consultation.status not in (S.NEW, S.CONTACTED):
            raise ValidationError(
                "This request is closed, so its time cannot be changed. Please call us."
            )
        rules = catalogue().rules
        length = availability.length_held_by(consultation, rules)
        previous = (consultation.provider_id, consultation.slot_start)
        if start is not None:
            consultation.provider = availability.check_time(
                start,
                providers=availability.providers_of(consultation),
                length=length,
                rules=rules,
                exclude_pk=consultation.pk,
            )
        consultation.preferred_start = start
        consultation.slot_start = start
        consultation.slot_end = start + length.held if start else None
        # Only the patient's own fields: never write back a status read before the lock.
        _save_holding_slot(
            consultation,
            update_fields=["provider", "preferred_start", "slot_start", "slot_end", "updated_at"],
        )
        if previous != (consultation.provider_id, start):
            _time_freed(*previous)
        log(
            consultation,
            "bookings.rescheduled_by_patient",
            data={"to": start.isoformat() if start else None},
        )
        _enqueue_email("front_desk_rescheduled", consultation)
    return consultation


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
        _enqueue_email(undelivered.kind, undelivered.consultation, **extra)
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
        _enqueue_email("manage_link_replaced", consultation)
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


# Each stage's email.
REMINDER_EMAIL_KINDS = {
    ReminderStage.TWO_DAYS: "reminder_two_days",
    ReminderStage.MORNING: "reminder_today",
}


def consultation_reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Queue what is due now: for each scheduled appointment on the local day after
    tomorrow, the "two days before" reminder; for each one later today, the "this morning"
    reminder. Each is an email, and a text for patients who agreed to texts. Nothing is
    queued outside texts.REMINDER_HOURS (08:00-20:00 clinic time); the first run after
    08:00 queues the morning's.

    Safe to run as often as you like, and in several processes at once: a Reminder row per
    appointment time and stage, and a TextReminder row per phone number and day, are
    unique in the database, so whoever inserts second queues nothing. A reminder that was
    due while the command was not running is queued late on the same day, never after.
    Returns how many reminders (emails) were queued.
    """
    now = now or timezone.now()
    if not texts.within_hours(now):
        return 0
    today = local_day(now)
    queued = 0
    # The morning's first: on a day both stages would text one number, the nearer
    # appointment's text is the one sent.
    for stage, day in (
        (ReminderStage.MORNING, today),
        (ReminderStage.TWO_DAYS, today + dt.timedelta(days=2)),
    ):
        day_start, day_end = day_range(day)
        already = Reminder.objects.filter(
            consultation=OuterRef("pk"), stage=stage, slot_start=OuterRef("slot_start")
        )
        due = (
            ConsultationRequest.objects.filter(
                status=S.SCHEDULED,
                slot_start__gte=max(day_start, now),
                slot_start__lt=day_end,
                anonymised_at__isnull=True,
            )
            .exclude(Exists(already))
            .order_by("slot_start", "pk")
        )
        for consultation in due:
            if _queue_reminder(consultation, stage=stage, today=today, now=now):
                queued += 1
    return queued


def _queue_reminder(
    consultation: ConsultationRequest, *, stage: str, today: dt.date, now: dt.datetime
) -> bool:
    slot_start = consultation.slot_start
    try:
        with transaction.atomic():
            Reminder.objects.create(
                consultation=consultation, stage=stage, slot_start=slot_start, queued_at=now
            )
            _enqueue_email(
                REMINDER_EMAIL_KINDS[stage], consultation, slot_start=slot_start.isoformat()
            )
            if consultation.texts_allowed:
                _queue_text(consultation, stage=stage, today=today, now=now)
    except IntegrityError:
        return False  # another run queued this stage for this time a moment ago
    return True


def _queue_text(
    consultation: ConsultationRequest, *, stage: str, today: dt.date, now: dt.datetime
) -> None:
    try:
        with transaction.atomic():
            text = TextReminder.objects.create(
                consultation=consultation,
                stage=stage,
                slot_start=consultation.slot_start,
                phone=consultation.phone,
                day=today,
                queued_at=now,
            )
    except IntegrityError:
        return  # this number has its text for today already: the email still goes
    pk = text.pk
    transaction.on_commit(lambda: send_text_reminder.enqueue(text_id=pk))


# What patients reply to stop texts (the words carriers and Twilio treat as opting out).
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})


def text_reminders_stop(*, phone: str, now: dt.datetime | None = None) -> int:
    """The patient replied STOP from `phone`: no more texts to it, for any of their
    requests, from now on. Texts already queued are dropped when the worker reaches them.
    Returns how many requests it stopped (0 for a number we do not know)."""
    now = now or timezone.now()
    try:
        phone = normalise_phone(phone)
    except ValidationError:
        return 0
    with transaction.atomic():
        stopping = list(
            ConsultationRequest.objects.select_for_update().filter(
                phone=phone,
                text_reminders_agreed_at__isnull=False,
                text_reminders_stopped_at__isnull=True,
            )
        )
        for consultation in stopping:
            consultation.text_reminders_stopped_at = now
            consultation.save(update_fields=["text_reminders_stopped_at", "updated_at"])
            _drop_queued_texts(consultation, "patient stopped texts")
            log(consultation, "bookings.texts_stopped")
    return len(stopping)


# An open request whose time passed this many days ago with no outcome recorded (or a "call
# me" request made this long ago) is closed as expired, so that retention reaches it.
EXPIRE_AFTER_DAYS = 30


def expirable_requests(*, now: dt.datetime):
    cutoff = now - dt.timedelta(days=EXPIRE_AFTER_DAYS)
    return ConsultationRequest.objects.filter(status__in=OPEN_STATUSES).filter(
        Q(slot_start__lt=cutoff) | Q(slot_start__isnull=True, created_at__lt=cutoff)
    )


def consultation_requests_expire(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    expired = 0
    for consultation in expirable_requests(now=now):
        with transaction.atomic():
            previous = consultation.status
            consultation.status = S.EXPIRED
            consultation.closed_at = now
            consultation.save(update_fields=["status", "closed_at", "updated_at"])
            log(consultation, "bookings.expired", data={"from": previous})
            _time_freed(consultation.provider_id, consultation.slot_start)  # long past: nothing
        expired += 1
    return expired


ANONYMISED_NAME = "Anonymised"
ANONYMISED_EMAIL = "anonymised@invalid"
ANONYMISED_PHONE = "+10000000000"


def consultation_request_anonymise(*, consultation: ConsultationRequest) -> None:
    """Blank the personal details of a closed request; statistics (dates, status,
    procedures) stay."""
    if consultation.status not in CLOSED_STATUSES:
        raise ValidationError("Only closed requests are anonymised.")
    with transaction.atomic():
        consultation.full_name = ANONYMISED_NAME
        consultation.email = ANONYMISED_EMAIL
        consultation.phone = ANONYMISED_PHONE
        consultation.message = ""
        consultation.assigned_to = None
        consultation.anonymised_at = timezone.now()
        consultation.save()
        consultation.notes.all().delete()
        consultation.undelivered_emails.all().delete()  # their errors may name the address
        consultation.text_reminders.all().delete()  # each holds the phone number
        patient_photos.patient_photos_delete_all(consultation=consultation)
        # The queue's rows name the request (its id) and may hold a failed send's error:
        # they go too, except one a worker is running right now (it finds nothing to send).
        DBTaskResult.objects.filter(args_kwargs__kwargs__consultation_id=consultation.pk).exclude(
            status=TaskResultStatus.RUNNING
        ).delete()
        log(consultation, "bookings.anonymised")


def anonymisable_requests(*, now: dt.datetime | None = None, months: int):
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=round(months * 30.44))
    return ConsultationRequest.objects.filter(
        status__in=CLOSED_STATUSES, closed_at__lt=cutoff, anonymised_at__isnull=True
    )
