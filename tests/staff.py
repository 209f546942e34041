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


class SecondFactorLogin:
    """For Wagtail's test case classes, whose setUp signs in a superuser with a password
    alone: the session also passes the second step, as a real superuser's would."""

    def login(self, user=None, username=None, password="password"):  # noqa: S107
        user = super().login(user=user, username=username, password=password)
        sign_in_with_second_factor(self.client, user)
        # Wagtail's assertPageIs… helpers sign in a fresh superuser of their own unless
        # given one: pass `user=self.user` so they keep this session.
        self.user = user
        return user
