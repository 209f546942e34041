"""Clinic hours and closures in the Wagtail admin: the front desk and editors keep them
up to date; the booking form and the contact page both read them."""

from axes.models import AccessAttempt
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from allure.base.models import Closure, OpeningHours
from allure.base.signin import two_factor


class OpeningHoursViewSet(ModelViewSet):
    model = OpeningHours
    icon = "time"
    menu_label = "Opening hours"
    form_fields = ["weekday", "opens", "closes"]
    list_display = ["__str__", "weekday", "opens", "closes"]
    list_filter = ["weekday"]
    copy_view_enabled = False


class ClosureViewSet(ModelViewSet):
    model = Closure
    icon = "cross"
    menu_label = "Closures"
    form_fields = ["starts_on", "ends_on", "reason"]
    list_display = ["reason", "starts_on", "ends_on"]
    ordering = ["-starts_on"]
    copy_view_enabled = False


class ClinicHoursGroup(ModelViewSetGroup):
    menu_label = "Clinic hours"
    menu_icon = "time"
    menu_order = 160
    items = (OpeningHoursViewSet("opening_hours"), ClosureViewSet("closures"))


@hooks.register("register_admin_viewset")
def register_clinic_hours():
    return ClinicHoursGroup()


class SignInLockoutViewSet(ModelViewSet):
    """Failed sign-ins being counted, and lockouts. Deleting a row lifts that lock at once
    (administrators only: it needs axes' delete permission); Wagtail logs the deletion."""

    model = AccessAttempt
    icon = "lock"
    menu_label = "Sign-in lockouts"
    add_to_settings_menu = True
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    ordering = ["-attempt_time"]
    inspect_view_enabled = False
    copy_view_enabled = False
    form_fields = ["username"]


@hooks.register("register_admin_viewset")
def register_sign_in_lockouts():
    return SignInLockoutViewSet("sign_in_lockouts")


@hooks.register("register_log_actions")
def register_lockout_log_action(actions):
    actions.register_action(
        "allure.sign_in_locked", "Sign-in locked", "Sign-in locked after repeated failures"
    )


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    from django.urls import path

    from allure.base.signin import two_factor_views as views

    return [
        path("two-factor/", views.account, name="two_factor_account"),
        path("two-factor/verify/", views.verify, name="two_factor_verify"),
        path("two-factor/setup/", views.setup, name="two_factor_setup"),
        path("two-factor/recovery-codes/", views.recovery_codes, name="two_factor_recovery_codes"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    from django.urls import reverse

    return {
        "url": reverse("two_factor_account"),
        "label": "Two-factor sign-in",
        "help_text": "Codes from an authenticator app, and recovery codes.",
    }


@hooks.register("register_log_actions")
def register_two_factor_log_actions(actions):
    actions.register_action(
        "allure.two_factor_enabled", "Two-factor on", "Two-factor sign-in set up"
    )
    actions.register_action(
        "allure.two_factor_reset",
        "Two-factor reset",
        "Two-factor sign-in reset by an administrator",
    )


@hooks.register("before_serve_document")
def second_step_for_restricted_documents(document, request):
    """A document in a collection restricted to signed-in people (issue 28): the second
    step too, not a password alone, as for the admin."""
    return two_factor.second_step_for_restricted_content(
        request, document.collection.get_view_restrictions()
    )


@hooks.register("before_serve_page")
def second_step_for_restricted_pages(page, request, serve_args, serve_kwargs):
    """A page marked "Private, accessible to logged-in users" (or to some groups)."""
    return two_factor.second_step_for_restricted_content(request, page.get_view_restrictions())
