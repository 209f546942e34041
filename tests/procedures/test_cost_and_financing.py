"""What a procedure costs, said honestly: the range most patients pay, what it covers and what
changes it, the month it was set, that the consultation gives the exact quote, and the lenders
the clinic accepts for paying over time. Editors keep the range in order, and Reports › Prices
to check lists the pages whose range is over a year old or that show none."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from allure.base.models import ClinicSettings, FinancingLender
from procedures.models import ProcedurePage
from tests.clock import CLINIC_ZONE, across_awkward_instants
from tests.procedures.test_medical_review import NOW, post_edit
from tests.staff import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

SKIN_RESURFACING = "/procedures/skin-resurfacing/"


def cost_section(html: str) -> str:
    return html.split('<section id="cost"')[1].split("</section>")[0]


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# The page ---------------------------------------------------------------------------------


def test_the_cost_section_gives_the_range_what_it_covers_and_changes_and_its_month(
    demo_responses,
):
    html = demo_responses(SKIN_RESURFACING).content.decode()
    section = cost_section(html)
    assert "<strong>From $1,500 to $4,000</strong>" in section
    assert (
        "Includes One treatment of the face, numbing cream, aftercare and a follow-up visit."
        in text(section)
    )
    assert "What changes it The laser and depth;" in text(section)
    assert 'Range set in <time datetime="2026-11">November 2026</time>.' in section
    assert "Your exact quote follows your consultation, in writing" in section
    assert '<li><a href="#cost">Cost</a></li>' in html  # in the page's contents


def test_the_cost_section_lists_the_lenders_as_plain_links(demo_responses):
    section = cost_section(demo_responses(SKIN_RESURFACING).content.decode())
    assert "<h3>Paying over time</h3>" in section
    assert re.findall(r'<a href="([^"]+)" rel="noopener">([^<]+)</a>', section) == [
        ("https://www.carecredit.com/", "CareCredit"),
        ("https://withcherry.com/", "Cherry"),
    ]
    assert "Monthly payment plans, subject to approval." in section
    assert "<script" not in section and "target=" not in section


def test_fillers_say_their_price_is_per_syringe(demo_responses):
    section = cost_section(demo_responses("/procedures/dermal-fillers/").content.decode())
    assert "From $650 to $1,200" in section and "per syringe" in section.lower()


def test_a_page_without_a_price_has_no_cost_section(demo, client):
    ProcedurePage.objects.filter(slug="facelift").update(
        price_from=None, price_to=None, price_set_on=None
    )
    html = client.get("/procedures/facelift/").content.decode()
    assert 'id="cost"' not in html and 'href="#cost"' not in html
    assert "Paying over time" not in html and "CareCredit" not in html


def test_a_range_reads_from_to_a_lowest_price_from_and_a_fixed_price_as_itself():
    assert ProcedurePage(price_from=9000, price_to=16000).price_label == "From $9,000 to $16,000"
    assert ProcedurePage(price_from=1500).price_label == "From $1,500"
    assert ProcedurePage(price_from=650, price_to=650).price_label == "$650"
    assert ProcedurePage().price_label == ""


def test_without_lenders_the_price_shows_without_paying_over_time(demo, client):
    FinancingLender.objects.all().delete()
    section = cost_section(client.get(SKIN_RESURFACING).content.decode())
    assert "From $1,500 to $4,000" in section and "Paying over time" not in section


def test_the_sentence_about_the_exact_quote_is_the_clinics_own(demo, client):
    clinic = ClinicSettings.load()
    clinic.exact_quote_note = "Dr. Walker quotes the exact price at your consultation."
    clinic.save()
    section = cost_section(client.get(SKIN_RESURFACING).content.decode())
    assert "Dr. Walker quotes the exact price at your consultation." in section


# The editors' forms ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"price_from": "3000", "price_to": "1500", "price_set_on": "2026-11-02"},
            "price_to",
            "cannot be below the lowest ($3,000)",
        ),
        ({"price_to": "1500", "price_set_on": "2026-11-02"}, "price_from", "Give the lowest"),
        ({"price_from": "1500"}, "price_set_on", "Give the date this price range was set."),
        (
            {"price_from": "1500", "price_set_on": "2026-11-19"},  # tomorrow (clinic time)
            "price_set_on",
            "cannot be in the future",
        ),
    ],
)
def test_the_admin_says_what_is_wrong_with_a_price(demo, admin_client, changes, field, message):
    page = ProcedurePage.objects.get(slug="facelift")
    response = post_edit(admin_client, page, **changes)
    assert response.status_code == 200  # the form again, with the message on the field
    assert message in " ".join(response.context["form"].errors[field])


def test_an_editor_can_set_a_price_range(demo, admin_client):
    page = ProcedurePage.objects.get(slug="facelift")
    response = post_edit(
        admin_client,
        page,
        price_from="9500",
        price_to="17000",
        price_includes="Everything on the day.",
        price_depends_on="The lift.",
        price_set_on="2026-11-18",
    )
    assert response.status_code == 302
    revision = ProcedurePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert (revision.price_from, revision.price_to, revision.price_set_on) == (
        9500,
        17000,
        dt.date(2026, 11, 18),
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"price_from": 3000, "price_to": 1500},
        {"price_from": None, "price_to": 1500},
        {"price_from": 1500, "price_set_on": None},
    ],
    ids=["to-below-from", "to-without-from", "price-without-date"],
)
def test_the_database_refuses_a_price_out_of_order_or_without_its_date(demo, changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedurePage.objects.filter(slug="facelift").update(**changes)


def clinic_settings_form(clinic, lenders) -> dict:
    """What the admin's clinic settings form posts: the settings as they are, the footer links
    as they are, and `lenders` (each with its "id" when it exists already)."""
    fields = [
        "name",
        "phone",
        "email",
        "street_address",
        "locality",
        "region",
        "postal_code",
        "results_disclaimer",
        "facebook_url",
        "instagram_url",
        "exact_quote_note",
    ]
    footer_links = [
        {"id": link.pk, "page": link.page_id, "label": link.label}
        for link in clinic.footer_links.all()
    ]
    return nested_form_data(
        {
            **{name: getattr(clinic, name) for name in fields},
            "footer_links": inline_formset(footer_links, initial=len(footer_links)),
            "financing_lenders": inline_formset(
                lenders, initial=sum(1 for lender in lenders if "id" in lender)
            ),
        }
    )


def post_clinic_settings(client, lenders):
    clinic = ClinicSettings.load()
    url = reverse("wagtailsettings:edit", args=["base", "clinicsettings", clinic.pk])
    return client.post(url, clinic_settings_form(clinic, lenders))


def lender_rows(**changes_by_name):
    return [
        {
            "id": lender.pk,
            "name": lender.name,
            "description": lender.description,
            "url": lender.url,
            **changes_by_name.get(lender.name, {}),
        }
        for lender in FinancingLender.objects.order_by("sort_order")
    ]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://www.carecredit.com/", "starting https://"),
        ("https://withcherry.com/?utm_source=allure", "tracking codes"),
    ],
)
def test_a_lender_link_must_be_secure_and_carry_no_tracking_codes(demo, admin_client, url, message):
    response = post_clinic_settings(admin_client, lender_rows(Cherry={"url": url}))
    assert response.status_code == 200  # the form again, with the message on the link
    lenders = response.context["form"].formsets["financing_lenders"]
    assert message in " ".join(lenders.forms[1].errors["url"])
    assert FinancingLender.objects.get(name="Cherry").url == "https://withcherry.com/"


def test_a_lender_changed_in_the_settings_shows_at_once_on_a_cached_page(
    demo, client, admin_client
):
    assert "Cherry" in cost_section(client.get(SKIN_RESURFACING).content.decode())
    # The section is now kept in the page's fragment: a change that bypasses saving is not seen.
    FinancingLender.objects.filter(name="Cherry").update(description="Not saved properly.")
    assert "Not saved properly." not in client.get(SKIN_RESURFACING).content.decode()

    response = post_clinic_settings(admin_client, lender_rows(Cherry={"name": "Cherry Pay"}))
    assert response.status_code == 302
    section = cost_section(client.get(SKIN_RESURFACING).content.decode())
    assert '<a href="https://withcherry.com/" rel="noopener">Cherry Pay</a>' in section


# The editors' report ---------------------------------------------------------------------


def set_on(slug, day):
    ProcedurePage.objects.filter(slug=slug).update(price_set_on=day)


@pytest.fixture
def wagtail_editor(demo, client):
    """A member of Wagtail's own "Editors" group: may edit pages, nothing more."""
    user = User.objects.create_user("ed", "ed@example.com", "x")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)  # editors need no second factor until they turn it on
    return client


