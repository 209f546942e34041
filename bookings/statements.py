"""The statements every booking runs, written out rather than built by the ORM: the times a
provider holds (the booking page's one query, and the check of every booking) and a
patient's open requests, for a new booking both in one round trip. Built by the ORM on each
request, each cost ten times the function calls of running it; written out, each is made
once per process from the model's own table and column names. Each selects exactly what the
ORM's filters named in its docstring do."""

from functools import cache

from django.db import connection

from .models import OPEN_STATUSES, ConsultationRequest


def _column(name: str) -> str:
    return connection.ops.quote_name(ConsultationRequest._meta.get_field(name).column)


def _table() -> str:
    return connection.ops.quote_name(ConsultationRequest._meta.db_table)


def _placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


OPEN_STATUS_VALUES = tuple(str(status) for status in OPEN_STATUSES)


@cache
def held_times(providers: int, excluding: bool) -> str:
    """(provider id, slot start, slot end) of open requests of that many providers
    overlapping [start, end): `status__in=OPEN_STATUSES, provider__in=..., slot_start__lt=end,
    slot_end__gt=start`, and `.exclude(pk=...)` when excluding. Parameters: the open
    statuses, the provider ids, end, start (then the excluded pk)."""
    provider, start, end = _column("provider"), _column("slot_start"), _column("slot_end")
    return (
        f"SELECT {provider}, {start}, {end} FROM {_table()} "  # noqa: S608
        f"WHERE {_column('status')} IN ({_placeholders(len(OPEN_STATUSES))}) "
        f"AND {provider} IN ({_placeholders(providers)}) AND {start} < %s AND {end} > %s"
        + (f" AND {_column('id')} <> %s" if excluding else "")
    )


def _contact_is() -> str:
    return (
        f"WHERE {_column('status')} IN ({_placeholders(len(OPEN_STATUSES))}) "
        f"AND (UPPER({_column('email')}) = UPPER(%s) OR {_column('phone')} = %s)"
    )


@cache
def open_requests() -> str:
    """How many open requests an email address (in any case) or a phone number holds:
    `status__in=OPEN_STATUSES` and `Q(email__iexact=...) | Q(phone=...)`. Parameters: the
    open statuses, the email, the phone."""
    return f"SELECT COUNT(*) FROM {_table()} {_contact_is()}"  # noqa: S608


@cache
def held_times_and_open_requests(providers: int) -> str:
    """held_times(providers, False)'s rows, then one (NULL, NULL, NULL) row for each open
    request open_requests() counts: a new booking's two reads in one round trip (a held
    time always has its provider, so the rows cannot be mistaken). Parameters: those of
    held_times, then those of open_requests."""
    return (
        f"{held_times(providers, False)} UNION ALL "  # noqa: S608
        f"SELECT NULL, NULL, NULL FROM {_table()} {_contact_is()}"
    )
