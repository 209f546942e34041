"""A before-and-after pair is published only while its patient's consent allows the website:
the model, the admin and the database each refuse otherwise (run this file on SQLite and on
PostgreSQL: the database's refusal is a trigger written for each). Ending a consent, by the
front desk or by its expiry date, takes the pair off the site and records who did it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from wagtail.models import ModelLogEntry

from procedures import services
from procedures.gallery import ConsentRecord, ConsentStatus, ResultPair
from tests.clock import PINNED_NOW

pytestmark = pytest.mark.django_db

TODAY = PINNED_NOW.date()


def refused_by_the_database(change):
    with pytest.raises(IntegrityError), transaction.atomic():
        change()


# The database -----------------------------------------------------------------------------


def test_the_database_refuses_a_published_pair_whose_consent_leaves_out_the_website(
    procedure, make_consent, make_pair
):
    social_only = make_consent(allows_website=False, allows_social_media=True)
    refused_by_the_database(lambda: make_pair(consent=social_only))
    assert not ResultPair.objects.filter(consent=social_only).exists()


@pytest.mark.parametrize("status", [ConsentStatus.REVOKED, ConsentStatus.EXPIRED])
def test_the_database_refuses_publishing_a_pair_on_an_ended_consent(
    procedure, make_consent, make_pair, status
):
    consent = make_consent(status=status)
    pair = make_pair(consent=consent, is_published=False)
    refused_by_the_database(lambda: ResultPair.objects.filter(pk=pair.pk).update(is_published=True))
    pair.refresh_from_db()
    assert not pair.is_published


def test_the_database_refuses_ending_a_consent_that_published_pairs_still_use(
    procedure, make_consent, make_pair
):
    consent = make_consent()
    make_pair(consent=consent)
    for change in ({"status": ConsentStatus.REVOKED}, {"allows_website": False}):
        refused_by_the_database(
            lambda change=change: ConsentRecord.objects.filter(pk=consent.pk).update(**change)
        )
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.ACTIVE and consent.allows_website


def test_the_database_refuses_identifiable_photos_under_an_anonymised_only_consent(
    procedure, make_consent, make_pair
):
    consent = make_consent(anonymised_only=True)
    refused_by_the_database(lambda: make_pair(consent=consent, identifying_features_hidden=False))
    assert make_pair(consent=consent, identifying_features_hidden=True).is_published


def test_the_database_accepts_a_pair_with_an_active_website_consent(
    procedure, make_consent, make_pair
):
    pair = make_pair(consent=make_consent())
    pair.refresh_from_db()
    assert pair.is_published


# The model (and so the admin form) -------------------------------------------------------


@pytest.mark.parametrize(
    ("consent_fields", "field", "message"),
    [
        ({"allows_website": False}, "is_published", "does not allow the website"),
        ({"status": ConsentStatus.REVOKED}, "is_published", "does not allow the website"),
        # Past its last day, even before the worker has marked it expired.
        ({"expires_on": TODAY - dt.timedelta(days=1)}, "is_published", "does not allow"),
        ({"anonymised_only": True}, "identifying_features_hidden", "anonymised photos only"),
    ],
)
def test_the_model_says_why_a_pair_cannot_be_published(
    procedure, make_consent, make_pair, consent_fields, field, message
):
    pair = make_pair(consent=make_consent(), is_published=False)
    pair.consent = make_consent("AL-OTHER", **consent_fields)
    pair.patient_reference = "AL-OTHER"  # the same patient's other consent
    pair.is_published = True
    with pytest.raises(ValidationError) as refused:
        pair.full_clean()
    assert message in " ".join(refused.value.message_dict[field])


def test_a_consent_that_ends_today_still_holds_today(procedure, make_consent, make_pair):
    pair = make_pair(consent=make_consent(expires_on=TODAY))
    pair.full_clean()
    assert pair in ResultPair.objects.shown(TODAY)
    assert pair not in ResultPair.objects.shown(TODAY + dt.timedelta(days=1))


def test_a_revoked_consent_cannot_be_made_active_again(make_consent):
    consent = make_consent(status=ConsentStatus.REVOKED)
    consent.status = ConsentStatus.ACTIVE
    with pytest.raises(ValidationError) as refused:
        consent.full_clean()
    assert "new record" in " ".join(refused.value.message_dict["status"])


def test_a_consent_cannot_be_dated_in_the_future(make_consent):
    consent = make_consent()
    consent.given_on = TODAY + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        consent.full_clean()
    assert "future" in " ".join(refused.value.message_dict["given_on"])


# Ending a consent -------------------------------------------------------------------------


def test_revoking_unpublishes_the_pairs_first_and_the_audit_log_says_who(
    procedure, make_consent, make_pair, front_desk_user
):
    consent = make_consent()
    pairs = [make_pair(consent=consent), make_pair(consent=consent)]
    services.consent_revoke(consent=consent, user=front_desk_user)

    consent.refresh_from_db()
    assert consent.status == ConsentStatus.REVOKED
    assert not ResultPair.objects.filter(pk__in=[p.pk for p in pairs], is_published=True)
    revoked = ModelLogEntry.objects.get(action="procedures.consent_revoked")
    assert revoked.user == front_desk_user and revoked.object_id == str(consent.pk)
    withdrawn = ModelLogEntry.objects.filter(action="procedures.pair_withdrawn")
    assert {entry.object_id for entry in withdrawn} == {str(p.pk) for p in pairs}
    assert {entry.user for entry in withdrawn} == {front_desk_user}


def test_expire_consents_takes_down_only_pairs_past_their_consent(
    procedure, make_consent, make_pair
):
    ended = make_consent("AL-ENDED", expires_on=TODAY - dt.timedelta(days=1))
    # Published while it was valid; created here as the database allows (status still active).
    old_pair = make_pair(consent=ended)
    running = make_pair(consent=make_consent("AL-RUNS", expires_on=TODAY))

    call_command("expire_consents", verbosity=0)

    ended.refresh_from_db(), old_pair.refresh_from_db(), running.refresh_from_db()
    assert ended.status == ConsentStatus.EXPIRED
    assert not old_pair.is_published and running.is_published
    assert ModelLogEntry.objects.filter(
        action="procedures.consent_expired", object_id=str(ended.pk)
    ).exists()
    call_command("expire_consents", verbosity=0)  # again: nothing more to do
    assert ModelLogEntry.objects.filter(action="procedures.consent_expired").count() == 1
