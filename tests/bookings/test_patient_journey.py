"""End to end, with real commits and the real worker: from a procedure page's link to the
received page, the emails, and cancelling from the link in the acknowledgement."""

import re

import pytest

from bookings.models import ConsultationRequest, ConsultationStatus
from bookings.schedule.slots import Slot

from .conftest import drain_queue, form_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_patient_books_gets_the_emails_and_cancels_from_the_link(
    client, procedures, free_slots, mailoutbox, settings
):
    page = client.get("/consultation/?procedure=botox")
    assert page.context["form"].initial["procedure"] == "botox"

    data = form_data(procedures, slot=free_slots[0], procedure="botox")
    response = client.post("/consultation/", data)
    consultation = ConsultationRequest.objects.get()
    assert response["Location"] == f"/consultation/received/{consultation.reference}/"
    assert client.post("/consultation/", data)["Location"] == response["Location"]
    assert consultation.reference in client.get(response["Location"]).content.decode()
    assert mailoutbox == []  # nothing is sent inside the request

    drain_queue()
    [ack] = [m for m in mailoutbox if m.to == [data["email"]]]
    [notice] = [m for m in mailoutbox if m.to == [settings.FRONT_DESK_EMAIL]]
    assert consultation.reference in notice.subject
    link = re.search(r"http://testserver(/consultation/manage/\S+/)", ack.body).group(1)

    manage = client.get(link).content.decode()
    assert "Botox" in manage
    assert ConsultationRequest.objects.get().status == ConsultationStatus.NEW

    client.post(link + "cancel/")
    assert ConsultationRequest.objects.get().status == ConsultationStatus.CANCELLED
    mailoutbox.clear()
    drain_queue()
    assert any("is cancelled" in m.subject for m in mailoutbox if m.to == [data["email"]])

    # The time is free again for the next patient.
    assert (
        Slot(free_slots[0]).encode()
        in client.get("/consultation/?procedure=botox").content.decode()
    )
