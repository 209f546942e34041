"""A fresh `make run` gives the owner's report four weeks of demo numbers, labelled as such,
once: loading the demo again adds none."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from allure.base.models import DailyCount, Metric

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_report_a_chart_of_demo_numbers(demo, admin_client):
    today = timezone.localdate()
    rows = DailyCount.objects.filter(date__lt=today)
    assert rows.exists() and not rows.filter(is_demo=False).exists()
    assert rows.filter(metric=Metric.REQUEST_SENT).exists()
    assert not DailyCount.objects.filter(date__gte=today, is_demo=True).exists()  # today is real
    before = rows.count()
    call_command("load_demo_content", verbosity=0)
    assert DailyCount.objects.count() == before
    html = admin_client.get("/admin/reports/visits/").text
    assert "Demo numbers" in html and 'data-series="views"' in html
