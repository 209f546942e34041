"""The Consultations list as a CSV file: a POST with CSRF, each exported request in the
audit log."""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from allure.base.clinic import clinic_time
from bookings.frontdesk import services
from bookings.frontdesk.access import EXPORT_PERMISSION, front_desk_only
from bookings.frontdesk.consultations import filtered_requests

CSV_COLUMNS = [
    "reference",
    "status",
    "requested at",
    "name",
    "email",
    "phone",
    "contact by",
    "procedures",
    "provider",
    "preferred time",
    "appointment",
    "assigned to",
]


def _cell(value: str) -> str:
    # A spreadsheet runs cells starting with these as formulas.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _local(moment) -> str:
    if moment is None:
        return ""
    return clinic_time.local(moment).strftime("%Y-%m-%d %H:%M")


@front_desk_only
@require_POST
def consultation_export(request):
    if not request.user.has_perm(EXPORT_PERMISSION):
        return render(request, "bookings/admin/forbidden.html", status=403)
    _form, requests = filtered_requests(request.POST)
    requests = list(requests)
    services.consultation_requests_record_export(consultations=requests, user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(timezone.now()).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="consultations-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for c in requests:
        writer.writerow(
            [
                c.reference,
                c.get_status_display(),
                _local(c.created_at),
                _cell(c.full_name),
                _cell(c.email),
                c.phone,
                c.get_contact_method_display(),
                _cell("; ".join(p.title for p in c.procedures.all())),
                c.provider.name if c.provider else "",
                _local(c.preferred_start),
                _local(c.appointment_start),
                c.assigned_to.get_username() if c.assigned_to else "",
            ]
        )
    return response
