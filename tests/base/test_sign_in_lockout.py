"""Repeated failed sign-ins lock the account and the address for a while; the lockout says
so, is in the audit log, and an administrator can lift it."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User
from django.test import Client
from wagtail.models import ModelLogEntry

from tests.staff import sign_in_with_second_factor

pytestmark = pytest.mark.django_db
PASSWORD = "right-Pass-word-42"  # noqa: S105
NOON = dt.datetime(2026, 3, 3, 18, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _lockouts_on(settings):
    settings.AXES_ENABLED = True  # as in production (off for the rest of the suite)


@pytest.fixture
def desk():
    user = User.objects.create_user("dana", "dana@example.com", PASSWORD)
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


def sign_in(client, username="dana", password=PASSWORD, address="203.0.113.5"):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client, times, **kwargs):
    """Sign in with a wrong password `times` times; the fifth failure is answered with the
    lockout itself."""
    statuses = [sign_in(client, password="wrong", **kwargs).status_code for _ in range(times)]
    assert statuses == [200, 200, 200, 200, 429][:times]


def test_five_failures_lock_the_account_with_a_clear_message(desk):
    client = Client()
    with time_machine.travel(NOON, tick=False):
        fail(client, 4)
        assert sign_in(client).status_code == 302  # four mistakes, then the right password
        fail(client, 5)
        response = sign_in(client)  # the right password no longer works
    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in locked for now" in html
    assert "5 failed sign-ins for “dana”" in html
    assert "0:30:00" in html


def test_a_stranger_cannot_lock_a_staff_member_out_from_another_address(desk):
    """Issue 28: 20 wrong passwords for `frontdesk` from one address leave `frontdesk` free to
    sign in from another; the guessing address itself is stopped from the fifth failure."""
    desk.username = "frontdesk"
    desk.save()
    with time_machine.travel(NOON, tick=False):
        guesser = Client()
        statuses = [
            sign_in(guesser, "frontdesk", "wrong", address="127.0.0.2").status_code
            for _ in range(20)
        ]
        assert statuses == [200] * 4 + [429] * 16
        assert sign_in(guesser, "frontdesk", address="127.0.0.2").status_code == 429
        assert sign_in(Client(), "frontdesk", address="127.0.0.3").status_code == 302


def test_behind_the_proxy_the_lockout_counts_the_forwarded_address(desk, settings):
    """In production nginx appends the client to X-Forwarded-For and REMOTE_ADDR is nginx
    itself: the lockout must count the client (allure/base/web/client_address.py), or one guesser
    would lock every visitor out, and a locked-out guesser must stay locked."""
    settings.BOOKING_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.BOOKING_TRUSTED_PROXIES = 1

    def via_proxy(client, address, password):
        return client.post(
            "/admin/login/",
            {"username": "dana", "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=address,
        ).status_code

    with time_machine.travel(NOON, tick=False):
        assert [via_proxy(Client(), "127.0.0.2", "wrong") for _ in range(20)][-1] == 429
        assert via_proxy(Client(), "127.0.0.2", PASSWORD) == 429
        assert via_proxy(Client(), "127.0.0.3", PASSWORD) == 302


def test_twenty_guesses_from_one_address_across_accounts_are_stopped(desk):
    """The per-address limit: spreading guesses over many usernames does not get round it."""
    User.objects.create_user("sam", "sam@example.com", PASSWORD)
    with time_machine.travel(NOON, tick=False):
        statuses = [
            sign_in(Client(), f"guess{n}", "wrong", address="127.0.0.2").status_code
            for n in range(20)
        ]
        assert statuses.count(429) == 16
        assert sign_in(Client(), "sam", address="127.0.0.2").status_code == 429
        assert sign_in(Client(), "sam", address="127.0.0.3").status_code == 302


def test_the_address_is_locked_for_other_accounts_too(desk):
    User.objects.create_user("sam", "sam@example.com", PASSWORD)
    with time_machine.travel(NOON, tick=False):
        fail(Client(), 5, username="dana")
        assert sign_in(Client(), username="sam").status_code == 429


def test_the_lock_lifts_by_itself_after_half_an_hour(desk):
    with time_machine.travel(NOON, tick=False) as clock:
        fail(Client(), 5)
        clock.shift(dt.timedelta(minutes=31))
        assert sign_in(Client()).status_code == 302


def test_a_lockout_is_in_the_audit_log(desk):
    with time_machine.travel(NOON, tick=False):
        fail(Client(), 5)
    entry = ModelLogEntry.objects.get(action="allure.sign_in_locked")
    assert entry.object_id == str(desk.pk)
    assert entry.data == {"address": "203.0.113.5"}


def test_an_administrator_lifts_the_lock(desk, admin_user):
    with time_machine.travel(NOON, tick=False):
        fail(Client(), 5)
        admin = Client()
        sign_in_with_second_factor(admin, admin_user)
        listing = admin.get("/admin/sign_in_lockouts/").content.decode()
        assert "dana" in listing
        attempt = AccessAttempt.objects.get(username="dana")
        admin.post(f"/admin/sign_in_lockouts/delete/{attempt.pk}/")
        assert sign_in(Client()).status_code == 302


def test_front_desk_staff_cannot_lift_locks(desk):
    client = Client()
    sign_in_with_second_factor(client, desk)
    assert client.get("/admin/sign_in_lockouts/").status_code in (302, 403)
