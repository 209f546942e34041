"""Photos a patient sends privately for a virtual consultation, from their manage link.

Each file is opened, turned upright, re-encoded as a JPEG without EXIF, XMP or GPS data
(a phone photo can locate a patient) and stored under PRIVATE_MEDIA_ROOT, never MEDIA_ROOT.
A refused file is named with its reason; the others of the same upload are kept.
"""

import io
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener
from wagtail.log_actions import log

from bookings.models import (
    MAX_PATIENT_PHOTOS,
    ConsultationRequest,
    PatientPhoto,
    patient_photo_storage,
)

register_heif_opener()  # iPhones send HEIC

MAX_BYTES = 10 * 1024 * 1024  # per file; the web server allows the six together
MAX_PIXELS = 50_000_000  # a 50-megapixel photo; more is a bomb, not a camera
LONG_SIDE = 3000  # enough for a provider to judge skin; keeps each file near 1 MB
ACCEPTED_FORMATS = {"JPEG", "PNG", "HEIF", "MPO"}  # MPO: some phones' JPEGs


@dataclass
class Upload:
    saved: list[PatientPhoto] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one sentence per refused file


def as_clean_jpeg(data: bytes) -> tuple[bytes, tuple[int, int]]:
    """The photo upright, at most LONG_SIDE pixels long, as a JPEG with no metadata but its
    colour profile. ValueError with the patient's reason when it cannot be.

    Memory is what limits a small server here, not CPU: a 7000×7000 JPEG decoded whole is
    147 MB of pixels, and every full-size copy (turning it upright, converting it) another
    147 MB. So a JPEG is decoded already scaled down by the JPEG decoder itself (`draft`:
    1/2, 1/4 or 1/8, never below LONG_SIDE), and the photo is shrunk before it is turned or
    converted, so only one full-size image ever exists. PNG and HEIC have no reduced decode:
    they cost one full decode (at most MAX_PIXELS) and nothing more. Measured by
    `scripts/photo_upload_memory.py`."""
    try:
        with Image.open(io.BytesIO(data)) as source:
            if source.format not in ACCEPTED_FORMATS:
                raise ValueError("is not a JPEG, PNG or HEIC photo")
            if source.width * source.height > MAX_PIXELS:
                raise ValueError("has more than 50 megapixels")
            icc_profile = source.info.get("icc_profile")
            if source.format in {"JPEG", "MPO"}:
                source.draft("RGB", (LONG_SIDE, LONG_SIDE))
            # In place; the long side fits whichever way round the photo is turned next.
            source.thumbnail((LONG_SIDE, LONG_SIDE))
            image = ImageOps.exif_transpose(source).convert("RGB")
            buffer = io.BytesIO()
            options = {"icc_profile": icc_profile} if icc_profile else {}
            image.save(buffer, "JPEG", quality=88, **options)  # no exif= : none written
            return buffer.getvalue(), image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ValueError("could not be opened as a photo") from None


def patient_photos_add(*, consultation: ConsultationRequest, files) -> Upload:
    """Store what can be stored of `files` (the patient ticked the clinical-use wording).

    The files are decoded first, outside any transaction (seconds of work that must hold no
    lock); then the request's row is locked, the photos counted and the new ones stored in
    one transaction. Two uploads to one request at once (two tabs, a double tap, a script)
    take turns at the lock, and the second counts the first one's photos: together they never
    pass MAX_PATIENT_PHOTOS."""
    upload = Upload()
    # A first look, unlocked, only to skip decoding files that cannot fit; the count under
    # the lock below decides.
    room = MAX_PATIENT_PHOTOS - consultation.photos.count()
    ready: list[tuple[str, bytes, tuple[int, int]]] = []
    for number, uploaded in enumerate(files, start=1):
        name = _display_name(uploaded, number)
        if len(ready) >= room:
            upload.refused.append(_no_room(name))
            continue
        if uploaded.size > MAX_BYTES:
            upload.refused.append(f"“{name}” is larger than 10 MB: please send a smaller copy.")
            continue
        try:
            data, size = as_clean_jpeg(uploaded.read())
        except ValueError as error:
            upload.refused.append(f"“{name}” {error}: please send a JPEG, PNG or HEIC photo.")
            continue
        ready.append((name, data, size))
    if not ready:
        return upload
    with transaction.atomic():
        # The request's row, locked until this commits: a parallel upload waits here.
        ConsultationRequest.objects.select_for_update().only("pk").get(pk=consultation.pk)
        room = MAX_PATIENT_PHOTOS - consultation.photos.count()
        now = timezone.now()
        for name, data, (width, height) in ready:
            if len(upload.saved) >= room:
                upload.refused.append(_no_room(name))
                continue
            photo = PatientPhoto(
                consultation=consultation, width=width, height=height, consent_given_at=now
            )
            photo.file.save("photo.jpg", ContentFile(data), save=False)
            photo.save()
            log(consultation, "bookings.photo_sent", data={"photo": photo.pk})
            upload.saved.append(photo)
    return upload


def _no_room(name: str) -> str:
    return (
        f"“{name}” was not sent: you can send up to {MAX_PATIENT_PHOTOS} photos. "
        "Withdraw one to send another."
    )


def patient_photo_withdraw(*, photo: PatientPhoto) -> None:
    consultation = photo.consultation
    with transaction.atomic():
        photo_id = photo.pk
        _delete_with_files(PatientPhoto.objects.filter(pk=photo_id))
        log(consultation, "bookings.photo_withdrawn", data={"photo": photo_id})


def patient_photos_withdraw_all(*, consultation: ConsultationRequest) -> None:
    with transaction.atomic():
        count = len(_delete_with_files(consultation.photos.all()))
        if count:
            log(consultation, "bookings.photo_withdrawn", data={"photos": count})


def patient_photos_delete_all(*, consultation: ConsultationRequest) -> None:
    """For anonymisation: every photo of the request, rows and files."""
    _delete_with_files(consultation.photos.all())


def patient_photo_record_view(*, photo: PatientPhoto, user) -> None:
    log(photo.consultation, "bookings.photo_viewed", user=user, data={"photo": photo.pk})


def _delete_with_files(photos) -> list[str]:
    """The rows now; their files once the transaction commits, so a rollback loses none."""
    names = list(photos.values_list("file", flat=True))
    photos.delete()
    storage = patient_photo_storage()

    def remove_files():
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return names


def _display_name(uploaded, number: int) -> str:
    """The file's own name for the message, trimmed; a phone may send none."""
    name = (uploaded.name or "").strip()[:60]
    return name or f"Photo {number}"
