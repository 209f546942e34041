"""Whole-page cache for anonymous visitors.

Most traffic is patients reading procedure pages; those pages are the same for everyone who
is not logged in, so their HTML is kept in the shared cache (Redis in production) for a
short while. Any content change (a page published, a testimonial, image, setting, hours or
closure saved) bumps a generation number that is part of every key, so editors see their
change at once and stale entries simply expire. Booking and admin pages are never cached.

The same generation keys the shared fragments every page reads (clinic settings, menu, hours,
the site): `cached_until_content_changes` keeps them until the next change, for all processes.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "page-cache:generation"
# Content that appears on public pages: a change to any of these apps' rows clears the cache.
CONTENT_APPS = {"allure", "procedures", "wagtailcore", "wagtailimages", "wagtailredirects"}
# ...except image renditions: made by page views (a new size on first use), derived from an
# image whose own changes already clear the cache. Clearing on them would empty it on a visit.
NOT_CONTENT = {"wagtailimages.rendition"}
NEVER_CACHED_PREFIXES = ("/admin/", "/consultation/", "/documents/", "/search/")
# Fragments live until the next content change; this only bounds how long a stale copy could
# be reused if the shared cache ever evicted the generation number itself (it restarts at 0).
FRAGMENT_SECONDS = 300


def _bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (first change, or the cache was emptied)
        cache.set(GENERATION_KEY, 1, None)


def clear_page_cache() -> None:
    _bump_generation()
    # Again once the change is committed: a request that read the new generation before the
    # commit may have stored the old rows under it.
    transaction.on_commit(_bump_generation)


def clear_page_cache_on_content_change(sender, **kwargs) -> None:
    if sender._meta.app_label in CONTENT_APPS and sender._meta.label_lower not in NOT_CONTENT:
        clear_page_cache()


def cached_until_content_changes(name: str, compute):
    """`compute()`'s result, shared by every process until any content changes."""
    generation = cache.get_or_set(GENERATION_KEY, 0, None)
    key = f"fragment:{generation}:{name}"
    found = cache.get(key)
    if found is None:
        found = (compute(),)  # a tuple, so that None or an empty list is cached too
        cache.set(key, found, FRAGMENT_SECONDS)
    return found[0]


def _key(request, generation: int) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page-cache:{generation}:{request.method}:{request.get_host()}:{digest}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)
        generation = cache.get_or_set(GENERATION_KEY, 0, None)
        key = _key(request, generation)
        response = cache.get(key)
        if response is not None:
            return response
        response = self.get_response(request)
        if self._cacheable_response(response):
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def _cacheable_request(request) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(NEVER_CACHED_PREFIXES)
        )

    @staticmethod
    def _cacheable_response(response) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and "private" not in cache_control
            and "no-store" not in cache_control
        )
