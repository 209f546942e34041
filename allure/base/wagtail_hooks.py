"""Clinic hours and closures in the Wagtail admin: the front desk and editors keep them
up to date; the booking form and the contact page both read them."""

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from allure.base.models import Closure, OpeningHours


class OpeningHoursViewSet(ModelViewSet):
    model = OpeningHours
    icon = "time"
    menu_label = "Opening hours"
    form_fields = ["weekday", "opens", "closes"]
    list_display = ["__str__", "weekday", "opens", "closes"]
    list_filter = ["weekday"]
    copy_view_enabled = False


class ClosureViewSet(ModelViewSet):
    model = Closure
    icon = "cross"
    menu_label = "Closures"
    form_fields = ["starts_on", "ends_on", "reason"]
    list_display = ["reason", "starts_on", "ends_on"]
    ordering = ["-starts_on"]
    copy_view_enabled = False


class ClinicHoursGroup(ModelViewSetGroup):
    menu_label = "Clinic hours"
    menu_icon = "time"
    menu_order = 160
    items = (OpeningHoursViewSet("opening_hours"), ClosureViewSet("closures"))


@hooks.register("register_admin_viewset")
def register_clinic_hours():
    return ClinicHoursGroup()
