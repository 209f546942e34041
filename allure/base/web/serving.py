"""How a public page is served, in one place: finding the site, routing a URL to its page,
fetching the page with what its template shows, skipping view-restriction checks while no
page is private, and the shared caches (whole pages and fragments) with their invalidation.

Most traffic is patients reading procedure pages; those pages are the same for everyone who
is not logged in, so their HTML is kept in the shared cache (Redis in production) for a
short while (and a stale copy for much longer, served only while the database is
unreachable). Any content change (a page published, a testimonial, image, setting, hours or
closure saved) bumps a generation number that is part of every key, so editors see their
change at once and stale entries simply expire. Booking and admin pages are never cached.

The same generation keys the shared fragments every page reads (clinic settings, menu, hours,
the pages along a path): `cached_until_content_changes` keeps them until the next change, for
all processes; the booking catalogue, read several times a request, is also kept in each
process for the generation every request reads (`kept_until_content_changes`). Templates
key their fragment caches (`{% wagtailpagecache %}`, `{% wagtailcache %}`, `{% cache %}`) by
it too: it reaches them as `content_generation` (`allure.base.context_processors`).

In front of the site, a shared HTTP cache (Varnish, a CDN) keeps public pages too: every
response says whether it may (`Cache-Control: public, s-maxage=...`) or must not (`private,
no-store`), and every content change purges every public page there (`purge_shared_caches`).

Requests pass through here in this order:
1. `AnonymousPageCacheMiddleware`: an anonymous GET of a cached page ends here; every
   response leaves labelled for the caches in front.
2. Wagtail finds the Site and its root page, as it does (two queries).
3. `ServedPageMixin.route` on the root page: the page for the URL in two queries, one once
   the pages along its path are a shared fragment.
4. `ServedPageMixin.get_view_restrictions`: nothing to check while no page is private.
"""

import hashlib
import secrets
import threading
import time
from contextvars import ContextVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete
from django.http import Http404
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import cached_property
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

GENERATION_KEY = "page-cache:generation"
# Content that appears on public pages: a change to any of these apps' rows clears the cache.
CONTENT_APPS = {"base", "allure", "procedures", "wagtailimages", "wagtailredirects"}
# ...except image renditions: made by page views (a new size on first use), derived from an
# image whose own changes already clear the cache. Clearing on them would empty it on a visit.
# Nor are the daily counts (allure/base/counts.py): written all day, shown on no public page.
NOT_CONTENT = {"wagtailimages.rendition", "base.dailycount"}
# Of Wagtail's own rows only these show on public pages (pages themselves are handled apart).
# The rest of wagtailcore is bookkeeping written all day long: audit log entries (every
# front-desk view and export), revisions, workflow and task states, comments, locks, the
# reference index. Clearing on those would keep a busy site cold.
WAGTAILCORE_CONTENT = {"wagtailcore.site", "wagtailcore.pageviewrestriction", "wagtailcore.locale"}
# What saving a draft (or locking) writes on a live page's row: visitors see none of it.
PAGE_DRAFT_FIELDS = frozenset(
    {
        "wagtail_admin_comments",
        "latest_revision_created_at",
        "draft_title",
        "latest_revision",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
    }
)
# Query parameters that change a page (search is never cached): the results gallery's
# procedure filter, and the treatment planner's answers. A planner page with answers is never
# stored (it says `private, no-store`), so keying on them only makes sure a visitor with
# answers never gets the page without.
# Any other parameter is left out of the key, so `/?x=1`, `/?x=2`... share the one copy of
# `/` instead of each filling the cache.
PAGE_CACHE_QUERY_PARAMETERS: tuple[str, ...] = ("concern", "downtime", "procedure")
# /calendar/: providers' private feeds, whose secret address is the only thing that guards
# them; a shared copy would outlive a reset of that address. /sms/: the text provider's webhook.
NEVER_CACHED_PREFIXES = (
    "/admin/",
    "/calendar/",
    "/consultation/",
    "/documents/",
    "/search/",
    "/sms/",
)
# Fragments live until the next content change; this only bounds how long a stale copy could
# be reused if the shared cache ever evicted the generation number itself (it restarts at 0).
FRAGMENT_SECONDS = 300


