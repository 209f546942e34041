"""The patient's pages: the consultation form, the received page and the manage link."""

import datetime as dt
import re
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from allure.base.clinic import clinic_time
from allure.base.models import OpeningHours
from allure.base.operations import sms
from allure.base.web.client_address import client_key
from allure.base.web.security import inert_file_response

from . import availability, links, patient_photos, selectors, services, waitlist
from .calendar import feed as calendar_feed
from .catalogue import FIRST_AVAILABLE, catalogue
from .diary import booking_diary
from .forms import (
    ConsultationRequestForm,
    PatientPhotosForm,
    RescheduleForm,
    WaitlistForm,
    slot_choices,
    started_token,
)
from .models import (
    MAX_PATIENT_PHOTOS,
    ConsultationRequest,
    ConsultationStatus,
    WaitlistEntry,
    WaitlistOffer,
)
from .slots import Slot

SLUG = re.compile(r"[-\w]{1,255}")
PHOTOS_CLOSED_MESSAGE = (
    "Photos can be sent only for an open video consultation. Please call us if you need to "
    "send something."
)
RATE_LIMITED_MESSAGE = (
    "We've received several requests from your connection in the last hour. "
    "Please try again later, or call us."
)


def over_rate_limit(request: HttpRequest) -> bool:
    """Count this POST against the client's hourly allowance, in the shared cache."""
    limit, window = settings.BOOKING_RATE_LIMIT
    key = client_key("bookings:form-posts", request)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def consultation_request(request: HttpRequest) -> HttpResponse:
    """The booking page. GET: the choices so far come from the address (see diary.py).
    POST: the form parses, the service decides; on any problem the same page comes back with
    every choice and detail kept."""
    if request.method == "POST":
        return _send_consultation_request(request)
    diary = booking_diary(
        procedure_slug=_slug(request.GET.get("procedure")),
        provider_value=request.GET.get("provider"),
        day_value=request.GET.get("day"),
        week_value=request.GET.get("week"),
    )
    form = ConsultationRequestForm.blank(
        procedure=diary.procedure, provider_value=diary.provider_value
    )
    return _booking_page(request, form, diary)


def _send_consultation_request(request: HttpRequest) -> HttpResponse:
    form = ConsultationRequestForm(request.POST)
    limited = over_rate_limit(request)
    if (limited or not form.is_valid()) and form.posted_token:
        # The same form sent again (a double click, a reload) ends at its request even if
        # it has expired since or the limit is reached. A valid form is looked for by the
        # service, only when its booking fails: a new booking reads nothing for it.
        earlier = services.resent_request(
            submission_token=form.posted_token, email=request.POST.get("email", "")
        )
        if earlier:
            return redirect("bookings:received", reference=earlier.reference)
    status = 200
    if limited:
        form.add_error(None, RATE_LIMITED_MESSAGE)
        status = 429
    elif form.is_valid():
        try:
            consultation, _ = services.consultation_request_create(
                patient_request=form.patient_request()
            )
        except services.SlotTakenError:
            form.add_error("slot", services.SlotTakenError.message)
            status = 409
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("bookings:received", reference=consultation.reference)
    form.renew_expired_start()
    slot = form.cleaned_data.get("slot")
    # Drawn once, after the write was decided: the free times are computed by the service
    # for the write and here for the page, never twice for either.
    diary = booking_diary(
        procedure_slug=form.data.get("procedure"),
        provider_value=form.data.get("provider"),
        chosen_start=slot.start if slot else None,
    )
    return _booking_page(request, form, diary, status=status)


def _booking_page(request, form, diary, *, status=200) -> HttpResponse:
    chosen = str(form["slot"].value() or "")
    return render(
        request,
        "bookings/consultation_request.html",
        {"form": form, "diary": diary, "chosen_slot": chosen, "call_me": Slot().encode()},
        status=status,
    )


def _slug(value: str | None) -> str | None:
    # Only well-formed slugs reach the database (PostgreSQL refuses a NUL byte, for one).
    return value if value and SLUG.fullmatch(value) else None


@require_GET
def consultation_received(request: HttpRequest, reference: str) -> HttpResponse:
    # Anyone may guess a reference, so this page shows nothing personal.
    consultation = get_object_or_404(ConsultationRequest, reference=reference)
    return render(request, "bookings/consultation_received.html", {"consultation": consultation})


