"""One clinician, one place: the name, letters, role and photo an editor changes in
Snippets › Clinicians are what the profile page, the procedure pages, the booking page, the
emails and the calendar file say, and a clinician saved in the admin has a diary to book."""

import pytest
from django.urls import reverse

from allure.base.models import ClinicSettings
from bookings.messages import calendar_files, emails
from bookings.models import ConsultationRequest, Provider
from procedures.clinicians import Clinician
from procedures.models import ProcedurePage
from tests.staff import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_one_change_to_the_doctor_reaches_every_page_that_names_her(demo, client):
    walker = Clinician.objects.get(name="Dr. Walker")
    walker.name, walker.letters, walker.role = "Dr. Ada Walker", "M.D., FACS", "Facial surgeon"
    walker.save()

    profile = html(client, "/dr-walker/")
    assert "<h1>Dr. Ada Walker, M.D., FACS</h1>" in profile
    assert '<p class="eyebrow">Facial surgeon</p>' in profile
    assert '"name": "Dr. Ada Walker"' in profile  # the Physician JSON-LD
    procedure = html(client, "/procedures/skin-resurfacing/")
    assert 'Medically reviewed by <a href="/dr-walker/">Dr. Ada Walker, M.D., FACS</a>' in procedure
    assert '"name": "Dr. Ada Walker, M.D., FACS"' in procedure  # reviewedBy
    assert "Dr. Ada Walker’s take" in procedure
    assert "With Dr. Ada Walker, M.D., FACS" in procedure
    assert "Meet Dr. Ada Walker" in html(client, "/")
    booking = html(client, "/consultation/?procedure=facelift")
    assert "Dr. Ada Walker" in booking and "M.D., FACS, facial surgeon" in booking


def test_the_emails_and_the_calendar_file_name_the_clinician_of_the_diary(demo):
    consultation = ConsultationRequest.objects.exclude(provider=None).exclude(slot_start=None)[0]
    clinician = consultation.provider.clinician
    clinician.name = "Dr. Renamed"
    clinician.save()
    consultation = ConsultationRequest.objects.get(pk=consultation.pk)
    message = emails.build("confirmation", consultation)
    assert "Dr. Renamed" in message.body
    assert b"with Dr. Renamed" in calendar_files.calendar_file(consultation, ClinicSettings.load())


def test_a_photo_changed_once_shows_on_the_profile_and_the_home_page(demo, client):
    walker = Clinician.objects.get(name="Dr. Walker")
    other_photo = Clinician.objects.exclude(photo=None).values_list("photo", flat=True)
    assert list(other_photo) == [walker.photo_id]
    photo = walker.photo
    photo.title = "A new portrait"
    photo.description = "Dr. Walker smiling, new portrait"
    photo.save()
    assert 'alt="Dr. Walker smiling, new portrait"' in html(client, "/dr-walker/")
    assert 'alt="Dr. Walker smiling, new portrait"' in html(client, "/")


def test_a_clinician_added_in_the_admin_gets_a_diary_and_can_be_booked(demo, client, admin_user):
    sign_in_with_second_factor(client, admin_user)
    peel = ProcedurePage.objects.get(slug="chemical-peel")
    response = client.post(
        reverse("wagtailsnippets_procedures_clinician:add"),
        {
            "name": "Sam Ortiz",
            "letters": "",
            "role": "Licensed aesthetician",
            "bio": "",
            "procedures": [peel.pk],
            "bookable": "on",
            "sort_order": 4,
        },
    )
    assert response.status_code == 302
    diary = Provider.objects.get(clinician__name="Sam Ortiz")
    booking = html(client, "/consultation/?procedure=chemical-peel")
    assert f'value="{diary.pk}"' in booking and "Sam Ortiz" in booking
    assert "Sam Ortiz" not in html(client, "/consultation/?procedure=facelift")
