"""Reports › Visits and requests: the clinic owner's view of the counts kept by
allure/base/counts.py. Procedure page views against consultation requests sent, per day and
per procedure, as a chart the site draws itself (SVG in the template, no chart library), the
same numbers as tables, and the rows as CSV.

Only people with the "Can view visit and request reports" permission (`base.view_reports`)
see it: superusers, and whoever an administrator gives it to. Editors and the front desk do
not have it by default."""

import csv
import datetime as dt
from dataclasses import dataclass

from django import forms
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from wagtail.models import Page

from allure.base.models import DailyCount, Metric
from procedures.models import ProcedurePage

REPORTS_PERMISSION = "base.view_reports"
DEFAULT_DAYS = 28
LONGEST_RANGE_DAYS = 366


def can_view_reports(user) -> bool:
    return user.is_authenticated and user.has_perm(REPORTS_PERMISSION)


class ReportForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    procedure = forms.TypedChoiceField(
        label="Procedure", coerce=int, empty_value=None, required=False
    )

    def __init__(self, data, *args, **kwargs):
        today = timezone.localdate()
        defaults = {
            "start": (today - dt.timedelta(days=DEFAULT_DAYS - 1)).isoformat(),
            "end": today.isoformat(),
        }
        data = {**defaults, **{k: v for k, v in data.items() if v}}
        super().__init__(data, *args, **kwargs)
        pages = ProcedurePage.objects.live().order_by("title").values_list("pk", "title")
        self.fields["procedure"].choices = [("", "All procedures"), *pages]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date is before the start date.")
        elif start and end and (end - start).days + 1 > LONGEST_RANGE_DAYS:
            self.add_error("end", f"Choose at most {LONGEST_RANGE_DAYS} days.")
        return cleaned


def counts_in(start: dt.date, end: dt.date, procedure: int | None):
    rows = DailyCount.objects.filter(date__range=(start, end))
    if procedure is not None:
        rows = rows.filter(key=str(procedure))
    return rows


# The chart ---------------------------------------------------------------------------------

WIDTH, PANEL_HEIGHT, LEFT, RIGHT, TOP, GAP = 720, 150, 56, 16, 28, 56


@dataclass
class Point:
    day: dt.date
    value: int
    x: float
    y: float


@dataclass
class Panel:
    series: str  # "views" or "requests", for the template's classes and the tests
    label: str
    top: float
    bottom: float
    most: int
    points: list[Point]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def chart(days: list[dt.date], series: dict[str, tuple[str, list[int]]]) -> dict:
    """Two panels one above the other, sharing the days: page views are many times the
    requests, so each gets its own scale rather than a flat line at the bottom of one."""
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / (len(days) - 1) if len(days) > 1 else 0
    panels = []
    for index, (name, (label, values)) in enumerate(series.items()):
        top = TOP + index * (PANEL_HEIGHT + GAP)
        bottom = top + PANEL_HEIGHT
        most = max(values, default=0) or 1
        points = [
            Point(
                day=day,
                value=value,
                x=LEFT + (i * step if len(days) > 1 else plot_width / 2),
                y=bottom - value / most * PANEL_HEIGHT,
            )
            for i, (day, value) in enumerate(zip(days, values, strict=True))
        ]
        panels.append(Panel(name, label, top, bottom, max(values, default=0), points))
    ticks = sorted({0, len(days) // 2, len(days) - 1})
    return {
        "width": WIDTH,
        "height": TOP + len(panels) * (PANEL_HEIGHT + GAP) - GAP + 40,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "panels": panels,
        # The first and last dates end at the plot's edges rather than running off them.
        "day_ticks": [
            (panels[0].points[i], "start" if i == 0 else "end" if i == len(days) - 1 else "middle")
            for i in ticks
        ]
        if panels and len(days) > 1
        else [(point, "middle") for point in panels[0].points[:1]],
    }


# The view ----------------------------------------------------------------------------------


def _titles(keys) -> dict[str, str]:
    ids = [int(k) for k in keys if k.isdigit()]
    return {
        str(pk): title for pk, title in Page.objects.filter(pk__in=ids).values_list("pk", "title")
    }


@require_GET
def visits_report(request):
    if not can_view_reports(request.user):
        return render(request, "allure/admin/reports_forbidden.html", status=403)
    form = ReportForm(request.GET)
    context = {"form": form}
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        procedure = form.cleaned_data["procedure"]
        rows = counts_in(start, end, procedure)
        if request.GET.get("format") == "csv":
            return csv_response(rows, start, end)
        context.update(report(rows, start, end, procedure))
    return render(request, "allure/admin/visits_report.html", context)


def report(rows, start: dt.date, end: dt.date, procedure: int | None) -> dict:
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    by_day: dict[tuple[str, dt.date], int] = {}
    for metric, day, total in (
        rows.order_by().values_list("metric", "date").annotate(total=Sum("count"))
    ):
        by_day[metric, day] = total
    views = [by_day.get((Metric.PROCEDURE_VIEW, day), 0) for day in days]
    requests = [by_day.get((Metric.REQUEST_SENT, day), 0) for day in days]
    per_key: dict[str, dict[str, int]] = {}
    page_rows = rows.filter(metric__in=[Metric.PROCEDURE_VIEW, Metric.REQUEST_SENT])
    for key, metric, total in (
        page_rows.order_by().values_list("key", "metric").annotate(total=Sum("count"))
    ):
        per_key.setdefault(key, {})[metric] = total
    titles = _titles(per_key)
    procedures = sorted(
        (
            {
                "title": titles.get(key, f"Page {key} (deleted)"),
                "views": totals.get(Metric.PROCEDURE_VIEW, 0),
                "requests": totals.get(Metric.REQUEST_SENT, 0),
            }
            for key, totals in per_key.items()
        ),
        key=lambda p: (-p["views"], -p["requests"], p["title"]),
    )
    for p in procedures:
        p["per_hundred"] = round(100 * p["requests"] / p["views"], 1) if p["views"] else None
    others = dict(
        rows.filter(metric__in=[Metric.BOOKING_OPEN, Metric.PLANNER_USE])
        .order_by()
        .values_list("metric")
        .annotate(total=Sum("count"))
    )
    demo_days = rows.filter(is_demo=True).values_list("date", flat=True).distinct()
    return {
        "start": start,
        "end": end,
        "procedure_title": _titles([str(procedure)]).get(str(procedure)) if procedure else None,
        "chart": chart(
            days,
            {"views": ("Procedure page views", views), "requests": ("Requests sent", requests)},
        ),
        "daily": [
            {"day": day, "views": v, "requests": r}
            for day, v, r in zip(days, views, requests, strict=True)
        ],
        "total_views": sum(views),
        "total_requests": sum(requests),
        "procedures": procedures,
        "booking_opens": others.get(Metric.BOOKING_OPEN, 0),
        "planner_uses": others.get(Metric.PLANNER_USE, 0),
        "has_demo_numbers": demo_days.exists(),
    }


# CSV ---------------------------------------------------------------------------------------

CSV_COLUMNS = ["date", "metric", "key", "page", "count", "demo"]


def _cell(text: str) -> str:
    """A title an editor wrote could start like a spreadsheet formula: keep it text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(rows, start: dt.date, end: dt.date) -> HttpResponse:
    rows = list(rows.order_by("date", "metric", "key"))
    titles = _titles({row.key for row in rows})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="visits-{start}-to-{end}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.date.isoformat(),
                row.metric,
                row.key,
                _cell(titles.get(row.key, "")),
                row.count,
                "yes" if row.is_demo else "",
            ]
        )
    return response
