"""The booking page (`/consultation/`) and the received page."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from allure.base.web.client_address import client_ip
from bookings.booking import services
from bookings.booking.diary import booking_diary
from bookings.booking.forms import ConsultationRequestForm
from bookings.booking.guards import RATE_LIMITED_MESSAGE, over_rate_limit, slug_or_none
from bookings.models import ConsultationRequest, Payment, PaymentState, payments_online
from bookings.payments import services as payments
from bookings.schedule.slots import Slot


def consultation_request(request: HttpRequest) -> HttpResponse:
    """The booking page. GET: the choices so far come from the address (see diary.py).
    POST: the form parses, the service decides; on any problem the same page comes back with
    every choice and detail kept."""
    if request.method == "POST":
        return _send_consultation_request(request)
    diary = booking_diary(
        procedure_slug=slug_or_none(request.GET.get("procedure")),
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
                patient_request=form.patient_request(client_ip=client_ip(request))
            )
        except services.SlotTakenError:
            form.add_error("slot", services.SlotTakenError.message)
            status = 409
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _after_booking(consultation)
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


def _after_booking(consultation: ConsultationRequest) -> HttpResponse:
    """The received page; or, when the consultation takes a fee or a card, straight on to
    Stripe's hosted page (a redirect: no script of Stripe's runs on ours). If Stripe cannot
    be reached, the payment page says so: the time stays held and nothing is lost."""
    payment = None
    # A new request holds its consultation type as the catalogue's: no query to ask it, so
    # a consultation that takes nothing costs nothing here.
    consultation_type = consultation.consultation_type
    if payments_online() and consultation_type and consultation_type.takes_payment:
        payment = Payment.objects.filter(
            consultation=consultation, state=PaymentState.AWAITING
        ).first()
    if payment is None:
        return redirect("bookings:received", reference=consultation.reference)
    try:
        return redirect(payments.checkout_start(payment))
    except (payments.GatewayError, payments.NotAwaitingPayment):
        return redirect(payments.payment_url(payment) + "?problem=1")


def _booking_page(request, form, diary, *, status=200) -> HttpResponse:
    chosen = str(form["slot"].value() or "")
    return render(
        request,
        "bookings/consultation_request.html",
        {"form": form, "diary": diary, "chosen_slot": chosen, "call_me": Slot().encode()},
        status=status,
    )


@require_GET
def consultation_received(request: HttpRequest, reference: str) -> HttpResponse:
    # Anyone may guess a reference, so this page shows nothing personal.
    consultation = get_object_or_404(ConsultationRequest, reference=reference)
    return render(request, "bookings/consultation_received.html", {"consultation": consultation})
