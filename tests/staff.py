"""Signing staff in for tests that are not about signing in: a session that has passed both
steps, exactly as django-otp records it after a right code (tests/base/test_two_factor.py
walks through the real steps)."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def sign_in_with_second_factor(client, user):
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Phone", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
