"""Demo data for `make run`: booking rules and a few consultation requests in different
states, at free times of the clinic's hours (the clinic's demo facts come from
`allure.base.demo`, loaded first). Idempotent: run it as often as you like."""

import uuid

from django.db import transaction

from procedures.models import ProcedurePage

from . import availability, services
from .models import BookingRules, ConsultationRequest
from .models import ConsultationStatus as S

DEMO_NAMESPACE = uuid.UUID("6f3c0a52-1f0e-4a4b-9d8e-0c7b2b7e4d11")
DEMO_PATIENTS = [
    # name, email, phone, contact method, wants a time, final status
    ("Avery Johnson", "avery.johnson@example.com", "+16015550101", "phone", True, S.NEW),
    ("Jordan Lee", "jordan.lee@example.com", "+16015550102", "email", False, S.NEW),
    ("Morgan Davis", "morgan.davis@example.com", "+16015550103", "text", True, S.CONTACTED),
    ("Taylor Brooks", "taylor.brooks@example.com", "+16015550104", "phone", True, S.SCHEDULED),
    ("Casey Morgan", "casey.morgan@example.com", "+16015550105", "phone", True, S.CANCELLED),
]


@transaction.atomic
def load() -> None:
    BookingRules.load()  # creates the defaults on first use
    procedures = list(ProcedurePage.objects.live().order_by("title")[:3])
    if not procedures:
        return
    free = iter(availability.available_slots())
    for index, (name, email, phone, method, wants_time, status) in enumerate(DEMO_PATIENTS):
        token = uuid.uuid5(DEMO_NAMESPACE, email)
        if ConsultationRequest.objects.filter(submission_token=token).exists():
            continue
        start = next(free, None) if wants_time else None
        consultation, _ = services.consultation_request_create(
            full_name=name,
            email=email,
            phone=phone,
            contact_method=method,
            procedures=procedures[index % len(procedures) :][:2] or procedures[:1],
            slot_start=start,
            message="",
            consent=True,
            submission_token=token,
        )
        if status == S.CONTACTED:
            services.consultation_request_transition(consultation=consultation, to_status=status)
        elif status == S.SCHEDULED and start:
            services.consultation_request_confirm_time(
                consultation=consultation, start=start, user=None
            )
        elif status == S.CANCELLED:
            services.consultation_request_cancel(consultation=consultation, user=None)
