"""The patient's own link (`/consultation/manage/<signed token>/`): their request, cancel,
another time, and the photos they send for a video consultation."""

from functools import wraps

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from allure.base.clinic import clinic_time
from allure.base.web.security import inert_file_response
from bookings.booking.fields import slot_choices
from bookings.booking.guards import RATE_LIMITED_MESSAGE, over_rate_limit, private_page
from bookings.booking.services import SlotTakenError, SlotUnavailableError
from bookings.manage import patient_photos
from bookings.manage.forms import PatientPhotosForm, RescheduleForm
from bookings.messages import links
from bookings.models import (
    MAX_PATIENT_PHOTOS,
    ConsultationRequest,
    ConsultationStatus,
    Payment,
    PaymentState,
)
from bookings.payments import charges
from bookings.payments import services as payments
from bookings.schedule import availability
from bookings.schedule.catalogue import catalogue
from bookings.schedule.slots import Slot
from bookings.tasks import refund_fee
from bookings.workflow import changes

PHOTOS_CLOSED_MESSAGE = (
    "Photos can be sent only for an open video consultation. Please call us if you need to "
    "send something."
)


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
    rules = catalogue().rules
    too_late = consultation.is_open and rules.too_late_to_change(
        consultation.slot_start, timezone.now()
    )
    can_reschedule = not too_late and consultation.status in (
        ConsultationStatus.NEW,
        ConsultationStatus.CONTACTED,
    )
    slots = availability.times_for(consultation, for_staff=False) if can_reschedule else []
    if reschedule_form is None and can_reschedule:
        current = Slot(consultation.slot_start).encode()
        reschedule_form = RescheduleForm(initial={"slot": current}, slots=slots)
    photos = list(consultation.photos.all())
    payment = Payment.objects.filter(consultation=consultation).first()
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
            "can_cancel": consultation.is_open and not too_late,
            "can_reschedule": can_reschedule,
            "too_late_to_change": too_late,
            "late_change_hours": rules.late_change_hours,
            "reschedule_form": reschedule_form,
            "payment": payment,
            "payment_due": payment is not None
            and payment.state == PaymentState.AWAITING
            and timezone.now() < payment.hold_until
            and consultation.is_open,
            "hold_until": clinic_time.format_time(payment.hold_until) if payment else None,
            "refundable_until": clinic_time.format_slot(payment.refundable_until)
            if payment and payment.refundable_until
            else None,
            "payment_terms": consultation.consultation_type.payment_terms(
                late_change_hours=rules.late_change_hours
            )
            if consultation.consultation_type and not payment
            else "",
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
            changes.consultation_request_cancel(consultation=consultation)
        except (changes.StaleChangeError, changes.LateChangeError) as error:
            consultation.refresh_from_db()
            return _manage_page(request, token, consultation, problem=error.message, status=409)
        payment = Payment.objects.filter(consultation=consultation).first()
        if charges.refund_due_on_cancel(payment, timezone.now()):
            refund_fee.enqueue(
                payment_id=payment.pk, reason="Cancelled by the patient before the refund deadline"
            )
    return redirect(reverse("bookings:manage", args=[token]) + "?done=cancelled")


@manage_link_view(method="POST")
def consultation_pay(
    request: HttpRequest, token: str, consultation: ConsultationRequest
) -> HttpResponse:
    """ "Pay now", while the time is held unpaid: on to Stripe's hosted page."""
    payment = Payment.objects.filter(consultation=consultation).first()
    if payment is None:
        return redirect("bookings:manage", token=token)
    try:
        return redirect(payments.checkout_start(payment))
    except payments.NotAwaitingPayment:
        return redirect("bookings:manage", token=token)
    except payments.GatewayError:
        return _manage_page(
            request,
            token,
            consultation,
            problem="We could not reach our card processor just now, so nothing has been "
            "charged. Your time is still held: please try again in a minute.",
            status=503,
        )


@manage_link_view(method="POST")
def consultation_reschedule(
    request: HttpRequest, token: str, consultation: ConsultationRequest
) -> HttpResponse:
    form = RescheduleForm(request.POST)
    if form.is_valid():
        try:
            changes.consultation_request_reschedule(
                consultation=consultation, start=form.cleaned_data["slot"].start
            )
        except SlotTakenError:
            form.add_error("slot", SlotTakenError.message)
        except SlotUnavailableError as error:
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
