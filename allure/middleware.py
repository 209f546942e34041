"""A looser Content-Security-Policy for the Wagtail admin only.

The public site allows no inline script or style. Wagtail's admin still relies on a few inline
scripts and style attributes, so under /admin/ (staff only, behind login) we allow those and
keep every other directive of SECURE_CSP.
"""

from django.conf import settings
from django.http.request import split_domain_port
from wagtail.models import Site

from allure.page_cache import cached_until_content_changes


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


class CachedSiteMiddleware:
    """Wagtail finds the Site for every request, then its root page (two queries). Both come
    from the shared cache until the next content change; the root page as its own type with
    what its template shows, ready for routing (HomePage.route) and for the home page itself.
    Must come after CommonMiddleware, which rejects hosts not in ALLOWED_HOSTS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hostname = split_domain_port(request.get_host())[0]
        request._wagtail_site = cached_until_content_changes(  # read by Site.find_for_request
            f"site:{hostname}:{request.get_port()}", lambda: self._find_site(request)
        )
        return self.get_response(request)

    @staticmethod
    def _find_site(request):
        from allure.models import fetch_for_serving

        site = Site._find_for_request(request)
        if site is not None:
            site.root_page = fetch_for_serving(site.root_page.specific_class, site.root_page_id)
        return site
