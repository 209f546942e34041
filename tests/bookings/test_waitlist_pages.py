"""The waitlist's public pages and the front desk's: odd input, signed links that were
tampered with, the abuse rules, and who may see the list."""

import datetime as dt

import pytest
from django.core import signing

from bookings.messages import links
from bookings.models import WaitlistEntry, WaitlistOffer, WaitlistStatus
from bookings.schedule import offers
from bookings.waitlist.services import (
    MAX_WAITING_ENTRIES_PER_CONTACT,
    times_to_offer,
    waitlist_entry_leave,
)
from tests.clinicians import add_diary

from .conftest import form_data
from .waitlisting import join, next_monday_at

pytestmark = pytest.mark.django_db
JOIN = "/consultation/waitlist/"
ADMIN = "/admin/consultations/waitlist/"


def waitlist_data(procedures, **overrides):
    data = form_data(procedures)
    for booking_only in ("slot", "contact_method", "message"):
        data.pop(booking_only)
    data.update(
        {
            "procedure": "rhinoplasty",
            "provider": "any",
            "weekdays": ["0", "1"],
            "times_of_day": ["morning"],
            "until": "2026-11-30",
        }
    )
    data.update(overrides)
    return data


def test_the_booking_page_leads_to_the_waitlist_with_the_choices_made(client, procedures, walker):
    page = client.get(f"/consultation/?procedure=rhinoplasty&provider={walker.pk}")
    html = page.content.decode()
    assert "No time that suits?" in html
    assert f'href="/consultation/waitlist/?procedure=rhinoplasty&amp;provider={walker.pk}"' in html
    form = client.get(f"{JOIN}?procedure=rhinoplasty&provider={walker.pk}").content.decode()
    assert '<option value="rhinoplasty" selected>' in form
    assert f'<option value="{walker.pk}" selected>' in form


