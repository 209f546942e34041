"""The patient's consultation form: every validation rule, spam brakes, idempotent submit."""

import re
import time
import uuid

import pytest
from django.test import override_settings
from django.utils import timezone

from bookings.booking.forms import ConsultationRequestForm, started_token
from bookings.models import ConsultationRequest
from bookings.phones import normalise_phone
from bookings.schedule.slots import Slot
from tests.clock import across_awkward_instants

from .conftest import form_data

pytestmark = pytest.mark.django_db


def post(client, pages, **overrides):
    return client.post("/consultation/", form_data(pages, **overrides))


@across_awkward_instants
def test_the_form_offers_live_procedures_then_the_first_free_days_times(
    clock, client, procedures, free_slots
):
    html = client.get("/consultation/?procedure=rhinoplasty").content.decode()
    assert "Rhinoplasty" in html and "Botox" in html
    assert "Secret draft" not in html
    assert "please call me to arrange a time" in html
    assert Slot(free_slots[0]).encode() in html  # the first free day is open
    assert 'aria-current="date"' in html
    assert "don’t send medical history" in html or "don't send medical history" in html
    assert 'href="/privacy/"' in html


def test_a_procedure_page_link_preselects_that_procedure(client, procedures, clinic_hours):
    response = client.get("/consultation/?procedure=botox")
    assert response.context["form"].initial["procedure"] == "botox"
    assert response.context["diary"].procedure == procedures["botox"]


def test_unknown_or_draft_procedure_slugs_preselect_nothing(client, procedures, clinic_hours):
    for slug in ("secret-draft", "nope", "bad\x00slug"):
        response = client.get("/consultation/", {"procedure": slug})
        assert response.status_code == 200
        assert response.context["form"].initial["procedure"] is None
        assert "Choose a treatment above to see free times" in response.content.decode()


@across_awkward_instants
def test_a_valid_request_is_saved_and_redirects_to_the_received_page(
    clock, client, procedures, free_slots
):
    response = post(client, procedures, slot=free_slots[0])
    consultation = ConsultationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/consultation/received/{consultation.reference}/"
    assert consultation.phone == "+16015550142"
    assert consultation.slot_start == free_slots[0]
    assert list(consultation.procedures.all()) == [procedures["rhinoplasty"]]


def test_the_received_page_shows_the_reference_but_no_personal_details(
    client, procedures, free_slots
):
    post(client, procedures, slot=free_slots[0], phone="(601) 555-0199")
    consultation = ConsultationRequest.objects.get()
    html = client.get(f"/consultation/received/{consultation.reference}/").content.decode()
    assert consultation.reference in html
    assert "What happens next" in html
    assert "Avery" not in html and "avery@example.com" not in html and "0199" not in html


def test_an_unknown_reference_is_not_found(client, db):
    assert client.get("/consultation/received/ABCDEFGH/").status_code == 404


def test_double_clicking_submit_creates_one_request(client, procedures, free_slots):
    data = form_data(procedures, slot=free_slots[0])
    first = client.post("/consultation/", data)
    second = client.post("/consultation/", data)
    assert ConsultationRequest.objects.count() == 1
    assert first["Location"] == second["Location"]


@override_settings(BOOKING_RATE_LIMIT=(1, 3600))
def test_a_form_sent_again_after_it_expired_or_past_the_limit_ends_at_its_request(
    client, procedures, free_slots
):
    data = form_data(procedures, slot=free_slots[0])
    first = client.post("/consultation/", data)
    expired = client.post("/consultation/", {**data, "started": "forged"})
    assert first.status_code == expired.status_code == 302  # the limit is reached by now
    assert first["Location"] == expired["Location"]
    assert ConsultationRequest.objects.count() == 1
    other = client.post("/consultation/", form_data(procedures, slot=free_slots[1]))
    assert other.status_code == 429


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "Tell us your name"),
        ({"full_name": "x" * 121}, "full_name", "at most 120"),
        ({"email": "not-an-email"}, "email", "like name@example.com"),
        ({"email": ""}, "email", "Enter your email"),
        ({"phone": "12"}, "phone", "doesn't look complete"),
        ({"phone": "call me maybe"}, "phone", "Enter a phone number"),
        ({"phone": ""}, "phone", "Enter a phone number so"),
        ({"procedure": ""}, "procedure", "Choose a procedure first"),
        ({"procedure": "nope"}, "procedure", "Choose a procedure from the list"),
        ({"provider": "999999"}, "provider", "couldn't find that provider"),
        ({"slot": ""}, "slot", "Choose a time, or ask us to call you"),
        ({"slot": "2020-01-01T15:00:00+00:00"}, "slot", "not available any more"),
        ({"slot": "garbage"}, "slot", "not available any more"),
        ({"contact_method": "pigeon"}, "contact_method", "valid choice"),
        ({"message": "x" * 1001}, "message", "at most 1000"),
        ({"consent": None}, "consent", "only contact you with your consent"),
        ({"website": "http://spam.example"}, "website", "leave the last field empty"),
        ({"started": started_token}, "started", "very quick"),
        ({"started": "forged"}, "started", "expired"),
        ({"started": lambda: started_token(time.time() - 2 * 86400)}, "started", "expired"),
    ],
)
def test_each_rule_gives_a_clear_message_next_to_its_field(
    client, procedures, free_slots, overrides, field, message
):
    response = post(client, procedures, **overrides)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert not ConsultationRequest.objects.exists()


