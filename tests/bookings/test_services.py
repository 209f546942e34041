"""The clinic's rules for consultation requests, as the services enforce them."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail.models import ModelLogEntry

from bookings.booking.services import SlotTakenError
from bookings.frontdesk.services import consultation_note_add, consultation_request_assign
from bookings.models import REFERENCE_ALPHABET, ConsultationRequest, ConsultationStatus
from bookings.schedule import availability
from bookings.workflow import changes
from bookings.workflow.changes import ALLOWED_TRANSITIONS

pytestmark = pytest.mark.django_db
S = ConsultationStatus


def test_a_request_holds_the_chosen_time_and_gets_a_readable_reference(make_request, free_slots):
    consultation = make_request(slot=free_slots[0])
    assert consultation.slot_start == free_slots[0] == consultation.preferred_start
    assert consultation.status == S.NEW
    assert len(consultation.reference) == 8
    assert set(consultation.reference) <= set(REFERENCE_ALPHABET)
    assert consultation.privacy_notice_version == "2026-11"
    assert consultation.consent_given_at is not None


def test_call_me_requests_hold_no_time_and_do_not_block_each_other(make_request):
    make_request(slot=None)
    make_request(slot=None)
    assert ConsultationRequest.objects.filter(slot_start__isnull=True).count() == 2


def test_the_database_refuses_two_open_requests_for_the_same_time(make_request, free_slots):
    held = make_request(slot=free_slots[0])
    twin = ConsultationRequest(
        full_name="Twin",
        email="twin@example.com",
        phone="+16015550100",
        slot_start=held.slot_start,
        consent_given_at=held.consent_given_at,
        privacy_notice_version="x",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_closed_request_releases_its_time_for_someone_else(make_request, free_slots):
    first = make_request(slot=free_slots[0])
    changes.consultation_request_cancel(consultation=first)
    second = make_request(slot=free_slots[0])
    assert second.slot_start == first.slot_start


def test_asking_for_a_held_time_says_it_was_taken(make_request, free_slots):
    make_request(slot=free_slots[0])
    with pytest.raises(SlotTakenError):
        make_request(slot=free_slots[0])
    assert ConsultationRequest.objects.count() == 1


def test_a_time_outside_availability_is_refused(make_request, free_slots):
    with pytest.raises(ValidationError):
        make_request(slot=free_slots[0].replace(minute=17))
    assert not ConsultationRequest.objects.exists()


def test_the_same_form_submitted_twice_makes_one_request(make_request, free_slots):
    token = uuid.uuid4()
    same = {"submission_token": token, "email": "avery@example.com", "phone": "+16015550142"}
    first = make_request(slot=free_slots[0], **same)
    again = make_request(slot=free_slots[0], **same)
    assert again.pk == first.pk
    assert ConsultationRequest.objects.count() == 1


def test_a_known_token_with_another_email_is_refused_not_answered_with_its_request(
    make_request, free_slots
):
    """Issue 28: the first request (and so its reference) goes back only to the same form."""
    token = uuid.uuid4()
    make_request(slot=free_slots[0], submission_token=token, email="avery@example.com")
    with pytest.raises((ValidationError, SlotTakenError)):
        make_request(slot=free_slots[1], submission_token=token, email="someone@example.com")
    assert ConsultationRequest.objects.count() == 1


def test_consent_is_required(make_request):
    with pytest.raises(ValidationError):
        make_request(consent=False)
    assert not ConsultationRequest.objects.exists()


def test_phone_numbers_are_checked_and_stored_in_e164_whoever_calls(make_request):
    assert make_request(phone="(601) 555-0142").phone == "+16015550142"
    with pytest.raises(ValidationError) as error:
        make_request(phone="555")
    assert "phone" in error.value.message_dict


def test_at_least_one_procedure_is_required(make_request):
    with pytest.raises(ValidationError):
        make_request(procedures=[])


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(f, t) for f in S.values for t in S.values],
)
def test_only_the_allowed_status_transitions_are_possible(
    make_request, free_slots, front_desk_user, from_status, to_status
):
    consultation = make_request(slot=free_slots[0])
    ConsultationRequest.objects.filter(pk=consultation.pk).update(
        status=from_status, slot_confirmed_at=consultation.created_at
    )
    consultation.refresh_from_db()
    allowed = to_status in ALLOWED_TRANSITIONS[from_status]
    if allowed:
        changes.consultation_request_transition(
            consultation=consultation, to_status=to_status, user=front_desk_user
        )
        consultation.refresh_from_db()
        assert consultation.status == to_status
    else:
        with pytest.raises(ValidationError):
            changes.consultation_request_transition(
                consultation=consultation, to_status=to_status, user=front_desk_user
            )
        consultation.refresh_from_db()
        assert consultation.status == from_status


def test_the_workflow_reads_new_contacted_scheduled_then_closed():
    assert ALLOWED_TRANSITIONS[S.NEW] >= {S.CONTACTED}
    assert ALLOWED_TRANSITIONS[S.CONTACTED] >= {S.SCHEDULED}
    assert ALLOWED_TRANSITIONS[S.SCHEDULED] == {S.COMPLETED, S.NO_SHOW, S.CANCELLED}
    for closed in (S.COMPLETED, S.NO_SHOW, S.CANCELLED, S.DECLINED):
        assert ALLOWED_TRANSITIONS[closed] == frozenset()


def test_scheduling_needs_a_confirmed_time(make_request, front_desk_user):
    consultation = make_request(slot=None)
    with pytest.raises(ValidationError, match="Confirm an appointment time"):
        changes.consultation_request_transition(
            consultation=consultation, to_status=S.SCHEDULED, user=front_desk_user
        )


def test_confirming_a_time_schedules_the_request(make_request, free_slots, front_desk_user):
    consultation = make_request(slot=None)
    changes.consultation_request_confirm_time(
        consultation=consultation, start=free_slots[3], user=front_desk_user
    )
    consultation.refresh_from_db()
    assert consultation.status == S.SCHEDULED
    assert consultation.appointment_start == free_slots[3]


def test_staff_moving_a_time_releases_the_old_one(make_request, free_slots, front_desk_user):
    consultation = make_request(slot=free_slots[0])
    changes.consultation_request_confirm_time(
        consultation=consultation, start=free_slots[1], user=front_desk_user
    )
    other = make_request(slot=free_slots[0])
    assert other.slot_start == free_slots[0]


def test_staff_cannot_confirm_a_time_another_request_holds(
    make_request, free_slots, front_desk_user
):
    make_request(slot=free_slots[0])
    consultation = make_request(slot=free_slots[1])
    with pytest.raises(SlotTakenError):
        changes.consultation_request_confirm_time(
            consultation=consultation, start=free_slots[0], user=front_desk_user
        )
    consultation.refresh_from_db()
    assert consultation.slot_start == free_slots[1]
    assert consultation.status == S.NEW


def test_a_closed_request_cannot_be_given_a_time(make_request, free_slots, front_desk_user):
    consultation = make_request(slot=None)
    changes.consultation_request_transition(
        consultation=consultation, to_status=S.DECLINED, user=front_desk_user
    )
    with pytest.raises(ValidationError):
        changes.consultation_request_confirm_time(
            consultation=consultation, start=free_slots[0], user=front_desk_user
        )


def test_the_patient_can_pick_another_free_time_while_unconfirmed(make_request, free_slots):
    consultation = make_request(slot=free_slots[0])
    changes.consultation_request_reschedule(consultation=consultation, start=free_slots[2])
    consultation.refresh_from_db()
    assert consultation.slot_start == free_slots[2]
    assert free_slots[0] not in [c.slot_start for c in ConsultationRequest.objects.all()]


def test_the_patient_cannot_move_a_confirmed_appointment_online(
    make_request, free_slots, front_desk_user
):
    consultation = make_request(slot=free_slots[0])
    changes.consultation_request_confirm_time(
        consultation=consultation, start=free_slots[0], user=front_desk_user
    )
    with pytest.raises(ValidationError, match="call us"):
        changes.consultation_request_reschedule(consultation=consultation, start=free_slots[2])


def test_a_patients_stale_reschedule_never_reopens_a_request_the_front_desk_declined(
    make_request, free_slots, front_desk_user
):
    patients_copy = make_request(slot=free_slots[0])  # the manage page, loaded before
    desk_copy = ConsultationRequest.objects.get(pk=patients_copy.pk)
    changes.consultation_request_transition(
        consultation=desk_copy, to_status=S.DECLINED, user=front_desk_user
    )
    with pytest.raises(changes.StaleChangeError, match="changed a moment ago.*declined"):
        changes.consultation_request_reschedule(consultation=patients_copy, start=free_slots[2])
    stored = ConsultationRequest.objects.get(pk=patients_copy.pk)
    assert stored.status == S.DECLINED
    assert stored.slot_start == free_slots[0]  # still the declined one's, held by nobody
    assert free_slots[2] in availability.available_slots()


def test_a_stale_front_desk_change_is_refused_not_applied(make_request, front_desk_user):
    desk_copy = make_request()
    patients_copy = ConsultationRequest.objects.get(pk=desk_copy.pk)
    changes.consultation_request_cancel(consultation=patients_copy)
    with pytest.raises(changes.StaleChangeError, match="cancelled"):
        changes.consultation_request_transition(
            consultation=desk_copy, to_status=S.CONTACTED, user=front_desk_user
        )
    assert ConsultationRequest.objects.get(pk=desk_copy.pk).status == S.CANCELLED


def test_notes_record_author_and_time(make_request, front_desk_user):
    consultation = make_request()
    note = consultation_note_add(
        consultation=consultation, author=front_desk_user, text="  Left a voicemail. "
    )
    assert note.text == "Left a voicemail."
    assert note.author == front_desk_user
    assert note.created_at is not None


def test_an_empty_note_is_refused(make_request, front_desk_user):
    with pytest.raises(ValidationError):
        consultation_note_add(consultation=make_request(), author=front_desk_user, text="   ")


def test_every_change_is_written_to_the_audit_log(make_request, free_slots, front_desk_user):
    consultation = make_request(slot=None)
    consultation_request_assign(
        consultation=consultation, assignee=front_desk_user, user=front_desk_user
    )
    consultation_note_add(consultation=consultation, author=front_desk_user, text="Hi")
    changes.consultation_request_transition(
        consultation=consultation, to_status=S.CONTACTED, user=front_desk_user
    )
    changes.consultation_request_confirm_time(
        consultation=consultation, start=free_slots[0], user=front_desk_user
    )
    entries = ModelLogEntry.objects.filter(object_id=str(consultation.pk)).order_by("timestamp")
    assert [e.action for e in entries] == [
        "bookings.assigned",
        "bookings.note_added",
        "bookings.status_changed",
        "bookings.time_confirmed",
    ]
    assert {e.user_id for e in entries} == {front_desk_user.pk}
    assert all(e.timestamp for e in entries)
    assert "Patient" not in " ".join(e.label for e in entries)  # no personal data in labels