def test_the_form_offers_only_the_days_the_clinic_opens_and_dates_within_the_horizon(
    client, procedures, clinic_hours
):
    html = client.get(JOIN).content.decode()
    assert "Friday" in html and "Saturday" not in html
    # PINNED_NOW is 18 Nov; the default horizon is 28 days.
    assert 'min="2026-11-18"' in html and 'max="2026-12-16"' in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"until": "2027-02-01"}, "We book up to 28 days ahead: choose a date up to December 16"),
        ({"until": "2026-11-01"}, "Choose a date from today on."),
        ({"until": "next tuesday"}, "Enter a date like"),
        ({"weekdays": []}, "Choose at least one day."),
        ({"weekdays": ["9"]}, "Choose days from the list."),
        ({"times_of_day": ["midnight"]}, "Choose mornings, afternoons or both."),
        ({"provider": "999"}, "Choose someone from the list, or anyone."),
        ({"procedure": "secret-draft"}, "Choose a treatment from the list."),
        ({"full_name": "evil.com"}, "without web or email addresses"),
        ({"phone": "12"}, "Phone"),
        ({"consent": None}, "We can only contact you with your consent."),
        ({"website": "http://spam"}, "leave the last field empty"),
        ({"started": "forged"}, "This form has expired"),
    ],
)
def test_bad_input_gets_a_clear_message_on_the_same_page(
    client, procedures, clinic_hours, overrides, message
):
    data = waitlist_data(procedures, **overrides)
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(JOIN, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'id="error-summary"' in html
    assert not WaitlistEntry.objects.exists()


def test_a_provider_who_does_not_do_the_treatment_is_refused(client, procedures, clinic_hours):

    other = add_diary("Dr. Skin", "Aesthetician")
    response = client.post(JOIN, waitlist_data(procedures, provider=str(other.pk)))
    assert response.status_code == 400
    assert "Dr. Skin does not hold consultations for that procedure" in response.content.decode()


def test_one_contact_waits_for_at_most_two_things(client, procedures, clinic_hours):
    for n in range(MAX_WAITING_ENTRIES_PER_CONTACT):
        join(procedures["rhinoplasty"], n, email="same@example.com")
    response = client.post(JOIN, waitlist_data(procedures, email="SAME@example.com"))
    assert response.status_code == 400
    assert "You are already on our waitlist 2 times" in response.content.decode()
    assert WaitlistEntry.objects.count() == 2


def test_the_waitlist_form_counts_towards_the_booking_rate_limit(
    client, procedures, clinic_hours, settings
):
    settings.BOOKING_RATE_LIMIT = (2, 3600)
    for n in range(2):
        ok = client.post(
            JOIN, waitlist_data(procedures, email=f"p{n}@example.com", phone=f"60155501{n}0")
        )
        assert ok.status_code == 302
    refused = client.post(JOIN, waitlist_data(procedures, email="p9@example.com"))
    assert refused.status_code == 429
    assert "several requests from your connection" in refused.content.decode()
    assert WaitlistEntry.objects.count() == 2


ODD = ["", "\x00", "'\"<script>", "a" * 5000, "💉", "../../etc/passwd", "-1", "%ff"]


def test_odd_posts_never_cause_a_server_error(client, procedures, clinic_hours):
    for value in ODD:
        data = {
            name: value
            for name in (
                "procedure",
                "provider",
                "weekdays",
                "times_of_day",
                "until",
                "full_name",
                "email",
                "phone",
                "consent",
                "started",
                "submission_token",
            )
        }
        response = client.post(JOIN, data)
        assert response.status_code in (400, 429), (value[:20], response.status_code)


@pytest.fixture
def offer(procedures, make_request):
    entry = join(procedures["rhinoplasty"], 1)
    start = next_monday_at(9)
    return offers.offer_time(entry=entry, start=start, now=next_monday_at(9) - dt.timedelta(days=5))


def tampered_tokens(good: str) -> list[str]:
    value, _, signature = good.partition(":")
    pk, _, rest = value.partition(".")
    return [
        "",
        "nonsense",
        good[:-1] + ("A" if good[-1] != "A" else "B"),  # signature changed
        f"{int(pk) + 1}.{rest}:{signature}",  # another id under the same signature
        good + "x",
        "%00",
        signing.TimestampSigner(salt="another-salt").sign(value),
    ]


@pytest.mark.parametrize("kind", ["offer", "leave"])
def test_tampered_links_get_a_clear_page_never_a_server_error(client, offer, kind):
    good = links.offer_token(offer) if kind == "offer" else links.leave_token(offer.entry)
    for token in tampered_tokens(good):
        for method, suffix in (("get", ""), ("post", "claim/" if kind == "offer" else "")):
            response = getattr(client, method)(f"/consultation/waitlist/{kind}/{token}/{suffix}")
            assert response.status_code in (400, 404, 410), (token, response.status_code)
            if response.status_code != 404:
                assert "This link doesn't work" in response.content.decode()
    offer.refresh_from_db()
    assert offer.claimed_at is None
    assert offer.entry.status == WaitlistStatus.WAITING


def test_a_link_whose_offer_is_gone_says_it_has_expired(client, offer):
    token = links.offer_token(offer)
    WaitlistOffer.objects.filter(pk=offer.pk).delete()
    response = client.get(f"/consultation/waitlist/offer/{token}/")
    assert response.status_code == 410
    assert "This offer has expired" in response.content.decode()


def test_an_old_signature_expires(client, offer, clock):
    token = links.offer_token(offer)
    clock.shift(links.OFFER_LINK_MAX_AGE + dt.timedelta(minutes=1))
    response = client.get(f"/consultation/waitlist/offer/{token}/")
    assert response.status_code == 410


def test_the_offer_page_stays_private(client, offer):
    response = client.get(f"/consultation/waitlist/offer/{links.offer_token(offer)}/")
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex"


# --- The front desk ------------------------------------------------------------------------


def test_the_front_desk_sees_the_waitlist_and_offers_a_time(desk_client, procedures, clinic_hours):
    entry = join(procedures["rhinoplasty"], 1, full_name="Grace Hopper")
    join(procedures["rhinoplasty"], 2, full_name="Left Already")
    WaitlistEntry.objects.filter(full_name="Left Already").update(status=WaitlistStatus.LEFT)
    index = desk_client.get("/admin/consultations/").content.decode()
    assert f'href="{ADMIN}"' in index
    listing = desk_client.get(ADMIN).content.decode()
    assert "Grace Hopper" in listing and "Left Already" not in listing
    assert "Left Already" in desk_client.get(f"{ADMIN}?status=left").content.decode()
    assert desk_client.get(f"{ADMIN}?status=%00").status_code == 200

    detail = desk_client.get(f"{ADMIN}{entry.pk}/")
    assert "Offer it by email" in detail.content.decode()
    start = times_to_offer(entry)[2]
    response = desk_client.post(
        f"{ADMIN}{entry.pk}/offer/", {"slot": start.astimezone(dt.UTC).isoformat()}, follow=True
    )
    assert "the patient gets an email" in response.content.decode()
    [offer] = entry.offers.all()
    assert offer.slot_start == start
    bad = desk_client.post(f"{ADMIN}{entry.pk}/offer/", {"slot": "garbage"}, follow=True)
    assert "Choose one of the free times." in bad.content.decode()

    desk_client.post(f"{ADMIN}{entry.pk}/remove/")
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.LEFT


def test_looking_at_the_waitlist_is_in_the_audit_log(desk_client, procedures, clinic_hours):
    from wagtail.models import ModelLogEntry

    entry = join(procedures["rhinoplasty"], 1)
    desk_client.get(ADMIN)
    desk_client.get(f"{ADMIN}{entry.pk}/")
    actions = set(
        ModelLogEntry.objects.filter(object_id=str(entry.pk)).values_list("action", flat=True)
    )
    assert {"bookings.waitlist_listed", "bookings.waitlist_viewed"} <= actions


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ""), ("get", "{pk}/"), ("post", "{pk}/offer/"), ("post", "{pk}/remove/")],
)
def test_editors_are_refused_the_waitlist(editor_client, procedures, clinic_hours, method, path):
    entry = join(procedures["rhinoplasty"], 1, full_name="Grace Hopper")
    response = getattr(editor_client, method)(ADMIN + path.format(pk=entry.pk), {"slot": "x"})
    assert response.status_code == 403
    assert "Grace Hopper" not in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING and not entry.offers.exists()


