"""`rendition_url` gives a resized copy's address once per process per file on the local
file system storage: it must be exactly `rendition.url`, including names that need quoting,
and any other storage must still be asked each time."""

from types import SimpleNamespace

import pytest
from django.core.files.storage import FileSystemStorage
from wagtail.images.models import Rendition

from allure.base.pages import rendition_url

pytestmark = pytest.mark.django_db


def test_every_demo_rendition_has_the_address_its_storage_gives(demo, client):
    client.get("/procedures/skin-resurfacing/")  # makes the page's sizes
    renditions = list(Rendition.objects.all())
    assert len(renditions) > 5
    for rendition in renditions:
        assert rendition_url(rendition) == rendition.url


def test_a_name_that_needs_quoting_is_quoted_as_the_storage_quotes_it(settings):
    storage = FileSystemStorage(base_url="/media/")
    name = "images/péeling #1 100%.fill-390x260.webp"
    file = SimpleNamespace(storage=storage, name=name, url=None)
    assert rendition_url(SimpleNamespace(file=file)) == storage.url(name)
    assert "%C3%A9" in storage.url(name)


def test_another_storage_is_asked_every_time():
    class Signed(FileSystemStorage):
        calls = 0

        def url(self, name):
            Signed.calls += 1
            return f"https://bucket.example/{name}?signature={Signed.calls}"

    storage = Signed(base_url="/media/")

    class File(SimpleNamespace):
        @property
        def url(self):
            return self.storage.url(self.name)

    rendition = SimpleNamespace(file=File(storage=storage, name="images/a.jpg"))
    assert rendition_url(rendition) != rendition_url(rendition)
