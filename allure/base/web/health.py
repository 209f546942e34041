"""What stands in front of and beside the app asks it here: a supervisor or Varnish whether
the process answers (`/healthz`), a monitor or load balancer whether the site can do its
work (`/readyz`). Plain text, no patient data, never cached (`no-store`: neither the page
cache nor Varnish keeps it) and never counted (counts come only from the page beacon,
allure/base/counts.py).

Readiness means: the database answers, the shared cache answers, and the task queue is
being worked. The queue is judged by its oldest waiting task rather than by when the worker
last ran: a quiet clinic may have nothing to do for hours (a worker with nothing to do is
fine), but an email that has been ready to go for minutes means no worker is taking tasks.

Varnish probes `/healthz`, not `/readyz` (deploy/varnish/allure.vcl): a node without Redis
still serves every page, and one without a worker still takes bookings (their emails wait in
the queue), so neither must make Varnish stop sending patients to it.
"""

import datetime as dt

from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult

# A ready task older than this means no worker is taking tasks: the worker polls every few
# seconds, and even a burst of purges after an edit is worked through within a minute.
QUEUE_STALLED_AFTER = dt.timedelta(minutes=5)
CACHE_PROBE_KEY = "health:probe"


class HealthMiddleware:
    """First in MIDDLEWARE: answers the two checks before anything reads the site, a session
    or the page cache (whose site lookup needs the database), and before the HTTPS redirect
    (probes speak plain HTTP on the loopback)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        check = CHECKS.get(request.path_info)
        return check(request) if check else self.get_response(request)


def _text(lines: list[str], status: int = 200) -> HttpResponse:
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain", status=status)


@require_safe
@never_cache
def healthz(request):
    """Liveness: this process answers. Reads nothing, so a database or Redis outage never
    makes a supervisor restart a process that would serve the stale pages meanwhile."""
    return _text(["ok"])


def _queue_stalled() -> bool:
    """Whether a task ready to run has waited longer than QUEUE_STALLED_AFTER (one indexed
    query: the queue's index covers ready tasks)."""
    now = timezone.now()
    cutoff = now - QUEUE_STALLED_AFTER
    # Ready since it was enqueued, or since its run_after: either began before the cutoff.
    waiting = DBTaskResult.objects.ready().filter(enqueued_at__lt=cutoff)
    return waiting.exclude(run_after__gte=cutoff, run_after__lte=now).exists()


def _cache_answers() -> bool:
    """The fallback cache (allure/base/web/cache_backend.py) never raises: it answers from this
    process's memory while Redis is away, and says so."""
    cache.get(CACHE_PROBE_KEY)
    return not getattr(cache, "is_unreachable", lambda: False)()


@require_safe
@never_cache
def readyz(request):
    """Readiness: 200 when the database, the shared cache and the task queue are fine, else
    503; one line per part either way."""
    try:
        database, queue = "ok", "stalled" if _queue_stalled() else "ok"
    except DatabaseError:
        database, queue = "down", "unknown"
    cache_state = "ok" if _cache_answers() else "down"
    states = {"database": database, "cache": cache_state, "queue": queue}
    lines = [f"{part} {state}" for part, state in states.items()]
    ready = all(state == "ok" for state in states.values())
    return _text(lines, status=200 if ready else 503)


CHECKS = {"/healthz": healthz, "/readyz": readyz}


@never_cache
def request_too_large(request):
    """The page the web server in front shows for a request over its size limit
    (deploy/nginx/allure.conf sends its 413 here)."""
    return render(request, "413.html", status=413)
