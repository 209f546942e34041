"""The front desk's calendar (day and week views, the printable day list) and each provider's
private calendar feed. The clinic of tests/bookings/conftest.py: Monday to Friday 9–12 and
13–17, a consultation every 30 minutes; the suite's clock is Wednesday 18 November 2026, 10:00."""

import datetime as dt
import re

import icalendar
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import ModelLogEntry

from allure.base.clinic import clinic_time
from allure.base.models import Closure
from bookings.models import ConsultationStatus, ProviderClosure, ProviderHours
from bookings.schedule import availability
from bookings.workflow import changes
from tests.clinicians import add_diary, set_bookable
from tests.clock import CLINIC_ZONE, PINNED_NOW, across_awkward_instants
from tests.staff import sign_in_with_second_factor

pytestmark = pytest.mark.django_db
S = ConsultationStatus
WEEK = "/admin/consultations/calendar/"
DAY = "/admin/consultations/calendar/day/"
PRINT = "/admin/consultations/calendar/day/print/"
# The sidebar's menu item, as Wagtail writes it into the page for its menu script.
MENU_ITEM = (
    f'"label": "Calendar", "icon_name": "date", "classname": "", "attrs": {{}}, "url": "{WEEK}"'
)
TODAY = PINNED_NOW.date()  # Wednesday
THURSDAY = TODAY + dt.timedelta(days=1)
FRIDAY = TODAY + dt.timedelta(days=2)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CLINIC_ZONE)


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def feed_path(provider) -> str:
    provider.refresh_from_db()
    return f"/calendar/{provider.calendar_feed_token}.ics"


@pytest.fixture
def diary(make_request, walker):
    """A held (new), a called (contacted), a confirmed and a cancelled request with Dr.
    Walker, and a "call me" request with no time."""
    held = make_request(slot=at(THURSDAY, 11), full_name="Harriet Held")
    called = make_request(slot=at(THURSDAY, 14), full_name="Carl Called", phone="+16015559876")
    changes.consultation_request_transition(consultation=called, to_status=S.CONTACTED)
    confirmed = make_request(slot=at(FRIDAY, 10), full_name="Connie Confirmed")
    changes.consultation_request_confirm_time(
        consultation=confirmed, start=at(FRIDAY, 11), user=None
    )
    cancelled = make_request(slot=at(FRIDAY, 15), full_name="Cass Cancelled")
    changes.consultation_request_cancel(consultation=cancelled, user=None)
    call_me = make_request(full_name="Cal Me")
    for c in (held, called, confirmed, cancelled, call_me):
        c.refresh_from_db()
    return {
        "held": held,
        "called": called,
        "confirmed": confirmed,
        "cancelled": cancelled,
        "call_me": call_me,
    }


def entry(page: str, consultation) -> str:
    """The calendar's list item for one request."""
    not_end = "(?:(?!</li>).)*"
    match = re.search(
        rf'<li class="calendar-entry[^"]*">{not_end}{consultation.reference}{not_end}</li>',
        page,
        re.S,
    )
    assert match, f"{consultation.reference} is not on the page"
    return match.group(0)


def section_of(page: str, day: dt.date) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="day-{day:%Y%m%d}".*?</section>', page, re.S)
    assert match, f"{day} is not on the page"
    return match.group(0)


# The week and day views ---------------------------------------------------------------------


