"""Several providers, each with their own days, and consultations of different lengths."""

import datetime as dt
import itertools
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from allure.base.clinic.clinic_time import CLINIC_TZ
from bookings.booking import services
from bookings.booking.services import SlotTakenError
from bookings.models import (
    BookingRules,
    ConsultationRequest,
    ConsultationType,
    Provider,
    ProviderClosure,
    ProviderHours,
)
from bookings.schedule import availability
from bookings.schedule.slots import Slot
from bookings.workflow import changes
from tests.clinicians import add_diary, add_procedures, set_bookable

pytestmark = pytest.mark.django_db
# Monday 7 December 2026, 8:00 in Jackson; the suite's clock is earlier.
MONDAY = dt.date(2026, 12, 7)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CLINIC_TZ)


def local_times(starts, day):
    return [
        s.astimezone(CLINIC_TZ).strftime("%H:%M")
        for s in starts
        if s.astimezone(CLINIC_TZ).date() == day
    ]


@pytest.fixture
def diary(procedures, clinic_hours, walker):
    """Dr. Walker does rhinoplasty (surgical, 45 + 15 minutes) and Botox; a nurse does
    Botox (20 + 10 minutes), on Mondays 13:00-17:00 only."""
    ConsultationType.objects.create(
        category="face", name="Surgical consultation", minutes=45, buffer_minutes=15
    )
    ConsultationType.objects.create(
        category="injectables", name="Injectables consultation", minutes=20, buffer_minutes=10
    )
    nurse = add_diary("Nurse Moore", "R.N., nurse injector", sort_order=1)
    add_procedures(nurse, procedures["botox"])
    nurse.hours.add(ProviderHours(weekday=0, starts=dt.time(13), ends=dt.time(17)))
    nurse.save()
    walker.clinician.sort_order = 0
    walker.clinician.save()
    rules = BookingRules.load()
    rules.minimum_notice_hours = 0
    rules.save()
    return {"walker": walker, "nurse": nurse, **procedures}


PATIENTS = itertools.count()


def book(diary, procedure, start, provider=None):
    n = next(PATIENTS)  # each a different person: a contact may hold two open requests
    consultation, _ = services.consultation_request_create(
        patient_request=services.PatientRequest(
            full_name=f"Patient {n}",
            email=f"p{n}@example.com",
            phone=f"+1601555{2000 + n % 1000:04d}",
            contact_method="phone",
            procedures=[diary[procedure]],
            slot=Slot(start),
            provider=provider,
            consent=True,
            submission_token=uuid.uuid4(),
        )
    )
    return consultation


def free_for(diary, procedure, provider=None):
    page = diary[procedure]
    rules = BookingRules.load()
    return availability.available_slots(
        rules=rules,
        providers=availability.providers_for([page], only=provider),
        length=availability.length_of(availability.consultation_type_for([page]), rules),
    )


def test_a_provider_is_offered_only_inside_their_own_hours_and_the_clinics(diary):
    times = local_times(free_for(diary, "botox", diary["nurse"]), MONDAY)
    assert times == [
        "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30",
    ]  # fmt: skip
    assert local_times(free_for(diary, "botox", diary["nurse"]), MONDAY + dt.timedelta(1)) == []


def test_a_surgical_consultation_and_its_buffer_must_fit_before_closing(diary):
    times = local_times(free_for(diary, "rhinoplasty"), MONDAY)
    # 45 + 15 minutes from 11:30 would run past the 12:00 lunch break.
    assert "11:00" in times and "11:30" not in times and "16:00" in times
    assert "16:30" not in times


def test_a_providers_day_away_removes_only_their_times(diary):
    diary["nurse"].closures.add(
        ProviderClosure(starts_on=MONDAY, ends_on=MONDAY, reason="Training")
    )
    diary["nurse"].save()
    assert local_times(free_for(diary, "botox", diary["nurse"]), MONDAY) == []
    assert local_times(free_for(diary, "botox", diary["walker"]), MONDAY)


def test_a_booking_holds_its_provider_for_its_length_and_buffer(diary):
    consultation = book(diary, "rhinoplasty", at(MONDAY, 9))
    assert consultation.provider == diary["walker"]
    assert consultation.slot_end - consultation.slot_start == dt.timedelta(minutes=60)
    times = local_times(free_for(diary, "rhinoplasty"), MONDAY)
    assert "09:00" not in times and "09:30" not in times and "10:00" in times
    with pytest.raises(SlotTakenError):
        book(diary, "botox", at(MONDAY, 9, 30), provider=diary["walker"])


