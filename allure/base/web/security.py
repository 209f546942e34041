"""Response headers that keep the site's origin safe.

- A looser Content-Security-Policy for the Wagtail admin only. The public site allows no
  inline script or style. Wagtail's admin still relies on a few inline scripts and style
  attributes, so under /admin/ (staff only, behind login) we allow those and keep every other
  directive of SECURE_CSP.
- Uploaded files (documents, images) never run as the site: they are sandboxed, so even an
  HTML or SVG file that got in runs no script and reads no cookie of ours, and
  `/media/documents/` is never served (documents go through Wagtail's document view).
- A Permissions-Policy that turns off browser features the site never uses.
"""

import posixpath
import re

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404
from django.utils.cache import add_never_cache_headers
from django.views.static import serve
from wagtail.log_actions import log

# No script, no plugin, no form, a unique origin: what an uploaded file may do in a browser.
UPLOADED_FILE_POLICY = "default-src 'none'; sandbox"
# Wagtail's document view (/documents/<id>/<filename>); its password form is not a file.
DOCUMENT_FILE = re.compile(r"^/documents/\d+/")
# How long anyone may keep an uploaded image (deploy/nginx/allure.conf says the same): a
# patient's gallery photo is withdrawn when their consent ends, and its address must stop
# answering from caches within minutes, not a day (issue 28).
MEDIA_CACHE_CONTROL = "public, max-age=300"
# Wagtail's Document model stores uploads here (its `upload_to`).
DOCUMENTS_FOLDER = "documents"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=()"
)


def admin_policy() -> dict:
    policy = dict(settings.SECURE_CSP)
    policy["script-src"] = [*settings.SECURE_CSP["script-src"], "'unsafe-inline'"]
    policy["style-src"] = [*settings.SECURE_CSP["style-src"], "'unsafe-inline'"]
    policy["img-src"] = [*settings.SECURE_CSP["img-src"], "blob:"]  # image upload previews
    return policy


class AdminContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            # Read by django.middleware.csp, which must come before this one in MIDDLEWARE.
            response._csp_config = admin_policy()
        return response


def is_uploaded_file(path: str) -> bool:
    return bool(DOCUMENT_FILE.match(path)) or path.startswith(settings.MEDIA_URL)


def inert_file_response(file, **kwargs) -> FileResponse:
    """A private upload served by one of our views (a consent scan, a patient's photo) with
    the headers every uploaded file gets, and never kept by a cache. `kwargs` go to
    FileResponse (as_attachment, content_type)."""
    response = FileResponse(file, **kwargs)
    response["Content-Security-Policy"] = UPLOADED_FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)  # "no-store, private" among them
    return response


class SecurityHeadersMiddleware:
    """Sandbox every uploaded file the site serves; a Permissions-Policy on everything."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if is_uploaded_file(request.path):
            # Replaces Wagtail's own `default-src 'none'`, which still lets an HTML
            # document run in our origin's cookies and storage if scripts get through.
            response["Content-Security-Policy"] = UPLOADED_FILE_POLICY
            response["X-Content-Type-Options"] = "nosniff"
        return response


def serve_media(request, path: str):
    """Uploaded images from this process (SERVE_MEDIA). Documents are never served from
    here: only Wagtail's document view serves them, as attachments, after its privacy
    checks. The path is normalised first, so `images/../documents/x` is refused too."""
    normalised = posixpath.normpath(path).lstrip("/")
    if normalised.split("/", 1)[0] in (DOCUMENTS_FOLDER, "..", ""):
        raise Http404("Not an image.")
    response = serve(request, normalised, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = MEDIA_CACHE_CONTROL
    return response


def _record_lockout(sender, request, username, ip_address, **kwargs):
    """A lockout lands in the audit log (Reports › Site history) under the staff account
    it protects; a made-up username has no account to file it under (axes keeps those)."""
    user = get_user_model().objects.filter(username=username).first() if username else None
    if user is not None:
        log(user, "allure.sign_in_locked", data={"address": ip_address})


def connect_lockout_audit() -> None:
    user_locked_out.connect(_record_lockout, dispatch_uid="allure.lockout-audit")