def test_the_week_shows_held_and_confirmed_requests_linked_to_their_pages(desk_client, diary):
    page = html(desk_client.get(WEEK, {"date": TODAY.isoformat()}))
    held, called, confirmed = diary["held"], diary["called"], diary["confirmed"]
    assert "Held, not called yet" in entry(page, held)
    assert "Held, called" in entry(page, called)
    assert "✓ Confirmed" in entry(page, confirmed)
    for c in (held, called, confirmed):
        assert f'href="/admin/consultations/{c.pk}/"' in entry(page, c)
        assert clinic_time.format_time(c.slot_start) in entry(page, c)
        assert "Face" in entry(page, c)  # rhinoplasty's procedure group
    # Each on its own day, at the time it holds (the confirmed one moved to 11:00).
    assert held.reference in section_of(page, THURSDAY)
    assert confirmed.reference in section_of(page, FRIDAY)
    assert "11:00 AM" in entry(page, confirmed)
    # Released times and requests with no time are not on it; nor are names or numbers.
    assert diary["cancelled"].reference not in page
    assert diary["call_me"].reference not in page
    for c in diary.values():
        assert c.full_name not in page
        assert c.email not in page
        assert c.phone not in page


def test_the_week_runs_monday_to_sunday_with_previous_next_and_today(desk_client, diary):
    page = html(desk_client.get(WEEK, {"date": FRIDAY.isoformat()}))
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    days = re.findall(r'aria-labelledby="day-(\d{8})"', page)
    assert days == [f"{monday + dt.timedelta(days=n):%Y%m%d}" for n in range(7)]
    assert f"?date={FRIDAY + dt.timedelta(days=7)}" in page  # next week
    assert f"?date={FRIDAY - dt.timedelta(days=7)}" in page  # previous week
    assert f'href="{WEEK}?date={TODAY}">Today' in page
    assert "calendar-day--today" in section_of(page, TODAY)
    following = html(desk_client.get(WEEK, {"date": (FRIDAY + dt.timedelta(days=7)).isoformat()}))
    assert diary["confirmed"].reference not in following


def test_the_day_view_shows_that_day_only(desk_client, diary):
    page = html(desk_client.get(DAY, {"date": THURSDAY.isoformat()}))
    assert re.findall(r'aria-labelledby="day-(\d{8})"', page) == [f"{THURSDAY:%Y%m%d}"]
    assert diary["held"].reference in page and diary["called"].reference in page
    assert diary["confirmed"].reference not in page
    assert f"?date={FRIDAY}" in page and f"?date={TODAY}" in page


def test_free_time_is_what_the_availability_rule_leaves(desk_client, diary, walker):
    """Thursday: held 11:00 (30 minutes) and 14:00; the rest of 9–12 and 13–17 is free."""
    page = section_of(html(desk_client.get(DAY, {"date": THURSDAY.isoformat()})), THURSDAY)
    free = re.search(r"<strong>Free:</strong>([^<]*)</p>", page).group(1).strip()
    assert free == "9:00 AM–11:00 AM, 11:30 AM–12:00 PM, 1:00 PM–2:00 PM, 2:30 PM–5:00 PM"
    assert "Works 9:00 AM–12:00 PM, 1:00 PM–5:00 PM" in page
    # The same starts the booking rule offers staff, none beyond.
    rules_free, _ = availability.free_times(
        providers=availability.providers_for(),
        length=availability.length_of(None, availability.BookingRules.load()),
        start_day=THURSDAY,
        end_day=THURSDAY,
        now=PINNED_NOW,
        rules=availability.BookingRules.load(),
        for_staff=True,
    )
    assert len(rules_free) == 4 + 1 + 2 + 5


def test_no_free_time_is_shown_in_the_past(desk_client, diary):
    page = html(desk_client.get(DAY, {"date": TODAY.isoformat()}))
    # Today from now (10:00) on, nothing before.
    assert "<strong>Free:</strong> 10:00 AM–12:00 PM, 1:00 PM–5:00 PM" in page
    yesterday = html(desk_client.get(DAY, {"date": (TODAY - dt.timedelta(days=1)).isoformat()}))
    assert "<strong>Free:</strong>" not in yesterday


