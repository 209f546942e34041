"""Uploaded photos keep no EXIF: no GPS position, no camera, no date. A photo taken on its
side (EXIF orientation) is stored upright, since the tag that said so is gone too."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.utils.file import hash_filelike

from allure.base.image_collections import IMAGE_LIBRARY, image_collection

pytestmark = pytest.mark.django_db

GPS = ExifTags.IFD.GPSInfo
JACKSON = {  # degrees, minutes, seconds: the clinic's street, as a phone would record it
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (32.0, 21.0, 40.0),
    ExifTags.GPS.GPSLongitudeRef: "W",
    ExifTags.GPS.GPSLongitude: (90.0, 8.0, 12.0),
}


def phone_photo(width=640, height=480, orientation=1, image_format="JPEG") -> bytes:
    """A photo as a phone saves it: GPS position, camera make, and an orientation tag."""
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(GPS).update(JACKSON)
    # Left half red, right half blue: shows which way the stored picture is turned.
    image = PILImage.new("RGB", (width, height), (220, 30, 30))
    image.paste((30, 30, 220), (width // 2, 0, width, height))
    buffer = io.BytesIO()
    image.save(buffer, image_format, exif=exif)
    return buffer.getvalue()


def test_the_test_photo_really_carries_gps():
    with PILImage.open(io.BytesIO(phone_photo())) as image:
        assert image.getexif().get_ifd(GPS)[ExifTags.GPS.GPSLatitudeRef] == "N"


def stored(image: Image):
    image.file.open("rb")
    data = image.file.read()
    image.file.close()
    return data


def assert_no_metadata(data: bytes):
    with PILImage.open(io.BytesIO(data)) as image:
        assert not image.getexif(), dict(image.getexif())
        assert "exif" not in image.info and "xmp" not in image.info


def test_an_upload_through_the_admin_is_stored_without_gps_or_camera(admin_client):
    upload = SimpleUploadedFile("holiday.jpg", phone_photo(), content_type="image/jpeg")
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Patient photo",
            "file": upload,
            # What the form's collection menu sends (several collections since issue 28).
            "collection": image_collection(IMAGE_LIBRARY).pk,
        },
    )
    assert response.status_code == 302
    image = Image.objects.get(title="Patient photo")
    data = stored(image)
    assert_no_metadata(data)
    assert (image.width, image.height) == (640, 480)
    assert image.file_size == len(data)
    assert image.file_hash == hash_filelike(io.BytesIO(data))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_any_saved_image_loses_its_metadata_and_is_turned_upright(image_format):
    # Orientation 6: the camera was turned; viewers rotate the picture 90° clockwise.
    image = Image(title="Sideways")
    image.file = SimpleUploadedFile(
        f"sideways.{image_format.lower()}", phone_photo(orientation=6, image_format=image_format)
    )
    image.save()

    data = stored(image)
    assert_no_metadata(data)
    assert (image.width, image.height) == (480, 640)  # upright: portrait now
    with PILImage.open(io.BytesIO(data)) as upright:
        assert upright.size == (480, 640)
        red, blue = upright.getpixel((240, 10)), upright.getpixel((240, 630))
        assert red[0] > 150 > red[2] and blue[2] > 150 > blue[0]  # left half now on top
