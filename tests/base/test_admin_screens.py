"""The screens editors use to keep the clinic's facts up to date all open."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    [
        "opening_hours:index",
        "closures:index",
        "wagtailsnippets_procedures_testimonial:list",
        "opening_hours:add",
        "closures:add",
    ],
)
def test_clinic_facts_have_admin_screens(admin_client, demo, url_name):
    assert admin_client.get(reverse(url_name)).status_code == 200


def test_clinic_settings_with_footer_links_can_be_edited(admin_client, demo):
    url = reverse("wagtailsettings:edit", args=["base", "clinicsettings"])
    response = admin_client.get(url, follow=True)
    assert response.status_code == 200
    assert "Footer links" in response.content.decode()


def test_the_doctor_page_shares_the_doctors_photo(demo, client):
    html = client.get("/dr-walker/").content.decode()
    assert '<meta property="og:image" content="http://testserver/media/images/' in html
