"""Holding a time: a request's save that the database's overlap rule may refuse, and the
refusals patients and staff are told, whoever books or moves a time."""

from django.db import IntegrityError, transaction

from bookings.models import ConsultationRequest
from bookings.schedule import availability

# The availability rule's verdicts, under the names the views and admin catch.
SlotTakenError = availability.TimeTaken
SlotUnavailableError = availability.TimeUnavailable


def save_holding_slot(
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
