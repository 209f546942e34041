"""The waitlist end to end with real commits and the real worker: joining, a freed time
offered to the oldest matching patients a few at a time, claiming, expiry and leaving."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings.models import (
    ConsultationRequest,
    ConsultationStatus,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from bookings.schedule import offers
from bookings.waitlist.services import times_to_offer, waitlist_entries_expire, waitlist_offer_time
from bookings.workflow import changes
from tests.clinicians import add_diary, add_procedures

from .conftest import drain_queue, form_data
from .waitlisting import join, link_in, next_monday_at

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def offer_tasks():
    return DBTaskResult.objects.filter(task_path="bookings.tasks.offer_freed_time")


def offers_in(mailoutbox):
    return {m.to[0]: m for m in mailoutbox if "has come free" in m.subject}


@pytest.fixture
def freed(make_request):
    """A request holding next Monday 9:00, to be let go of."""
    return make_request(slot=next_monday_at(9))


def test_joining_from_the_form_sends_a_confirmation_with_a_link_to_leave(
    client, procedures, clinic_hours, mailoutbox
):
    data = form_data(procedures, email="ada@example.com", full_name="Ada Lovelace")
    data.update(
        {
            "procedure": "rhinoplasty",
            "provider": "any",
            "weekdays": ["0", "2"],
            "times_of_day": ["afternoon"],
            "until": "2026-12-01",
        }
    )
    response = client.post("/consultation/waitlist/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == "/consultation/waitlist/joined/"
    entry = WaitlistEntry.objects.get()
    assert (entry.weekdays, entry.mornings, entry.afternoons) == ([0, 2], False, True)
    assert entry.until == dt.date(2026, 12, 1)
    assert entry.phone == "+16015550142"
    assert entry.privacy_notice_version == "2026-11"
    assert mailoutbox == []  # only the worker sends

    drain_queue()
    [confirmation] = mailoutbox
    assert confirmation.to == ["ada@example.com"]
    assert "Monday, Wednesday (afternoons)" in confirmation.body
    leave = link_in(confirmation, "leave")
    page = client.get(leave)
    assert "Leave the waitlist?" in page.content.decode()
    assert page["Cache-Control"] == "no-store, private"
    left = client.post(leave)
    assert "You've left the waitlist" in left.content.decode()
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.LEFT
    assert "You're not on this waitlist" in client.get(leave).content.decode()


def test_a_cancelled_time_goes_to_the_oldest_matching_patients_a_few_at_a_time(
    procedures, freed, mailoutbox, clock
):
    rhino = procedures["rhinoplasty"]
    matching = []
    for n in range(5):
        matching.append(join(rhino, n))
        clock.shift(dt.timedelta(minutes=1))
    join(rhino, 10, mornings=False)  # afternoons only
    join(rhino, 11, weekdays=[2, 3])  # not Mondays
    other = add_diary("Dr. Other", "M.D.")
    add_procedures(other, rhino)
    other.save()
    join(rhino, 12, provider=other)  # someone else's patient
    join(rhino, 13, until=freed.slot_start.date() - dt.timedelta(days=1))  # gone by then
    drain_queue()
    mailoutbox.clear()

    changes.consultation_request_cancel(consultation=freed)
    assert offer_tasks().count() == 1
    drain_queue()
    first = offers_in(mailoutbox)
    assert set(first) == {e.email for e in matching[: offers.OFFER_BATCH]}
    offer_mail = first[matching[0].email]
    assert "Mon 23 Nov, 9:00 AM" in offer_mail.subject
    assert "Dr. Walker" in offer_mail.body
    assert "/consultation/waitlist/leave/" in offer_mail.body

    # Nobody claims it: once their offers expire the next ones hear, and never twice.
    mailoutbox.clear()
    clock.shift(dt.timedelta(hours=offers.OFFER_HOURS, minutes=1))
    drain_queue()
    assert set(offers_in(mailoutbox)) == {e.email for e in matching[offers.OFFER_BATCH :]}
    assert WaitlistOffer.objects.count() == len(matching)


def test_the_first_claim_holds_the_time_and_the_others_are_told_it_is_taken(
    client, procedures, freed, mailoutbox
):
    first, second = join(procedures["rhinoplasty"], 1), join(procedures["rhinoplasty"], 2)
    changes.consultation_request_transition(consultation=freed, to_status="declined")
    drain_queue()
    mails = offers_in(mailoutbox)
    first_link, second_link = (
        link_in(mails[first.email], "offer"),
        link_in(mails[second.email], "offer"),
    )

    page = client.get(first_link)  # opening the link books nothing
    assert "Book this time" in page.content.decode()
    assert not ConsultationRequest.objects.filter(status="new").exists()

    response = client.post(first_link + "claim/")
    consultation = ConsultationRequest.objects.get(status=ConsultationStatus.NEW)
    assert response.status_code == 302
    assert response["Location"] == f"/consultation/received/{consultation.reference}/"
    assert (consultation.slot_start, consultation.provider) == (freed.slot_start, freed.provider)
    assert (consultation.full_name, consultation.email) == ("Waiting 1", first.email)
    assert list(consultation.procedures.all()) == [procedures["rhinoplasty"]]
    first.refresh_from_db()
    assert first.status == WaitlistStatus.FULFILLED
    # A second click finds the same request.
    assert client.post(first_link + "claim/")["Location"] == response["Location"]

    taken = client.post(second_link + "claim/")
    assert taken.status_code == 409
    assert "That time has just been taken" in taken.content.decode()
    assert "You are still on the waitlist" in taken.content.decode()
    second.refresh_from_db()
    assert second.status == WaitlistStatus.WAITING
    assert client.get(second_link).status_code == 409  # the link says so from now on
    assert ConsultationRequest.objects.filter(slot_start=freed.slot_start).count() == 2

    drain_queue()  # the winner gets the usual acknowledgement
    assert any(consultation.reference in m.subject for m in mailoutbox if m.to == [first.email])


def test_an_offer_expires_and_its_patient_stays_on_the_list(client, procedures, freed, clock):
    entry = join(procedures["rhinoplasty"], 1)
    changes.consultation_request_cancel(consultation=freed)
    drain_queue()
    offer = WaitlistOffer.objects.get()
    clock.shift(dt.timedelta(hours=offers.OFFER_HOURS))
    link = "/consultation/waitlist/offer/" + waitlist_token(offer) + "/"
    assert "This offer has expired" in client.get(link).content.decode()
    response = client.post(link + "claim/")
    assert response.status_code == 410
    assert "You are still on the waitlist" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING
    assert not ConsultationRequest.objects.filter(status="new").exists()


def waitlist_token(offer):
    from bookings.messages.links import offer_token

    return offer_token(offer)


@pytest.mark.parametrize("how", ["patient reschedules", "staff move it", "declined"])
def test_every_way_a_time_is_let_go_of_offers_it(
    procedures, freed, free_slots, front_desk_user, mailoutbox, how
):
    entry = join(procedures["rhinoplasty"], 1)
    other_time = next_monday_at(14)
    if how == "patient reschedules":
        changes.consultation_request_reschedule(consultation=freed, start=other_time)
    elif how == "staff move it":
        changes.consultation_request_confirm_time(
            consultation=freed, start=other_time, user=front_desk_user
        )
    else:
        changes.consultation_request_transition(
            consultation=freed, to_status="declined", user=front_desk_user
        )
    drain_queue()
    [offer] = WaitlistOffer.objects.all()
    assert (offer.entry, offer.slot_start) == (entry, next_monday_at(9))
    assert entry.email in offers_in(mailoutbox)


def test_confirming_the_time_already_held_frees_nothing(procedures, freed, front_desk_user):
    join(procedures["rhinoplasty"], 1)
    changes.consultation_request_confirm_time(
        consultation=freed, start=freed.slot_start, user=front_desk_user
    )
    assert offer_tasks().count() == 0


def test_a_time_booked_again_before_the_worker_runs_is_offered_to_nobody(
    procedures, freed, make_request, mailoutbox
):
    join(procedures["rhinoplasty"], 1)
    drain_queue()
    mailoutbox.clear()
    changes.consultation_request_cancel(consultation=freed)
    make_request(slot=freed.slot_start)  # a patient on the booking page was quicker
    drain_queue()
    assert not WaitlistOffer.objects.exists()
    assert offers_in(mailoutbox) == {}


def test_a_patient_with_two_open_requests_is_told_so_on_claiming(
    client, procedures, freed, make_request
):
    entry = join(procedures["rhinoplasty"], 1)
    for hour in (13, 14):
        make_request(slot=next_monday_at(hour), email=entry.email)
    changes.consultation_request_cancel(consultation=freed)
    drain_queue()
    offer = WaitlistOffer.objects.get()
    response = client.post(f"/consultation/waitlist/offer/{waitlist_token(offer)}/claim/")
    assert response.status_code == 409
    assert "You already have 2 open consultation requests" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


def test_the_front_desk_offers_a_chosen_time_with_the_same_email(
    procedures, clinic_hours, front_desk_user, mailoutbox
):
    entry = join(procedures["rhinoplasty"], 1)
    times = times_to_offer(entry)
    assert times and all(t.date() <= entry.until for t in times)
    offer = waitlist_offer_time(entry=entry, start=times[3], user=front_desk_user)
    assert offer.offered_by == front_desk_user
    drain_queue()
    mail = offers_in(mailoutbox)[entry.email]
    assert f"/consultation/waitlist/offer/{waitlist_token(offer)}/" in mail.body
    with pytest.raises(Exception, match="already offered"):
        waitlist_offer_time(entry=entry, start=times[3], user=front_desk_user)


def test_an_offer_mailed_late_is_not_sent_once_used_or_expired(
    procedures, freed, mailoutbox, clock
):
    entry = join(procedures["rhinoplasty"], 1)
    drain_queue()
    mailoutbox.clear()
    changes.consultation_request_cancel(consultation=freed)
    # The worker makes the offer, but mail is only sent after it expired.
    from bookings.tasks import send_waitlist_email

    made = offers.offer_freed_time(
        provider_id=freed.provider_id, start=freed.slot_start, now=timezone.now()
    )
    assert [o.entry for o in made] == [entry]
    clock.shift(dt.timedelta(hours=offers.OFFER_HOURS))
    result = send_waitlist_email.call(kind="waitlist_offer", entry_id=entry.pk, offer_id=made[0].pk)
    assert result == "skipped: offer gone"
    assert mailoutbox == []


def test_entries_past_their_last_day_expire_and_are_offered_nothing(procedures, freed, clock):
    old = join(procedures["rhinoplasty"], 1, until=dt.date(2026, 11, 20))
    current = join(procedures["rhinoplasty"], 2)
    clock.move_to(dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC))
    assert waitlist_entries_expire() == 1
    old.refresh_from_db()
    current.refresh_from_db()
    assert (old.status, current.status) == (WaitlistStatus.EXPIRED, WaitlistStatus.WAITING)
    changes.consultation_request_cancel(consultation=freed)
    drain_queue()
    assert [o.entry for o in WaitlistOffer.objects.all()] == [current]


def test_joining_twice_with_one_form_makes_one_entry(procedures, clinic_hours):
    token = uuid.uuid4()
    first = join(procedures["rhinoplasty"], 1, submission_token=token)
    again = join(procedures["rhinoplasty"], 1, submission_token=token)
    assert first == again
    assert WaitlistEntry.objects.count() == 1
