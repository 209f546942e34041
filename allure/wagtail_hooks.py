"""Clinic hours and closures in the Wagtail admin, where editors keep them up to date."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from allure.models import Closure, OpeningHours


class OpeningHoursViewSet(SnippetViewSet):
    model = OpeningHours
    icon = "time"
    menu_label = "Opening hours"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["__str__", "weekday", "opens", "closes"]


class ClosureViewSet(SnippetViewSet):
    model = Closure
    icon = "date"
    menu_label = "Closures"
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["reason", "starts_on", "ends_on"]


register_snippet(OpeningHoursViewSet)
register_snippet(ClosureViewSet)
