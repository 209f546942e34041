"""Where the booking page's CPU goes, in one process: production settings, PostgreSQL, the
demo content. Prints, per request, the function calls (cProfile: the same on an idle or a
loaded machine), the SQL queries and the CPU milliseconds (which move with the machine's
load), for the GET `make bench` measures and for booking POSTs, then the top of the profile.

    .venv/bin/python scripts/profile_booking.py \
        --database-url postgres://allure:allure@127.0.0.1:5432/allure_prof_bookperf

`--keep` reuses the database as it is (no migrate or demo load): quicker between edits.
"""

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import os
import pstats
import re
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.prodserver import fresh_database, prepare, production_env  # noqa: E402

GET_PATH = "/consultation/?procedure=skin-resurfacing"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=50, help="GETs (and POSTs) profiled")
    parser.add_argument("--keep", action="store_true", help="reuse the database as it is")
    parser.add_argument("--top", type=int, default=25, help="profile lines printed")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--sql", action="store_true", help="print each request's SQL")
    args = parser.parse_args()

    env = production_env(args.database_url, PAGE_CACHE_SECONDS="0")
    if not args.keep:
        fresh_database(args.database_url)
        prepare(env)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bookings.booking.forms import started_token
    from bookings.models import ConsultationRequest

    client = Client(enforce_csrf_checks=True)

    def get():
        response = client.get(GET_PATH)
        assert response.status_code == 200, response.status_code
        return response.content.decode()

    get()  # warm per-process caches and shared fragments, as a running server has them
    get()
    with counted_queries(connection) as queries:
        get()
    gets = profiled(get, args.requests)
    report("GET " + GET_PATH, gets, queries, args)

    # POSTs: each patient their own free time, name and address, as in `make bench`.
    html = get()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    free = []
    pages = [GET_PATH]
    seen = set()
    while pages:
        path = pages.pop(0).replace("&amp;", "&").split("#")[0]
        if path in seen:
            continue
        seen.add(path)
        page = client.get(path).content.decode()
        free += re.findall(r'name="slot" id="id_slot_\d+" value="([^"]+)"', page)
        pages += re.findall(r'href="(/consultation/\?[^"]*(?:day|week)=[^"]+)"', page)
    # An hour apart, as in `make bench`: no two overlap, whatever the consultation's length.
    spaced = []
    for start in sorted(set(free) - {"call"}):
        moment = dt.datetime.fromisoformat(start)
        if not spaced or moment >= dt.datetime.fromisoformat(spaced[-1]) + dt.timedelta(hours=1):
            spaced.append(start)
    free = spaced
    numbers = iter(range(1, 10_000))

    def post():
        n = next(numbers)
        slot = free.pop(0)
        # Form-encoded, as a browser sends this form (and as `make bench` does): the test
        # client's default, multipart, costs the server twice the calls to parse.
        response = client.post(
            "/consultation/",
            urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "full_name": f"Patient {n}",
                    "email": f"patient{n}@example.com",
                    "phone": f"601555{n:04d}",
                    "contact_method": "phone",
                    "procedure": "skin-resurfacing",
                    "provider": "any",
                    "slot": slot,
                    "consent": "on",
                    "website": "",
                    "started": started_token(time.time() - 60),
                    "submission_token": uuid.uuid4(),
                }
            ),
            content_type="application/x-www-form-urlencoded",
            REMOTE_ADDR=f"10.1.{n // 250}.{n % 250 + 1}",
        )
        # A time may overlap an earlier booking of a longer type: 409 is a fair answer.
        assert response.status_code in (302, 409), response.content.decode()[:2000]
        return response.status_code

    before = ConsultationRequest.objects.count()
    post()
    with counted_queries(connection) as queries:
        post()
    posts = profiled(post, min(args.requests, len(free)))
    stored = ConsultationRequest.objects.count() - before
    report(f"POST /consultation/ ({stored} stored)", posts, queries, args)
    return 0


@contextlib.contextmanager
def counted_queries(connection):
    """The SQL statements run inside, in a list (Django's own log is emptied at each request)."""
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield statements


def profiled(call, n):
    # CPU time, not wall time: waiting for PostgreSQL costs the app server nothing.
    profile = cProfile.Profile(time.thread_time)
    cpu = time.process_time()
    for _ in range(n):
        profile.runcall(call)
    cpu = time.process_time() - cpu
    stats = pstats.Stats(profile)
    return {"n": n, "calls": stats.total_calls / n, "cpu_ms": 1000 * cpu / n, "stats": stats}


def report(name, run, queries, args):
    print(
        f"\n{name}: {run['calls']:,.0f} function calls, {len(queries)} queries, "
        f"{run['cpu_ms']:.1f} CPU ms per request (profiled; over {run['n']} requests)"
    )
    if args.sql:
        print("\n".join(sql[:300] for sql in queries))
    out = io.StringIO()
    run["stats"].stream = out
    run["stats"].sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue().split("\n", 6)[-1] if args.top else "")


if __name__ == "__main__":
    sys.exit(main())
