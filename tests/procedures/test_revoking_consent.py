"""Revoking a consent takes the patient's photos off every page at once: the procedure page,
the gallery, the page cache, the caches in front, and the resized copies on disk."""

import pytest
from django.urls import reverse
from wagtail.images.models import Image, Rendition
from wagtail.models import ModelLogEntry

from procedures import services
from procedures.gallery import ConsentRecord, ResultPair
from tests.base.test_shared_http_caches import (  # noqa: F401 (fixtures)
    committed,
    every_public_path,
    purge_port,
    run_worker,
    site_behind_a_cache,
)

pytestmark = pytest.mark.django_db

PROCEDURE = "/procedures/skin-resurfacing/"
GALLERY = "/procedures/results/"


def shown_pair(client):
    """A pair the demo shows on skin resurfacing, as seen on the page before revoking."""
    pair = ResultPair.objects.filter(procedure__slug="skin-resurfacing", is_published=True).first()
    assert pair.before_alt in client.get(PROCEDURE).content.decode()
    return pair


def image_ids(pair):
    ids = {pair.before_image_id, pair.after_image_id}
    for angle in pair.angles.all():
        ids |= {angle.before_image_id, angle.after_image_id}
    return ids


def images_of(pair):
    return Image.objects.filter(pk__in=image_ids(pair))


def consent_form_data(consent, **changes):
    data = {
        "booking_reference": consent.booking_reference,
        "allows_website": "on" if consent.allows_website else "",
        "allows_social_media": "on" if consent.allows_social_media else "",
        "anonymised_only": "on" if consent.anonymised_only else "",
        "given_on": consent.given_on.isoformat(),
        "expires_on": "",
        "status": consent.status,
        **changes,
    }
    return {key: value for key, value in data.items() if value != ""}


def test_revoking_in_the_admin_removes_the_pair_everywhere(
    demo, client, desk_client, front_desk_user, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60  # anonymous pages come from the page cache, as in production
    pair = shown_pair(client)
    assert pair.after_alt in client.get(GALLERY).content.decode()
    assert pair.before_alt in client.get(PROCEDURE).content.decode()  # now from the page cache
    renditions = list(Rendition.objects.filter(image_id__in=image_ids(pair)))
    assert renditions and all(r.file.storage.exists(r.file.name) for r in renditions)
    originals = [image.file.name for image in images_of(pair)]
    for name in originals:
        assert client.get(settings.MEDIA_URL + name).status_code == 200
    consent = pair.consent
    others = list(consent.result_pairs.filter(is_published=True).exclude(pk=pair.pk))

    url = reverse("wagtailsnippets_procedures_consentrecord:edit", args=[consent.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = desk_client.post(url, consent_form_data(consent, status="revoked"))
    assert response.status_code == 302, response.context["form"].errors

    for page in (PROCEDURE, GALLERY):
        html = client.get(page).content.decode()
        assert pair.before_alt not in html and pair.after_alt not in html
    assert 'id="before-and-after"' in client.get(PROCEDURE).content.decode()  # other patients'
    assert not Rendition.objects.filter(image_id__in=image_ids(pair)).exists()
    assert not any(r.file.storage.exists(r.file.name) for r in renditions)
    # The originals' old addresses, guessable from the renditions', lead nowhere now.
    for name in originals:
        assert client.get(settings.MEDIA_URL + name).status_code == 404
    assert all(image.file.storage.exists(image.file.name) for image in images_of(pair))
    assert not ResultPair.objects.filter(pk__in=[pair.pk, *(p.pk for p in others)]).filter(
        is_published=True
    )
    entry = ModelLogEntry.objects.get(action="procedures.consent_revoked")
    assert entry.user == front_desk_user and entry.object_id == str(consent.pk)


def test_the_procedure_page_drops_the_section_when_no_pair_is_left(demo, client, front_desk_user):
    for consent in ConsentRecord.objects.filter(result_pairs__procedure__slug="chemical-peel"):
        services.consent_revoke(consent=consent, user=front_desk_user)
    html = client.get("/procedures/chemical-peel/").content.decode()
    assert 'id="before-and-after"' not in html and "compare.js" not in html


@committed
def test_revoking_purges_every_public_page_from_the_caches_in_front(site_behind_a_cache):  # noqa: F811
    consent = ResultPair.objects.filter(is_published=True).first().consent
    services.consent_revoke(consent=consent, user=None)
    run_worker()
    assert {PROCEDURE, GALLERY} <= set(site_behind_a_cache)
    pages = {path for path in site_behind_a_cache if not path.startswith("/media/")}
    assert pages == every_public_path()  # and the withdrawn photos' addresses (see
    # tests/procedures/test_withdrawn_photos.py)