def test_closures_and_days_away_are_shown_with_no_free_time(desk_client, diary, walker):
    Closure.objects.create(starts_on=FRIDAY, ends_on=FRIDAY, reason="Staff training")
    reed = add_diary("Maya Reed", "Aesthetician", sort_order=1)
    for weekday in (0, 3):  # Monday and Thursday mornings
        ProviderHours.objects.create(
            provider=reed, weekday=weekday, starts=dt.time(8), ends=dt.time(12)
        )
    ProviderClosure.objects.create(
        provider=reed, starts_on=THURSDAY, ends_on=THURSDAY, reason="Conference"
    )
    page = html(desk_client.get(WEEK, {"date": TODAY.isoformat()}))
    friday = section_of(page, FRIDAY)
    assert "Clinic closed:</strong> Staff training" in friday
    assert "<strong>Free:</strong>" not in friday
    # The confirmed request made before the closure still shows, for the desk to move.
    assert diary["confirmed"].reference in friday
    thursday = section_of(page, THURSDAY)
    reed_block = thursday[thursday.index("<h4>Maya Reed</h4>") :]
    assert "Away:</strong> Conference" in reed_block
    assert "<strong>Free:</strong>" not in reed_block.split("</div>")[0]
    # Her own hours, inside the clinic's: Monday 8–12 is 9–12; none on Wednesday.
    monday = section_of(page, TODAY - dt.timedelta(days=2))
    assert "Works 9:00 AM–12:00 PM</p>" in monday[monday.index("<h4>Maya Reed</h4>") :]
    wednesday = section_of(page, TODAY)
    assert "Not working this day" in wednesday[wednesday.index("<h4>Maya Reed</h4>") :]
    # Saturday and Sunday: the clinic has no hours.
    assert "Clinic not open" in section_of(page, TODAY + dt.timedelta(days=3))


def test_one_provider_only(desk_client, diary, walker):
    other = add_diary("Jessica Moore", "R.N.", sort_order=1)
    page = html(desk_client.get(WEEK, {"date": TODAY.isoformat(), "provider": other.pk}))
    assert "<h4>Jessica Moore</h4>" in page
    assert "<h4>Dr. Walker</h4>" not in page
    assert diary["held"].reference not in page
    both = html(desk_client.get(WEEK, {"date": TODAY.isoformat()}))
    assert "<h4>Jessica Moore</h4>" in both and "<h4>Dr. Walker</h4>" in both


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date": "2026-13-45"}, "Enter a date like 2026-11-18"),
        ({"date": "tomorrow"}, "Enter a date like 2026-11-18"),
        ({"date": "9999-12-31"}, "Choose a date between 2000 and 2099"),
        ({"provider": "999999"}, "That provider is not on the list"),
        ({"provider": "x'--"}, "That provider is not on the list"),
    ],
)
@pytest.mark.parametrize("path", [WEEK, DAY, PRINT])
def test_bad_input_is_explained_on_the_page_and_today_shown(
    desk_client, diary, path, query, message
):
    page = html(desk_client.get(path, query))
    assert message in page
    assert TODAY.strftime("%A") in page


def test_the_date_picker_is_a_get_form_that_works_without_javascript(desk_client, walker):
    page = html(desk_client.get(WEEK))
    form = re.search(r'<form method="get" action="([^"]+)".*?</form>', page, re.S)
    assert form.group(1) == WEEK
    assert '<input type="date" name="date"' in form.group(0)
    assert f'value="{TODAY}"' in form.group(0)
    assert '<select name="provider"' in form.group(0)


def test_week_view_queries_do_not_grow_with_the_requests(
    desk_client, make_request, walker, django_assert_max_num_queries
):
    free = availability.available_slots(now=PINNED_NOW)
    week_end = at(TODAY + dt.timedelta(days=5), 0)

    def week_queries():
        with CaptureQueriesContext(connection) as queries:
            html(desk_client.get(WEEK, {"date": TODAY.isoformat()}))
        return len(queries)

    make_request(slot=free[0])
    week_queries()  # the first look fills the shared caches (hours, closures, the site)
    few = week_queries()
    for n, start in enumerate(s for s in free[1:] if s < week_end):
        if n >= 12:
            break
        make_request(slot=start, phone=f"+1601444{n:04d}")
    with django_assert_max_num_queries(few):
        page = html(desk_client.get(WEEK, {"date": TODAY.isoformat()}))
    assert page.count('<li class="calendar-entry calendar-entry--new"') == 13
    assert week_queries() == few


