import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_shows_the_booking_action_in_chromium(live_server, page):
    call_command("load_demo_content")
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name="Book a consultation").first.is_visible()
