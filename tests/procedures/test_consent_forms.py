"""Scanned consent forms are private: stored outside the public media folder, opened only by
the front desk and superusers, always as a sandboxed download, and every opening is logged."""

import pytest
from django.conf import settings
from wagtail.models import ModelLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def consent(make_consent):
    return make_consent("AL-SCAN1")


def test_the_scan_is_stored_outside_the_public_media_folder(consent):
    path = consent.scanned_form.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert not consent.scanned_form.url.startswith(settings.MEDIA_URL)


@pytest.mark.parametrize("staff", ["desk_client", "admin_client"])
def test_the_front_desk_and_superusers_download_it_sandboxed(request, consent, staff):
    client = request.getfixturevalue(staff)
    response = client.get(consent.scanned_form.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 scan"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    entry = ModelLogEntry.objects.get(action="procedures.consent_form_opened")
    assert entry.object_id == str(consent.pk)


def test_an_editor_cannot_open_it(client, editor_user, consent):
    client.force_login(editor_user)
    response = client.get(consent.scanned_form.url)
    assert response.status_code in (302, 403)
    assert not ModelLogEntry.objects.filter(action="procedures.consent_form_opened").exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, consent):
    response = client.get(consent.scanned_form.url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_nothing_else_reaches_the_private_folder(desk_client, consent):
    assert desk_client.get(settings.MEDIA_URL + consent.scanned_form.name).status_code == 404
    assert desk_client.get("/admin/consent-forms/../../manage.py").status_code == 404
