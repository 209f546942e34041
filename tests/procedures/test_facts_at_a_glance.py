"""The short facts shown in listings and the recovery timeline, derived from the fields."""

import pytest

from procedures.models import ProcedureCategory, ProcedurePage, RecoveryStage

# A new page asks for its content type, read once per process from the database: a test run
# in a process where nothing has read it yet needs the database too.
pytestmark = pytest.mark.django_db


def procedure(stages=(), **fields):
    defaults = {"duration_min_minutes": 15, "duration_max_minutes": 30, "treatments_min": 1}
    return ProcedurePage(
        recovery_stages=[
            RecoveryStage(depth=f"Stage {n}", days_min=low, days_max=high)
            for n, (low, high) in enumerate(stages)
        ],
        **{**defaults, **fields},
    )


def test_downtime_spans_the_shallowest_to_the_deepest_treatment():
    assert procedure([(2, 3), (4, 7), (7, 10)]).downtime_label == "2–10 days"
    assert procedure([(0, 0)]).downtime_label == "No downtime"
    assert procedure([]).downtime_label == ""


def test_number_of_treatments_reads_naturally():
    assert procedure(treatments_max=None).treatments_label == "1 or a series"
    assert procedure(treatments_min=3, treatments_max=None).treatments_label == "3 or more"
    assert procedure(treatments_max=1).treatments_label == "1 treatment"
    assert procedure(treatments_min=3, treatments_max=5).treatments_label == "3–5 treatments"


def test_duration_is_a_range_in_minutes():
    assert procedure().duration_label == "15–30 minutes"
    assert procedure(duration_max_minutes=None).duration_label == "15 minutes"


def test_timeline_bars_share_one_scale_in_five_percent_steps():
    bars = procedure([(2, 3), (4, 7), (7, 10)]).recovery_timeline()
    assert [(bar.starts_at, bar.ends_at) for bar in bars] == [(20, 30), (40, 70), (70, 100)]


def test_a_fixed_number_of_days_still_draws_a_visible_bar():
    (bar,) = procedure([(7, 7)]).recovery_timeline()
    assert (bar.starts_at, bar.ends_at) == (95, 100)


@pytest.mark.parametrize("category", [*ProcedureCategory.values, "not-a-category"])
def test_the_category_label_is_djangos_display_value(category):
    page = ProcedurePage(category=category)
    assert page.category_label == page.get_category_display()
