import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_home_page_renders_after_loading_demo_content(client):
    call_command("load_demo_content")
    response = client.get("/")
    assert response.status_code == 200
    assert b"Book a consultation" in response.content
