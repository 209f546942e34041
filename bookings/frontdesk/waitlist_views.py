"""Admin › Consultations › Waitlist: who is waiting, an entry, "Offer a time" and "Take off
the waitlist"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from allure.base.clinic import clinic_time
from bookings.booking.services import SlotTakenError
from bookings.frontdesk.access import front_desk_only, show_error
from bookings.frontdesk.forms import ConfirmTimeForm
from bookings.models import WaitlistEntry, WaitlistStatus
from bookings.waitlist.services import (
    times_to_offer,
    waitlist_entries_record_list,
    waitlist_entry_leave,
    waitlist_entry_record_view,
    waitlist_offer_time,
)


@front_desk_only
@require_GET
def waitlist_index(request):
    """Who is waiting, oldest first (the order freed times are offered in)."""
    show = request.GET.get("status", WaitlistStatus.WAITING)
    if show not in WaitlistStatus.values and show != "all":
        show = WaitlistStatus.WAITING
    entries = WaitlistEntry.objects.select_related("procedure", "provider__clinician").order_by(
        "created_at", "pk"
    )
    if show != "all":
        entries = entries.filter(status=show)
    page = Paginator(entries, 50).get_page(request.GET.get("p"))
    waitlist_entries_record_list(entries=page.object_list, user=request.user)
    return render(
        request,
        "bookings/admin/waitlist_index.html",
        {
            "page": page,
            "show": show,
            "statuses": [("all", "All"), *WaitlistStatus.choices],
        },
    )


def _waitlist_detail(request, entry, offer_form=None, status=200):
    slots = times_to_offer(entry) if entry.is_waiting else []
    return render(
        request,
        "bookings/admin/waitlist_detail.html",
        {
            "entry": entry,
            "offers": [
                (offer, clinic_time.format_slot(offer.slot_start))
                for offer in entry.offers.select_related("provider__clinician", "consultation")
            ],
            "offer_form": offer_form or ConfirmTimeForm(slots=slots),
            "has_slots": bool(slots),
            "now": timezone.now(),
        },
        status=status,
    )


@front_desk_only
@require_GET
def waitlist_detail(request, pk):
    entry = get_object_or_404(
        WaitlistEntry.objects.select_related("procedure", "provider__clinician"), pk=pk
    )
    waitlist_entry_record_view(entry=entry, user=request.user)
    return _waitlist_detail(request, entry)


@front_desk_only
@require_POST
def waitlist_offer(request, pk):
    entry = get_object_or_404(WaitlistEntry, pk=pk)
    form = ConfirmTimeForm(request.POST)
    if not form.is_valid():
        show_error(request, "Choose one of the free times.")
        return redirect("bookings_admin:waitlist_detail", pk=pk)
    try:
        start = form.cleaned_data["slot"].start
        waitlist_offer_time(entry=entry, start=start, user=request.user)
    except SlotTakenError:
        show_error(request, "That time is not free any more: another request holds it.")
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            f"Offered {clinic_time.format_slot(start)}; the patient gets an email "
            "with a link to book it.",
        )
    return redirect("bookings_admin:waitlist_detail", pk=pk)


@front_desk_only
@require_POST
def waitlist_remove(request, pk):
    entry = get_object_or_404(WaitlistEntry, pk=pk)
    if waitlist_entry_leave(entry=entry, user=request.user):
        messages.success(request, "Taken off the waitlist.")
    else:
        messages.info(request, "This entry was no longer waiting.")
    return redirect("bookings_admin:waitlist_detail", pk=pk)
