"""The waitlist's pages: joining, a freed time's offer and its claim, and leaving."""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from allure.base.clinic import clinic_time
from allure.base.models import OpeningHours
from bookings.booking.forms import started_token
from bookings.booking.guards import (
    RATE_LIMITED_MESSAGE,
    over_rate_limit,
    private_page,
    slug_or_none,
)
from bookings.messages import links
from bookings.models import WaitlistEntry, WaitlistOffer
from bookings.schedule.catalogue import FIRST_AVAILABLE, catalogue
from bookings.waitlist import services
from bookings.waitlist.forms import WaitlistForm


def _clinic_weekdays() -> set[int]:
    """The days the clinic opens: no point offering Sunday if it never does."""
    return {hours.weekday for hours in OpeningHours.cached()}


def _waitlist_form(data=None, initial=None) -> WaitlistForm:
    rules = catalogue().rules
    today = clinic_time.local_day(timezone.now())
    return WaitlistForm(
        data,
        initial=initial,
        weekdays=_clinic_weekdays(),
        today=today,
        last=today + dt.timedelta(days=rules.horizon_days),
    )


def waitlist_join(request: HttpRequest) -> HttpResponse:
    """No time suits: join the waitlist. The same abuse rules as the booking form."""
    status = 200
    if request.method == "POST":
        form = _waitlist_form(request.POST)
        if (
            form.posted_token
            and WaitlistEntry.objects.filter(submission_token=form.posted_token).exists()
        ):
            return redirect("bookings:waitlist_joined")  # a double click or a reload
        if over_rate_limit(request):
            form.is_valid()
            form.add_error(None, RATE_LIMITED_MESSAGE)
            status = 429
        elif form.is_valid():
            times = form.cleaned_data["times_of_day"]
            try:
                services.waitlist_entry_join(
                    procedure=form.cleaned_data["procedure"],
                    provider=form.cleaned_data["provider"],
                    weekdays=form.cleaned_data["weekdays"],
                    mornings="morning" in times,
                    afternoons="afternoon" in times,
                    until=form.cleaned_data["until"],
                    full_name=form.cleaned_data["full_name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                    consent=form.cleaned_data["consent"],
                    submission_token=form.cleaned_data["submission_token"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return redirect("bookings:waitlist_joined")
        form.renew_expired_start()
        if form.errors and status == 200:
            status = 400
    else:
        rules = catalogue().rules
        provider = request.GET.get("provider")
        form = _waitlist_form(
            initial={
                "procedure": slug_or_none(request.GET.get("procedure")),
                "provider": provider if provider and provider.isdigit() else FIRST_AVAILABLE,
                "weekdays": sorted(_clinic_weekdays()),
                "times_of_day": ["morning", "afternoon"],
                "until": clinic_time.local_day(timezone.now())
                + dt.timedelta(days=min(14, rules.horizon_days)),
                "started": started_token(),
                "submission_token": uuid.uuid4(),
            }
        )
    return render(request, "bookings/waitlist_join.html", {"form": form}, status=status)


@require_GET
def waitlist_joined(request: HttpRequest) -> HttpResponse:
    return render(request, "bookings/waitlist_joined.html")


def _offer_or_error_page(request: HttpRequest, token: str):
    try:
        return links.offer_from_token(token), None
    except links.LinkExpired:
        return None, _offer_page(request, None, state="expired", status=410)
    except links.LinkInvalid:
        return None, _offer_page(request, None, state="invalid", status=400)


def _offer_page(request, offer, *, state: str, token: str = "", status: int = 200, **extra):
    return render(
        request,
        "bookings/waitlist_offer.html",
        {
            "offer": offer,
            "state": state,
            "token": token,
            "slot": clinic_time.format_slot(offer.slot_start) if offer else None,
            **extra,
        },
        status=status,
    )


def _offer_state(offer: WaitlistOffer) -> str:
    now = timezone.now()
    if offer.claimed_at:
        return "claimed"
    if not offer.entry.is_waiting:
        return "used"
    if offer.is_expired(now):
        return "expired"
    if offer.taken_at or not services.offer_is_still_free(offer, now):
        return "taken"
    return "open"


@private_page
@require_GET
def waitlist_offer(request: HttpRequest, token: str) -> HttpResponse:
    """The offer's link: the time and a button. Opening it books nothing (mail scanners
    open links); pressing the button does."""
    offer, problem = _offer_or_error_page(request, token)
    if problem:
        return problem
    state = _offer_state(offer)
    return _offer_page(
        request, offer, state=state, token=token, status=409 if state == "taken" else 200
    )


@csrf_exempt  # as manage_link_view: the signed token in the address authorises the post
@private_page
@require_POST
def waitlist_claim(request: HttpRequest, token: str) -> HttpResponse:
    offer, problem = _offer_or_error_page(request, token)
    if problem:
        return problem
    try:
        consultation = services.waitlist_offer_claim(offer=offer)
    except services.OfferTaken:
        return _offer_page(request, offer, state="taken", token=token, status=409)
    except services.OfferExpired:
        return _offer_page(request, offer, state="expired", token=token, status=410)
    except services.OfferUsed:
        offer.refresh_from_db()
        state = "claimed" if offer.claimed_at else "used"
        return _offer_page(request, offer, state=state, token=token, status=409)
    except ValidationError as error:  # the booking's own rules, e.g. too many open requests
        problem = " ".join(error.messages)
        return _offer_page(request, offer, state="open", token=token, status=409, problem=problem)
    return redirect("bookings:received", reference=consultation.reference)


@csrf_exempt  # as manage_link_view
@private_page
def waitlist_leave(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the patient is waiting for and a button; POST: off the list."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        entry = links.entry_from_leave_token(token)
    except (links.LinkExpired, links.LinkInvalid) as error:
        expired = isinstance(error, links.LinkExpired)
        return render(
            request,
            "bookings/waitlist_leave.html",
            {"entry": None, "expired": expired},
            status=410 if expired else 400,
        )
    left = False
    if request.method == "POST":
        left = services.waitlist_entry_leave(entry=entry)
    return render(
        request,
        "bookings/waitlist_leave.html",
        {"entry": entry, "left": left, "token_value": token},
    )
