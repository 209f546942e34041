"""The front desk replaces a patient's manage link (issue 28): a confirmation, then a POST; the
old link says it was replaced (never a 500 or a bare 404), the worker emails a new one, and the
audit log says who did it."""

import re

import pytest
from django.core import signing
from wagtail.models import ModelLogEntry

from allure.base.models import ClinicSettings
from bookings.messages import links
from bookings.models import ConsultationStatus
from bookings.retention import consultation_request_anonymise
from bookings.workflow import changes

from .conftest import drain_queue

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def revoke_path(consultation):
    return f"/admin/consultations/{consultation.pk}/manage-link/revoke/"


def manage_path(consultation):
    return f"/consultation/manage/{links.manage_token(consultation)}/"


def new_link_in(mailoutbox, consultation) -> str:
    mails = [m for m in mailoutbox if "Your new link" in m.subject and m.to == [consultation.email]]
    assert len(mails) == 1, [m.subject for m in mailoutbox]
    found = re.search(r"http://testserver(/consultation/manage/[^/\s]+/)", mails[0].body)
    assert found, mails[0].body
    return found.group(1)


def test_the_front_desk_replaces_a_link_and_the_patient_gets_a_new_one(
    desk_client, front_desk_user, make_request, free_slots, mailoutbox, client
):
    consultation = make_request(slot=free_slots[0])
    drain_queue()  # the request's own emails, sent before
    old = manage_path(consultation)
    assert desk_client.get(old).status_code == 200

    confirm = desk_client.get(revoke_path(consultation))
    assert confirm.status_code == 200
    assert "Yes, replace the link and email a new one" in confirm.content.decode()
    assert desk_client.get(old).status_code == 200  # looking at the confirmation revokes nothing
    assert f"/admin/consultations/{consultation.pk}/manage-link/revoke/" in (
        desk_client.get(f"/admin/consultations/{consultation.pk}/").content.decode()
    )

    done = desk_client.post(revoke_path(consultation))
    assert done.status_code == 302
    assert "is replaced" in desk_client.get(done["Location"]).content.decode()

    # The old link, and everything under it, explains itself.
    phone = ClinicSettings.load().phone
    for path, method in (("", "get"), ("cancel/", "post"), ("reschedule/", "post")):
        answer = getattr(client, method)(old + path)
        assert answer.status_code == 410, path
        page = answer.content.decode()
        assert "This link was replaced" in page
        assert "newest email" in page
        assert phone in page
    consultation.refresh_from_db()
    assert consultation.status != ConsultationStatus.CANCELLED

    # The new link arrives by the worker, and works.
    assert not [m for m in mailoutbox if "Your new link" in m.subject]  # not before the worker
    drain_queue()
    new = new_link_in(mailoutbox, consultation)
    assert new != old
    assert consultation.reference in client.get(new).content.decode()

    entry = ModelLogEntry.objects.get(action="bookings.manage_link_revoked")
    assert entry.object_id == str(consultation.pk)
    assert entry.user_id == front_desk_user.pk


def test_a_link_sent_before_links_had_versions_works_until_replaced(
    desk_client, make_request, free_slots, client
):
    consultation = make_request(slot=free_slots[0])
    value = f"{consultation.pk}.{consultation.reference}"  # the format of earlier emails
    earlier = f"/consultation/manage/{signing.TimestampSigner(salt=links.SALT).sign(value)}/"
    assert client.get(earlier).status_code == 200
    desk_client.post(revoke_path(consultation))
    assert "This link was replaced" in client.get(earlier).content.decode()


def test_only_the_front_desk_can_replace_a_link_and_only_by_post(
    editor_client, make_request, free_slots, client
):
    consultation = make_request(slot=free_slots[0])
    link = manage_path(consultation)
    assert editor_client.post(revoke_path(consultation)).status_code == 403
    assert client.get(link).status_code == 200
    assert not ModelLogEntry.objects.filter(action="bookings.manage_link_revoked").exists()


def test_an_anonymised_request_has_no_link_to_replace(
    desk_client, make_request, free_slots, mailoutbox
):
    consultation = make_request(slot=free_slots[0])
    changes.consultation_request_transition(consultation=consultation, to_status="declined")
    consultation_request_anonymise(consultation=consultation)
    drain_queue()
    sent = len(mailoutbox)
    answer = desk_client.post(revoke_path(consultation), follow=True)
    assert answer.status_code == 200
    assert "it has no link to replace" in answer.content.decode()
    drain_queue()
    assert len(mailoutbox) == sent
    assert not ModelLogEntry.objects.filter(action="bookings.manage_link_revoked").exists()