# Invalidation ------------------------------------------------------------------------------


def _bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (first change, or the cache was emptied)
        cache.set(GENERATION_KEY, _new_generation(), None)
    if read := _generation_read.get():
        read.clear()  # this request made the change: what it reads next is the new content


def clear_page_cache() -> None:
    _bump_generation()
    # Again once the change is committed: a request that read the new generation before the
    # commit may have stored the old rows under it.
    transaction.on_commit(_bump_generation)


def is_content_change(sender, instance, update_fields=None) -> bool:
    """Whether saving or deleting this row can change what an anonymous visitor sees."""
    if isinstance(instance, Page):  # any page type, whatever app it lives in
        return not (update_fields and set(update_fields) <= PAGE_DRAFT_FIELDS)
    label = sender._meta.label_lower
    return label in WAGTAILCORE_CONTENT or (
        sender._meta.app_label in CONTENT_APPS and label not in NOT_CONTENT
    )


def clear_page_cache_on_content_change(sender, instance=None, update_fields=None, **kwargs):
    if is_content_change(sender, instance, update_fields):
        clear_page_cache()
        _purge_shared_caches_after_commit()


def purge_old_address(sender, instance, **kwargs) -> None:
    """A page that leaves its address (unpublished, deleted, moved, its slug changed) is
    purged there too: `purge_shared_caches` only knows the live pages' addresses."""
    if before_slug_change := kwargs.get("instance_before"):
        instance = before_slug_change
    url = instance.get_full_url() if isinstance(instance, Page) else None
    if url and (before := kwargs.get("url_path_before")):
        path = urlsplit(url).path
        site_root = kwargs["url_path_after"][: -len(path) + 1 or None]
        url = url[: -len(path)] + "/" + before[len(site_root) :]
    if url and getattr(settings, "WAGTAILFRONTENDCACHE", None):
        transaction.on_commit(lambda: purge_urls_from_cache([url]))


class _PurgeOnce:
    """`purge_shared_caches` the first time it is called, nothing after."""

    def __init__(self):
        self.done = False

    def __call__(self):
        if not self.done:
            self.done = True
            purge_shared_caches()


# This thread's purge waiting for a commit: every row a transaction saves hands the same one
# to `on_commit`, so the commit purges once however many rows changed. A rolled-back
# transaction drops its callbacks and leaves it waiting, for the next transaction to use.
_waiting_purge = threading.local()


def _purge_shared_caches_after_commit() -> None:
    """Once per transaction, however many rows it saves (a publish commits a few times:
    each sends its round of PURGEs, which a cache takes as cheaply as one)."""
    purge = getattr(_waiting_purge, "purge", None)
    if purge is None or purge.done:
        purge = _waiting_purge.purge = _PurgeOnce()
    transaction.on_commit(purge)