@across_awkward_instants
def test_ranges_set_over_a_year_ago_and_pages_without_a_price_show_on_the_report(
    wagtail_editor,
):
    today = dt.datetime.now(CLINIC_ZONE).date()  # the clinic's day, whatever the machine's
    ProcedurePage.objects.update(price_set_on=today)
    set_on("facelift", today - dt.timedelta(days=366))
    set_on("chemical-peel", today - dt.timedelta(days=365))  # exactly a year: not due yet
    set_on("neck-lift", today - dt.timedelta(days=364))
    ProcedurePage.objects.filter(slug="bbl-photofacial").update(
        price_from=None, price_to=None, price_set_on=None
    )

    response = wagtail_editor.get(reverse("procedures_admin:prices_to_check"))
    assert response.status_code == 200
    assert [page.slug for page in response.context["object_list"]] == [
        "bbl-photofacial",
        "facelift",
    ]
    html = response.content.decode()
    assert "No price" in html and "From $9,000 to $16,000" in html
    assert f"{today - dt.timedelta(days=366):%-d %B %Y}" in html


@time_machine.travel(NOW, tick=False)  # the demo's ranges stay under a year old
def test_the_prices_report_is_in_the_reports_menu_and_downloads_as_csv(wagtail_editor):
    set_on("facelift", dt.date(2025, 5, 1))
    menu = wagtail_editor.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("procedures_admin:prices_to_check") in menu
    csv = wagtail_editor.get(reverse("procedures_admin:prices_to_check") + "?export=csv")
    rows = b"".join(csv.streaming_content).decode().splitlines()
    assert rows == ["Title,From,To,Range set on", "Facelift,9000,16000,2025-05-01"]


def test_staff_who_cannot_edit_pages_do_not_see_the_prices_report(demo, client):
    user = User.objects.create_user("desk", "desk@example.com", "x")
    user.groups.add(Group.objects.get(name="Front desk"))
    sign_in_with_second_factor(client, user)
    response = client.get(reverse("procedures_admin:prices_to_check"))
    assert response.status_code in (302, 403)
    assert "object_list" not in (response.context or {})
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("procedures_admin:prices_to_check") not in menu
