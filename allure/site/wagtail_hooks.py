"""Reports › Visits and requests (allure/site/reports.py), for whoever may view reports."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from allure.site.reports import can_view_reports, visits_report


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("reports/visits/", visits_report, name="visits_report")]


class VisitsReportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_reports(request.user)


@hooks.register("register_reports_menu_item")
def register_visits_report_menu_item():
    return VisitsReportMenuItem(
        "Visits and requests", reverse("visits_report"), icon_name="table", order=50
    )