def test_the_draft_procedure_cannot_be_chosen(client, procedures, free_slots):
    response = post(client, procedures, procedure="secret-draft")
    assert "procedure" in response.context["form"].errors
    assert not ConsultationRequest.objects.exists()


def test_errors_keep_what_was_typed_and_are_summarised_and_linked(client, procedures, free_slots):
    response = post(client, procedures, slot=free_slots[2], email="avery@", consent=None)
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_email"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'value="Avery Johnson"' in html
    assert 'value="avery@"' in html
    assert "Afternoons are best." in html
    assert f'value="{Slot(free_slots[2]).encode()}" checked' in html


def test_a_new_form_carries_only_what_is_drawn_outside_its_shared_details():
    # A new form's details (labels, empty controls) are one fragment for every patient
    # (templates/bookings/consultation_request.html): nothing of anyone's may be in them.
    form = ConsultationRequestForm.blank(procedure=None, provider_value="any")
    assert set(form.initial) == {"procedure", "provider", "slot", "started", "submission_token"}


def test_what_one_patient_typed_never_reaches_the_next_patients_form(
    client, procedures, free_slots
):
    sent_back = post(client, procedures, slot=free_slots[2], email="avery@").content.decode()
    assert 'value="Avery Johnson"' in sent_back
    for path in ("/consultation/", f"/consultation/?procedure={procedures['botox'].slug}"):
        html = client.get(path).content.decode()
        assert 'name="full_name"' in html
        assert "Avery" not in html and "avery@" not in html and "Afternoons are best" not in html


def test_a_time_taken_since_the_form_was_shown_gets_a_clear_message(
    client, procedures, free_slots, make_request
):
    make_request(slot=free_slots[0])
    response = post(client, procedures, slot=free_slots[0])
    assert response.status_code == 409
    assert "just taken" in " ".join(response.context["form"].errors["slot"])
    assert ConsultationRequest.objects.count() == 1


def test_phone_numbers_are_stored_in_e164():
    assert normalise_phone("(601) 555-0142") == "+16015550142"
    assert normalise_phone("601.555.0142") == "+16015550142"
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"


@override_settings(BOOKING_RATE_LIMIT=(3, 3600))
def test_too_many_posts_from_one_address_are_slowed_down(client, procedures, free_slots):
    for _ in range(3):
        post(client, procedures, email="bad")
    response = post(client, procedures, slot=free_slots[0])
    assert response.status_code == 429
    assert "several requests from your connection" in response.content.decode()
    assert not ConsultationRequest.objects.exists()


