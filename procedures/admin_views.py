"""Editors' reports on procedure pages."""

from django.utils.timezone import localdate
from wagtail.admin.views.reports import PageReportView

from procedures.models import ProcedurePage


class MedicalReviewDueView(PageReportView):
    """Procedure pages whose medical facts nobody has checked for a year (or ever)."""

    page_title = "Medical review due"
    header_icon = "doc-full"
    results_template_name = "procedures/admin/review_due_results.html"
    index_url_name = "procedures_admin:review_due"
    index_results_url_name = "procedures_admin:review_due_results"
    # Anyone who may edit pages may see which need a review; the page tree's own rights apply.
    any_permission_required = ["add", "change", "publish"]
    list_export = ["title", "medical_reviewer", "last_reviewed_on"]
    export_headings = {"medical_reviewer": "Reviewed by", "last_reviewed_on": "Last reviewed"}

    def get_queryset(self):
        return ProcedurePage.review_due(localdate())

    def get_filename(self):
        return f"medical-review-due-{localdate():%Y-%m-%d}"
