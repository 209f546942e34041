"""A testimonial is published only with the patient's recorded consent, and always with the
results disclaimer next to it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from procedures import models
from procedures.models import ProcedurePage

pytestmark = pytest.mark.django_db

CONSENTED = dt.date(2026, 5, 1)


def test_a_testimonial_without_consent_fails_validation_when_published():
    testimonial = models.Testimonial(quote="Lovely.", patient_name="Jo", is_published=True)
    with pytest.raises(ValidationError) as error:
        testimonial.full_clean()
    assert "consent_given_on" in error.value.message_dict


def test_a_testimonial_without_consent_may_be_kept_as_a_draft():
    models.Testimonial(quote="Lovely.", patient_name="Jo", is_published=False).full_clean()


def test_the_database_refuses_a_published_testimonial_without_consent():
    with pytest.raises(IntegrityError), transaction.atomic():
        models.Testimonial.objects.create(quote="Lovely.", patient_name="Jo", is_published=True)


def test_only_published_testimonials_are_listed():
    shown = models.Testimonial.objects.create(
        quote="Yes", patient_name="A", consent_given_on=CONSENTED, is_published=True
    )
    models.Testimonial.objects.create(quote="Not yet", patient_name="B", consent_given_on=CONSENTED)
    assert list(models.Testimonial.objects.published()) == [shown]


def test_the_admin_shows_the_error_and_saves_nothing(admin_client):
    response = admin_client.post(
        reverse("wagtailsnippets_procedures_testimonial:add"),
        {"quote": "Lovely.", "patient_name": "Jo", "town": "", "is_published": "on"},
    )
    assert response.status_code == 200
    assert "Record the date of the patient" in response.content.decode()
    assert not models.Testimonial.objects.exists()


def test_the_admin_publishes_a_consented_testimonial(admin_client):
    response = admin_client.post(
        reverse("wagtailsnippets_procedures_testimonial:add"),
        {
            "quote": "Lovely.",
            "patient_name": "Jo",
            "town": "Pearl, MS",
            "consent_given_on": "2026-05-01",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    assert models.Testimonial.objects.published().get().town == "Pearl, MS"


@pytest.mark.parametrize("url", ["/", "/procedures/skin-resurfacing/"])
def test_every_page_with_testimonials_shows_the_results_disclaimer(demo_responses, url):
    html = demo_responses(url).content.decode()
    assert "Wesson, MS" in html or "Brandon, MS" in html
    section = html.split('id="testimonials-heading"')[1].split("</section>")[0]
    assert "Individual results may vary" in section


def test_an_unpublished_testimonial_never_shows_on_its_procedure_page(demo, client):
    page = ProcedurePage.objects.get(slug="dermal-fillers")
    draft = models.Testimonial.objects.create(quote="Draft words", patient_name="Not yet")
    draft.procedures.add(page)
    assert "Draft words" not in client.get(page.url).content.decode()
