"""Who may open the front desk's pages (anyone else gets a 403, and no menu), and how a page
tells the front desk that a change was refused."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render

MANAGE_PERMISSION = "bookings.manage_consultations"
EXPORT_PERMISSION = "bookings.export_consultations"
# Intake answers and signed forms: the front desk and providers, with two-factor.
INTAKE_PERMISSION = "bookings.view_intake"


def can_manage(user) -> bool:
    return user.is_authenticated and user.has_perm(MANAGE_PERMISSION)


def front_desk_only(view):
    """403 for anyone without the front desk's permission (Wagtail's own handling would
    redirect to the dashboard instead)."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not can_manage(request.user):
            return render(request, "bookings/admin/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return guarded


def can_see_intake(user) -> bool:
    return can_manage(user) and user.has_perm(INTAKE_PERMISSION)


def show_error(request, error: ValidationError | str):
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text)
