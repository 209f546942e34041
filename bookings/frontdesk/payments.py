"""The front desk's money actions on a request: refund a fee (whole or part), charge the
no-show fee to a card on file. Each is a page that says what will happen and a confirmation
(a GET changes nothing), then the service (bookings/payments/charges.py), which logs who
and why. Only staff with "handle payments" (`bookings.handle_payments`, which asks for
two-factor sign-in) reach them."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from bookings.frontdesk.access import front_desk_only
from bookings.frontdesk.forms import NoShowChargeForm, RefundForm
from bookings.models import Payment, dollars
from bookings.payments import charges

PAYMENTS_PERMISSION = "bookings.handle_payments"


def payments_staff_only(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.has_perm(PAYMENTS_PERMISSION):
            return render(request, "bookings/admin/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return front_desk_only(guarded)


def _payment(pk) -> Payment:
    return get_object_or_404(
        Payment.objects.select_related("consultation", "consultation__consultation_type"),
        consultation__pk=pk,
        consultation__anonymised_at=None,
    )


def _refused(form, error) -> None:
    if hasattr(error, "error_dict"):
        for field, texts in error.message_dict.items():
            form.add_error(field if field in form.fields else None, texts)
    else:
        form.add_error(None, error)


@payments_staff_only
@require_http_methods(["GET", "POST"])
def payment_refund(request, pk):
    payment = _payment(pk)
    version = charges.payment_version(payment)
    if request.method == "POST":
        form = RefundForm(request.POST)
        if form.is_valid():
            try:
                charges.payment_refund(
                    payment=payment,
                    cents=form.cents,
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                    seen_version=form.cleaned_data["version"],
                )
            except charges.PaymentRefused as error:
                _refused(form, error)
            except charges.GatewayError as error:
                form.add_error(None, f"{error.message} Nothing was refunded; try again.")
            else:
                messages.success(
                    request, f"Refunded {dollars(form.cents)} of {payment.consultation.reference}."
                )
                return redirect("bookings_admin:detail", pk=pk)
        status = 409 if form.non_field_errors() else 400
    else:
        form = RefundForm(initial={"amount": payment.refundable_cents / 100, "version": version})
        status = 200
    return render(
        request,
        "bookings/admin/payment_refund.html",
        {
            "payment": payment,
            "consultation": payment.consultation,
            "form": form,
            "refundable": dollars(payment.refundable_cents),
        },
        status=status,
    )


@payments_staff_only
@require_http_methods(["GET", "POST"])
def payment_no_show(request, pk):
    payment = _payment(pk)
    if request.method == "POST":
        form = NoShowChargeForm(request.POST)
        if form.is_valid():
            try:
                charges.payment_no_show_charge(
                    payment=payment,
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                    seen_version=form.cleaned_data["version"],
                )
            except charges.PaymentRefused as error:
                _refused(form, error)
            except charges.GatewayError as error:
                form.add_error(None, f"{error.message} Nothing was charged.")
            else:
                messages.success(
                    request,
                    f"Charged {payment.amount} to the card on file of "
                    f"{payment.consultation.reference}.",
                )
                return redirect("bookings_admin:detail", pk=pk)
        status = 409 if form.non_field_errors() else 400
    else:
        form = NoShowChargeForm(initial={"version": charges.payment_version(payment)})
        status = 200
    return render(
        request,
        "bookings/admin/payment_no_show.html",
        {"payment": payment, "consultation": payment.consultation, "form": form},
        status=status,
    )
