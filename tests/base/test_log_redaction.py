"""The application's own log (Django's "Bad Request: <path>" lines, as production configures
it) never holds a link's secret; the line is still written."""

import copy
import io
import logging.config

import pytest

from allure.settings import base as base_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_log(settings):
    """The console handler exactly as allure/settings/base.py configures it, into a string."""
    config = copy.deepcopy(base_settings.LOGGING)
    stream = io.StringIO()
    config["handlers"]["console"]["stream"] = stream
    config["root"]["level"] = "INFO"
    logging.config.dictConfig(config)
    try:
        yield stream
    finally:
        logging.config.dictConfig(settings.LOGGING)


def test_links_secrets_are_not_written_to_the_application_log(client, production_log):
    visited = {
        "m4nage-secret": "/consultation/manage/m4nage-secret/cancel/",
        "offer-secret": "/consultation/waitlist/offer/offer-secret/",
        "leave-secret": "/consultation/waitlist/leave/leave-secret/",
        "feed-secret": "/calendar/feed-secret.ics",
    }
    statuses = [client.get(path).status_code for path in visited.values()]
    assert all(status >= 400 for status in statuses)  # each is logged by Django
    written = production_log.getvalue()
    for secret in visited:
        assert secret not in written
    assert "/consultation/manage/[secret]/cancel/" in written
    assert "/consultation/waitlist/offer/[secret]/" in written
    assert "/consultation/waitlist/leave/[secret]/" in written
    assert "/calendar/[secret].ics" in written
