"""Testimonials as snippets: editors see at a glance which ones have consent and are live.
Reports › Medical review due lists the procedure pages whose review is over a year old."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from procedures.admin_views import MedicalReviewDueView
from procedures.models import Testimonial


class TestimonialFilterSet(WagtailFilterSet):
    class Meta:
        model = Testimonial
        fields = ["is_published", "procedures"]


class TestimonialViewSet(SnippetViewSet):
    model = Testimonial
    icon = "openquote"
    menu_label = "Testimonials"
    add_to_admin_menu = True
    menu_order = 200
    list_display = ["__str__", "consent_given_on", "is_published"]
    search_fields = ["quote", "patient_name", "town"]
    filterset_class = TestimonialFilterSet


register_snippet(TestimonialViewSet)


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = [
        path("", MedicalReviewDueView.as_view(), name="review_due"),
        path(
            "results/", MedicalReviewDueView.as_view(results_only=True), name="review_due_results"
        ),
    ]
    return [path("reports/medical-review-due/", include((urls, "procedures_admin")))]


class MedicalReviewDueMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_registry.get_by_type(Page).user_has_any_permission(
            request.user, MedicalReviewDueView.any_permission_required
        )


@hooks.register("register_reports_menu_item")
def register_review_due_menu_item():
    return MedicalReviewDueMenuItem(
        "Medical review due", reverse("procedures_admin:review_due"), icon_name="doc-full"
    )