def test_first_available_takes_the_next_provider_when_the_first_is_busy(diary):
    first = book(diary, "botox", at(MONDAY, 13))
    second = book(diary, "botox", at(MONDAY, 13))
    assert (first.provider, second.provider) == (diary["walker"], diary["nurse"])
    with pytest.raises(SlotTakenError):
        book(diary, "botox", at(MONDAY, 13))


def test_a_provider_who_does_not_do_the_procedure_is_refused_with_a_message(diary):
    with pytest.raises(ValidationError) as refused:
        book(diary, "rhinoplasty", at(MONDAY, 14), provider=diary["nurse"])
    assert "does not hold consultations for that procedure" in str(refused.value)
    assert not ConsultationRequest.objects.exists()


def test_an_inactive_provider_is_never_offered(diary):
    set_bookable(diary["nurse"], False)
    assert availability.providers_for([diary["botox"]]) == [diary["walker"]]


def test_staff_moving_a_request_keep_its_length(diary, front_desk_user):
    consultation = book(diary, "botox", at(MONDAY, 14), provider=diary["nurse"])
    changes.consultation_request_confirm_time(
        consultation=consultation, start=at(MONDAY, 15), user=front_desk_user
    )
    consultation.refresh_from_db()
    assert consultation.provider == diary["nurse"]
    assert (consultation.slot_start, consultation.slot_end) == (
        at(MONDAY, 15),
        at(MONDAY, 15, 30),
    )


def overlapping_row(diary, start, end, provider, status="new"):
    """A request saved straight to the database, past every check in Python."""
    n = ConsultationRequest.objects.count()
    return ConsultationRequest.objects.create(
        full_name=f"Direct {n}",
        email=f"direct{n}@example.com",
        phone=f"+1601555{3000 + n:04d}",
        status=status,
        provider=provider,
        slot_start=start,
        slot_end=end,
        slot_confirmed_at=start if status == "scheduled" else None,
        consent_given_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        privacy_notice_version="test",
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [((9, 15), (9, 45)), ((8, 30), (9, 15)), ((9, 50), (11, 0)), ((8, 0), (12, 0))],
    ids=["inside", "over-the-start", "over-the-end", "around"],
)
def test_the_database_refuses_overlapping_open_requests_of_one_provider(diary, start, end):
    overlapping_row(diary, at(MONDAY, 9), at(MONDAY, 10), diary["walker"])
    refused = pytest.raises(IntegrityError, match="one_open_request_per_provider_time")
    with refused, transaction.atomic():
        overlapping_row(diary, at(MONDAY, *start), at(MONDAY, *end), diary["walker"])


def test_the_database_allows_back_to_back_times_other_providers_and_closed_requests(diary):
    overlapping_row(diary, at(MONDAY, 9), at(MONDAY, 10), diary["walker"])
    overlapping_row(diary, at(MONDAY, 10), at(MONDAY, 11), diary["walker"])
    overlapping_row(diary, at(MONDAY, 9), at(MONDAY, 10), diary["nurse"])
    overlapping_row(diary, at(MONDAY, 9), at(MONDAY, 10), diary["walker"], status="cancelled")
    assert ConsultationRequest.objects.count() == 4


def test_the_database_refuses_reopening_a_time_into_an_overlap(diary):
    overlapping_row(diary, at(MONDAY, 9), at(MONDAY, 10), diary["walker"])
    closed = overlapping_row(
        diary, at(MONDAY, 9, 30), at(MONDAY, 10), diary["walker"], status="cancelled"
    )
    closed.status = "new"
    with pytest.raises(IntegrityError), transaction.atomic():
        closed.save(update_fields=["status"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_provider_deleted_after_the_catalogue_was_read_is_a_message_not_an_error(diary):
    """Another node deletes the nurse after this one read the shared catalogue (raw SQL here,
    so no signal clears it): the database's foreign key refuses the request, and the patient
    is asked to choose again rather than shown a server error."""
    nurse = diary["nurse"]
    start = at(MONDAY, 13)
    assert start in free_for(diary, "botox", nurse)  # the catalogue is warm, nurse in it
    with transaction.atomic(), connection.cursor() as cursor:
        # Table names from the models, not from input.
        table = ProviderHours._meta.db_table
        cursor.execute(f"DELETE FROM {table} WHERE provider_id = %s", [nurse.pk])  # noqa: S608
        cursor.execute(f"DELETE FROM {Provider._meta.db_table} WHERE id = %s", [nurse.pk])  # noqa: S608

    with pytest.raises(ValidationError, match="taken off our list"):
        book(diary, "botox", start, provider=nurse)
    assert not ConsultationRequest.objects.exists()
