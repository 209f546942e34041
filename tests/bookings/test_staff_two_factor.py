"""Staff who can see patients' details sign in with a second factor: a code from an
authenticator app, or a one-time recovery code. Editors may turn it on.

Every test here walks through the real pages: Wagtail's sign-in form, then our second step.
Codes are computed the way an authenticator app does (RFC 6238, from the device's key) at the
suite's pinned instant; django-otp refuses a code used once already in its 30-second window,
so a second sign-in moves the clock on to the next window.
"""

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-phrase-7"  # noqa: S105
PATIENT = "Avery Johnson"


def make_staff(username, group=None, superuser=False):
    user = User.objects.create_user(username, f"{username}@example.com", PASSWORD)
    user.is_superuser = superuser
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def password_step(client, username, password=PASSWORD, next_url="/admin/"):
    """Wagtail's sign-in form; returns the page it leads to (the second step, or the admin)."""
    response = client.post(
        f"/admin/login/?next={next_url}", {"username": username, "password": password}
    )
    assert response.status_code == 302, "the password step should pass"
    return client.get(response["Location"], follow=True)


def app_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client) -> tuple[TOTPDevice, list[str]]:
    """Set up an authenticator app on the setup page; returns the device and the recovery
    codes shown once."""
    client.get("/admin/two-factor/setup/")
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post("/admin/two-factor/setup/", {"code": app_code(device)}, follow=True)
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    device.refresh_from_db()
    return device, codes


@pytest.fixture
def desk():
    return make_staff("dana", group="Front desk")


@pytest.fixture
def patient_request(make_request):
    return make_request(full_name=PATIENT)


@pytest.mark.parametrize("path", ["/admin/", "/admin/consultations/", "/admin/two-factor/"])
def test_a_password_alone_opens_no_admin_page_for_the_front_desk(desk, patient_request, path):
    client = Client()
    password_step(client, "dana")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/setup/?next=")
    assert PATIENT not in client.get(response["Location"]).content.decode()


def test_a_superuser_with_an_app_is_asked_for_its_code(patient_request):
    admin = make_staff("root", superuser=True)
    TOTPDevice.objects.create(user=admin, name="Phone", confirmed=True)
    client = Client()
    page = password_step(client, "root", next_url="/admin/consultations/")
    assert page.status_code == 200
    assert "Enter your sign-in code" in page.content.decode()
    assert PATIENT not in page.content.decode()
    assert client.get("/admin/consultations/").status_code == 302


def test_editors_sign_in_with_a_password_until_they_turn_it_on(clock):
    editor = make_staff("ed", group="Editors")
    client = Client()
    assert password_step(client, "ed").status_code == 200  # the dashboard, no second step
    assert "Set up an authenticator app" in client.get("/admin/two-factor/").content.decode()

    enrol(client)
    client.post("/admin/logout/")
    clock.shift(dt.timedelta(seconds=30))
    page = password_step(client, "ed")
    assert "Enter your sign-in code" in page.content.decode()
    client.post("/admin/two-factor/verify/", {"code": app_code(editor.totpdevice_set.get())})
    assert client.get("/admin/").status_code == 200


def test_the_front_desk_sets_up_an_app_and_gets_recovery_codes(desk, patient_request, clock):
    client = Client()
    setup = password_step(client, "dana", next_url="/admin/consultations/")
    html = setup.content.decode()
    assert "<svg" in html  # the QR code, drawn by the site
    device = TOTPDevice.objects.get(user=desk, confirmed=False)
    key = re.search(r'<code class="two-factor-key">([A-Z2-7 ]+)</code>', html).group(1)
    assert key.replace(" ", "") in device.config_url  # the key to type is the QR code's key
    assert "Not now" not in html  # it is required: nothing to skip to

    wrong = client.post("/admin/two-factor/setup/", {"code": "000000"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/admin/consultations/").status_code == 302

    clock.shift(dt.timedelta(seconds=5))  # a person takes a moment to retype
    device, codes = enrol(client)
    assert device.confirmed
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=desk).values_list("token", flat=True)
    )
    listing = client.get("/admin/consultations/")
    assert listing.status_code == 200
    assert PATIENT in listing.content.decode()
    assert ModelLogEntry.objects.filter(action="allure.two_factor_enabled").count() == 1


def test_someone_without_the_phone_can_still_sign_out(desk):
    client = Client()
    password_step(client, "dana")
    TOTPDevice.objects.create(user=desk, name="Phone", confirmed=True)
    assert "Sign out" in client.get("/admin/two-factor/verify/").content.decode()
    client.post("/admin/logout/")
    assert client.get("/admin/two-factor/verify/")["Location"].startswith("/admin/login/")


def test_reloading_the_setup_page_keeps_the_same_key(desk):
    client = Client()
    first = password_step(client, "dana").content.decode()
    second = client.get("/admin/two-factor/setup/").content.decode()
    key = re.compile(r'<code class="two-factor-key">([A-Z2-7 ]+)</code>')
    assert key.search(first).group(1) == key.search(second).group(1)
    assert TOTPDevice.objects.filter(user=desk).count() == 1


