"""Demo data for `make run`: booking rules, consultation types, three providers and a few
consultation requests in different states, at free times of the clinic's hours (the
clinic's demo facts come from `allure.base.demo`, loaded first). Idempotent: run it as often
as you like."""

import datetime as dt
import uuid

from django.db import transaction

from allure.base.models import Weekday
from bookings.booking import services
from bookings.intake import demo as intake_demo
from bookings.models import (
    BookingRules,
    ConsultationRequest,
    ConsultationType,
    Provider,
    ProviderHours,
)
from bookings.models import ConsultationStatus as S
from bookings.schedule import availability
from bookings.schedule.slots import Slot
from bookings.workflow import changes
from procedures.models import ProcedureCategory, ProcedurePage

# category: (name, minutes, buffer after)
# name, minutes, buffer, by video and taking photos first (the face group's first
# consultation: a surgeon sees photos of the face before meeting the patient).
CONSULTATION_TYPES = {
    ProcedureCategory.FACE: ("Virtual surgical consultation", 45, 15, True),
    ProcedureCategory.BODY: ("Surgical consultation", 45, 15, False),
    ProcedureCategory.SKIN: ("Skin consultation", 30, 10, False),
    ProcedureCategory.INJECTABLES: ("Injectables consultation", 20, 10, False),
}
# Each clinician's weekly hours, by name (weekday, starts, ends; none: whenever the clinic
# is open). The clinicians themselves are `procedures.demo`'s.
HOURS = {
    "Jessica Moore": [
        (day, dt.time(9), dt.time(17)) for day in (Weekday.TUESDAY, Weekday.WEDNESDAY)
    ]
    + [(Weekday.THURSDAY, dt.time(12), dt.time(17)), (Weekday.FRIDAY, dt.time(8), dt.time(13))],
    "Maya Reed": [(day, dt.time(8), dt.time(15)) for day in (Weekday.MONDAY, Weekday.WEDNESDAY)]
    + [(Weekday.THURSDAY, dt.time(8), dt.time(12))],
}


def load_providers() -> None:
    """Consultation types per procedure group, and the clinicians' hours in their diaries."""
    for category, (name, minutes, buffer, virtual) in CONSULTATION_TYPES.items():
        ConsultationType.objects.get_or_create(
            category=category,
            defaults={
                "name": name,
                "minutes": minutes,
                "buffer_minutes": buffer,
                "video": virtual,
                "accepts_photos": virtual,
            },
        )
    for name, hours in HOURS.items():
        provider = Provider.objects.filter(clinician__name=name).first()
        if provider and not provider.hours.exists():
            provider.hours = [ProviderHours(weekday=d, starts=s, ends=e) for d, s, e in hours]
            provider.save()


DEMO_NAMESPACE = uuid.UUID("6f3c0a52-1f0e-4a4b-9d8e-0c7b2b7e4d11")
DEMO_PATIENTS = [
    # name, email, phone, contact method, wants a time, final status
    ("Avery Johnson", "avery.johnson@example.com", "+16015550101", "phone", True, S.NEW),
    ("Jordan Lee", "jordan.lee@example.com", "+16015550102", "email", False, S.NEW),
    ("Morgan Davis", "morgan.davis@example.com", "+16015550103", "text", True, S.CONTACTED),
    ("Taylor Brooks", "taylor.brooks@example.com", "+16015550104", "phone", True, S.SCHEDULED),
    ("Casey Morgan", "casey.morgan@example.com", "+16015550105", "phone", True, S.CANCELLED),
]
DEMO_PROCEDURES = [
    "facelift",
    "dermal-fillers",
    "chemical-peel",
    "eyelid-surgery",
    "bbl-photofacial",
]


@transaction.atomic
def load() -> None:
    BookingRules.load()  # creates the defaults on first use
    load_providers()
    intake_demo.load()
    by_slug = {page.slug: page for page in ProcedurePage.objects.live()}
    if not by_slug:
        return
    rules = BookingRules.load()
    for index, (name, email, phone, method, wants_time, status) in enumerate(DEMO_PATIENTS):
        token = uuid.uuid5(DEMO_NAMESPACE, email)
        if ConsultationRequest.objects.filter(submission_token=token).exists():
            continue
        wanted = DEMO_PROCEDURES[index % len(DEMO_PROCEDURES)]
        procedure = by_slug.get(wanted) or next(iter(by_slug.values()))
        start = None
        if wants_time:
            free = availability.available_slots(
                rules=rules,
                providers=availability.providers_for([procedure]),
                length=availability.length_of(
                    availability.consultation_type_for([procedure]), rules
                ),
            )
            start = free[index] if len(free) > index else None
        consultation, _ = services.consultation_request_create(
            patient_request=services.PatientRequest(
                full_name=name,
                email=email,
                phone=phone,
                contact_method=method,
                procedures=(procedure,),
                slot=Slot(start),
                consent=True,
                submission_token=token,
                # So `make run` shows reminder texts (in var/sms/) beside the emails.
                text_reminders=method == "text" or status == S.SCHEDULED,
            )
        )
        if status == S.CONTACTED:
            changes.consultation_request_transition(consultation=consultation, to_status=status)
        elif status == S.SCHEDULED and start:
            changes.consultation_request_confirm_time(
                consultation=consultation, start=start, user=None
            )
        elif status == S.CANCELLED:
            changes.consultation_request_cancel(consultation=consultation, user=None)
