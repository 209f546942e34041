"""Editors make photo pairs in the admin (Gallery › Photo pairs); the form says plainly why a
pair cannot be saved or published, on the same page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from procedures.gallery import ConsentRecord, ConsentStatus, ResultPair
from tests.procedures.conftest import photo

pytestmark = pytest.mark.django_db

ADD = reverse("wagtailsnippets_procedures_resultpair:add")


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client


def pair_form(procedure, consent, before, after, **changes):
    return nested_form_data(
        {
            "procedure": procedure.pk,
            "patient_reference": consent.booking_reference,
            "consent": consent.pk,
            "before_image": before.pk,
            "after_image": after.pk,
            "before_alt": "Cheek with sun spots",
            "after_alt": "The same cheek, spots faded",
            "treated_by": "Dr. Walker, M.D.",
            "sessions": 1,
            "time_after": 3,
            "time_after_unit": "months",
            "is_published": "on",
            "sort_order": 0,
            "angles": inline_formset([]),
            **changes,
        }
    )


def test_an_editor_publishes_a_pair_with_a_website_consent(editor_client, procedure, make_consent):
    before, after = photo("before", 600, 400), photo("after", 600, 400)
    response = editor_client.post(ADD, pair_form(procedure, make_consent(), before, after))
    assert response.status_code == 302
    assert ResultPair.objects.get().is_published


@pytest.mark.parametrize(
    ("after_size", "says"),
    [
        ((400, 600), "600×400 px (landscape) and the after photo is 400×600 px (portrait)"),
        ((900, 600), "600×400 px (landscape) and the after photo is 900×600 px (landscape)"),
    ],
)
def test_the_admin_says_when_before_and_after_differ_in_size_or_orientation(
    editor_client, procedure, make_consent, after_size, says
):
    before, after = photo("before", 600, 400), photo("after", *after_size)
    response = editor_client.post(ADD, pair_form(procedure, make_consent(), before, after))
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["after_image"])
    assert says in message and "must share size and orientation" in message
    assert not ResultPair.objects.exists()


def test_an_extra_angle_must_match_too(editor_client, procedure, make_consent):
    before, after = photo("before", 600, 400), photo("after", 600, 400)
    data = pair_form(
        procedure,
        make_consent(),
        before,
        after,
        angles=inline_formset(
            [
                {
                    "label": "Side",
                    "before_image": photo("side before", 500, 500).pk,
                    "after_image": photo("side after", 500, 400).pk,
                }
            ]
        ),
    )
    response = editor_client.post(ADD, data)
    assert response.status_code == 200
    assert "must share size and orientation" in response.content.decode()


def test_the_admin_refuses_to_publish_on_a_revoked_consent(editor_client, procedure, make_consent):
    revoked = make_consent(status=ConsentStatus.REVOKED)
    before, after = photo("before"), photo("after")
    response = editor_client.post(ADD, pair_form(procedure, revoked, before, after))
    assert response.status_code == 200
    assert "does not allow the website" in " ".join(response.context["form"].errors["is_published"])
    # Unpublished, it may be kept (e.g. for the clinic's records).
    response = editor_client.post(
        ADD, pair_form(procedure, revoked, before, after, is_published="")
    )
    assert response.status_code == 302


def test_editors_choose_a_consent_by_reference_without_seeing_the_ledger(
    editor_client, procedure, make_consent
):
    make_consent("AL-7K2QX", allows_social_media=True)
    form = editor_client.get(ADD).content.decode()
    assert "AL-7K2QX: website, social media (active)" in form
    ledger = reverse("wagtailsnippets_procedures_consentrecord:list")
    assert editor_client.get(ledger).status_code in (302, 403)


def test_the_front_desk_keeps_the_ledger_and_revokes_from_it(desk_client, procedure, make_consent):
    consent = make_consent("AL-LEDGR")
    ledger = desk_client.get(reverse("wagtailsnippets_procedures_consentrecord:list"))
    assert ledger.status_code == 200 and "AL-LEDGR" in ledger.content.decode()
    edit = desk_client.get(
        reverse("wagtailsnippets_procedures_consentrecord:edit", args=[consent.pk])
    ).content.decode()
    assert "Revoked by the patient" in edit
    assert f'href="/admin/consent-forms/{consent.scanned_form.name}"' in edit


def test_a_consent_record_needs_its_signed_form(desk_client):
    response = desk_client.post(
        reverse("wagtailsnippets_procedures_consentrecord:add"),
        {
            "booking_reference": "AL-NOFORM",
            "allows_website": "on",
            "given_on": "2026-11-01",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["scanned_form"]


def test_the_front_desk_records_a_consent_with_its_scan(desk_client, front_desk_user):
    response = desk_client.post(
        reverse("wagtailsnippets_procedures_consentrecord:add"),
        {
            "booking_reference": "AL-NEW01",
            "allows_website": "on",
            "given_on": "2026-11-01",
            "status": "active",
            "scanned_form": SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed"),
        },
    )
    assert response.status_code == 302
    consent = ConsentRecord.objects.get(booking_reference="AL-NEW01")
    assert consent.scanned_form.storage.exists(consent.scanned_form.name)
    entry = ModelLogEntry.objects.get(action="wagtail.create", object_id=str(consent.pk))
    assert entry.user == front_desk_user


def test_deleting_a_photo_deletes_the_pairs_that_use_it(
    admin_client, procedure, make_consent, make_pair
):
    pair = make_pair(consent=make_consent(), procedure=procedure)
    response = admin_client.post(reverse("wagtailimages:delete", args=[pair.before_image_id]))
    assert response.status_code == 302
    assert not ResultPair.objects.filter(pk=pair.pk).exists()


def test_a_consent_that_pairs_use_cannot_be_deleted(
    admin_client, procedure, make_consent, make_pair
):
    consent = make_consent()
    make_pair(consent=consent, procedure=procedure)
    url = reverse("wagtailsnippets_procedures_consentrecord:delete", args=[consent.pk])
    response = admin_client.post(url, follow=True)
    assert response.status_code == 200
    assert "set its status to “Revoked”" in response.content.decode()
    assert ConsentRecord.objects.filter(pk=consent.pk).exists()


def test_the_pair_list_costs_the_same_queries_however_many_pairs(
    editor_client, procedure, make_consent, make_pair
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    listing = reverse("wagtailsnippets_procedures_resultpair:list")

    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(listing).status_code == 200
        return len(queries)

    make_pair(consent=make_consent("AL-ONE1"), procedure=procedure)
    one = queries_for_list()
    for n in range(4):
        make_pair(consent=make_consent(f"AL-MORE{n}"), procedure=procedure)
    assert queries_for_list() == one