def test_a_code_works_once_in_its_window_and_the_next_code_works(desk, clock):
    first = Client()
    password_step(first, "dana")
    device, _ = enrol(first)

    thief = Client()  # someone who saw the code over a shoulder, in the same 30 seconds
    password_step(thief, "dana")
    refused = thief.post("/admin/two-factor/verify/", {"code": app_code(device)})
    assert refused.status_code == 400
    assert thief.get("/admin/").status_code == 302

    clock.shift(dt.timedelta(seconds=30))
    later = Client()
    password_step(later, "dana")
    later.post("/admin/two-factor/verify/", {"code": app_code(device)})
    assert later.get("/admin/").status_code == 200


def test_a_recovery_code_signs_in_once(desk, clock):
    setup = Client()
    password_step(setup, "dana")
    _, codes = enrol(setup)

    client = Client()
    password_step(client, "dana")
    response = client.post("/admin/two-factor/verify/", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200

    again = Client()
    password_step(again, "dana")
    assert again.post("/admin/two-factor/verify/", {"code": codes[0]}).status_code == 400
    assert StaticToken.objects.filter(device__user=desk).count() == len(codes) - 1


def test_wrong_codes_are_slowed_down_so_codes_cannot_be_guessed(desk, clock):
    setup = Client()
    password_step(setup, "dana")
    device, _ = enrol(setup)
    clock.shift(dt.timedelta(seconds=30))

    client = Client()
    password_step(client, "dana")
    for guess in ("111111", "222222", "333333"):
        client.post("/admin/two-factor/verify/", {"code": guess})
    right_but_throttled = client.post("/admin/two-factor/verify/", {"code": app_code(device)})
    assert right_but_throttled.status_code == 400
    assert "Too many wrong codes" in right_but_throttled.content.decode()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("code", ["", "   ", "12345", "1234567", "💉💉💉", "x" * 5000])
def test_odd_codes_get_a_message_on_the_same_page(desk, code):
    client = Client()
    password_step(client, "dana")
    TOTPDevice.objects.create(user=desk, name="Phone", confirmed=True)
    response = client.post("/admin/two-factor/verify/", {"code": code})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()


def test_the_next_address_never_leaves_the_site(desk, clock):
    setup = Client()
    password_step(setup, "dana")
    device, _ = enrol(setup)
    clock.shift(dt.timedelta(seconds=30))
    client = Client()
    password_step(client, "dana")
    response = client.post(
        "/admin/two-factor/verify/?next=https://evil.example/", {"code": app_code(device)}
    )
    assert response["Location"] == "/admin/"


def test_a_newcomer_signs_in_with_the_printed_password_and_a_recovery_code():
    out = StringIO()
    call_command("ensure_staff_login", stdout=out)
    printed = out.getvalue()
    password = re.search(r"password '([^']+)'", printed).group(1)
    codes = re.findall(r"\b[a-z2-7]{8}\b", printed.split("codes")[-1])
    assert len(codes) == 5

    client = Client()
    page = password_step(client, "admin", password=password)
    assert "Enter your sign-in code" in page.content.decode()
    offered = client.post("/admin/two-factor/verify/", {"code": codes[0]}, follow=True)
    html = offered.content.decode()
    assert "Set up two-factor sign-in" in html  # enrolment is offered at once...
    assert "Not now" in html  # ...and may wait while recovery codes are left
    assert client.get("/admin/").status_code == 200


def test_the_account_page_leads_to_two_factor_settings(admin_client):
    account = admin_client.get("/admin/account/").content.decode()
    assert 'href="/admin/two-factor/"' in account
    page = admin_client.get("/admin/two-factor/").content.decode()
    assert "On: signing in asks for a code from your authenticator app" in page


def test_new_recovery_codes_void_the_old_ones(desk):
    client = Client()
    password_step(client, "dana")
    _, old = enrol(client)
    response = client.post("/admin/two-factor/recovery-codes/", follow=True)
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10
    tokens = set(StaticToken.objects.filter(device__user=desk).values_list("token", flat=True))
    assert tokens == set(new)
    assert not tokens & set(old)
    # Shown once: the page does not show them again.
    assert client.get("/admin/two-factor/recovery-codes/")["Location"] == "/admin/two-factor/"


def test_an_administrator_resets_a_lost_phone(desk, clock):
    client = Client()
    password_step(client, "dana")
    enrol(client)
    out = StringIO()
    call_command("reset_two_factor", "dana", stdout=out)
    codes = re.findall(r"^  ([a-z2-7]{8})$", out.getvalue(), flags=re.M)
    assert len(codes) == 10
    assert not TOTPDevice.objects.filter(user=desk).exists()
    assert ModelLogEntry.objects.filter(action="allure.two_factor_reset").count() == 1

    clock.shift(dt.timedelta(seconds=30))
    again = Client()
    password_step(again, "dana")
    assert again.post("/admin/two-factor/verify/", {"code": codes[0]}).status_code == 302
