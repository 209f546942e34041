from django.utils.functional import SimpleLazyObject

from allure.base.models import ClinicSettings
from allure.base.web import serving


def clinic(request):
    """`{{ clinic }}` in every template rendered for a request: the one way templates reach
    the clinic settings. Lazy, so a page that shows none of them (the admin) reads nothing.

    With it, what fragment caches need (`{% wagtailpagecache fragment_seconds "name"
    content_generation %}`, or Django's `{% cache %}` for the parts every page shares):
    `content_generation` changes with any content change (`serving`'s one invalidation
    rule), so a fragment keyed by it is never shown after what it shows has changed;
    `fragment_seconds` only bounds how long an unused copy stays in the cache."""
    return {
        "clinic": SimpleLazyObject(lambda: ClinicSettings.load(request_or_site=request)),
        "content_generation": SimpleLazyObject(serving.current_generation),
        "fragment_seconds": serving.FRAGMENT_SECONDS,
    }
