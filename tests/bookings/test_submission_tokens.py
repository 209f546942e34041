"""Submission tokens answer only the form that made them (issue 28): a waitlist claim's
token cannot be computed from the offer, and a known token with someone else's details gets
no reference back, whether the rate limit has been reached or not."""

import uuid

import pytest
from django.test import override_settings

from bookings.models import ConsultationRequest, ConsultationStatus, WaitlistOffer
from bookings.workflow import changes

from .conftest import drain_queue, form_data
from .waitlisting import join, link_in, next_monday_at

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The namespace the claim token used to be derived from (uuid5 of the offer's number): public
# in the repository, so anyone could compute every claimed request's token.
OLD_CLAIM_NAMESPACE = uuid.UUID("6f1c52d4-3c0e-4f57-9d39-7a9e0f0c2b11")


def reveals(response, reference: str) -> bool:
    return reference in response.get("Location", "") or reference in response.content.decode()


def test_a_claimed_offers_token_cannot_be_computed_from_the_offer(
    client, procedures, make_request, mailoutbox
):
    freed = make_request(slot=next_monday_at(9))
    entry = join(procedures["rhinoplasty"], 1)
    changes.consultation_request_transition(consultation=freed, to_status="declined")
    drain_queue()
    offer = next(m for m in mailoutbox if m.to == [entry.email] and "has come free" in m.subject)
    offer_link = link_in(offer, "offer")
    assert client.post(offer_link + "claim/").status_code == 302
    claimed = ConsultationRequest.objects.get(status=ConsultationStatus.NEW)
    offer = WaitlistOffer.objects.get(consultation=claimed)

    guessed = str(uuid.uuid5(OLD_CLAIM_NAMESPACE, str(offer.pk)))
    stranger = form_data(procedures, submission_token=guessed, email="stranger@example.com")
    for attempt in (stranger, {**stranger, "full_name": ""}):  # sent whole, and half-filled
        assert not reveals(client.post("/consultation/", attempt), claimed.reference)
    # Two claims of two offers never share a token either.
    assert claimed.submission_token != uuid.UUID(guessed)


@pytest.mark.parametrize(
    "change",
    [
        {},  # a whole form: the service finds the token taken
        {"full_name": ""},  # a form the page refuses: the "sent again" shortcut
        {"started": "forged"},  # an expired form: the same shortcut
    ],
)
def test_a_known_token_with_another_email_reveals_no_reference(
    client, procedures, free_slots, change
):
    patient = form_data(procedures, slot=free_slots[0])
    made = client.post("/consultation/", patient)
    reference = ConsultationRequest.objects.get().reference
    assert reference in made["Location"]

    stranger = form_data(
        procedures,
        submission_token=patient["submission_token"],  # copied from the patient's page
        email="stranger@example.com",
        phone="(601) 555-0199",
        **change,
    )
    assert not reveals(client.post("/consultation/", stranger), reference)
    assert ConsultationRequest.objects.count() == 1
    # The patient's own reload still ends at their request.
    again = client.post("/consultation/", {**patient, "started": "forged"})
    assert again["Location"] == made["Location"]


@override_settings(BOOKING_RATE_LIMIT=(1, 3600))
def test_over_the_rate_limit_a_known_token_reveals_no_reference(client, procedures, free_slots):
    patient = form_data(procedures, slot=free_slots[0])
    made = client.post("/consultation/", patient)
    reference = ConsultationRequest.objects.get().reference
    answers = [
        client.post(
            "/consultation/",
            form_data(
                procedures,
                submission_token=patient["submission_token"],
                email=f"stranger{n}@example.com",
            ),
        )
        for n in range(3)
    ]
    assert [a.status_code for a in answers] == [429, 429, 429]
    assert not any(reveals(a, reference) for a in answers)
    assert client.post("/consultation/", patient)["Location"] == made["Location"]
