"""Issue 21: a patient on a 390 px phone books the video consultation for a facelift, sends
three photos from the manage link in the acknowledgement and withdraws one; the front desk,
signed in with two factors, sees the two on the request's page and each view is in the audit
log; an editor gets 403 and nobody without an account gets the file."""

import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from PIL import Image
from playwright.sync_api import expect
from wagtail.models import ModelLogEntry

from bookings.models import ConsultationRequest
from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.test_front_desk_confirms_a_request import log_in

PASSWORD = "photos-e2e-pass"  # noqa: S105
PATIENT = {"name": "Robin Hale", "email": "robin@example.com", "phone": "601-555-0177"}


def photo_file(name: str, colour) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), colour).save(buffer, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


@pytest.fixture
def staff(demo_site):
    desk = User.objects.create_user("desk", "desk@example.com", PASSWORD)
    desk.groups.add(Group.objects.get(name="Front desk"))
    editor = User.objects.create_user("writer", "writer@example.com", PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    return desk, editor


def test_a_patient_sends_photos_privately_and_only_the_front_desk_sees_them(
    booking_site, phone, browser, staff, run_worker
):
    page = phone
    assert page.viewport_size["width"] == 390
    page.goto(booking_site + "/consultation/?procedure=facelift")
    expect(page.get_by_role("main")).to_contain_text("Virtual surgical consultation")
    page.locator(".booking-time input[type=radio]").first.click()
    page.get_by_role("textbox", name="Your name").fill(PATIENT["name"])
    page.get_by_role("textbox", name="Email").fill(PATIENT["email"])
    page.get_by_role("textbox", name="Phone").fill(PATIENT["phone"])
    page.get_by_role("checkbox", name=re.compile("I agree to be contacted")).check()
    page.get_by_role("button", name="Send my request").click()
    expect(page).to_have_url(re.compile(r"/consultation/received/[^/]+/$"))
    consultation = ConsultationRequest.objects.get(email=PATIENT["email"])
    assert consultation.consultation_type.video and consultation.takes_photos

    [ack] = [m for m in run_worker() if m.to == [PATIENT["email"]]]
    assert "never by email or text message" in ack.body
    assert not ack.attachments
    manage = re.search(rf"{re.escape(booking_site)}/consultation/manage/\S+/", ack.body).group(0)

    page.goto(manage)
    section = page.get_by_role("region", name="Send photos privately")
    expect(section).to_contain_text("Face, straight on")  # the angles the clinic asks for
    section.get_by_label(re.compile("^Your photos")).set_input_files(
        [photo_file(f"photo-{n}.jpg", (180 + n * 20, 140, 120)) for n in range(3)]
    )
    section.get_by_role("checkbox", name=re.compile("only to prepare and hold")).check()
    section.get_by_role("button", name="Send photos privately").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("sent privately"))
    expect(section.locator(".booking-photo-list img")).to_have_count(3)
    assert axe_violations(page) == []
    screenshot(page, "patient-photos-sent-phone")
    section.get_by_role("button", name="Withdraw photo 2").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("withdrawn and deleted"))
    expect(section.locator(".booking-photo-list img")).to_have_count(2)
    assert consultation.photos.count() == 2
    photo_url = consultation.photos.first().file.url

    desk, editor = staff
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = context.new_page()
    # The photos are fetched below by the signed-in session rather than by the page's <img>
    # tags, so the audit log holds exactly those views and each answer's headers are checked.
    admin.route("**/admin/consultations/photos/**", lambda route: route.abort())
    log_in(admin, booking_site, desk.username, PASSWORD, second_step=True)
    admin.goto(f"{booking_site}/admin/consultations/{consultation.pk}/")
    photos = admin.get_by_role("region", name=re.compile("Photos the patient sent"))
    expect(photos).to_contain_text("(2)")
    expect(photos.locator("img")).to_have_count(2)
    for image in photos.locator("img").all():
        response = admin.request.get(booking_site + image.get_attribute("src"))
        assert response.status == 200
        assert response.headers["content-type"] == "image/jpeg"
        assert Image.open(io.BytesIO(response.body())).format == "JPEG"
    screenshot(admin, "front-desk-sees-patient-photos")
    context.close()
    views = ModelLogEntry.objects.filter(action="bookings.photo_viewed", user=desk)
    assert views.count() == 2

    context = browser.new_context()
    writer = context.new_page()
    log_in(writer, booking_site, editor.username, PASSWORD)  # editors owe no second step
    assert writer.request.get(booking_site + photo_url).status == 403
    context.close()

    context = browser.new_context()
    anonymous = context.request
    response = anonymous.get(booking_site + photo_url, max_redirects=0)
    assert response.status == 302 and "/admin/login/" in response.headers["location"]
    name = consultation.photos.first().file.name
    assert anonymous.get(booking_site + settings.MEDIA_URL + name).status == 404
    context.close()
    assert ModelLogEntry.objects.filter(action="bookings.photo_viewed").count() == 2
