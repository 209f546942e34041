"""The second sign-in step, setting up an authenticator app, and recovery codes. Thin views:
the rules and writes are in allure.base.signin.two_factor."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from allure.base.signin import two_factor

# Codes just made are shown on the next page, once, then dropped from the session.
FRESH_CODES = "allure_fresh_recovery_codes"


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    if not two_factor.has_second_factor(request.user):
        return redirect("two_factor_setup")
    error = None
    if request.method == "POST":
        error = two_factor.verify(request, request.POST.get("code", ""))
        if error is None:
            if not two_factor.has_authenticator_app(request.user):
                # Signed in with a recovery code and no app yet (a newcomer's first visit):
                # offer to set one up now.
                messages.info(request, "Signed in with a recovery code. Set up an app now?")
                return redirect(_to("two_factor_setup", two_factor.safe_next(request)))
            return redirect(two_factor.safe_next(request))
    context = {
        "error": error,
        "next": two_factor.safe_next(request),
        "codes_left": two_factor.recovery_codes_left(request.user),
    }
    return TemplateResponse(
        request, "two_factor/verify.html", context, status=400 if error else 200
    )


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request):
    user = request.user
    if two_factor.has_second_factor(user) and not user.is_verified():
        return redirect("two_factor_verify")  # proving who you are comes before changing it
    device = two_factor.pending_app_device(user)
    error = None
    if request.method == "POST":
        error = two_factor.confirm_app_device(request, device, request.POST.get("code", ""))
        if error is None:
            if two_factor.recovery_codes_left(user) == 0:
                request.session[FRESH_CODES] = two_factor.new_recovery_codes(user)
                return redirect(_to("two_factor_recovery_codes", two_factor.safe_next(request)))
            messages.success(request, "Two-factor sign-in is on.")
            return redirect(two_factor.safe_next(request))
    context = {
        "error": error,
        "next": two_factor.safe_next(request),
        "qr_svg": two_factor.qr_svg(device),
        "key": two_factor.readable_key(device),
        "required": two_factor.is_required_for(user),
        "can_skip": not two_factor.is_required_for(user) or two_factor.has_second_factor(user),
    }
    return TemplateResponse(request, "two_factor/setup.html", context, status=400 if error else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """GET shows codes made a moment ago (once); POST makes a new set, voiding the old."""
    if request.method == "POST":
        if not request.user.is_verified():
            raise PermissionDenied
        request.session[FRESH_CODES] = two_factor.new_recovery_codes(request.user)
        return redirect("two_factor_recovery_codes")
    codes = request.session.pop(FRESH_CODES, None)
    if codes is None:
        return redirect("two_factor_account")
    context = {"codes": codes, "next": two_factor.safe_next(request)}
    return TemplateResponse(request, "two_factor/recovery_codes.html", context)


@never_cache
def account(request):
    user = request.user
    context = {
        "has_app": two_factor.has_authenticator_app(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "required": two_factor.is_required_for(user),
    }
    return TemplateResponse(request, "two_factor/account.html", context)


def _to(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"