# The printable day list -------------------------------------------------------------------


def test_the_printable_day_list_has_what_the_desk_needs_and_no_contact_details(desk_client, diary):
    page = html(desk_client.get(PRINT, {"date": THURSDAY.isoformat()}))
    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", page, re.S)
    assert len(rows) == 2
    held, called = diary["held"], diary["called"]
    assert held.reference in rows[0] and called.reference in rows[1]  # in time order
    for cells in rows:
        assert "Dr. Walker" in cells
        assert "Rhinoplasty" in cells
        assert "In person" in cells
        assert "Phone call" in cells  # how the patient wants to be contacted
    assert "Held, not called yet" in rows[0] and "Held, called" in rows[1]
    for c in diary.values():
        assert c.full_name not in page and c.phone not in page and c.email not in page
    assert 'href="/static/css/calendar-print.css"' in page or "calendar-print" in page


# Who may see it ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [WEEK, DAY, PRINT])
def test_editors_are_refused_the_calendar_and_do_not_get_its_menu(client, editor_user, diary, path):
    client.force_login(editor_user)
    response = client.get(path, {"date": THURSDAY.isoformat()})
    assert response.status_code == 403
    assert diary["held"].reference not in response.content.decode()
    assert MENU_ITEM not in client.get("/admin/").content.decode()


def test_the_front_desk_gets_the_calendar_menu(desk_client, walker):
    assert MENU_ITEM in html(desk_client.get("/admin/"))


def test_editors_cannot_reset_a_feed(client, editor_user, walker):
    client.force_login(editor_user)
    response = client.post(f"/admin/consultations/calendar/providers/{walker.pk}/feed/")
    assert response.status_code == 403
    walker.refresh_from_db()
    assert walker.calendar_feed_token is None


def test_the_front_desk_must_finish_the_second_step_first(client, front_desk_user, diary):
    client.force_login(front_desk_user)  # the password only
    response = client.get(WEEK)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/")


def test_anonymous_visitors_are_sent_to_sign_in(client, diary):
    response = client.get(WEEK)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# The provider's calendar feed --------------------------------------------------------------


def make_feed(desk_client, provider) -> str:
    response = desk_client.post(f"/admin/consultations/calendar/providers/{provider.pk}/feed/")
    assert response.status_code == 302
    return feed_path(provider)


def test_the_front_desk_makes_a_feed_and_sees_its_address(desk_client, walker, diary):
    page = html(desk_client.get(WEEK, {"provider": walker.pk}))
    assert "Make a feed address" in page
    path = make_feed(desk_client, walker)
    page = html(desk_client.get(WEEK, {"provider": walker.pk}))
    assert f'value="http://testserver{path}"' in page
    assert "Reset the address" in page
    assert len(walker.calendar_feed_token) >= 43  # 32 random bytes, base64: 256 bits
    assert ModelLogEntry.objects.filter(
        action="bookings.calendar_feed_reset", object_id=str(walker.pk)
    ).exists()


def test_the_feed_shows_reference_group_and_time_only(client, desk_client, walker, diary):
    path = make_feed(desk_client, walker)
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    calendar = icalendar.Calendar.from_ical(body)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    expected = {diary[k].reference for k in ("held", "called", "confirmed")}
    assert set(events) == {f"consultation-{ref}@allureplastics.com" for ref in expected}
    for key in ("held", "called", "confirmed"):
        c = diary[key]
        event = events[f"consultation-{c.reference}@allureplastics.com"]
        assert event.decoded("dtstart") == c.slot_start
        assert event.decoded("dtend") == c.consultation_end
        assert str(event["summary"]) == f"{c.reference} · Face"
        assert "dtstamp" in event
    assert (
        str(events[f"consultation-{diary['confirmed'].reference}@allureplastics.com"]["status"])
        == "CONFIRMED"
    )
    assert (
        str(events[f"consultation-{diary['held'].reference}@allureplastics.com"]["status"])
        == "TENTATIVE"
    )
    text = body.decode()
    for c in diary.values():
        for personal in (c.full_name, c.email, c.phone, c.phone[-4:], c.full_name.split()[0]):
            assert personal not in text
    assert "Rhinoplasty" not in text  # the group, never the procedure


