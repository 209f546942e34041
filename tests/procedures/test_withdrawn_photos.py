"""When a consent ends (revoked, or its last day passed), every photo it covers leaves the
editors' library, published or not (issue 28): into a collection no editor may choose from,
without its resized copies, its addresses purged from the caches in front and answering 404.
A pair's consent must be its own patient's, and no pair's photo is offered to decorate a page."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.models import Image, Rendition
from wagtail.permissions import policy_registry

from allure.base.image_collections import IMAGE_LIBRARY, WITHDRAWN_PHOTOS, image_collection
from procedures import services
from procedures.gallery import ConsentRecord, ResultPair, ResultPairAngle
from tests.base.test_shared_http_caches import (  # noqa: F401 (fixtures)
    committed,
    purge_port,
    run_worker,
    site_behind_a_cache,
)
from tests.clock import PINNED_NOW
from tests.procedures.conftest import photo
from tests.procedures.test_photo_pairs_admin import ADD, pair_form

pytestmark = pytest.mark.django_db


def permission_policy():
    return policy_registry.get_by_type(get_image_model())


TODAY = PINNED_NOW.date()
CHOOSER = "/admin/images/chooser/"


def in_library(image):
    image.collection = image_collection(IMAGE_LIBRARY)
    image.save()
    return image


def covered(consent) -> list[Image]:
    ids = set()
    for pair in ResultPair.objects.filter(consent=consent):
        ids |= {pair.before_image_id, pair.after_image_id}
        for angle in pair.angles.all():
            ids |= {angle.before_image_id, angle.after_image_id}
    return list(Image.objects.filter(pk__in=ids))


@pytest.fixture
def patient_photos(procedure, make_consent, make_pair):
    """One patient's consent with a published pair (and an extra angle) and a draft pair,
    their photos in the editors' library with resized copies on disk, as pages made them."""
    consent = make_consent("AL-7K2QX")
    published = make_pair(consent=consent)
    ResultPairAngle.objects.create(
        pair=published, label="Side", before_image=photo("side-b"), after_image=photo("side-a")
    )
    make_pair(consent=consent, is_published=False)
    for image in covered(consent):
        in_library(image).get_rendition("width-300")
    return consent


def media_status(client, url: str) -> int:
    return client.get(url).status_code


def test_revoking_withdraws_every_photo_the_consent_covers_published_or_not(
    client, editor_user, front_desk_user, patient_photos, django_capture_on_commit_callbacks
):
    images = covered(patient_photos)
    assert len(images) == 6  # two pairs and an angle
    renditions = list(Rendition.objects.filter(image__in=images))
    addresses = [image.file.url for image in images] + [r.url for r in renditions]
    assert all(media_status(client, url) == 200 for url in addresses)
    assert all(
        permission_policy().user_has_permission_for_instance(editor_user, "change", i)
        for i in images
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.consent_revoke(consent=patient_photos, user=front_desk_user)

    withdrawn = image_collection(WITHDRAWN_PHOTOS)
    for image in Image.objects.filter(pk__in=[i.pk for i in images]):
        assert image.collection == withdrawn
        assert image.file.storage.exists(image.file.name)  # kept for the clinic's records
        for permission in ("choose", "change", "add"):
            assert not permission_policy().user_has_permission_for_instance(
                editor_user, permission, image
            )
    assert not Rendition.objects.filter(image__in=images).exists()
    assert all(media_status(client, url) == 404 for url in addresses)
    assert not ResultPair.objects.filter(consent=patient_photos, is_published=True).exists()


def test_the_editors_image_library_no_longer_lists_a_withdrawn_photo(
    client, editor_user, front_desk_user, patient_photos
):
    client.force_login(editor_user)
    image = covered(patient_photos)[0]
    assert f"/admin/images/{image.pk}/" in client.get("/admin/images/").content.decode()
    services.consent_revoke(consent=patient_photos, user=front_desk_user)
    assert f"/admin/images/{image.pk}/" not in client.get("/admin/images/").content.decode()
    assert client.get(f"/admin/images/{image.pk}/").status_code in {302, 403}


def test_the_consents_last_day_passing_withdraws_them_too(
    patient_photos, make_consent, make_pair, django_capture_on_commit_callbacks
):
    patient_photos.expires_on = TODAY - dt.timedelta(days=1)
    patient_photos.save(update_fields=["expires_on"])
    other = make_pair(consent=make_consent("AL-STAYS"))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_consents", verbosity=0)
    withdrawn = image_collection(WITHDRAWN_PHOTOS)
    assert {image.collection for image in covered(patient_photos)} == {withdrawn}
    assert Image.objects.get(pk=other.before_image_id).collection != withdrawn


def test_the_chooser_offers_no_photo_of_a_pair(
    client, editor_user, procedure, make_consent, make_pair
):
    pair = make_pair(consent=make_consent())
    in_library(pair.before_image)
    hero = in_library(photo("clinic-hero"))
    client.force_login(editor_user)
    html = client.get(CHOOSER).content.decode()
    assert "clinic-hero" in html
    assert f"/admin/images/chooser/chosen/{hero.pk}/" in html
    assert f"/admin/images/chooser/chosen/{pair.before_image_id}/" not in html


@committed
def test_withdrawn_addresses_are_purged_from_the_caches_in_front(site_behind_a_cache):  # noqa: F811
    consent = ResultPair.objects.filter(is_published=True).first().consent
    for image in covered(consent):
        image.get_rendition("width-300")
    renditions = Rendition.objects.filter(image__in=covered(consent))
    addresses = {image.file.url for image in covered(consent)} | {r.url for r in renditions}
    services.consent_revoke(consent=consent, user=None)
    run_worker()
    assert addresses <= set(site_behind_a_cache)


def test_a_pairs_consent_must_be_its_own_patients(client, editor_user, procedure, make_consent):
    client.force_login(editor_user)
    someone_else = make_consent("AL-OTHER")
    before, after = photo("before"), photo("after")
    form = pair_form(procedure, someone_else, before, after, patient_reference="AL-7K2QX")
    response = client.post(ADD, form)
    assert response.status_code == 200
    assert (
        "This consent record is AL-OTHER&#x27;s, not AL-7K2QX&#x27;s" in response.content.decode()
    )
    assert not ResultPair.objects.exists()
    # The same reference as staff may type it is the same patient.
    response = client.post(
        ADD, pair_form(procedure, someone_else, before, after, patient_reference=" al-other")
    )
    assert response.status_code == 302
    assert reverse("wagtailsnippets_procedures_resultpair:list") in response["Location"]


def test_uploaded_images_are_not_kept_a_day_by_shared_caches(client):
    image = photo("clinic")
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert settings.MEDIA_URL in image.file.url


def test_the_demo_patient_who_withdrew_has_her_photos_withdrawn(demo):
    ended = [c for c in ConsentRecord.objects.all() if not c.allows_website_on(TODAY)]
    assert ended  # the demo has one
    withdrawn = image_collection(WITHDRAWN_PHOTOS)
    for consent in ended:
        assert {image.collection for image in covered(consent)} == {withdrawn}
    shown = ResultPair.objects.shown(TODAY).first()
    assert Image.objects.get(pk=shown.before_image_id).collection != withdrawn
