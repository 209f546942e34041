"""An editor tries to upload an HTML page with a script as a Document: the allow-list refuses
it. A document that slipped in before the allow-list, opened in Chromium from its link, runs
no script: it arrives as a sandboxed download.

/media/documents/ is not tried here: under live_server, Django's test harness serves /media/
itself, around the project's URLs (tests/base/test_uploaded_files.py checks the site's own
/media/ view, which refuses documents)."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from wagtail.documents.models import Document

from tests.e2e.test_front_desk_confirms_a_request import log_in

PASSWORD = "editor-e2e-pass"  # noqa: S105
# If this ran, the browser would ask the site for /pwned (with the visitor's cookies).
EVIL_HTML = (
    b"<html><body><script>new Image().src = '/pwned?' + document.cookie;</script></body></html>"
)


@pytest.fixture
def editor(demo_site):
    user = User.objects.create_user("editor", "editor@example.com", PASSWORD)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def slipped_in(demo_site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = Document(title="Old upload")
    document.file.save("evil.html", ContentFile(EVIL_HTML), save=True)
    return document


def test_an_editor_cannot_upload_a_page_with_a_script(demo_site, editor, desktop, tmp_path):
    evil = tmp_path / "evil.html"
    evil.write_bytes(EVIL_HTML)
    page = desktop
    log_in(page, demo_site, "editor", PASSWORD)
    page.goto(demo_site + "/admin/documents/add/")
    page.get_by_label("Title").fill("Price list")
    page.locator("input[type=file][name=file]").set_input_files(str(evil))
    page.locator("form [type=submit]").last.click()
    expect(page.get_by_text("File extension “html” is not allowed")).to_be_visible()
    assert not Document.objects.exists()


def test_a_document_that_slipped_in_runs_no_script(demo_site, slipped_in, browser):
    context = browser.new_context()
    asked_for = []
    context.on("request", lambda request: asked_for.append(request.url))
    page = context.new_page()

    with page.expect_download() as download:
        try:
            page.goto(demo_site + slipped_in.url)
        except PlaywrightError as error:  # Chromium downloads it instead of showing it
            assert "Download is starting" in str(error)
    assert download.value.suggested_filename == "evil.html"
    page.wait_for_timeout(300)  # time for a script, had one run, to ask for /pwned
    assert not [url for url in asked_for if "/pwned" in url], asked_for
    context.close()
