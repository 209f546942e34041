"""Photos a patient sends privately for a virtual consultation (issue 21): from the manage
link only, re-encoded without metadata, kept outside MEDIA_ROOT, seen by the front desk and
providers through a logged view, gone when withdrawn or when the request is anonymised."""

import io
from pathlib import Path

import pillow_heif
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.models import ModelLogEntry

from allure.base.clinic import clinic_time
from bookings.manage import patient_photos
from bookings.messages import emails, links
from bookings.models import ConsultationStatus, ConsultationType, PatientPhoto
from bookings.retention import consultation_request_anonymise
from bookings.workflow import changes
from tests.staff import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

GPS_TAG = 0x8825


def jpeg_with_location(name="face.jpg", size=(1200, 900)) -> SimpleUploadedFile:
    """A phone photo: EXIF with a GPS position and the camera's maker."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_TAG] = {2: (32.0, 17.0, 55.0), 1: "N"}
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 150, 130)).save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png(name="side.png", size=(800, 600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 140, 120)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def heic(name="IMG_0042.HEIC", size=(640, 480)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", size, (190, 145, 125))).save(buffer, quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/heic")


def not_a_photo(name="notes.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"<script>alert(1)</script>", content_type="image/jpeg")


@pytest.fixture
def video_type(db):
    return ConsultationType.objects.create(
        category="face",
        name="Virtual surgical consultation",
        minutes=45,
        video=True,
        accepts_photos=True,
    )


@pytest.fixture
def consultation(video_type, make_request, free_slots):
    return make_request(slot=free_slots[0])


def photos_path(consultation):
    return f"/consultation/manage/{links.manage_token(consultation)}/photos/"


def send(client, consultation, *files, agree=True, **extra):
    data = {"photos": list(files)}
    if agree:
        data["clinical_use"] = "on"
    return client.post(photos_path(consultation), data, **extra)


def stored_files(consultation) -> list[Path]:
    return [Path(photo.file.path) for photo in consultation.photos.all()]


def test_three_photos_of_three_formats_are_stored_privately_as_jpegs_without_metadata(
    client, consultation
):
    response = send(client, consultation, jpeg_with_location(), png(), heic())
    assert response.status_code == 302
    assert response["Location"].endswith("?done=photos")
    files = stored_files(consultation)
    assert len(files) == 3
    for path in files:
        assert path.is_file()
        assert str(path).startswith(str(settings.PRIVATE_MEDIA_ROOT))
        assert not str(path).startswith(str(settings.MEDIA_ROOT))
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert not image.getexif()  # no GPS, no maker, nothing
    page = client.get(response["Location"]).content.decode()
    assert "your photos are sent privately" in page
    assert "Sent so far (3)" in page


def test_a_refused_file_is_named_and_the_others_of_the_upload_are_kept(client, consultation):
    response = send(client, consultation, jpeg_with_location(), not_a_photo("notes.jpg"), png())
    assert response.status_code == 400
    page = response.content.decode()
    assert "2 photos sent; 1 not sent" in page
    assert "“notes.jpg” could not be opened as a photo" in page
    assert consultation.photos.count() == 2


def test_a_file_over_10_mb_is_refused_with_its_reason(client, consultation):
    big = SimpleUploadedFile("huge.jpg", b"\xff" * (patient_photos.MAX_BYTES + 1))
    response = send(client, consultation, big)
    assert response.status_code == 400
    assert "“huge.jpg” is larger than 10 MB" in response.content.decode()
    assert consultation.photos.count() == 0


def test_a_photo_of_more_than_50_megapixels_is_refused_before_it_is_decoded(client, consultation):
    buffer = io.BytesIO()
    Image.new("1", (8000, 7000)).save(buffer, "PNG")  # 56 MP, a few kB
    response = send(client, consultation, SimpleUploadedFile("bomb.png", buffer.getvalue()))
    assert response.status_code == 400
    assert "has more than 50 megapixels" in response.content.decode()
    assert consultation.photos.count() == 0


def test_at_most_six_photos_the_seventh_is_refused_and_withdrawing_one_makes_room(
    client, consultation
):
    send(client, consultation, *[png(f"p{n}.png") for n in range(5)])
    response = send(client, consultation, png("sixth.png"), png("seventh.png"))
    page = response.content.decode()
    assert "“seventh.png” was not sent: you can send up to 6 photos" in page
    assert consultation.photos.count() == 6
    assert "Withdraw one to send another" in page
    assert 'type="file"' not in page  # no upload offered when full
    first = consultation.photos.first()
    client.post(photos_path(consultation) + f"{first.pk}/withdraw/")
    assert (
        'type="file"' in client.get(photos_path(consultation)[: -len("photos/")]).content.decode()
    )


def test_without_the_clinical_use_tick_nothing_is_stored_and_the_page_says_why(
    client, consultation
):
    response = send(client, consultation, png(), agree=False)
    assert response.status_code == 400
    assert "Please tick to agree before sending your photos." in response.content.decode()
    assert consultation.photos.count() == 0


def test_no_file_chosen_is_a_message_not_an_error(client, consultation):
    response = client.post(photos_path(consultation), {"clinical_use": "on"})
    assert response.status_code == 400
    assert "Choose at least one photo to send." in response.content.decode()


def test_only_a_type_that_asks_for_photos_and_an_open_request_take_them(
    client, consultation, video_type
):
    video_type.accepts_photos = False
    video_type.save()
    assert (
        "Send photos privately"
        not in client.get(photos_path(consultation)[: -len("photos/")]).content.decode()
    )
    assert send(client, consultation, png()).status_code == 409
    video_type.accepts_photos = True
    video_type.save()
    changes.consultation_request_cancel(consultation=consultation)
    assert send(client, consultation, png()).status_code == 409
    assert consultation.photos.count() == 0


def test_uploads_count_against_the_same_rate_limit_as_the_form(client, consultation, settings):
    settings.BOOKING_RATE_LIMIT = (1, 3600)
    assert send(client, consultation, png()).status_code == 302
    response = send(client, consultation, png())
    assert response.status_code == 429
    assert "several requests from your connection" in response.content.decode()
    assert consultation.photos.count() == 1


def test_a_withdrawn_photo_leaves_the_disk_and_the_log_says_so(
    client, consultation, django_capture_on_commit_callbacks
):
    send(client, consultation, png("a.png"), png("b.png"))
    withdrawn, kept = consultation.photos.all()
    path = Path(withdrawn.file.path)
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        response = client.post(photos_path(consultation) + f"{withdrawn.pk}/withdraw/")
    assert response["Location"].endswith("?done=photo-withdrawn")
    assert not path.exists()
    assert list(consultation.photos.all()) == [kept]
    assert ModelLogEntry.objects.filter(action="bookings.photo_withdrawn").count() == 1


def test_a_patient_cannot_withdraw_or_see_another_requests_photo(
    client, consultation, make_request, free_slots
):
    other = make_request(slot=free_slots[4])  # past the first's hour
    send(client, other, png())
    photo = other.photos.get()
    assert client.post(photos_path(consultation) + f"{photo.pk}/withdraw/").status_code == 404
    assert client.get(photos_path(consultation) + f"{photo.pk}/").status_code == 404
    assert client.get(f"/consultation/manage/forged/photos/{photo.pk}/").status_code == 404
    assert other.photos.count() == 1


def test_the_patient_sees_their_own_photo_never_cached_and_inert(client, consultation):
    send(client, consultation, png())
    photo = consultation.photos.get()
    response = client.get(photos_path(consultation) + f"{photo.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def provider_user(django_user_model):
    user = django_user_model.objects.create_user(username="walker", password="pw")
    user.groups.add(Group.objects.get(name="Providers"))
    return user


@pytest.mark.parametrize("who", ["front desk", "provider"])
def test_the_front_desk_and_providers_open_a_photo_and_each_view_is_logged(
    client, consultation, front_desk_user, provider_user, who
):
    send(client, consultation, png())
    photo = consultation.photos.get()
    staff = front_desk_user if who == "front desk" else provider_user
    sign_in_with_second_factor(client, staff)
    for _ in range(2):
        response = client.get(photo.file.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["X-Content-Type-Options"] == "nosniff"
    views = ModelLogEntry.objects.filter(action="bookings.photo_viewed", user=staff)
    assert views.count() == 2


def test_an_editor_gets_403_and_nobody_else_finds_the_file(client, consultation, editor_user):
    send(client, consultation, png())
    photo = consultation.photos.get()
    sign_in_with_second_factor(client, editor_user)
    assert client.get(photo.file.url).status_code == 403
    client.logout()
    anonymous = client.get(photo.file.url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert client.get(settings.MEDIA_URL + photo.file.name).status_code == 404
    assert not ModelLogEntry.objects.filter(action="bookings.photo_viewed").exists()


def test_the_requests_page_and_the_calendar_show_the_photos_to_the_front_desk(
    client, consultation, front_desk_user, free_slots
):
    send(client, consultation, png("a.png"), png("b.png"))
    sign_in_with_second_factor(client, front_desk_user)
    detail = client.get(f"/admin/consultations/{consultation.pk}/").content.decode()
    assert "Photos the patient sent (2)" in detail
    for photo in consultation.photos.all():
        assert photo.file.url in detail
    day = clinic_time.local_day(free_slots[0])
    calendar = client.get("/admin/consultations/calendar/day/", {"date": day.isoformat()})
    assert "2 photos sent" in calendar.content.decode()


def test_anonymising_the_request_deletes_its_photo_files(
    client, consultation, django_capture_on_commit_callbacks
):
    send(client, consultation, png("a.png"), heic())
    paths = stored_files(consultation)
    assert all(path.exists() for path in paths)
    changes.consultation_request_cancel(consultation=consultation)
    consultation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):  # the files go once committed
        consultation_request_anonymise(consultation=consultation)
    assert not any(path.exists() for path in paths)
    assert not PatientPhoto.objects.filter(consultation=consultation).exists()
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "patient-photos"
    remaining = {p.name for p in folder.rglob("*") if p.is_file()}
    assert not remaining & {p.name for p in paths}
    assert consultation.status == ConsultationStatus.CANCELLED


@pytest.mark.parametrize("kind", ["acknowledgement", "confirmation", "reminder"])
def test_the_emails_point_to_the_private_upload_and_never_carry_a_photo(client, consultation, kind):
    send(client, consultation, png())
    message = emails.build(kind, consultation)
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "Send them privately" in text
        assert "never by email or text message" in text
    assert "/consultation/manage/" in message.body
    assert not [a for a in message.attachments if "image" in str(a)]


def test_emails_for_a_type_without_photos_do_not_offer_them(consultation, video_type):
    video_type.accepts_photos = False
    video_type.save()
    consultation.refresh_from_db()
    assert "Send them privately" not in emails.build("acknowledgement", consultation).body


def test_a_closed_requests_page_shows_no_photo_but_lets_the_patient_delete_them(
    client, consultation, django_capture_on_commit_callbacks
):
    send(client, consultation, png("a.png"), png("b.png"))
    paths = stored_files(consultation)
    photo = consultation.photos.first()
    changes.consultation_request_cancel(consultation=consultation)
    manage = photos_path(consultation)[: -len("photos/")]
    page = client.get(manage).content.decode()
    assert "You sent 2 photos for this request" in page
    assert "<img" not in page.split('id="photos-heading"')[1].split("</section>")[0]
    assert client.get(photos_path(consultation) + f"{photo.pk}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(photos_path(consultation) + "withdraw/")
    assert response["Location"].endswith("?done=photos-withdrawn")
    assert not any(path.exists() for path in paths)
    assert consultation.photos.count() == 0
    assert "Your photos are deleted." in client.get(response["Location"]).content.decode()


def test_a_large_sideways_phone_jpeg_is_stored_upright_and_at_most_3000_pixels_long():
    """Decoded scaled down and shrunk before it is turned (issue 28): still upright, still
    the full 3000 pixels a provider needs."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the phone was held sideways; viewers turn it 90°
    buffer = io.BytesIO()
    Image.new("RGB", (6400, 3200), (200, 150, 130)).save(buffer, "JPEG", exif=exif)
    data, size = patient_photos.as_clean_jpeg(buffer.getvalue())
    assert size == (1500, 3000)  # upright: portrait, as the patient saw it
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.size == (1500, 3000)
        assert not stored.getexif()
