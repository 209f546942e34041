"""Photo pairs and consent records for the gallery tests, and the staff who handle them."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Page

from allure.site.models import HomePage
from procedures.gallery import ConsentRecord, ResultPair
from procedures.models import ProcedureIndexPage, ProcedurePage
from tests.bookings.conftest import desk_client, editor_user, front_desk_user  # noqa: F401


def jpeg(width, height, colour=(200, 150, 130), **save_options) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, "JPEG", **save_options)
    return buffer.getvalue()


def photo(title, width=600, height=400) -> Image:
    image = Image(title=title)
    image.file = ImageFile(io.BytesIO(jpeg(width, height)), name=f"{title}.jpg")
    image.save()
    return image


@pytest.fixture
def make_consent(db):
    def make(reference="AL-TEST1", **fields):
        fields = {"allows_website": True, "given_on": dt.date(2026, 10, 1), **fields}
        consent = ConsentRecord(booking_reference=reference, **fields)
        consent.scanned_form.save(f"{reference}.pdf", ContentFile(b"%PDF-1.4 scan"), save=False)
        consent.save()
        return consent

    return make


@pytest.fixture
def procedure(db):
    """One procedure page, without the rest of the demo (quicker, for the ledger's rules)."""
    home = Page.get_first_root_node().add_child(instance=HomePage(title="Home", slug="home-t"))
    index = home.add_child(instance=ProcedureIndexPage(title="Procedures", slug="procedures"))
    return index.add_child(
        instance=ProcedurePage(
            title="Laser peel",
            slug="laser-peel",
            category="skin",
            summary="A peel by laser.",
            duration_min_minutes=30,
            results_first_visible="In a week",
        )
    )


@pytest.fixture
def make_pair(db):
    def make(*, consent, procedure=None, size=(600, 400), after_size=None, **fields):
        # The first procedure made: the `procedure` fixture's, or the demo's skin resurfacing.
        procedure = procedure or ProcedurePage.objects.order_by("pk").first()
        number = ResultPair.objects.count() + 1
        fields = {
            "before_alt": f"Cheek before, pair {number}",
            "after_alt": f"Cheek after, smoother, pair {number}",
            "treated_by": "Dr. Walker, M.D.",
            "time_after": 3,
            "time_after_unit": "months",
            "is_published": True,
            **fields,
        }
        fields.setdefault("patient_reference", consent.booking_reference)
        return ResultPair.objects.create(
            procedure=procedure,
            consent=consent,
            before_image=photo(f"before-{number}", *size),
            after_image=photo(f"after-{number}", *(after_size or size)),
            **fields,
        )

    return make
