"""A request sent counts once for each procedure it asks about, only once it is saved."""

import pytest
from django.core.exceptions import ValidationError

from allure.base import counts
from allure.base.models import DailyCount, Metric
from tests.bookings.conftest import form_data

pytestmark = pytest.mark.django_db


def sent() -> dict[str, int]:
    counts.flush()
    rows = DailyCount.objects.filter(metric=Metric.REQUEST_SENT)
    return {row.key: row.count for row in rows}


def test_a_request_counts_once_for_each_of_its_procedures(
    django_capture_on_commit_callbacks, make_request, procedures
):
    rhinoplasty, botox = procedures["rhinoplasty"], procedures["botox"]
    with django_capture_on_commit_callbacks(execute=True):
        make_request(procedures=[rhinoplasty, botox])
        make_request(procedures=[rhinoplasty])
    assert sent() == {str(rhinoplasty.pk): 2, str(botox.pk): 1}


def test_a_double_clicked_submit_counts_one_request(
    django_capture_on_commit_callbacks, client, procedures, free_slots
):
    data = form_data(procedures, slot=free_slots[0])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/consultation/", data).status_code == 302
        assert client.post("/consultation/", data).status_code == 302
    assert sent() == {str(procedures["rhinoplasty"].pk): 1}


def test_a_refused_request_counts_nothing(django_capture_on_commit_callbacks, make_request):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        make_request(consent=False)
    assert sent() == {}