def purge_shared_caches() -> None:
    """Purge every public page from the caches in front (`WAGTAILFRONTENDCACHE`), by a task.

    All of them, not just the page saved: a title or summary shows on the index, the home
    page and related procedures, a menu entry or a clinic setting on every page, and the
    clinic has a few dozen pages. Without a cache in front configured, nothing is sent."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    pages = Page.objects.live().public().filter(depth__gt=1).order_by("path")
    urls = [url for page in pages if (url := page.get_full_url())]
    roots = {url for page in pages if page.depth == 2 and (url := page.get_full_url())}
    urls += [root + name for root in sorted(roots) for name in ("sitemap.xml", "robots.txt")]
    purge_urls_from_cache(urls)


def purge_addresses_after_commit(paths) -> None:
    """Purge these site addresses (e.g. `/media/images/x.width-720.jpg`) from the caches in
    front once the transaction commits, by the same task as pages. For files that must stop
    answering at once (a withdrawn patient photo), which `purge_shared_caches` does not
    know: it purges pages only."""
    urls = [f"{settings.SITE_URL}{path}" if path.startswith("/") else path for path in paths]
    if urls and getattr(settings, "WAGTAILFRONTENDCACHE", None):
        transaction.on_commit(lambda: purge_urls_from_cache(urls))


def connect_invalidation() -> None:
    """Called once at start-up (the base app's `ready`)."""
    for signal, name in (
        (post_save, "save"),
        (post_delete, "delete"),
        (page_published, "publish"),
        (page_unpublished, "unpublish"),
    ):
        signal.connect(clear_page_cache_on_content_change, dispatch_uid=f"page-cache-{name}")
    for signal, name in ((page_unpublished, "unpublish"), (pre_delete, "delete")):
        signal.connect(purge_old_address, dispatch_uid=f"shared-cache-gone-{name}")
    post_page_move.connect(purge_old_address, dispatch_uid="shared-cache-gone-move")
    page_slug_changed.connect(purge_old_address, dispatch_uid="shared-cache-gone-slug")


# Shared fragments --------------------------------------------------------------------------


def _new_generation() -> int:
    # A cache emptied or restarted starts again at a random number rather than 0, so a
    # fragment kept elsewhere under an earlier 0 is never taken for new.
    return secrets.randbits(48)


# The generation the current request has read, if any ([] until it first does). A page reads
# it for every fragment, and each read was a round trip to the shared cache (Redis); read
# once, at the first fragment (before the queries that fill it, as `fragment_key` asks), it
# holds for the rest of the request. Set for each request by `AnonymousPageCacheMiddleware`;
# a change made by the request itself forgets it (`_bump_generation`).
_generation_read: ContextVar[list[int] | None] = ContextVar("generation_read", default=None)


def current_generation() -> int:
    read = _generation_read.get()
    if read:
        return read[0]
    generation = cache.get_or_set(GENERATION_KEY, _new_generation, None)
    if read is not None:
        read.append(generation)
    return generation


def fragment_key(name: str) -> str:
    """Where the fragment `name` of the current content generation is kept. Read it before
    the queries that fill it: rows read before a change, stored under the generation after
    it, would outlive the change."""
    return f"fragment:{current_generation()}:{name}"


def _shared(key: str, compute, keep=lambda result: True):
    found = cache.get(key)
    if found is None:
        found = (compute(),)  # a tuple, so that None or an empty list is cached too
        if keep(found[0]):
            cache.set(key, found, FRAGMENT_SECONDS)
    return found[0]


def cached_until_content_changes(name: str, compute, keep=lambda result: True):
    """`compute()`'s result, shared by every process until any content changes. A result
    that `keep` refuses is returned but not shared (e.g. a lookup for an unknown address:
    anyone can make up addresses, and each would take a place in the cache)."""
    return _shared(fragment_key(name), compute, keep)


# This process's copies of kept fragments: {(generation, name): (kept until, value)}.
_kept: dict[tuple[int, str], tuple[float, object]] = {}


def kept_until_content_changes(name: str, compute):
    """As `cached_until_content_changes`, and also kept in this process: taken from the
    shared cache (and unpickled) once per generation, not on every request. The generation
    is still read from the shared cache each time, so a change made on any node shows at
    once. For a fragment read several times on every request whose values nobody changes
    (the booking catalogue); at most FRAGMENT_SECONDS old, as the shared copy."""
    generation = current_generation()
    now = time.monotonic()
    kept = _kept.get((generation, name))
    if kept is not None and kept[0] >= now:
        return kept[1]
    value = _shared(f"fragment:{generation}:{name}", compute)
    for old in [key for key in list(_kept) if key[0] != generation]:  # earlier generations
        _kept.pop(old, None)
    _kept[generation, name] = (now + FRAGMENT_SECONDS, value)
    return value


def share_fragment(key: str, value) -> None:
    """Fill a fragment (its `fragment_key`, taken before the query) with a value found while
    computing another (one query answering for both), so its own first reader spends none."""
    cache.set(key, (value,), FRAGMENT_SECONDS)


def any_view_restriction() -> bool:
    """Whether an editor has made any page private (shared until the next content change)."""
    return cached_until_content_changes("any-view-restriction", PageViewRestriction.objects.exists)


def public_only(pages):
    """`pages` without the private ones. public() costs a query; while no page is private it
    would leave out nothing, so it is skipped."""
    return pages.public() if any_view_restriction() else pages


def live_url_of_the_only(page_class) -> str | None:
    """The address of the one live page of a type that has one (max_count = 1), shared until
    content changes, so pages that link to it spend no query on it."""

    def find():
        page = page_class.objects.live().first()
        return page.get_url() if page else None

    return cached_until_content_changes(f"live-url:{page_class._meta.label_lower}", find)


# Whole pages -------------------------------------------------------------------------------


def _page_key(request, generation: int | str) -> str:
    read = sorted(
        (name, value) for name in PAGE_CACHE_QUERY_PARAMETERS for value in request.GET.getlist(name)
    )
    digest = hashlib.sha256(f"{request.path}?{read}".encode()).hexdigest()
    return f"page-cache:{generation}:{request.method}:{request.get_host()}:{digest}"


def shareable_request(request) -> bool:
    """A request whose answer is the same for everyone: an anonymous read of a public page."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(NEVER_CACHED_PREFIXES)
    )


def shareable_response(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and not response.streaming
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def label_for_shared_caches(request, response) -> None:
    """Public pages may be kept by any cache in front, and served stale while it refetches
    or while the site is down; everything else (booking, manage, admin, search, staff,
    anything that sets a cookie) by none. A view that chose its own policy keeps it."""
    if shareable_request(request) and shareable_response(response):
        if "Cache-Control" not in response:
            patch_cache_control(
                response,
                public=True,
                max_age=0,  # browsers cannot be purged: they ask again (cheaply, from the cache)
                s_maxage=settings.HTTP_CACHE_SECONDS,
                stale_while_revalidate=settings.HTTP_CACHE_STALE_WHILE_REVALIDATE,
                stale_if_error=settings.HTTP_CACHE_STALE_IF_ERROR,
            )
    elif "Cache-Control" not in response:
        add_never_cache_headers(response)


class AnonymousPageCacheMiddleware:
    """Outside sessions, CSRF and CSP in MIDDLEWARE: a cached page already carries the
    headers they added (and sees the cookies they set, which make a response private).
    Every request through it reads the content generation at most once (`current_generation`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reading = _generation_read.set([])  # read at most once for this request
        try:
            return self._respond(request)
        finally:
            _generation_read.reset(reading)

    def _respond(self, request):
        if not (settings.PAGE_CACHE_SECONDS > 0 and shareable_request(request)):
            response = self.get_response(request)
            label_for_shared_caches(request, response)
            return response
        generation = current_generation()
        key = _page_key(request, generation)
        response = cache.get(key)
        if response is not None:
            return response
        response = self.get_response(request)
        label_for_shared_caches(request, response)
        if shareable_response(response):
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            cache.set(_page_key(request, "stale"), response, settings.PAGE_CACHE_STALE_SECONDS)
        elif response.status_code == 503:
            # The database is unreachable (allure.base.outage): the last good copy of this
            # page, however old (up to PAGE_CACHE_STALE_SECONDS), beats an error page.
            stale = cache.get(_page_key(request, "stale"))
            if stale is not None:
                return stale
        return response


# Site and routing --------------------------------------------------------------------------


def fetch_for_serving(model, pk):
    """The page as its own type, with the related rows its template shows joined in."""
    pages = model._default_manager.filter(pk=pk)
    if related := getattr(model, "serve_select_related", ()):
        pages = pages.select_related(*related)  # never empty: would join every FK
    if deferred := getattr(model, "serve_defer", ()):
        pages = pages.defer(*deferred)
    return pages.get()


class ServedPageMixin:
    """What serving needs from every public page type. A page model lists in
    `serve_select_related` the related rows its own template shows; they are fetched with
    the page when it is routed."""

    serve_select_related: tuple[str, ...] = ()
    # Columns of those related rows that the template never shows (a StreamField costs CPU
    # to load even when unused).
    serve_defer: tuple[str, ...] = ()

    @cached_property
    def breadcrumb_trail(self) -> list[Page]:
        """The pages from home down to this one; the template and the JSON-LD share it.
        `route` sets it from the pages it has already fetched."""
        return [*self.get_ancestors().filter(depth__gte=2), self]

    def get_view_restrictions(self):
        """Wagtail checks every page view against the restrictions of the page and its
        ancestors (two queries). The clinic restricts no page, so while none exists at all
        there is nothing to check."""
        if not any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def route(self, request, path_components):
        """Find the page for a URL in two queries whatever its depth: the pages along the path
        by their url_path, then the last one as its own type. Wagtail's default walks down one
        level at a time (two queries per level). Falls back to that walk for any page type
        that routes itself (none does today) and to report a missing page.

        Kept, measured (issue 27): with the page cache off, the procedure page costs 3 queries
        and 17 417 function calls per request with this, 8 and 27 274 with Wagtail's walk
        (results gallery 4 / 21 819 against 8 / 31 517; docs/performance.md has the command:
        `scripts/profile_page.py`, with this method renamed away for the second run). Every
        request the page cache or Varnish misses, after each publish, pays that difference."""
        if not path_components:
            return super().route(request, path_components)
        url_paths = [
            self.url_path + "".join(f"{slug}/" for slug in path_components[:depth])
            for depth in range(1, len(path_components) + 1)
        ]
        # The pages along a path change only with content, so the lookup is shared like the
        # menu: a warm request routes with one query (the page itself). Only paths that lead
        # to a page are kept (see `cached_until_content_changes`).
        path_pages = cached_until_content_changes(
            "route:" + hashlib.sha256(url_paths[-1].encode()).hexdigest(),
            lambda: self._pages_along(request, url_paths),
            keep=lambda pages: len(pages) == len(url_paths),
        )
        if [page.url_path for page in path_pages] != url_paths or any(
            page.specific_class is None
            or page.specific_class.route not in (Page.route, ServedPageMixin.route)
            for page in path_pages
        ):
            return super().route(request, path_components)
        model = path_pages[-1].specific_class
        try:
            page = fetch_for_serving(model, path_pages[-1].pk)
        except model.DoesNotExist as error:  # deleted since the first query
            raise Http404 from error
        page.breadcrumb_trail = [self, *path_pages[:-1], page]
        return page.route(request, [])

    def _pages_along(self, request, url_paths) -> list[Page]:
        """The pages with these url_paths, shallowest first. When the menu (the home page's
        children shown in menus) is not in the shared cache either, as after any content
        change, the same query brings its pages and fills it."""
        site = Site.find_for_request(request)
        menu_key = None
        if site is not None and site.root_page_id == self.pk:
            menu_key = fragment_key(main_menu_fragment(site))
            menu_key = menu_key if cache.get(menu_key) is None else None
        wanted = Q(url_path__in=url_paths)
        if menu_key:
            wanted |= Q(depth=self.depth + 1, live=True, show_in_menus=True)
        pages = list(Page.objects.descendant_of(self).filter(wanted).order_by("path"))
        if menu_key:
            share_fragment(
                menu_key,
                [p for p in pages if p.depth == self.depth + 1 and p.live and p.show_in_menus],
            )
        return sorted((p for p in pages if p.url_path in url_paths), key=lambda p: p.depth)


def main_menu_fragment(site) -> str:
    return f"main-menu:{site.pk}"


def main_menu(site) -> list[Page]:
    """The header's navigation: the home page's children that editors ticked "Show in menus",
    shared until the next content change (routing may have filled it on the way)."""
    return cached_until_content_changes(
        main_menu_fragment(site), lambda: list(site.root_page.get_children().live().in_menu())
    )