def test_the_feed_is_valid_icalendar_text(desk_client, walker, diary):
    body = Client().get(make_feed(desk_client, walker)).content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")
    assert b"\n" not in b"".join(lines)  # every line ends in CRLF
    assert all(len(line) <= 75 for line in lines)  # long lines are folded
    assert b"VERSION:2.0" in lines and any(line.startswith(b"PRODID:") for line in lines)
    for name in (b"DTSTART:", b"DTEND:", b"DTSTAMP:"):
        values = [line[len(name) :] for line in lines if line.startswith(name)]
        assert len(values) == 3
        assert all(re.fullmatch(rb"\d{8}T\d{6}Z", v) for v in values), values


def test_the_uid_stays_when_the_time_moves(desk_client, walker, diary):
    path = make_feed(desk_client, walker)
    held = diary["held"]
    before = icalendar.Calendar.from_ical(Client().get(path).content)
    changes.consultation_request_confirm_time(consultation=held, start=at(THURSDAY, 10), user=None)
    after = icalendar.Calendar.from_ical(Client().get(path).content)

    def event(calendar):
        [e] = [e for e in calendar.walk("VEVENT") if held.reference in str(e["uid"])]
        return e

    assert str(event(before)["uid"]) == str(event(after)["uid"])
    assert event(after).decoded("dtstart") == at(THURSDAY, 10)
    assert str(event(after)["status"]) == "CONFIRMED"


@pytest.mark.parametrize("how", ["cancel", "decline", "expire"])
def test_closed_requests_drop_out_of_the_feed(desk_client, walker, diary, how):
    path = make_feed(desk_client, walker)
    held = diary["held"]
    assert held.reference in Client().get(path).content.decode()
    if how == "cancel":
        changes.consultation_request_cancel(consultation=held, user=None)
    elif how == "decline":
        changes.consultation_request_transition(consultation=held, to_status=S.DECLINED)
    else:
        type(held).objects.filter(pk=held.pk).update(status=S.EXPIRED)
    text = Client().get(path).content.decode()
    assert held.reference not in text
    assert diary["confirmed"].reference in text


def test_a_reset_kills_the_old_address_at_once(desk_client, walker, diary, settings):
    settings.PAGE_CACHE_SECONDS = 300  # the page cache is on, as in production
    old = make_feed(desk_client, walker)
    assert Client().get(old).status_code == 200
    assert Client().get(old).status_code == 200  # a second read, which a cache would answer
    new = make_feed(desk_client, walker)
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert not [
        key for key in cache._cache if "page-cache:" in str(key) and "generation" not in str(key)
    ]


def test_the_feed_is_never_cached_indexed_or_given_a_cookie(desk_client, walker, diary, settings):
    settings.PAGE_CACHE_SECONDS = 300
    path = make_feed(desk_client, walker)
    for _ in range(2):
        response = Client().get(path)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex"
        assert response["Referrer-Policy"] == "no-referrer"
        assert not response.cookies


