"""Uploaded photos lose their hidden metadata before they are stored.

A phone photo carries EXIF data: where it was taken (GPS), when, with which device, often a
thumbnail of the uncropped original. On a clinic's site that can locate a patient, so every
image upload (gallery photos, heroes, portraits) is re-saved without it. The picture is
first turned upright by its EXIF orientation, which would otherwise be lost with the rest.
"""

import io
import posixpath

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageOps
from wagtail.utils.file import hash_filelike

# What Pillow can write back in the format it read; anything else is stored as uploaded
# (Wagtail accepts these four plus AVIF, HEIC and SVG, which carry no EXIF we could write).
REWRITABLE = {"JPEG", "PNG", "WEBP", "GIF"}
ORIENTATION_TAG = 0x0112


def without_metadata(data: bytes) -> tuple[bytes, tuple[int, int]] | None:
    """The image re-encoded with no EXIF, XMP or text chunks, and its size; None when the
    format is not one we rewrite."""
    with PILImage.open(io.BytesIO(data)) as source:
        image_format = source.format
        if image_format not in REWRITABLE or getattr(source, "is_animated", False):
            return None
        icc_profile = source.info.get("icc_profile")
        upright = source.getexif().get(ORIENTATION_TAG, 1) not in (1, None)
        image = ImageOps.exif_transpose(source) if upright else source
        image.info.clear()  # nothing read from the file is written back but the colours
        options = {"icc_profile": icc_profile} if icc_profile else {}
        if image_format == "JPEG":
            # "keep" reuses the file's own quantisation: no visible loss on a re-save.
            options["quality"] = 92 if upright else "keep"
        buffer = io.BytesIO()
        image.save(buffer, image_format, **options)
        return buffer.getvalue(), image.size


def strip_on_upload(sender, instance, **kwargs) -> None:
    """pre_save of Wagtail's image model: runs for the admin's uploads and any other code."""
    file = instance.file
    if not file or getattr(file, "_committed", True):
        return  # no new file in this save
    file.seek(0)
    cleaned = without_metadata(file.read())
    file.seek(0)
    if cleaned is None:
        return
    data, (width, height) = cleaned
    # Still uncommitted: the field's pre_save stores these bytes (an ImageFile, which it asks
    # for the width and height).
    file.file = ImageFile(io.BytesIO(data), name=posixpath.basename(file.name))
    instance.width, instance.height = width, height
    instance.file_size = len(data)
    instance.file_hash = hash_filelike(io.BytesIO(data))
