"""The front desk's workflow in the Wagtail admin, and who may see patient details."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from bookings.frontdesk.services import consultation_request_assign
from bookings.messages.sms_inbound import text_reminders_stop
from bookings.models import ConsultationRequest, ConsultationStatus
from bookings.schedule.slots import Slot
from bookings.workflow import changes
from tests.clock import across_awkward_instants
from tests.staff import sign_in_with_second_factor

pytestmark = pytest.mark.django_db
S = ConsultationStatus
INDEX = "/admin/consultations/"


def detail(consultation):
    return f"{INDEX}{consultation.pk}/"


def log_actions(consultation):
    return list(
        ModelLogEntry.objects.filter(object_id=str(consultation.pk))
        .order_by("timestamp", "pk")
        .values_list("action", "user__username")
    )


def test_the_front_desk_sees_the_consultations_menu_and_list(desk_client, make_request):
    consultation = make_request(full_name="Avery Johnson")
    dashboard = desk_client.get("/admin/").content.decode()
    assert 'href="/admin/consultations/"' in dashboard
    response = desk_client.get(INDEX)
    assert response.status_code == 200
    assert "Avery Johnson" in response.content.decode()
    assert consultation.reference in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [INDEX, f"{INDEX}export.csv", "{detail}"],
)
def test_editors_cannot_see_consultations_at_all(client, editor_user, make_request, path):
    consultation = make_request(full_name="Avery Johnson")
    client.force_login(editor_user)
    response = client.get(path.format(detail=detail(consultation)))
    assert response.status_code == 403
    assert "Avery Johnson" not in response.content.decode()
    assert 'href="/admin/consultations/"' not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("action", ["status/", "time/", "assign/", "notes/"])
def test_editors_cannot_change_consultations(client, editor_user, make_request, action):
    consultation = make_request()
    client.force_login(editor_user)
    response = client.post(detail(consultation) + action, {"status": "declined", "text": "x"})
    assert response.status_code == 403
    consultation.refresh_from_db()
    assert consultation.status == S.NEW
    assert not consultation.notes.exists()


def test_anonymous_visitors_are_sent_to_the_login(client, make_request):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_list_puts_uncalled_requests_first_then_newest(desk_client, make_request):
    old_new = make_request()
    contacted = make_request()
    changes.consultation_request_transition(consultation=contacted, to_status=S.CONTACTED)
    newest_new = make_request()
    ConsultationRequest.objects.filter(pk=old_new.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    page = desk_client.get(INDEX).context["page"]
    assert [c.pk for c in page] == [newest_new.pk, old_new.pk, contacted.pk]


def test_the_list_shows_open_requests_unless_asked_otherwise(desk_client, make_request):
    open_one = make_request()
    closed = make_request()
    changes.consultation_request_transition(consultation=closed, to_status=S.DECLINED)
    assert [c.pk for c in desk_client.get(INDEX).context["page"]] == [open_one.pk]
    everything = desk_client.get(INDEX, {"status": ""}).context["page"]
    assert {c.pk for c in everything} == {open_one.pk, closed.pk}
    only_declined = desk_client.get(INDEX, {"status": "declined"}).context["page"]
    assert [c.pk for c in only_declined] == [closed.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Avery", ["avery"]),
        ("blake@example", ["blake"]),
        ("555-0177", ["blake"]),
        ("6015550177", ["blake"]),
    ],
)
def test_search_finds_by_name_email_phone_and_reference(desk_client, make_request, query, expected):
    people = {
        "avery": make_request(full_name="Avery Johnson", email="avery@example.com"),
        "blake": make_request(
            full_name="Blake Smith", email="blake@example.com", phone="+16015550177"
        ),
    }
    found = desk_client.get(INDEX, {"q": query}).context["page"]
    assert [c.pk for c in found] == [people[name].pk for name in expected]
    by_reference = desk_client.get(INDEX, {"q": people["avery"].reference.lower()}).context["page"]
    assert [c.pk for c in by_reference] == [people["avery"].pk]


def test_filters_by_procedure_date_and_assignee(
    desk_client, make_request, procedures, front_desk_user
):
    botox = make_request(procedures=[procedures["botox"]])
    nose = make_request(procedures=[procedures["rhinoplasty"]])
    consultation_request_assign(consultation=nose, assignee=front_desk_user, user=None)
    ConsultationRequest.objects.filter(pk=botox.pk).update(
        created_at=timezone.now() - dt.timedelta(days=10)
    )
    get = lambda **q: [c.pk for c in desk_client.get(INDEX, q).context["page"]]  # noqa: E731
    assert get(procedure=procedures["botox"].pk) == [botox.pk]
    assert get(assigned_to=front_desk_user.pk) == [nose.pk]
    today = timezone.localdate()
    assert get(date_from=(today - dt.timedelta(days=1)).isoformat()) == [nose.pk]
    assert get(date_to=(today - dt.timedelta(days=5)).isoformat()) == [botox.pk]


def test_opening_a_request_is_logged_with_who_and_when(desk_client, make_request, front_desk_user):
    consultation = make_request(full_name="Avery Johnson")
    response = desk_client.get(detail(consultation))
    assert "Avery Johnson" in response.content.decode()
    assert log_actions(consultation) == [("bookings.viewed", "desk")]


def test_the_detail_page_offers_only_allowed_status_changes(desk_client, make_request):
    consultation = make_request()
    html = desk_client.get(detail(consultation)).content.decode()
    assert 'value="contacted"' in html and 'value="declined"' in html
    assert 'value="completed"' not in html and 'value="no_show"' not in html


def test_the_front_desk_calls_confirms_and_closes_a_request(
    desk_client, make_request, free_slots, front_desk_user
):
    consultation = make_request(slot=free_slots[0])
    desk_client.post(detail(consultation) + "status/", {"status": "contacted"})
    desk_client.post(detail(consultation) + "notes/", {"text": "Prefers afternoons."})
    desk_client.post(detail(consultation) + "assign/", {"assignee": front_desk_user.pk})
    desk_client.post(detail(consultation) + "time/", {"slot": Slot(free_slots[4]).encode()})
    consultation.refresh_from_db()
    assert consultation.status == S.SCHEDULED
    assert consultation.appointment_start == free_slots[4]
    assert consultation.assigned_to == front_desk_user
    assert consultation.notes.get().author == front_desk_user
    desk_client.post(detail(consultation) + "status/", {"status": "completed"})
    consultation.refresh_from_db()
    assert consultation.status == S.COMPLETED
    assert consultation.closed_at is not None
    assert [a for a, _ in log_actions(consultation)] == [
        "bookings.status_changed",
        "bookings.note_added",
        "bookings.assigned",
        "bookings.time_confirmed",
        "bookings.status_changed",
    ]
    html = desk_client.get(detail(consultation)).content.decode()
    assert "Prefers afternoons." in html and "Dana Desk" in html


def test_a_forbidden_transition_is_refused_with_a_message(desk_client, make_request):
    consultation = make_request()
    response = desk_client.post(
        detail(consultation) + "status/", {"status": "completed"}, follow=True
    )
    consultation.refresh_from_db()
    assert consultation.status == S.NEW
    assert "cannot become completed" in response.content.decode()


def test_staff_cannot_confirm_a_time_another_request_holds(desk_client, make_request, free_slots):
    make_request(slot=free_slots[0])
    consultation = make_request(slot=free_slots[1])
    response = desk_client.post(
        detail(consultation) + "time/", {"slot": Slot(free_slots[0]).encode()}, follow=True
    )
    consultation.refresh_from_db()
    assert consultation.slot_start == free_slots[1]
    assert "not available" in response.content.decode()


def test_csv_export_contains_the_filtered_list_and_is_logged(desk_client, make_request, procedures):
    wanted = make_request(full_name="=HYPERLINK(evil)", procedures=[procedures["botox"]])
    make_request(full_name="Not Exported", procedures=[procedures["rhinoplasty"]])
    response = desk_client.post(f"{INDEX}export.csv", {"procedure": procedures["botox"].pk})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["reference"] == wanted.reference
    assert rows[0]["name"] == "'=HYPERLINK(evil)"  # never a live formula in a spreadsheet
    assert rows[0]["procedures"] == "Botox"
    assert rows[0]["phone"] == wanted.phone
    assert rows[0]["status"] == "New"
    assert "message" not in rows[0]
    assert log_actions(wanted) == [("bookings.exported", "desk")]


def test_a_link_cannot_export_patients_details(desk_client, make_request):
    consultation = make_request()
    response = desk_client.get(f"{INDEX}export.csv")
    assert response.status_code == 405
    assert log_actions(consultation) == []


def test_an_export_posted_from_another_site_is_refused(client, front_desk_user, make_request):
    consultation = make_request()
    client.handler.enforce_csrf_checks = True
    sign_in_with_second_factor(client, front_desk_user)
    response = client.post(f"{INDEX}export.csv", {"status": "open"})
    assert response.status_code == 403
    assert "text/csv" not in response["Content-Type"]
    assert log_actions(consultation) == []


def test_the_list_offers_the_export_as_a_form_with_the_filters(desk_client, make_request):
    make_request()
    html = desk_client.get(INDEX, {"status": "new"}).content.decode()
    form = html.split('action="/admin/consultations/export.csv"')[1].split("</form>")[0]
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="status" value="new">' in form


def test_lists_and_searches_are_in_the_audit_log_without_personal_data(desk_client, make_request):
    shown = make_request(full_name="Avery Johnson")
    desk_client.get(INDEX)
    desk_client.get(INDEX, {"q": "Avery"})
    entries = ModelLogEntry.objects.filter(object_id=str(shown.pk), action="bookings.listed")
    assert [(e.user.username, e.data) for e in entries.order_by("pk")] == [
        ("desk", {"search": False}),
        ("desk", {"search": True}),
    ]
    for entry in entries:
        assert "Avery" not in str(entry.data) + entry.label


@across_awkward_instants
def test_the_dashboard_shows_who_waits_for_a_call_and_todays_consultations(
    clock, desk_client, make_request, front_desk_user, clinic_hours
):
    from allure.base.models import OpeningHours
    from bookings.schedule import availability

    now = timezone.now()
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    # An early hour today and tomorrow, whatever weekday the instant falls on.
    for day in (today, tomorrow):
        OpeningHours.objects.create(weekday=day.weekday(), opens=dt.time(7), closes=dt.time(8))
    waiting_long = make_request(full_name="Waited Longest")
    ConsultationRequest.objects.filter(pk=waiting_long.pk).update(
        created_at=now - dt.timedelta(hours=5)
    )
    make_request(full_name="Just Arrived")
    # Booked the day before, for today and for tomorrow.
    clock.move_to(now - dt.timedelta(days=1))
    for name, day in (("Seen Today", today), ("Seen Tomorrow", tomorrow)):
        consultation = make_request(full_name=name)
        changes.consultation_request_transition(consultation=consultation, to_status=S.CONTACTED)
        slot = [
            s
            for s in availability.available_slots(for_staff=True)
            if timezone.localtime(s).date() == day
        ][0]
        changes.consultation_request_confirm_time(
            consultation=consultation, start=slot, user=front_desk_user
        )
    clock.move_to(now)

    html = desk_client.get("/admin/").content.decode()
    panel = html.split("Waiting for a first call")[1]
    assert panel.index("Waited Longest") < panel.index("Just Arrived")
    assert "waiting 5\xa0hours" in panel
    today_part = panel.split("Today's consultations")[1]
    assert "Seen Today" in today_part
    assert "Seen Tomorrow" not in today_part


def test_editors_do_not_get_the_dashboard_panel(client, editor_user, make_request):
    make_request(full_name="Avery Johnson")
    client.force_login(editor_user)
    html = client.get("/admin/").content.decode()
    assert "Waiting for a first call" not in html
    assert "Avery Johnson" not in html


def test_the_front_desk_edits_opening_hours_closures_and_booking_rules(desk_client):
    assert desk_client.get("/admin/opening_hours/").status_code == 200
    assert desk_client.get("/admin/closures/").status_code == 200
    response = desk_client.post(
        "/admin/closures/new/",
        {"starts_on": "2026-12-24", "ends_on": "2026-12-26", "reason": "Christmas"},
    )
    assert response.status_code == 302
    from allure.base.models import Closure

    assert Closure.objects.get().reason == "Christmas"
    assert desk_client.get("/admin/settings/bookings/bookingrules/", follow=True).status_code == 200


def test_the_front_desk_sees_each_requests_provider_in_the_list_detail_and_export(
    desk_client, make_request, free_slots, walker
):
    booked = make_request(slot=free_slots[0])
    call_me = make_request()
    listing = desk_client.get(INDEX).content.decode()
    assert f"<td>{walker.name}</td>" in listing
    assert "<td>First available</td>" in listing  # the call-me request has nobody yet
    shown = desk_client.get(detail(booked)).content.decode()
    assert f"{walker.name}, {walker.title}" in shown
    assert "First available" in desk_client.get(detail(call_me)).content.decode()
    export = desk_client.post(INDEX + "export.csv", {"status": "open"}).content.decode()
    rows = {row["reference"]: row for row in csv.DictReader(io.StringIO(export))}
    assert rows[booked.reference]["provider"] == walker.name
    assert rows[call_me.reference]["provider"] == ""


def test_the_detail_page_says_whether_the_patient_agreed_to_texts_or_stopped_them(
    desk_client, make_request
):
    not_asked = make_request()
    agreed = make_request(text_reminders=True)
    assert (
        "Reminder texts</dt><dd>Not asked for"
        in desk_client.get(detail(not_asked)).content.decode()
    )
    assert "Reminder texts</dt><dd>Agreed" in desk_client.get(detail(agreed)).content.decode()
    assert text_reminders_stop(phone=agreed.phone) == 1
    html = desk_client.get(detail(agreed)).content.decode()
    assert "Reminder texts</dt><dd>Stopped by the patient (STOP)" in html
