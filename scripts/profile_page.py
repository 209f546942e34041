"""Profile public pages in one process, as `make bench` serves them uncached: production
settings, PostgreSQL, PAGE_CACHE_SECONDS=0, the shared fragments warm. Prints, per page, the
queries warm and with every cache cleared, and the function calls per request (cProfile),
which unlike CPU milliseconds do not move with the machine's load.

Run after `scripts/bench.py` (or `make bench`) has filled the database with the demo:
    .venv/bin/python scripts/profile_page.py --database-url postgres://.../allure_perf_x \\
        /procedures/skin-resurfacing/ [more paths] [--requests 30] [--top 40]"""

import argparse
import cProfile
import os
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.prodserver import production_env  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest calls")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    os.environ.update(production_env(args.database_url, PAGE_CACHE_SECONDS="0"))

    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for path in args.paths:
        client = Client()
        client.get(path)  # renditions and shared fragments, as a running server has them
        cache.clear()
        # Counted at once: each request empties the connection's log of queries.
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        cold = len(queries)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        warm = len(queries)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            client.get(path)
        profile.disable()
        stats = pstats.Stats(profile)
        print(
            f"{path}: status {status}, {warm} queries warm, {cold} cold, "
            f"{stats.total_calls // args.requests} function calls per request"
        )
        if args.top:
            stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
