"""Calendar files (.ics): the one event builder for a consultation, the file a confirmation
email carries, and the calendar that each provider's private feed fills
(bookings/frontdesk/calendar.py)."""

import datetime as dt

import icalendar

from allure.base.models import ClinicSettings
from bookings.models import ConsultationRequest


def consultation_event(
    consultation: ConsultationRequest, *, stamp: dt.datetime, summary: str, **fields
) -> icalendar.Event:
    """One request as an iCalendar event: the patient's confirmation file and the providers'
    feeds (bookings/frontdesk/calendar.py) both use it. The UID is stable per request, so a calendar
    updates the event in place when the time moves; times are written in UTC (`Z`)."""
    event = icalendar.Event()
    event.add("uid", f"consultation-{consultation.reference}@allureplastics.com")
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", consultation.slot_start.astimezone(dt.UTC))
    event.add("dtend", consultation.consultation_end.astimezone(dt.UTC))
    event.add("summary", summary)
    for name, value in fields.items():
        event.add(name, value)
    return event


def new_calendar(**properties) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Allure Plastics//Consultations//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for name, value in properties.items():
        calendar.add(name.replace("_", "-"), value)
    return calendar


def calendar_file(consultation: ConsultationRequest, clinic: ClinicSettings) -> bytes:
    calendar = new_calendar()
    with_whom = f" with {consultation.provider.name}" if consultation.provider else ""
    address = ", ".join(
        part
        for part in [clinic.street_address, clinic.locality, clinic.region, clinic.postal_code]
        if part
    )
    video = consultation.consultation_type and consultation.consultation_type.video
    event = consultation_event(
        consultation,
        stamp=consultation.slot_confirmed_at or consultation.slot_start,
        summary=f"Consultation{with_whom} at {clinic.name}",
        location="Video call (we email you the link)" if video else address,
        description=f"Reference {consultation.reference}. Questions? Call {clinic.phone}.",
    )
    calendar.add_component(event)
    return calendar.to_ical()
