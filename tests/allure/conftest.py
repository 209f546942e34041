import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client


def load_demo():
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def demo(db):
    """The whole demo site, as `make run` builds it."""
    load_demo()


@pytest.fixture(scope="module")
def demo_responses(django_db_setup, django_db_blocker):
    """Fetch pages of the demo site once per module, then roll the demo back.

    Building the demo takes a second or two; many assertions read the same page.
    """
    cache = {}

    def get(url):
        if url not in cache:
            with django_db_blocker.unblock(), transaction.atomic():
                load_demo()
                cache[url] = Client().get(url)
                transaction.set_rollback(True)
        return cache[url]

    return get
