"""Uploaded files never run as the site: documents are an allow-list of office types, served
only by Wagtail's document view as sandboxed downloads, and /media/documents/ is never served."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection

# No script, no plugin, no form, an origin of its own.
UPLOADED_FILE_POLICY = "default-src 'none'; sandbox"
EVIL_HTML = b"<html><body><script src='/media/documents/evil.js'></script></body></html>"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def slipped_in(media_root, db):
    """An HTML document stored before the allow-list existed."""
    document = Document(title="Old upload")
    document.file.save("evil.html", ContentFile(EVIL_HTML), save=True)
    return document


def root_collection() -> int:
    """What the form's collection menu sends (there are several collections since issue 28)."""
    return Collection.get_first_root_node().pk


def test_an_editor_cannot_upload_an_html_document(admin_client, media_root):
    upload = SimpleUploadedFile("evil.html", EVIL_HTML, content_type="text/html")
    response = admin_client.post(
        "/admin/documents/add/", {"title": "Evil", "file": upload, "collection": root_collection()}
    )
    assert response.status_code == 200
    assert "“html” is not allowed" in str(response.context["form"].errors["file"])
    assert not Document.objects.exists()


@pytest.mark.parametrize("name", ["evil.js", "evil.svg", "evil.htm"])
def test_scripts_and_markup_are_refused_too(admin_client, media_root, name):
    upload = SimpleUploadedFile(name, b"alert(1)")
    admin_client.post(
        "/admin/documents/add/", {"title": "Evil", "file": upload, "collection": root_collection()}
    )
    assert not Document.objects.exists()


def test_a_pdf_is_accepted(admin_client, media_root):
    upload = SimpleUploadedFile("aftercare.pdf", b"%PDF-1.4\n%%EOF\n")
    admin_client.post(
        "/admin/documents/add/",
        {"title": "Aftercare", "file": upload, "collection": root_collection()},
    )
    assert Document.objects.get().title == "Aftercare"


def test_a_document_that_slipped_in_is_a_sandboxed_download(client, slipped_in):
    response = client.get(slipped_in.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == UPLOADED_FILE_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"


def test_even_a_pdf_is_downloaded_rather_than_shown_in_the_tab(client, media_root, db):
    document = Document(title="Aftercare")
    document.file.save("aftercare.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    response = client.get(document.url)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == UPLOADED_FILE_POLICY


@pytest.mark.parametrize(
    "path",
    [
        "/media/documents/evil.html",
        "/media/images/../documents/evil.html",
        "/media/./documents/evil.html",
        "/media/%2e%2e/evil.html",
    ],
)
def test_documents_are_never_served_from_media(client, slipped_in, settings, path):
    assert settings.SERVE_MEDIA
    assert (slipped_in.file.storage.path(slipped_in.file.name)).endswith("documents/evil.html")
    response = client.get(path)
    assert response.status_code == 404
    assert b"<script" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_images_from_media_are_sandboxed_too(client, media_root, db):
    image = Image.objects.create(title="Clinic", file=get_test_image_file())
    response = client.get("/media/" + image.file.name)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == UPLOADED_FILE_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_carry_a_permissions_policy_and_keep_the_site_policy(client, db):
    response = client.get("/")
    assert response["Permissions-Policy"].startswith("camera=()")
    assert response["Content-Security-Policy"] != UPLOADED_FILE_POLICY