def test_a_wrong_address_is_a_plain_404_that_names_nobody(desk_client, walker, diary):
    path = make_feed(desk_client, walker)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    wrong = [
        "/calendar/" + ("A" if token[0] != "A" else "B") + token[1:] + ".ics",  # one letter off
        "/calendar/" + token[:-1] + ".ics",
        "/calendar/nobody.ics",
        "/calendar/.ics",
        "/calendar/" + token + ".ics/",
    ]
    for address in wrong:
        response = Client().get(address)
        assert response.status_code == 404, address
        assert "BEGIN:VCALENDAR" not in response.content.decode()
        assert not response.cookies
        assert "public" not in response.get("Cache-Control", "")
    # A wrong secret answers exactly as when no provider has a feed at all.
    wrong_page = Client().get(wrong[0])
    walker.calendar_feed_token = None
    walker.save()
    none_page = Client().get(wrong[0])
    assert (wrong_page.status_code, wrong_page.content) == (
        none_page.status_code,
        none_page.content,
    )


def test_the_reset_is_a_post_with_csrf(walker, front_desk_user):
    client = Client(enforce_csrf_checks=True)
    sign_in_with_second_factor(client, front_desk_user)
    url = f"/admin/consultations/calendar/providers/{walker.pk}/feed/"
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # no CSRF token: refused
    walker.refresh_from_db()
    assert walker.calendar_feed_token is None


def test_each_provider_has_their_own_feed(desk_client, walker, diary):
    moore = add_diary("Jessica Moore", "R.N.", sort_order=1)
    walker_path = make_feed(desk_client, walker)
    moore_path = make_feed(desk_client, moore)
    assert walker_path != moore_path
    assert diary["held"].reference in Client().get(walker_path).content.decode()
    assert diary["held"].reference not in Client().get(moore_path).content.decode()
    assert Client().get(moore_path).status_code == 200


def test_an_inactive_providers_bookings_stay_on_the_calendar(desk_client, diary, walker):
    """Untick "active" and they take no new bookings; those they hold still show, until the
    week they have none."""
    idle = add_diary("Nurse Idle", "R.N.", bookable=False, sort_order=5)
    page = html(desk_client.get(WEEK, {"date": TODAY.isoformat()}))
    assert "<h4>Nurse Idle</h4>" not in page
    set_bookable(walker, False)
    page = html(desk_client.get(WEEK, {"date": TODAY.isoformat()}))
    assert "<h4>Dr. Walker</h4>" in page and diary["held"].reference in page
    later = html(desk_client.get(WEEK, {"date": (TODAY + dt.timedelta(days=14)).isoformat()}))
    assert "<h4>Dr. Walker</h4>" not in later
    assert "<h4>Nurse Idle</h4>" in html(
        desk_client.get(WEEK, {"date": TODAY.isoformat(), "provider": idle.pk})
    )


def test_the_feed_asks_calendar_apps_to_refresh_every_15_minutes(desk_client, walker, diary):
    body = Client().get(make_feed(desk_client, walker)).content
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n" in body


@pytest.mark.parametrize(("posted", "week_of"), [(FRIDAY.isoformat(), FRIDAY), ("junk", TODAY)])
def test_after_a_reset_the_desk_is_back_on_the_week_it_was_viewing(
    desk_client, walker, posted, week_of
):
    url = f"/admin/consultations/calendar/providers/{walker.pk}/feed/"
    response = desk_client.post(url, {"date": posted})
    assert response["Location"] == f"{WEEK}?date={week_of}&provider={walker.pk}"


@across_awkward_instants
def test_requests_land_on_their_local_day_at_any_hour_and_across_clock_changes(
    desk_client, make_request, walker
):
    start = availability.available_slots()[0]
    consultation = make_request(slot=start)
    day = clinic_time.local_day(start)
    today = clinic_time.local_day(timezone.now())
    week = html(desk_client.get(WEEK, {"date": day.isoformat()}))
    assert consultation.reference in section_of(week, day)
    assert clinic_time.format_time(start) in entry(week, consultation)
    page = html(desk_client.get(WEEK))
    assert "calendar-day--today" in section_of(page, today)
    for other in re.findall(r'aria-labelledby="day-(\d{8})"', page):
        if other != f"{today:%Y%m%d}":
            assert "calendar-day--today" not in section_of(
                page, dt.datetime.strptime(other, "%Y%m%d").date()
            )
