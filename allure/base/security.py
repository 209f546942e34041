"""A looser Content-Security-Policy for the Wagtail admin only.

The public site allows no inline script or style. Wagtail's admin still relies on a few inline
scripts and style attributes, so under /admin/ (staff only, behind login) we allow those and
keep every other directive of SECURE_CSP.
"""

from django.conf import settings


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
