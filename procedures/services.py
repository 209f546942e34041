"""Writes to the consent ledger. The admin's consent form and `manage.py expire_consents`
both end a consent here, so one rule holds everywhere: the pairs leave the site first
(saving them clears the page cache and purges the caches in front, see
`allure.base.serving`), then the consent changes, then the photos' resized copies go and
the originals move to names nobody can guess.
"""

import datetime as dt
import posixpath
import secrets

from django.db import transaction
from django.utils.timezone import localdate
from wagtail.images import get_image_model
from wagtail.log_actions import log

from procedures.gallery import ConsentRecord, ConsentStatus, ResultPair


def _images_of(pairs) -> set[int]:
    ids = set()
    for pair in pairs:
        ids.update((pair.before_image_id, pair.after_image_id))
        for angle in pair.angles.all():
            ids.update((angle.before_image_id, angle.after_image_id))
    return ids


def _withdraw_photos(image_ids: set[int]) -> None:
    """Deletes the resized copies (rows and files) that pages linked to, and moves each
    original to an unguessable name: a rendition's address gives away the original's
    (`images/cheek.width-720.jpg` came from `original_images/cheek.jpg`), which the web
    server in front would otherwise keep serving. The originals stay for the clinic's
    records, in the admin's image library."""
    images = get_image_model().objects.filter(pk__in=image_ids)
    renditions = get_image_model().get_rendition_model().objects.filter(image__in=images)
    for rendition in renditions:
        storage, name = rendition.file.storage, rendition.file.name
        rendition.delete()  # also drops it from Wagtail's rendition cache
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    for image in images:
        storage, old_name = image.file.storage, image.file.name
        extension = posixpath.splitext(old_name)[1]
        with storage.open(old_name, "rb") as original:
            new_name = storage.save(
                f"original_images/withdrawn-{secrets.token_urlsafe(18)}{extension}", original
            )
        image.file.name = new_name
        image.save(update_fields=["file"])
        transaction.on_commit(lambda storage=storage, name=old_name: storage.delete(name))


def _take_pairs_down(consent: ConsentRecord, *, user, reason: str) -> list[ResultPair]:
    pairs = list(
        ResultPair.objects.filter(consent=consent, is_published=True).prefetch_related("angles")
    )
    for pair in pairs:
        pair.is_published = False
        # A save, not a bulk update: its signal clears the page cache and purges shared caches.
        pair.save(update_fields=["is_published"])
        log(pair, "procedures.pair_withdrawn", user=user, data={"reason": reason})
    return pairs


def consent_record_save(*, consent: ConsentRecord, user) -> ConsentRecord:
    """Saves a consent from the admin form. A consent that no longer allows the website
    (revoked, website unticked, expiry in the past) takes its pairs off the site first."""
    is_new = consent.pk is None
    consent.full_clean()
    with transaction.atomic():
        previous = None
        if not is_new:
            previous = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
        today = localdate()
        expired = consent.expires_on is not None and consent.expires_on < today
        if consent.status == ConsentStatus.ACTIVE and expired:
            consent.status = ConsentStatus.EXPIRED  # entered after the fact
        pairs = []
        if not is_new and not consent.allows_website_on(today):
            reason = (
                consent.get_status_display()
                if consent.status != ConsentStatus.ACTIVE
                else "The consent no longer allows the website"
            )
            pairs = _take_pairs_down(consent, user=user, reason=reason)
        consent.save()
        if is_new:
            log(consent, "wagtail.create", user=user)
        elif previous.status != consent.status and consent.status == ConsentStatus.REVOKED:
            log(consent, "procedures.consent_revoked", user=user)
        else:
            log(consent, "wagtail.edit", user=user)
        _withdraw_photos(_images_of(pairs))
    return consent


def consent_revoke(*, consent: ConsentRecord, user) -> ConsentRecord:
    consent.status = ConsentStatus.REVOKED
    return consent_record_save(consent=consent, user=user)


def consents_expire(*, today: dt.date) -> list[ConsentRecord]:
    """Marks every active consent whose last day is before `today` as expired, taking its
    pairs off the site. Run by cron every minute (`manage.py expire_consents`); cheap when
    nothing has expired, and safe to run as often as you like."""
    expired = []
    for consent in ConsentRecord.objects.filter(
        status=ConsentStatus.ACTIVE, expires_on__lt=today
    ).order_by("pk"):
        with transaction.atomic():
            pairs = _take_pairs_down(consent, user=None, reason="Consent expired")
            consent.status = ConsentStatus.EXPIRED
            consent.save(update_fields=["status"])
            log(consent, "procedures.consent_expired", user=None)
            _withdraw_photos(_images_of(pairs))
        expired.append(consent)
    return expired