def test_the_front_desk_without_the_second_step_sees_nothing(
    client, front_desk_user, procedures, clinic_hours
):
    join(procedures["rhinoplasty"], 1, full_name="Grace Hopper")
    client.force_login(front_desk_user)  # the password step only
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert "two-factor" in response["Location"]


def test_the_daily_retention_run_closes_ended_entries_and_deletes_old_closed_ones(
    procedures, clinic_hours, clock
):
    from io import StringIO

    from django.core.management import call_command

    ended = join(procedures["rhinoplasty"], 1, until=dt.date(2026, 11, 20))
    waiting = join(procedures["rhinoplasty"], 2)
    left = join(procedures["rhinoplasty"], 3)
    waitlist_entry_leave(entry=left)
    clock.move_to(dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.UTC))
    out = StringIO()
    call_command("anonymise_consultations", stdout=out)
    assert "Closed 1 waitlist entry past their last day" in out.getvalue()
    ended.refresh_from_db()
    assert ended.status == WaitlistStatus.EXPIRED
    assert set(WaitlistEntry.objects.all()) == {ended, waiting, left}  # all within 30 days

    clock.shift(dt.timedelta(days=31))
    call_command("anonymise_consultations", stdout=StringIO())
    waiting.refresh_from_db()  # its last day passed meanwhile: closed now, deleted later
    assert waiting.status == WaitlistStatus.EXPIRED
    assert not WaitlistEntry.objects.filter(pk__in=[ended.pk, left.pk]).exists()
