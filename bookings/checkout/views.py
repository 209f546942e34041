"""`/consultation/payment/<signed token>/`: the payment's own page, where the patient lands
after the booking form when Stripe is away, and where Checkout returns (paid or not).
`/consultation/payments/stripe/`: Stripe's webhook.

The payment page's token names the payment only; it goes to Stripe inside the return
addresses, so the page shows the reference, the amount and the state, never who the
patient is or what the consultation is for."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from allure.base.clinic import clinic_time
from bookings.booking.guards import private_page
from bookings.models import BookingRules, PaymentState, payments_online
from bookings.payments import gateway
from bookings.payments import services as payments
from bookings.tasks import payment_changed, process_stripe_event

UNREACHABLE = (
    "We could not reach our card processor just now, so nothing has been charged. Your time "
    "is still held for you: please try again in a minute."
)


@csrf_exempt  # the signed token authorises; the page sends no Referer, so Origin is null
@private_page
@require_http_methods(["GET", "POST"])
def payment_page(request: HttpRequest, token: str) -> HttpResponse:
    payment = payments.payment_from_token(token)
    if payment is None:
        return render(request, "bookings/manage_link_problem.html", {"expired": True}, status=410)
    problem = bool(request.GET.get("problem"))
    if request.method == "POST":
        try:
            return redirect(payments.checkout_start(payment))
        except payments.GatewayError:
            problem = True
        except payments.NotAwaitingPayment:
            pass
    session_id = request.GET.get("session_id", "")
    if session_id and payment.state == PaymentState.AWAITING:
        # Back from Checkout: ask Stripe now rather than wait for the webhook.
        problem = not _settle(payment, session_id) or problem
    return _page(request, payment, problem=problem, cancelled=bool(request.GET.get("cancelled")))


def _settle(payment, session_id: str) -> bool:
    """Whether Stripe could be asked. A session of another booking changes nothing."""
    try:
        session = gateway.checkout_retrieve(session_id[:255])
    except gateway.NotFound:  # a mangled address: nothing to settle
        return True
    except payments.GatewayError:
        return False
    if session.reference == payment.consultation.reference:
        with transaction.atomic():
            payment_changed(payments.payment_sync(payment, session), payment)
        payment.refresh_from_db()
    return True


def _page(request, payment, *, problem: bool, cancelled: bool, status: int = 200):
    consultation = payment.consultation
    now = timezone.now()
    awaiting = (
        payment.state == PaymentState.AWAITING and now < payment.hold_until and consultation.is_open
    )
    rules = BookingRules.load()
    return render(
        request,
        "bookings/payment.html",
        {
            "payment": payment,
            "consultation": consultation,
            "awaiting": awaiting,
            "hold_until": clinic_time.format_time(payment.hold_until),
            "slot": clinic_time.format_slot(consultation.slot_start)
            if consultation.slot_start
            else None,
            "refundable_until": clinic_time.format_slot(payment.refundable_until)
            if payment.refundable_until
            else None,
            "problem": problem and awaiting,
            "cancelled": cancelled and awaiting,
            "policy": rules.change_policy,
        },
        status=status,
    )


@csrf_exempt  # Stripe signs its requests instead
@never_cache
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Verify, keep the event by its id, answer at once; the worker handles it
    (tasks.process_stripe_event). A duplicate or a replay is answered 200 and changes
    nothing; a bad signature is a 400 and changes nothing."""
    if not payments_online():
        return HttpResponseBadRequest("Payments are off on this site.")
    try:
        event = gateway.event_verified(request.body, request.headers.get("Stripe-Signature"))
    except gateway.BadSignature:
        return HttpResponseBadRequest("Bad signature.")
    try:
        kept = payments.stripe_event_record(event)
    except (KeyError, TypeError):
        return HttpResponseBadRequest("Not an event we understand.")
    if kept is not None:
        pk = kept.pk
        transaction.on_commit(lambda: process_stripe_event.enqueue(event_id=pk))
    return JsonResponse({"received": True})
