import pytest
from wagtail.models import Page

pytestmark = pytest.mark.django_db


def test_wagtail_root_page_survives_browser_tests():
    assert Page.objects.filter(depth=1).exists()
