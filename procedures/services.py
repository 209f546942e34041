"""Writes to the consent ledger. The admin's consent form and `manage.py expire_consents`
both end a consent here, so one rule holds everywhere: the pairs leave the site first
(saving them clears the page cache and purges the caches in front, see
`allure.base.web.serving`), then the consent changes, then every photo the consent covers
(published or not) leaves the editors' library: its resized copies go, the original moves to
a name nobody can guess in a collection no editor can choose from, and their addresses are
purged from the caches in front.
"""

import datetime as dt
import posixpath
import secrets

from django.db import transaction
from django.utils.timezone import localdate
from wagtail.images import get_image_model
from wagtail.log_actions import log

from allure.base.image_collections import WITHDRAWN_PHOTOS, image_collection
from allure.base.web.serving import purge_addresses_after_commit
from procedures.gallery import ConsentRecord, ConsentStatus, ResultPair


def _images_of(pairs) -> set[int]:
    ids = set()
    for pair in pairs:
        ids.update((pair.before_image_id, pair.after_image_id))
        for angle in pair.angles.all():
            ids.update((angle.before_image_id, angle.after_image_id))
    return ids


def _withdraw_photos(image_ids: set[int]) -> None:
    """Takes each photo out of the editors' library, for good:
    - into the "Withdrawn photos" collection, on which no group has any permission, so no
      editor can choose it for a page again (the clinic keeps it for its records);
    - its resized copies deleted (rows and files) and the original moved to an unguessable
      name: a rendition's address gives away the original's (`images/cheek.width-720.jpg`
      came from `original_images/cheek.jpg`);
    - every one of those addresses purged from the caches in front once this commits, so
      none keeps answering from a copy (nginx lets shared caches keep /media/ 5 minutes only).
    A photo already withdrawn is left as it is: running this twice changes nothing."""
    withdrawn = image_collection(WITHDRAWN_PHOTOS)
    images = get_image_model().objects.filter(pk__in=image_ids).exclude(collection=withdrawn)
    renditions = get_image_model().get_rendition_model().objects.filter(image__in=images)
    gone = []
    for rendition in renditions:
        storage, name = rendition.file.storage, rendition.file.name
        gone.append(rendition.url)
        rendition.delete()  # also drops it from Wagtail's rendition cache
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    for image in images:
        storage, old_name = image.file.storage, image.file.name
        gone.append(image.file.url)
        extension = posixpath.splitext(old_name)[1]
        with storage.open(old_name, "rb") as original:
            new_name = storage.save(
                f"original_images/withdrawn-{secrets.token_urlsafe(18)}{extension}", original
            )
        image.file.name = new_name
        image.collection = withdrawn
        image.save(update_fields=["file", "collection"])
        transaction.on_commit(lambda storage=storage, name=old_name: storage.delete(name))
    purge_addresses_after_commit(gone)


def _covered_photos(consent: ConsentRecord) -> set[int]:
    """Every photo the consent covers: of all its pairs, published or not, and their angles."""
    return _images_of(ResultPair.objects.filter(consent=consent).prefetch_related("angles"))


def consent_photos_withdraw(*, consent: ConsentRecord) -> None:
    """Withdraws every photo the consent covers (see `_withdraw_photos`): for a consent
    recorded already ended (the demo's withdrawn patient), which no save ends here."""
    with transaction.atomic():
        _withdraw_photos(_covered_photos(consent))


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
        if not is_new and not consent.allows_website_on(today):
            reason = (
                consent.get_status_display()
                if consent.status != ConsentStatus.ACTIVE
                else "The consent no longer allows the website"
            )
            _take_pairs_down(consent, user=user, reason=reason)
        consent.save()
        if is_new:
            log(consent, "wagtail.create", user=user)
        elif previous.status != consent.status and consent.status == ConsentStatus.REVOKED:
            log(consent, "procedures.consent_revoked", user=user)
        else:
            log(consent, "wagtail.edit", user=user)
        if not is_new and not consent.allows_website_on(today):
            _withdraw_photos(_covered_photos(consent))
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
            _take_pairs_down(consent, user=None, reason="Consent expired")
            consent.status = ConsentStatus.EXPIRED
            consent.save(update_fields=["status"])
            log(consent, "procedures.consent_expired", user=None)
            _withdraw_photos(_covered_photos(consent))
        expired.append(consent)
    return expired
