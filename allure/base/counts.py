"""Counts without trackers: how often procedure pages are read, the booking form is opened,
requests are sent and the treatment planner is used, per day. Numbers only: no address,
browser, cookie or identifier is stored anywhere (not in the table, not in a cache key), and
nothing leaves the site.

Why a beacon and not the page cache middleware: a public page is mostly served without
reaching Django at all (Varnish or a CDN keeps it for `s-maxage`), and otherwise from the
in-app page cache. Counting in a middleware would miss every hit in front, and counting on a
cache hit would put work on the fastest path there is. So a page that wants to be counted
loads `static/js/count.js` (`{% count_visit %}`), which sends one small same-origin POST to
`/count/` after the page has loaded. POSTs are never cached by anyone, and the page itself
is served exactly as before. Visitors without JavaScript are not counted; most bots run no
script either, and those that do are left out by `is_bot`.

Where counts wait: each count is `cache.incr` on a key in the shared cache (Redis), named
only by day, metric and key. The worker's `flush_counts` task moves them into `DailyCount`
with an atomic upsert; the first count after a flush plans the next one (`plan_flush`), and
`manage.py flush_counts` does the same from cron. Without a shared cache (`make run` without
REDIS_URL: each process has its own memory, which the worker cannot read) each count is
written straight to the table instead. While Redis is unreachable the cache answers from
each process's memory (allure/base/web/cache_backend.py), which the worker never reads: counting
pauses until Redis is back (`record` and `flush` skip it meanwhile), and no page ever fails
because of it.
"""

import datetime as dt
import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.tasks import task
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page

from allure.base.models import DailyCount, Metric
from allure.base.web.serving import cached_until_content_changes

logger = logging.getLogger(__name__)

# The simple rule for robots: a user agent that is missing or names itself as an automated
# client (search engines' crawlers, link previews, headless browsers, Lighthouse, scripts).
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|headless|lighthouse|pingdom|monitor|"
    r"curl|wget|python|java/|go-http|httpclient|okhttp|facebookexternalhit|embedly",
    re.IGNORECASE,
)
# What a browser's beacon may count; requests sent are counted by the booking service only.
BEACON_METRICS = {Metric.PROCEDURE_VIEW, Metric.BOOKING_OPEN, Metric.PLANNER_USE}
# Metrics whose key is a page's id; the others have no key ("").
PAGE_METRICS = {Metric.PROCEDURE_VIEW, Metric.REQUEST_SENT}
# A count waits in the shared cache for at most this many days; every flush reads them all.
KEEP_DAYS = 3
# How soon after a first count the worker moves the waiting counts to the table.
FLUSH_EVERY_SECONDS = 60
FLUSH_PLANNED_KEY = "counts:flush-planned"


def _cache_is_shared() -> bool:
    """False while Redis is unreachable: the cache then answers from this process's memory,
    which the worker never reads (allure/base/web/cache_backend.py)."""
    return not getattr(cache, "is_unreachable", lambda: False)()


def _cache_key(day: dt.date, metric: str, key: str) -> str:
    return f"counts:{day.isoformat()}:{metric}:{key}"


# Who is counted ----------------------------------------------------------------------------


def is_bot(request) -> bool:
    agent = request.headers.get("User-Agent", "")
    return not agent.strip() or BOT_USER_AGENT.search(agent) is not None


def is_prefetch(request) -> bool:
    """A browser fetching ahead of a click (or prerendering) is not yet a visit."""
    purpose = " ".join(
        request.headers.get(name, "") for name in ("Sec-Purpose", "Purpose", "X-Moz")
    ).lower()
    return "prefetch" in purpose or "prerender" in purpose


def is_countable(request) -> bool:
    """A person's browser on this site: a POST from a page of the same site (browsers say
    where a request comes from in Sec-Fetch-Site; another site cannot add to the counts
    from its visitors' browsers), not a robot and not a prefetch."""
    return (
        request.method == "POST"
        and request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"
        and not is_bot(request)
        and not is_prefetch(request)
    )


def live_page_keys() -> frozenset[str]:
    """Keys a page metric may take: the ids of live pages (shared until content changes)."""
    return cached_until_content_changes(
        "counts:live-page-keys",
        lambda: frozenset(str(pk) for pk in Page.objects.live().values_list("pk", flat=True)),
    )


def is_valid(metric: str, key: str) -> bool:
    if metric in PAGE_METRICS:
        return key in live_page_keys()
    return metric in Metric.values and key == ""


# Counting ----------------------------------------------------------------------------------


def record(metric: str, key: str = "") -> None:
    """Count one event for today (the clinic's day). Never raises: a count lost is better
    than a page or a booking that fails."""
    day = timezone.localdate()
    try:
        if settings.COUNTS_IN_SHARED_CACHE:
            if _cache_is_shared():  # otherwise counting pauses until Redis is back
                _incr(_cache_key(day, metric, key), 1)
        else:
            add_to_daily_counts({(day, metric, key): 1})
    except Exception:  # whatever broke, the visitor must not notice
        logger.warning("Could not count %s %s", metric, key or "-", exc_info=True)


