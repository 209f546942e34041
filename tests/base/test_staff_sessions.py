"""Staff sessions end after a working day without use; a password change ends the others."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from tests.staff import sign_in_with_second_factor

pytestmark = pytest.mark.django_db
MONDAY_9AM = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)  # 9:00 in Jackson, MS
PASSWORD = "old-Pass-word-42"  # noqa: S105


@pytest.fixture
def staff():
    return User.objects.create_superuser("dana", "dana@example.com", PASSWORD)


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_a_session_in_use_lasts_the_whole_working_day(staff):
    client = Client()
    with time_machine.travel(MONDAY_9AM, tick=False) as clock:
        sign_in_with_second_factor(client, staff)
        for _ in range(4):  # used every three hours, for twelve hours
            clock.shift(dt.timedelta(hours=3))
            assert signed_in(client)


def test_a_session_left_alone_for_a_working_day_ends(staff):
    client = Client()
    with time_machine.travel(MONDAY_9AM, tick=False) as clock:
        sign_in_with_second_factor(client, staff)
        assert signed_in(client)
        clock.shift(dt.timedelta(hours=10, minutes=1))
        response = client.get("/admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_changing_the_password_ends_the_other_sessions(staff):
    here, forgotten_laptop = Client(), Client()
    sign_in_with_second_factor(here, staff)
    sign_in_with_second_factor(forgotten_laptop, staff)
    response = here.post(
        "/admin/account/",
        {
            "name_email-first_name": "Dana",
            "name_email-last_name": "Desk",
            "name_email-email": "dana@example.com",
            "password-old_password": PASSWORD,
            "password-new_password1": "new-Pass-word-43",
            "password-new_password2": "new-Pass-word-43",
            "locale-preferred_language": "en",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
        },
    )
    assert response.status_code == 302, response.context and [
        (f.prefix, f.errors) for f in response.context.get("panels_by_tab", {}) or []
    ]
    staff.refresh_from_db()
    assert staff.check_password("new-Pass-word-43")
    assert signed_in(here)
    assert not signed_in(forgotten_laptop)
