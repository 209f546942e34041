"""Demo images drawn here with Pillow, so the demo never downloads anything.

Calm abstract gradients in the site's palette, and a simple drawn portrait placeholder.
"""

import functools
import io
import random

from django.core.files.images import ImageFile
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter
from wagtail.images.models import Image

from allure.base import image_collections

PALETTES = {
    "rose": ((246, 232, 226), (206, 160, 146), (122, 74, 58)),
    "sand": ((250, 244, 236), (222, 196, 166), (150, 112, 82)),
    "sage": ((238, 242, 236), (176, 192, 172), (86, 108, 92)),
    "dusk": ((240, 234, 242), (190, 170, 196), (98, 80, 110)),
    "clay": ((248, 236, 230), (214, 172, 150), (140, 86, 66)),
}


def _gradient(size, top, bottom):
    width, height = size
    base = PILImage.new("RGB", size, top)
    draw = ImageDraw.Draw(base)
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    return base


# Drawing takes a few hundred milliseconds a picture and the result never changes: a process
# draws each once (the test suite builds the demo a few hundred times).
@functools.cache
def abstract(palette: str, seed: int, size=(1200, 800)) -> bytes:
    light, mid, deep = PALETTES[palette]
    rng = random.Random(seed)  # the same picture on every run
    image = _gradient(size, light, mid)
    layer = PILImage.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(5):
        radius = rng.randint(size[1] // 5, size[1] // 2)
        x, y = rng.randint(0, size[0]), rng.randint(0, size[1])
        colour = rng.choice([light, mid, deep])
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=(*colour, 90))
    layer = layer.filter(ImageFilter.GaussianBlur(size[1] // 8))
    image.paste(layer, (0, 0), layer)
    lines = PILImage.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(lines)
    for step in range(3):  # a few fine arcs give the soft colour field some structure
        inset = step * size[1] // 9
        box = [size[0] * 0.45 + inset, -size[1] * 0.4 + inset, size[0] * 1.5 - inset, size[1] * 1.1]
        draw.arc(box, 90, 260, fill=(*deep, 70), width=3)
    image.paste(lines, (0, 0), lines)
    return _jpeg(image)


@functools.cache
def portrait(size=(720, 900)) -> bytes:
    light, mid, deep = PALETTES["sand"]
    image = _gradient(size, light, mid)
    draw = ImageDraw.Draw(image)
    w, h = size
    # Shoulders in a dark jacket, a light shirt collar, then the head: a friendly silhouette.
    draw.rounded_rectangle(
        [w * 0.12, h * 0.66, w * 0.88, h * 1.2], radius=w // 4, fill=(58, 66, 74)
    )
    draw.polygon(
        [(w * 0.42, h * 0.66), (w * 0.5, h * 0.8), (w * 0.58, h * 0.66)], fill=(245, 245, 242)
    )
    draw.rectangle([w * 0.44, h * 0.52, w * 0.56, h * 0.68], fill=(201, 160, 132))
    draw.ellipse([w * 0.3, h * 0.16, w * 0.7, h * 0.5], fill=(92, 72, 60))
    draw.ellipse([w * 0.33, h * 0.23, w * 0.67, h * 0.6], fill=(214, 172, 144))
    return _jpeg(image.filter(ImageFilter.GaussianBlur(2)))


SKIN_TONES = ((236, 196, 170), (214, 170, 140), (176, 128, 100))


def skin(seed: int, *, healed: float, tone: int = 0, size=(960, 720)) -> bytes:
    """A close-up of skin for the demo gallery: freckles, blotches and fine creases that
    fade as `healed` goes from 0 (before) to 1. The same seed draws the same patch of skin,
    so a before and after line up like a real pair taken from the same angle."""
    base = SKIN_TONES[tone % len(SKIN_TONES)]
    shade = tuple(max(c - 18, 0) for c in base)
    image = _gradient(size, base, shade)
    rng = random.Random(seed)
    layer = PILImage.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    strength = 1 - healed
    spot = (150, 96, 70)
    for _ in range(70):  # sun spots: fewer, smaller and fainter after treatment
        x, y = rng.randint(0, size[0]), rng.randint(0, size[1])
        radius = rng.randint(4, 16)
        alpha = round(rng.randint(60, 140) * (0.25 + 0.75 * strength))
        radius = max(2, round(radius * (0.6 + 0.4 * strength)))
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=(*spot, alpha))
    for _ in range(9):  # creases
        x, y = rng.randint(0, size[0]), rng.randint(size[1] // 5, size[1])
        length = rng.randint(size[0] // 6, size[0] // 3)
        depth = rng.randint(-40, 40)
        alpha = round(110 * (0.15 + 0.85 * strength))
        draw.arc([x, y, x + length, y + abs(depth) + 12], 200, 340, fill=(*spot, alpha), width=3)
    layer = layer.filter(ImageFilter.GaussianBlur(3 + 3 * healed))
    image.paste(layer, (0, 0), layer)
    return _jpeg(image)


def paper_form(title: str, size=(850, 1100)) -> bytes:
    """A blank signed form, as a PNG: the demo's scanned consent forms."""
    image = PILImage.new("RGB", size, (252, 252, 250))
    draw = ImageDraw.Draw(image)
    draw.text((70, 70), title, fill=(30, 30, 30))
    for row in range(14):
        y = 160 + row * 60
        draw.line([(70, y), (size[0] - 70, y)], fill=(200, 200, 200), width=2)
    draw.line([(70, size[1] - 140), (420, size[1] - 140)], fill=(30, 30, 30), width=2)
    draw.text((70, size[1] - 130), "Patient signature (demo)", fill=(90, 90, 90))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _jpeg(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=78, optimize=True, progressive=True)
    return buffer.getvalue()


def demo_image(title: str, description: str, make) -> Image:
    """Finds the image by title, or draws and stores it: safe to call on every run."""
    image = Image.objects.filter(title=title).first()
    if image is None:
        # In the editors' library: the root collection is no editor's (image_collections).
        library = image_collections.image_collection(image_collections.IMAGE_LIBRARY)
        image = Image(title=title, description=description, collection=library)
        image.file = ImageFile(io.BytesIO(make()), name=f"{slugify(title)}.jpg")
        image.save()
    return image
