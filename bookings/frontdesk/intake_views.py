"""A patient's intake for the front desk and providers (the permission `bookings.view_intake`,
which needs two-factor): the answers and safety flags on the request's page, the inbox and
the calendar, a printable one-page summary for the chart and each signed form to print.
Anyone else gets a 403; every look is in the audit log."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from bookings.frontdesk import selectors
from bookings.frontdesk.access import can_see_intake, front_desk_only
from bookings.intake import services as intake_services
from bookings.models import ConsultationRequest


def intake_context(request, consultation, *, what: str) -> dict:
    """The request's intake for a page, logged as seen; nothing for anyone without the
    permission (and nothing logged)."""
    if not can_see_intake(request.user):
        return {}
    intake = selectors.intake_of(consultation)
    if intake["response"] or intake["signed"]:
        intake_services.intake_record_view(consultation=consultation, user=request.user, what=what)
    return {"intake": intake}


def attach_safety_flags(request, consultations, *, what: str) -> None:
    """Give each request shown its flagged answers (`safety_flags`), for those allowed to
    see them; each request whose flags are shown is logged as seen."""
    consultations = list(consultations)
    allowed = can_see_intake(request.user)
    flags = selectors.safety_flags(c.pk for c in consultations) if allowed else {}
    for consultation in consultations:
        consultation.safety_flags = flags.get(consultation.pk, [])
        if consultation.safety_flags:
            intake_services.intake_record_view(
                consultation=consultation, user=request.user, what=what
            )


def _forbidden(request):
    return render(request, "bookings/admin/forbidden.html", status=403)


@front_desk_only
@require_GET
def intake_print(request, pk):
    """One page for the chart: flags with their notes, every answer as it was asked, and the
    forms signed."""
    if not can_see_intake(request.user):
        return _forbidden(request)
    consultation = get_object_or_404(
        ConsultationRequest.objects.select_related("provider__clinician", "consultation_type"),
        pk=pk,
    )
    intake = selectors.intake_of(consultation)
    intake_services.intake_record_view(
        consultation=consultation, user=request.user, what="printable summary"
    )
    return render(
        request,
        "bookings/admin/intake_print.html",
        {"consultation": consultation, "intake": intake},
    )


@front_desk_only
@require_GET
def signed_document_print(request, pk, signed_pk):
    if not can_see_intake(request.user):
        return _forbidden(request)
    consultation = get_object_or_404(ConsultationRequest, pk=pk)
    signed = get_object_or_404(
        consultation.signed_documents.select_related("version"), pk=signed_pk
    )
    intake_services.intake_record_view(
        consultation=consultation, user=request.user, what=f"signed form: {signed.version.title}"
    )
    return render(
        request,
        "bookings/admin/signed_document_print.html",
        {
            "consultation": consultation,
            "signed": signed,
            "paragraphs": [p for p in signed.text_shown.split("\n\n") if p.strip()],
        },
    )