def private_page(view):
    """The manage link is a key to a patient's request: it leaks through no Referer, stays in
    no cache (shared or the browser's) and is never indexed."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapped


def _consultation_or_error_page(request: HttpRequest, token: str):
    try:
        return links.consultation_from_token(token), None
    except links.LinkReplaced:
        # Said plainly: the patient has a newer email, or can call.
        return None, render(
            request, "bookings/manage_link_problem.html", {"replaced": True}, status=410
        )
    except links.LinkExpired:
        return None, render(
            request, "bookings/manage_link_problem.html", {"expired": True}, status=410
        )
    except links.LinkInvalid:
        return None, render(
            request, "bookings/manage_link_problem.html", {"expired": False}, status=400
        )


def manage_link_view(*, method: str):
    """A view reached through a patient's manage link, whose signed token in the address is
    the key: looked up once here (a replaced, expired or mangled link gets its page), and
    the view is called with the request it belongs to. Every such page is private.

    POSTs are exempt from Django's CSRF check: the token is what authorises them (a forged
    cross-site post would need it), and the check cannot work here anyway: the manage pages
    send `Referrer-Policy: no-referrer`, so browsers post from them with `Origin: null`."""

    def decorate(view):
        @wraps(view)
        def with_consultation(request, token, *args, **kwargs):
            consultation, problem = _consultation_or_error_page(request, token)
            if problem:
                return problem
            return view(request, token, consultation, *args, **kwargs)

        allowed = require_POST if method == "POST" else require_GET
        served = private_page(allowed(with_consultation))
        return csrf_exempt(served) if method == "POST" else served

    return decorate


def _manage_page(
    request, token, consultation, *, reschedule_form=None, photo_form=None, status=200, **extra
):
    can_reschedule = consultation.status in (ConsultationStatus.NEW, ConsultationStatus.CONTACTED)
    slots = availability.times_for(consultation, for_staff=False) if can_reschedule else []
    if reschedule_form is None and can_reschedule:
        current = Slot(consultation.slot_start).encode()
        reschedule_form = RescheduleForm(initial={"slot": current}, slots=slots)
    photos = list(consultation.photos.all())
    if photo_form is None and consultation.takes_photos:
        photo_form = PatientPhotosForm()
    return render(
        request,
        "bookings/consultation_manage.html",
        {
            "consultation": consultation,
            "token": token,
            "photos": photos,
            "photo_form": photo_form,
            "photos_left": MAX_PATIENT_PHOTOS - len(photos),
            "slot": clinic_time.format_slot(consultation.slot_start)
            if consultation.slot_start
            else None,
            "can_cancel": consultation.is_open,
            "can_reschedule": can_reschedule,
            "reschedule_form": reschedule_form,
            **extra,
        },
        status=status,
    )


@manage_link_view(method="GET")
def consultation_manage(
    request: HttpRequest, token: str, consultation: ConsultationRequest
) -> HttpResponse:
    return _manage_page(request, token, consultation, done=request.GET.get("done"))


@manage_link_view(method="POST")
def consultation_cancel(
    request: HttpRequest, token: str, consultation: ConsultationRequest
) -> HttpResponse:
    if consultation.is_open:
        try:
            services.consultation_request_cancel(consultation=consultation)
        except services.StaleChangeError as error:
            consultation.refresh_from_db()
            return _manage_page(request, token, consultation, problem=error.message, status=409)
    return redirect(reverse("bookings:manage", args=[token]) + "?done=cancelled")


@manage_link_view(method="POST")
def consultation_reschedule(
    request: HttpRequest, token: str, consultation: ConsultationRequest
) -> HttpResponse:
    form = RescheduleForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_request_reschedule(
                consultation=consultation, start=form.cleaned_data["slot"].start
            )
        except services.SlotTakenError:
            form.add_error("slot", services.SlotTakenError.message)
        except services.SlotUnavailableError as error:
            form.add_error("slot", error)
        except ValidationError as error:  # the request moved on: said above the form
            consultation.refresh_from_db()
            problem = " ".join(error.messages)
            return _manage_page(request, token, consultation, problem=problem, status=409)
        else:
            return redirect(reverse("bookings:manage", args=[token]) + "?done=rescheduled")
    consultation.refresh_from_db()
    form.fields["slot"].choices = slot_choices(
        availability.times_for(consultation, for_staff=False)
    )
    return _manage_page(request, token, consultation, reschedule_form=form, status=400)


@manage_link_view(method="POST")
def consultation_photos(
    request: HttpRequest, token: str, consultation: ConsultationRequest
) -> HttpResponse:
    if not consultation.takes_photos:
        return _manage_page(request, token, consultation, problem=PHOTOS_CLOSED_MESSAGE, status=409)
    if over_rate_limit(request):
        return _manage_page(request, token, consultation, problem=RATE_LIMITED_MESSAGE, status=429)
    form = PatientPhotosForm(request.POST, request.FILES)
    if not form.is_valid():
        return _manage_page(request, token, consultation, photo_form=form, status=400)
    upload = patient_photos.patient_photos_add(
        consultation=consultation, files=form.cleaned_data["photos"]
    )
    if upload.refused:
        # The ones that passed are stored; the page says which did not, and why.
        return _manage_page(
            request,
            token,
            consultation,
            photo_form=PatientPhotosForm(initial={"clinical_use": True}),
            photos_saved=len(upload.saved),
            photos_refused=upload.refused,
            status=400,
        )
    return redirect(reverse("bookings:manage", args=[token]) + "?done=photos")


@manage_link_view(method="POST")
def consultation_photo_withdraw(
    request: HttpRequest, token: str, consultation: ConsultationRequest, pk: int
) -> HttpResponse:
    photo = get_object_or_404(consultation.photos, pk=pk)
    patient_photos.patient_photo_withdraw(photo=photo)
    return redirect(reverse("bookings:manage", args=[token]) + "?done=photo-withdrawn")


@manage_link_view(method="POST")
def consultation_photos_withdraw_all(
    request: HttpRequest, token: str, consultation: ConsultationRequest
) -> HttpResponse:
    """For a closed request, whose page shows no photos (its link may sit in a shared inbox):
    the patient can still delete every photo they sent."""
    patient_photos.patient_photos_withdraw_all(consultation=consultation)
    return redirect(reverse("bookings:manage", args=[token]) + "?done=photos-withdrawn")


@private_page
@require_GET
def consultation_photo(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """The patient's own photo, for them to see what they sent: only through their manage
    link, never cached, inert whatever it holds."""
    consultation, problem = _consultation_or_error_page(request, token)
    if problem or not consultation.is_open:  # a closed request's page shows no photos
        raise Http404
    photo = get_object_or_404(consultation.photos, pk=pk)
    return inert_file_response(photo.file.open("rb"), content_type="image/jpeg")


# --- Waitlist -------------------------------------------------------------------------------


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
                waitlist.waitlist_entry_join(
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
                "procedure": _slug(request.GET.get("procedure")),
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
    if offer.taken_at or not waitlist.offer_is_still_free(offer, now):
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
        consultation = waitlist.waitlist_offer_claim(offer=offer)
    except waitlist.OfferTaken:
        return _offer_page(request, offer, state="taken", token=token, status=409)
    except waitlist.OfferExpired:
        return _offer_page(request, offer, state="expired", token=token, status=410)
    except waitlist.OfferUsed:
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
        left = waitlist.waitlist_entry_leave(entry=entry)
    return render(
        request,
        "bookings/waitlist_leave.html",
        {"entry": entry, "left": left, "token_value": token},
    )


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
        calendar_feed(provider, now=timezone.now()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="consultations.ics"'
    return response


# Twilio's reply to its webhook: an empty TwiML document (no answer text from us; Twilio's
# own opt-out handling already tells the patient they will get no more messages).
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@csrf_exempt  # Twilio posts here; its signature, checked below, stands in for the token
@never_cache
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """A text a patient sent us, forwarded by Twilio. STOP (and its synonyms) ends reminder
    texts to that number at once. Anything else is ignored; START does not restart them
    (agreeing again is a box on the booking form, with its wording and time stored)."""
    # The address Twilio was given: behind a TLS proxy the request itself may say http://.
    url = settings.SITE_URL + request.get_full_path()
    params = {name: request.POST.getlist(name) for name in request.POST}
    signature = request.headers.get("X-Twilio-Signature", "")
    if not sms.twilio_signature_valid(url, params, signature):
        return HttpResponseForbidden("Bad signature.", content_type="text/plain")
    if request.POST.get("Body", "").strip().upper() in services.STOP_WORDS:
        services.text_reminders_stop(phone=request.POST.get("From", "")[:40])
    return HttpResponse(EMPTY_TWIML, content_type="text/xml; charset=utf-8")