@override_settings(BOOKING_RATE_LIMIT=(3, 3600))
def test_the_rate_limit_is_per_client_address(client, procedures, free_slots):
    for _ in range(3):
        post(client, procedures, email="bad")
    response = client.post(
        "/consultation/", form_data(procedures, slot=free_slots[0]), REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302


@override_settings(
    BOOKING_RATE_LIMIT=(3, 3600),
    BOOKING_TRUSTED_PROXIES=1,
    BOOKING_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
)
def test_a_made_up_forwarded_address_does_not_escape_the_rate_limit(client, procedures, free_slots):
    # The proxy appends the real address; the client controls only what is to its left.
    for n in range(3):
        client.post(
            "/consultation/",
            form_data(procedures, email="bad"),
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.7",
        )
    response = client.post(
        "/consultation/",
        form_data(procedures, slot=free_slots[0]),
        HTTP_X_FORWARDED_FOR="10.9.9.99, 198.51.100.7",
    )
    assert response.status_code == 429


@override_settings(BOOKING_RATE_LIMIT=(3, 3600))
def test_fresh_ipv6_addresses_from_one_64_share_one_allowance(client, procedures, free_slots):
    for n in range(3):
        client.post(
            "/consultation/", form_data(procedures, email="bad"), REMOTE_ADDR=f"2001:db8::{n}"
        )
    response = client.post(
        "/consultation/", form_data(procedures, slot=free_slots[0]), REMOTE_ADDR="2001:db8::ff"
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    "name",
    [
        "Visit evil.com",
        "www.evil.example",
        "http://evil.example/x",
        "me@evil.example",
        "<b>Avery</b>",
        "EVIL.COM",
    ],
)
def test_a_name_that_looks_like_a_link_is_refused_on_the_same_page(
    client, procedures, free_slots, name
):
    response = post(client, procedures, slot=free_slots[0], full_name=name)
    assert response.status_code == 200
    errors = response.context["form"].errors["full_name"]
    assert "without web or email addresses" in " ".join(errors)
    assert "Afternoons are best." in response.content.decode()  # nothing typed is lost
    assert not ConsultationRequest.objects.exists()


@pytest.mark.parametrize("name", ["Avery Johnson", "Mary-Jane O'Neil", "J. R. St. Clair", "Zoë"])
def test_real_names_are_accepted(client, procedures, free_slots, name):
    assert post(client, procedures, slot=free_slots[0], full_name=name).status_code == 302


def test_the_service_refuses_a_link_like_name_too(make_request):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        make_request(full_name="Claim at evil.com")
    assert "full_name" in error.value.message_dict


@override_settings(BOOKING_RATE_LIMIT=(100, 3600))
@pytest.mark.parametrize(
    "same", [{"email": "AVERY@example.com"}, {"phone": "601 555 0142", "email": "x@example.com"}]
)
def test_one_email_or_phone_holds_at_most_two_open_requests(client, procedures, free_slots, same):
    for slot in free_slots[:2]:
        assert post(client, procedures, slot=slot).status_code == 302
    response = post(client, procedures, slot=free_slots[2], **same)
    assert response.status_code == 200
    html = response.content.decode()
    assert "You already have 2 open consultation requests" in html
    assert "Please call us on" in html
    assert ConsultationRequest.objects.count() == 2
    assert not ConsultationRequest.objects.filter(slot_start=free_slots[2]).exists()


@override_settings(BOOKING_RATE_LIMIT=(100, 3600))
def test_a_cancelled_request_frees_a_place(client, procedures, free_slots):
    from bookings.workflow import changes

    for slot in free_slots[:2]:
        post(client, procedures, slot=slot)
    changes.consultation_request_cancel(consultation=ConsultationRequest.objects.first())
    assert post(client, procedures, slot=free_slots[2]).status_code == 302


def test_a_stale_form_gets_a_fresh_timestamp_so_sending_again_works(client, procedures, free_slots):
    response = post(client, procedures, started="forged")
    form = response.context["form"]
    assert form.data["started"] != "forged"


@pytest.mark.parametrize("token", [None, "not-a-token", "\x00"])
def test_a_missing_or_mangled_submission_token_is_replaced_so_the_form_can_be_sent(
    procedures, free_slots, token
):
    form = ConsultationRequestForm(form_data(procedures, submission_token=token))
    assert form.posted_token is None  # nothing to look an earlier request up by
    assert form.is_valid(), form.errors
    assert isinstance(form.cleaned_data["submission_token"], uuid.UUID)


def test_text_reminders_are_asked_for_apart_unticked_and_their_consent_time_is_stored(
    client, procedures, free_slots
):
    html = client.get("/consultation/?procedure=rhinoplasty").content.decode()
    checkbox = re.search(r'<input[^>]*name="text_reminders"[^>]*>', html).group(0)
    assert 'type="checkbox"' in checkbox and "checked" not in checkbox
    assert "Text me reminders" in html
    assert "Two days before and on the morning" in html and "Reply STOP to stop" in html

    post(client, procedures, slot=free_slots[0], text_reminders="on")
    post(client, procedures, slot=free_slots[1], email="second@example.com")
    agreed, not_asked = ConsultationRequest.objects.order_by("slot_start")
    assert agreed.text_reminders_agreed_at == timezone.now()
    assert agreed.texts_allowed
    assert not_asked.text_reminders_agreed_at is None
    assert not not_asked.texts_allowed
    assert agreed.text_reminders_stopped_at is None
