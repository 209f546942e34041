"""Editors' reports on procedure pages (medical review due, prices to check), and the front
desk's scanned consent forms."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.timezone import localdate
from wagtail.admin.views.reports import PageReportView
from wagtail.log_actions import log

from allure.base.web.security import inert_file_response
from procedures.gallery import ConsentRecord
from procedures.models import ProcedurePage

# Anyone who may edit pages may see the reports; the page tree's own rights apply.
PAGE_EDITORS = ["add", "change", "publish"]


class MedicalReviewDueView(PageReportView):
    """Procedure pages whose medical facts nobody has checked for a year (or ever)."""

    page_title = "Medical review due"
    header_icon = "doc-full"
    results_template_name = "procedures/admin/review_due_results.html"
    index_url_name = "procedures_admin:review_due"
    index_results_url_name = "procedures_admin:review_due_results"
    any_permission_required = PAGE_EDITORS
    list_export = ["title", "medical_reviewer", "last_reviewed_on"]
    export_headings = {"medical_reviewer": "Reviewed by", "last_reviewed_on": "Last reviewed"}

    def get_queryset(self):
        return ProcedurePage.review_due(localdate())

    def get_filename(self):
        return f"medical-review-due-{localdate():%Y-%m-%d}"


class PricesToCheckView(PageReportView):
    """Procedure pages whose price range was set over a year ago, and live ones with none."""

    page_title = "Prices to check"
    header_icon = "tag"
    results_template_name = "procedures/admin/prices_to_check_results.html"
    index_url_name = "procedures_admin:prices_to_check"
    index_results_url_name = "procedures_admin:prices_to_check_results"
    any_permission_required = PAGE_EDITORS
    list_export = ["title", "price_from", "price_to", "price_set_on"]
    export_headings = {"price_from": "From", "price_to": "To", "price_set_on": "Range set on"}

    def get_queryset(self):
        return ProcedurePage.price_check_due(localdate())

    def get_filename(self):
        return f"prices-to-check-{localdate():%Y-%m-%d}"


def consent_form(request, name):
    """A scanned consent form, to the front desk and superusers only (the permission
    `procedures.view_consent_form`), as a download that can never run as the site: the
    same sandbox and nosniff headers as documents. Every opening is in the audit log."""
    if not request.user.has_perm("procedures.view_consent_form"):
        raise PermissionDenied
    consent = get_object_or_404(ConsentRecord, scanned_form=name)
    log(consent, "procedures.consent_form_opened", user=request.user)
    return inert_file_response(consent.scanned_form.open("rb"), as_attachment=True)
