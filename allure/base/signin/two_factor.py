"""Staff two-factor sign-in, on django-otp.

Wagtail's own sign-in form checks the password (and django-axes counts failures there); a
second step then asks for a code from an authenticator app (TOTP) or a one-time recovery
code. Until that step is passed, a signed-in person reaches no admin page but the second
step itself and sign-out.

Who must use it: superusers and anyone who may see patients' requests (the permissions in
`TWO_FACTOR_REQUIRED_PERMISSIONS`, which the Front desk group has). Editors may turn it on;
once they have, it is asked of them too.

Why django-otp with our own two small views rather than django-two-factor-auth or
wagtail-2fa: wagtail-2fa does not start on Wagtail 8, and django-two-factor-auth replaces the
sign-in page with its own wizard, whose templates pull Bootstrap from a CDN and which brings
phone-number and form-wizard packages we do not use. django-otp is the maintained core both
of them build on: devices, verification, throttling of wrong codes and the session marker.
"""

import base64
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log
from wagtail.models import BaseViewRestriction

RECOVERY_DEVICE = "Recovery codes"
APP_DEVICE = "Authenticator app"
RECOVERY_CODE_COUNT = 10
# django-otp doubles the wait after each wrong code (1 s, 2 s, 4 s...) per device.
TOO_MANY = "Too many wrong codes. Wait a minute, then try the newest code."

# The only admin addresses a signed-in but unverified person may open.
OPEN_BEFORE_SECOND_STEP = (
    "two_factor_verify",
    "two_factor_setup",
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
)


def is_required_for(user) -> bool:
    if user.is_superuser:
        return True
    return any(user.has_perm(p) for p in settings.TWO_FACTOR_REQUIRED_PERMISSIONS)


def has_authenticator_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def has_second_factor(user) -> bool:
    return has_authenticator_app(user) or recovery_codes_left(user) > 0


def second_step_for(user) -> str | None:
    """The URL name of the step this signed-in person still owes, or None."""
    if not user.is_authenticated or user.is_verified():
        return None
    if has_second_factor(user):
        return "two_factor_verify"
    if is_required_for(user):
        return "two_factor_setup"
    return None


def safe_next(request, default: str = "wagtailadmin_home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


class SecondStepMiddleware:
    """Sends a signed-in person who still owes the second step from any admin page to it.
    After django_otp's OTPMiddleware, which tells `user.is_verified()` from the session."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse("wagtailadmin_home")

    def __call__(self, request):
        if request.path.startswith(self.admin_prefix):
            step = second_step_for(request.user)
            if step and _url_name(request.path) not in OPEN_BEFORE_SECOND_STEP:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(step)}?{query}")
        return self.get_response(request)


# Restrictions that let in signed-in people (all of them, or some groups): what they guard is
# staff-only, so a password alone must not open it. A shared password is not a sign-in.
SIGNED_IN_RESTRICTIONS = {BaseViewRestriction.LOGIN, BaseViewRestriction.GROUPS}


def second_step_for_restricted_content(request, restrictions):
    """A redirect to the second step (then back here) for a signed-in person who has not
    passed it and asks for a document or page restricted to signed-in people; else None.
    Asked of everyone, editors without an app too (they are sent to set one up): the
    restriction, not the person's role, says the content is private. Called from Wagtail's
    `before_serve_document` and `before_serve_page` hooks (allure/base/wagtail_hooks.py).
    Someone not signed in gets None: Wagtail's own check sends them to sign in first."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if not any(r.restriction_type in SIGNED_IN_RESTRICTIONS for r in restrictions):
        return None
    step = "two_factor_verify" if has_second_factor(user) else "two_factor_setup"
    response = redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
    add_never_cache_headers(response)
    return response


def _url_name(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


# --- Writes ------------------------------------------------------------------------------


def pending_app_device(user) -> TOTPDevice:
    """The authenticator-app device being set up: the same one until it is confirmed, so the
    QR code does not change when the page is reloaded."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


@transaction.atomic
def confirm_app_device(request, device: TOTPDevice, code: str) -> str | None:
    """Confirms the app when the code it shows is right, and the session counts as verified
    (returns None); otherwise returns the message to show."""
    if not device.verify_is_allowed()[0]:
        return TOO_MANY
    if not device.verify_token(_digits(code)):
        return "That code is not right. Enter the 6-digit code your app shows now."
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    log(device.user, "allure.two_factor_enabled", user=request.user)
    return None


@transaction.atomic
def new_recovery_codes(user, count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Replaces the user's recovery codes; returns the new ones, to be shown only once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def verify(request, code: str) -> str | None:
    """Checks a code from the app or a recovery code. Returns None when the session is now
    verified, or the message to show. Wrong codes are throttled by django-otp per device."""
    user = request.user
    code = code.strip().replace(" ", "").replace("-", "")
    if not code:
        return "Enter the 6-digit code from your authenticator app, or a recovery code."
    if code.isdigit() and len(code) == 6:
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return TOO_MANY
        if device.verify_token(code.lower() if isinstance(device, StaticDevice) else code):
            otp_login(request, device)
            return None
    return (
        "That code is not right, or it was already used. Codes change every 30 seconds: "
        "enter the one your app shows now."
    )


@transaction.atomic
def reset(user, by) -> list[str]:
    """For a lost phone: removes the app and gives fresh recovery codes to hand over."""
    TOTPDevice.objects.filter(user=user).delete()
    codes = new_recovery_codes(user)
    log(user, "allure.two_factor_reset", user=by)
    return codes


# --- Presentation helpers ----------------------------------------------------------------


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def readable_key(device: TOTPDevice) -> str:
    """The secret as people type it into an app that cannot scan: base32 in groups of 4."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG, drawn here (no image service, no script)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
