"""Every procedure page names the physician who checked it and when; pages whose review is
over a year old show on the editors' "Medical review due" report."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction
from django.urls import reverse

from procedures.clinicians import Clinician
from procedures.models import ProcedurePage
from tests.procedures.test_page_types import procedure_form_data
from tests.procedures.test_structured_data import by_type
from tests.staff import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
# Noon in the clinic's time zone on 10 November 2026: the report's "today".
NOW = dt.datetime(2026, 11, 10, 12, 0, tzinfo=CHICAGO)


def test_a_procedure_page_names_its_medical_reviewer_with_md_and_the_date(demo_responses):
    html = demo_responses("/procedures/skin-resurfacing/").content.decode()
    line = re.search(r'<p class="review-line">(.*?)</p>', html, re.S).group(1)
    text = re.sub(r"<[^>]+>", "", line)
    assert text == "Medically reviewed by Dr. Walker, M.D., on 3 November 2026"
    assert '<a href="/dr-walker/">Dr. Walker, M.D.</a>' in line
    assert '<time datetime="2026-11-03">' in line


def test_the_structured_data_carries_reviewed_by_and_last_reviewed(demo_responses):
    page = by_type(demo_responses("/procedures/skin-resurfacing/").content.decode())
    web_page = page["MedicalWebPage"]
    assert web_page["url"] == "http://testserver/procedures/skin-resurfacing/"
    assert web_page["lastReviewed"] == "2026-11-03"
    assert web_page["reviewedBy"] == {
        "@type": "Physician",
        "name": "Dr. Walker, M.D.",
        "url": "http://testserver/dr-walker/",
    }


def test_the_doctor_profile_names_the_doctor_with_md(demo_responses):
    assert "<h1>Dr. Walker, M.D.</h1>" in demo_responses("/dr-walker/").content.decode()


def test_a_page_without_review_shows_no_review_line_and_no_web_page_data(demo, client):
    ProcedurePage.objects.filter(slug="facelift").update(
        medical_reviewer=None, last_reviewed_on=None
    )
    html = client.get("/procedures/facelift/").content.decode()
    assert "Medically reviewed" not in html
    assert "MedicalWebPage" not in by_type(html)


def test_the_database_refuses_a_reviewer_without_a_date(demo):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedurePage.objects.filter(slug="facelift").update(last_reviewed_on=None)


# The admin's page form ------------------------------------------------------------------


def post_edit(client, page, **changes):
    data = procedure_form_data(title=page.title, slug=page.slug, **changes)
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


@pytest.fixture
def editor_client(demo, client):
    editor = User.objects.create_superuser("editor", "e@example.com", "x")
    return sign_in_with_second_factor(client, editor)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"last_reviewed_on": "2026-11-01"}, "medical_reviewer", "Choose who did the medical"),
        ({"medical_reviewer": "reviewer"}, "last_reviewed_on", "Give the date"),
        (
            {"medical_reviewer": "reviewer", "last_reviewed_on": "2026-11-11"},
            "last_reviewed_on",
            "cannot be in the future",
        ),
    ],
)
def test_the_admin_says_what_a_review_is_missing(editor_client, changes, field, message):
    page = ProcedurePage.objects.get(slug="facelift")
    if changes.get("medical_reviewer") == "reviewer":
        changes["medical_reviewer"] = Clinician.objects.get(name="Dr. Walker").pk
    response = post_edit(editor_client, page, **changes)
    assert response.status_code == 200  # the form again, with the message on the field
    assert message in " ".join(response.context["form"].errors[field])


@time_machine.travel(NOW, tick=False)
def test_a_reviewer_must_carry_their_letters(editor_client):
    Clinician.objects.update(letters="")
    page = ProcedurePage.objects.get(slug="facelift")
    response = post_edit(
        editor_client,
        page,
        medical_reviewer=Clinician.objects.get(name="Dr. Walker").pk,
        last_reviewed_on="2026-11-01",
    )
    assert "“M.D.”" in " ".join(response.context["form"].errors["medical_reviewer"])


@time_machine.travel(NOW, tick=False)
def test_an_editor_can_record_a_review(editor_client):
    page = ProcedurePage.objects.get(slug="facelift")
    doctor = Clinician.objects.get(name="Maya Reed")
    doctor.letters = "M.D."  # any clinician with letters may review
    doctor.save()
    response = post_edit(
        editor_client, page, medical_reviewer=doctor.pk, last_reviewed_on="2026-11-10"
    )
    assert response.status_code == 302
    revision = ProcedurePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert (revision.medical_reviewer, revision.last_reviewed_on) == (doctor, dt.date(2026, 11, 10))


# The editors' report ---------------------------------------------------------------------


def reviewed(slug, on):
    ProcedurePage.objects.filter(slug=slug).update(last_reviewed_on=on)


@pytest.fixture
def wagtail_editor(demo, client):
    """A member of Wagtail's own "Editors" group: may edit pages, nothing more."""
    user = User.objects.create_user("ed", "ed@example.com", "x")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)  # editors need no second factor until they turn it on
    return client


@time_machine.travel(NOW, tick=False)
def test_pages_not_reviewed_for_a_year_show_on_the_report_oldest_first(wagtail_editor):
    ProcedurePage.objects.update(last_reviewed_on=dt.date(2026, 11, 3))
    reviewed("facelift", dt.date(2025, 11, 9))  # a year and a day before 10 November 2026
    reviewed("neck-lift", dt.date(2025, 1, 2))
    reviewed("chemical-peel", dt.date(2025, 11, 10))  # exactly a year: not due yet
    ProcedurePage.objects.filter(slug="bbl-photofacial").update(
        medical_reviewer=None, last_reviewed_on=None
    )

    response = wagtail_editor.get(reverse("procedures_admin:review_due"))
    assert response.status_code == 200
    listed = [page.slug for page in response.context["object_list"]]
    assert listed == ["bbl-photofacial", "neck-lift", "facelift"]
    html = response.content.decode()
    assert "Never" in html and "2 January 2025" in html


@time_machine.travel(NOW, tick=False)
def test_the_report_is_in_the_reports_menu_and_downloads_as_csv(wagtail_editor):
    reviewed("facelift", dt.date(2024, 5, 1))
    menu = wagtail_editor.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("procedures_admin:review_due") in menu
    csv = wagtail_editor.get(reverse("procedures_admin:review_due") + "?export=csv")
    rows = b"".join(csv.streaming_content).decode().splitlines()
    assert rows == ["Title,Reviewed by,Last reviewed", "Facelift,Dr. Walker,2024-05-01"]


def test_staff_who_cannot_edit_pages_do_not_see_the_report(demo, client):
    user = User.objects.create_user("desk", "desk@example.com", "x")
    user.groups.add(Group.objects.get(name="Front desk"))
    sign_in_with_second_factor(client, user)
    response = client.get(reverse("procedures_admin:review_due"))
    assert response.status_code in (302, 403)
    assert "object_list" not in (response.context or {})