def _incr(cache_key: str, amount: int) -> None:
    try:
        cache.incr(cache_key, amount)
    except ValueError:  # the day's first count for this key: create it, expiring
        if not cache.add(cache_key, amount, KEEP_DAYS * 86400):
            cache.incr(cache_key, amount)  # another process created it just now


def record_after_commit(metric: str, keys: Iterable[str]) -> None:
    """Count once the current transaction commits (a request that rolls back never was)."""
    keys = list(keys)
    transaction.on_commit(lambda: [record(metric, key) for key in keys])


def add_to_daily_counts(counts: dict[tuple[dt.date, str, str], int]) -> None:
    """Add to the daily table in one atomic upsert per row: concurrent flushes and direct
    counts add up rather than overwrite each other."""
    if not counts:
        return
    quote = connection.ops.quote_name
    table = quote(DailyCount._meta.db_table)
    date, metric, key, count, is_demo = map(quote, ("date", "metric", "key", "count", "is_demo"))
    # Only quoted names from the model's own metadata are formatted into the statement.
    sql = (
        f"INSERT INTO {table} ({date}, {metric}, {key}, {count}, {is_demo}) "  # noqa: S608
        f"VALUES (%s, %s, %s, %s, %s) ON CONFLICT ({date}, {metric}, {key}) "
        f"DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
    )
    rows = [(day, m, k, n, False) for (day, m, k), n in sorted(counts.items()) if n > 0]
    if len(rows) == 1 and not connection.in_atomic_block:
        # One statement is atomic by itself: a transaction around it (a count written
        # straight to the table, by a booking or a beacon) would add two round trips.
        with connection.cursor() as cursor:
            cursor.execute(sql, rows[0])
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# Flushing ----------------------------------------------------------------------------------


def _waiting_keys(today: dt.date) -> dict[str, tuple[dt.date, str, str]]:
    """Every cache key a count could be waiting under: the last KEEP_DAYS days, each metric,
    each live page for the page metrics (the cache cannot list its keys)."""
    pages = sorted(str(pk) for pk in Page.objects.live().values_list("pk", flat=True))
    keyed = [(m, k) for m in Metric.values for k in (pages if m in PAGE_METRICS else [""])]
    days = [today - dt.timedelta(days=n) for n in range(KEEP_DAYS)]
    return {_cache_key(day, m, k): (day, m, k) for day in days for m, k in keyed}


def flush() -> int:
    """Move the counts waiting in the shared cache into the daily table; returns how many
    events moved. Safe to run twice, or in two workers at once: a count is taken out of the
    cache with an atomic decrement before it is added to the table, and a decrement that
    finds less than it read (another flush got there first) is given back, so each count
    reaches the table once. If the database refuses, the counts go back into the cache.
    While Redis is unreachable there is nothing shared to move."""
    if not _cache_is_shared():
        return 0
    waiting = _waiting_keys(timezone.localdate())
    taken: dict[tuple[dt.date, str, str], int] = {}
    for cache_key, value in cache.get_many(list(waiting)).items():
        if not isinstance(value, int) or value <= 0:
            continue
        try:
            left = cache.decr(cache_key, value)
        except ValueError:  # expired since it was read
            continue
        if left < 0:
            _incr(cache_key, value)
        else:
            taken[waiting[cache_key]] = value
    try:
        add_to_daily_counts(taken)
    except Exception:
        for (day, metric, key), value in taken.items():
            _incr(_cache_key(day, metric, key), value)
        raise
    return sum(taken.values())


@task()
def flush_counts() -> str:
    return f"{flush()} counts moved"


def plan_flush() -> None:
    """Ask the worker to flush in FLUSH_EVERY_SECONDS, unless a flush is already planned
    (one task per interval for the whole site, however many counts arrive)."""
    if not settings.COUNTS_IN_SHARED_CACHE:
        return
    try:
        if cache.add(FLUSH_PLANNED_KEY, 1, FLUSH_EVERY_SECONDS):
            run_after = timezone.now() + dt.timedelta(seconds=FLUSH_EVERY_SECONDS)
            flush_counts.using(run_after=run_after).enqueue()
    except Exception:  # the database is away: cron's `flush_counts` or a later count plans it
        logger.warning("Could not plan a flush of the counts", exc_info=True)


# The beacon --------------------------------------------------------------------------------


@csrf_exempt  # it only adds one to a number; Sec-Fetch-Site keeps other sites out
@require_POST
@never_cache
def beacon(request):
    """`/count/`, POSTed by static/js/count.js with `metric` and `key`."""
    metric, key = request.POST.get("metric", ""), request.POST.get("key", "")
    if metric not in BEACON_METRICS or not is_valid(metric, key):
        return HttpResponseBadRequest("Unknown metric or key.", content_type="text/plain")
    if is_countable(request):
        record(metric, key)
        plan_flush()
    return HttpResponse(status=204)
