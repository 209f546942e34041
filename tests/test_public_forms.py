"""Every public form is drawn one way: each field by the site's templates/django/forms/field.html
through Django's form-template API, in the site's own class names. Read from the pages a
patient gets, each form sent back with every kind of mistake: a control in error says so
(aria-invalid) and is described by its error (a group of choices: on its fieldset); every
control has a label and every fieldset a legend; no Bootstrap class name is left."""

import time

import pytest
from bs4 import BeautifulSoup

from bookings.booking.forms import started_token
from bookings.messages.links import manage_token
from bookings.models import ConsultationRequest

pytestmark = pytest.mark.django_db

# What crispy-bootstrap5 and the hand-made fields drew, restyled by hand until issue 27.
BOOTSTRAP_CLASSES = {
    "form-control", "form-select", "form-check", "form-check-input", "form-check-label",
    "form-label", "form-text", "invalid-feedback", "is-invalid", "mb-3", "fs-6", "alert",
    "asteriskField", "requiredField", "has-error", "textinput", "emailinput", "dateinput",
    "checkboxinput",
}  # fmt: skip


def a_minute_ago():
    return started_token(time.time() - 60)


def public_forms(client):
    """(what, HTML) for each public form, new and sent back with mistakes."""
    pages = [
        ("booking", client.get("/consultation/?procedure=skin-resurfacing")),
        ("booking, sent empty", client.post("/consultation/", {})),
        (
            "booking, with mistakes",
            client.post(
                "/consultation/",
                {
                    "procedure": "skin-resurfacing",
                    "provider": "any",
                    "full_name": "Ann <Lee>",
                    "email": "ann@",
                    "contact_method": "email",
                    "text_reminders": "on",
                    "website": "a bot was here",
                    "started": a_minute_ago(),
                },
            ),
        ),
        ("waitlist", client.get("/consultation/waitlist/?procedure=skin-resurfacing")),
        ("waitlist, sent empty", client.post("/consultation/waitlist/", {})),
        (
            "waitlist, with mistakes",
            client.post(
                "/consultation/waitlist/",
                {"procedure": "skin-resurfacing", "weekdays": ["0"], "until": "soon"},
            ),
        ),
        ("planner, refused", client.get("/procedures/which-treatment/?concern=nonsense")),
        ("gallery, unknown", client.get("/procedures/results/?procedure=no-such-procedure")),
    ]
    photos = next(c for c in ConsultationRequest.objects.all() if c.takes_photos)
    manage = f"/consultation/manage/{manage_token(photos)}/"
    pages += [
        ("manage page", client.get(manage)),
        ("photos, sent empty", client.post(manage + "photos/", {})),
        ("reschedule, sent empty", client.post(manage + "reschedule/", {})),
    ]
    return [(what, response.content.decode()) for what, response in pages]


def described_by(control):
    """The ids a screen reader reads with a control: its own, and its group's."""
    ids = (control.get("aria-describedby") or "").split()
    group = control.find_parent("fieldset", attrs={"aria-describedby": True})
    return ids + (group["aria-describedby"].split() if group else [])


def test_every_public_form_ties_each_error_to_its_control_and_labels_every_control(demo, client):
    for what, html in public_forms(client):
        page = BeautifulSoup(html, "html.parser")
        for form in page.find_all("form"):
            for control in form.select("input:not([type=hidden]), select, textarea"):
                where = f"{what}: {control.get('name')} ({control.get('id')})"
                labelled = control.find_parent("label") or page.find(
                    "label", attrs={"for": control.get("id")}
                )
                assert labelled, f"{where} has no label"
                if control.get("aria-invalid") == "true":
                    errors = [page.find(id=i) for i in described_by(control)]
                    assert all(errors), f"{where} names a description that is not there"
                    assert any(
                        e.get_text(strip=True)
                        for e in errors
                        if "field__errors" in e.get("class", [])
                    ), f"{where} is not described by its error"
            for fieldset in form.find_all("fieldset"):
                assert fieldset.find("legend"), f"{what}: a fieldset without a legend"


def test_every_public_form_is_drawn_in_the_sites_own_class_names(demo, client):
    drawn = {}
    for what, html in public_forms(client):
        for element in BeautifulSoup(html, "html.parser").select("[class]"):
            for name in set(element["class"]) & BOOTSTRAP_CLASSES:
                drawn.setdefault(name, what)
        assert 'class="field' in html, f"{what}: no field drawn by the site's field template"
    assert drawn == {}


def test_each_invalid_control_is_one_a_patient_got_wrong(demo, client):
    html = dict(public_forms(client))["booking, with mistakes"]
    page = BeautifulSoup(html, "html.parser")
    invalid = {c["name"] for c in page.select("form [aria-invalid=true]")}
    assert invalid == {"full_name", "email", "phone", "slot", "consent", "website"}
    assert page.find("input", attrs={"name": "text_reminders"}).has_attr("checked")
    assert page.find("input", attrs={"name": "full_name"})["value"] == "Ann <Lee>"
