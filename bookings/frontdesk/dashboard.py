"""The front desk's panel on the admin dashboard."""

from django.utils import timezone
from wagtail.admin.ui.components import Component

from allure.base.clinic import clinic_time
from bookings.frontdesk import selectors
from bookings.frontdesk.intake_views import attach_safety_flags


class TodayAndWaitingPanel(Component):
    """Dashboard: emails that could not be sent, who is waiting for a first call (oldest
    first) and today's consultations, with their safety flags for those who may see intake."""

    name = "consultations"
    template_name = "bookings/admin/dashboard_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["waiting"] = selectors.consultation_requests_waiting_for_call()[:20]
        context["waiting_count"] = selectors.consultation_requests_waiting_for_call().count()
        context["today"] = [
            (
                clinic_time.format_time(c.slot_start),
                c,
            )
            for c in selectors.consultations_today()
        ]
        attach_safety_flags(
            parent_context["request"],
            [c for _, c in context["today"]],
            what="safety flags on the dashboard",
        )
        context["undelivered"] = selectors.undelivered_emails()
        context["undelivered_texts"] = selectors.undelivered_texts()
        context["csrf_token"] = parent_context.get("csrf_token")
        context["now"] = timezone.now()
        return context
