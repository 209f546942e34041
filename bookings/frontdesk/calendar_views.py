"""Admin › Calendar: a day, a week and the printable day list; each provider's private feed
(`/calendar/<secret>.ics`) and its reset."""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from allure.base.clinic import clinic_time
from bookings.booking.guards import private_page
from bookings.frontdesk import calendar as staff_calendar
from bookings.frontdesk import selectors, services
from bookings.frontdesk.access import front_desk_only
from bookings.frontdesk.forms import CalendarForm
from bookings.frontdesk.intake_views import attach_safety_flags
from bookings.models import Provider


def _calendar_choice(request) -> tuple[CalendarForm, dt.date, Provider | None]:
    """The day and provider asked for; a part that does not parse falls back (today, all
    providers) and the form says so on the page."""
    form = CalendarForm(request.GET)
    form.is_valid()  # cleaned_data keeps the valid parts either way
    today = clinic_time.local_day(timezone.now())
    return form, form.cleaned_data.get("date") or today, form.cleaned_data.get("provider")


def _calendar_url(name: str, day: dt.date, provider: Provider | None) -> str:
    query = {"date": day.isoformat()}
    if provider:
        query["provider"] = provider.pk
    return f"{reverse(name)}?{urlencode(query)}"


def _show_safety_flags(request, calendar, *, what: str) -> None:
    consultations = [e.consultation for day in calendar for _, e in day.entries]
    attach_safety_flags(request, consultations, what=what)


def feed_url(provider: Provider) -> str | None:
    if not provider.calendar_feed_token:
        return None
    return settings.SITE_URL + reverse("calendar_feed", args=[provider.calendar_feed_token])


def _calendar_page(request, *, view: str):
    form, day, provider = _calendar_choice(request)
    today = clinic_time.local_day(timezone.now())
    if view == "week":
        first, days, step = day - dt.timedelta(days=day.weekday()), 7, dt.timedelta(days=7)
        last = first + dt.timedelta(days=6)
        title = (
            f"Week of {clinic_time.format_day(first)} – {clinic_time.format_day(last)} {last.year}"
        )
        name = "bookings_admin:calendar_week"
    else:
        first, days, step = day, 1, dt.timedelta(days=1)
        title = f"{day:%A} {day.day} {day:%B %Y}"
        name = "bookings_admin:calendar_day"
    calendar = staff_calendar.build(
        first_day=first,
        days=days,
        providers=staff_calendar.calendar_providers(provider, first_day=first, days=days),
        now=timezone.now(),
    )
    _show_safety_flags(request, calendar, what="safety flags on the calendar")
    unit = "week" if view == "week" else "day"
    return render(
        request,
        "bookings/admin/calendar.html",
        {
            "view": view,
            "title": title,
            "form": form,
            "day": day,
            "provider": provider,
            "calendar": calendar,
            "action": reverse(name),
            "previous": (f"Previous {unit}", _calendar_url(name, day - step, provider)),
            "next": (f"Next {unit}", _calendar_url(name, day + step, provider)),
            "today": _calendar_url(name, today, provider),
            "day_url": _calendar_url("bookings_admin:calendar_day", day, provider),
            "week_url": _calendar_url("bookings_admin:calendar_week", day, provider),
            "print_url": _calendar_url("bookings_admin:calendar_print", day, provider),
            "feed_url": feed_url(provider) if provider else None,
        },
    )


@front_desk_only
@require_GET
def calendar_week(request):
    return _calendar_page(request, view="week")


@front_desk_only
@require_GET
def calendar_day(request):
    return _calendar_page(request, view="day")


@front_desk_only
@require_GET
def calendar_print(request):
    """The day on paper for the front desk: every request holding a time, in time order."""
    form, day, provider = _calendar_choice(request)
    [calendar_day] = staff_calendar.build(
        first_day=day,
        days=1,
        providers=staff_calendar.calendar_providers(provider, first_day=day, days=1),
        now=timezone.now(),
    )
    _show_safety_flags(request, [calendar_day], what="safety flags on the printed day list")
    return render(
        request,
        "bookings/admin/calendar_print.html",
        {
            "form": form,
            "day": calendar_day,
            "provider": provider,
            "back_url": _calendar_url("bookings_admin:calendar_day", day, provider),
        },
    )


@front_desk_only
@require_POST
def calendar_feed_reset(request, pk):
    provider = get_object_or_404(Provider, pk=pk)
    had_one = bool(provider.calendar_feed_token)
    services.provider_calendar_feed_reset(provider=provider, user=request.user)
    if had_one:
        messages.success(
            request,
            f"{provider.name}'s calendar feed has a new address; the old one no longer works. "
            "Subscribe again with the new one.",
        )
    else:
        messages.success(request, f"{provider.name}'s calendar feed is ready.")
    # Back to the week the desk was looking at (today's if the date is missing or odd).
    form = CalendarForm({"date": request.POST.get("date", "")})
    form.is_valid()
    day = form.cleaned_data.get("date") or clinic_time.local_day(timezone.now())
    return redirect(_calendar_url("bookings_admin:calendar_week", day, provider))


@require_GET
@private_page
def provider_calendar_feed(request, token):
    """A provider's private calendar feed (`/calendar/<secret>.ics`), for their phone's or
    desktop's calendar app to subscribe to. A wrong secret is the same 404 as any unknown
    address: nothing tells whether some provider exists. Never cached (it changes as
    requests come and go, and its address is the only key), never indexed, no cookie."""
    provider = selectors.provider_by_feed_token(token)
    if provider is None:
        raise Http404
    response = HttpResponse(
        staff_calendar.feed(provider, now=timezone.now()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="consultations.ics"'
    return response
