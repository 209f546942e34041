"""`make bench`: throughput and latency of the site served as in production.

gunicorn with production settings on PostgreSQL (Redis as the cache when REDIS_URL is set),
driven from separate processes: wrk for pages, a threaded client for booking POSTs. Each
figure is the median of 3 runs; a static file of about the procedure page's size is
measured in the same runs as the ceiling, so ratios hold on a noisy shared machine.

Every page is measured with counting on (the procedure page carries the count beacon's
script); the beacon itself (`POST /count/`, what a patient's browser sends after a procedure
page) is measured too, and then flushed, to show that every beacon sent was counted once.
"""

import argparse
import datetime as dt
import http.client
import http.cookies
import itertools
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.prodserver import (  # noqa: E402
    PYTHON,
    ROOT,
    fresh_database,
    gunicorn,
    production_env,
    production_server,
    varnish,
)

PAGES = {
    "home": "/",
    "procedure index": "/procedures/",
    "skin resurfacing": "/procedures/skin-resurfacing/",
    # The page as a patient arriving from a procedure page sees it: its first free day open.
    "booking form": "/consultation/?procedure=skin-resurfacing",
}
# Booked times this far apart never overlap, whatever the consultation type's length.
BOOKING_GAP = dt.timedelta(minutes=60)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
# Every simulated patient is another person (an email or phone may hold two open requests).
PATIENT_NUMBERS = itertools.count(1)


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            *(["-s", script] if script else []),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(pct: str) -> float:
        found = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not found:
            raise RuntimeError(f"unexpected wrk output for {url}:\n{out}")
        value, unit = found.groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def _inputs(html: str) -> list[tuple[str, str]]:
    inputs = [
        (re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag))
        for tag in re.findall(r"<input[^>]*>", html)
    ]
    return [(n.group(1), v.group(1)) for n, v in inputs if n and v]


def booking_form(base: str) -> dict:
    """What a patient's browser holds after loading the form (cookie, tokens), and free
    times spread over every day of the diary (each day's page lists that day's), at least
    BOOKING_GAP apart so that no two overlap."""
    host = urlsplit(base).netloc
    conn = http.client.HTTPConnection(host, timeout=30)
    conn.request("GET", PAGES["booking form"])
    response = conn.getresponse()
    html = response.read().decode()
    cookie = http.cookies.SimpleCookie(response.getheader("Set-Cookie"))
    values = _inputs(html)

    def field(name: str) -> str:
        return next(value for n, value in values if n == name)

    starts, seen_pages = [], set()
    pages = [PAGES["booking form"]]
    while pages:
        path = pages.pop(0).replace("&amp;", "&").split("#")[0]
        if path in seen_pages:
            continue
        seen_pages.add(path)
        conn.request("GET", path)
        page = conn.getresponse().read().decode()
        starts += [v for n, v in _inputs(page) if n == "slot" and v != "call"]
        pages += re.findall(r'href="(/consultation/\?[^"]*(?:day|week)=[^"]+)"', page)
    spaced = []
    for start in sorted(set(starts)):
        if not spaced or dt.datetime.fromisoformat(start) >= (
            dt.datetime.fromisoformat(spaced[-1]) + BOOKING_GAP
        ):
            spaced.append(start)
    return {
        "host": host,
        "cookie": f"csrftoken={cookie['csrftoken'].value}",
        "csrf": field("csrfmiddlewaretoken"),
        "started": field("started"),
        "procedure": field("procedure"),
        "slots": spaced,
    }


def booking_post(
    host: str, form: dict, slot: str, name: str, n: int, client_ip: str
) -> tuple[int, str]:
    """Patient n posts the booking form for `slot` from `client_ip` (their own address, as
    on the internet: the per-client rate limit reads it through BOOKING_CLIENT_IP_HEADER).
    Returns the status and the redirect's Location."""
    body = urlencode(
        {
            "csrfmiddlewaretoken": form["csrf"],
            "full_name": name,
            "email": f"patient{n}@example.com",
            # One number per patient: a number may hold only two open requests.
            "phone": f"601-555-{n % 10000:04d}",
            "contact_method": "phone",
            "procedure": form["procedure"],
            "provider": "any",
            "slot": slot,
            "consent": "on",
            "website": "",
            "started": form["started"],
            "submission_token": str(uuid.uuid4()),
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": form["cookie"],
        "X-Real-IP": client_ip,
    }
    conn = http.client.HTTPConnection(host, timeout=60)
    conn.request("POST", "/consultation/", body, headers)
    response = conn.getresponse()
    response.read()
    return response.status, response.getheader("Location", "")


def post_bookings(form: dict, slots: list[str], clients: int) -> dict:
    """Each of `clients` threads posts bookings back to back, each for its own free time."""
    latencies, failures, lock = [], [], threading.Lock()
    queue = iter(slots)

    def client():
        while True:
            with lock:
                slot, n = next(queue, None), next(PATIENT_NUMBERS)
            if slot is None:
                return
            started = time.perf_counter()
            status, location = booking_post(
                form["host"],
                form,
                slot,
                f"Bench Patient {n}",
                n,
                f"198.18.{n // 250}.{n % 250 + 1}",
            )
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 302 or "/received/" not in location:
                    failures.append(status)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - began
    latencies.sort()
    return {
        "rps": len(latencies) / took,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "errors": len(failures),
    }


def stored_requests(env: dict) -> int:
    out = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            "from bookings.models import ConsultationRequest as C; print(C.objects.count())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip().splitlines()[-1])


def closest_static_file(size: int) -> str:
    static_root = ROOT / "var" / "prod-static"
    files = [
        p
        for p in static_root.rglob("*")
        if p.is_file()
        and p.suffix not in (".gz", ".br")
        and "admin" not in p.parts
        and not p.name.startswith("staticfiles")
    ]
    best = min(files, key=lambda p: abs(p.stat().st_size - size))
    return "/static/" + best.relative_to(static_root).as_posix()


def measured(server, url: str, seconds: int, connections: int, script=None) -> dict:
    """One wrk run, with the app servers' CPU milliseconds per request it cost."""
    cpu_before = server.cpu_seconds()
    result = wrk(url, seconds, connections, script)
    cpu = server.cpu_seconds() - cpu_before
    return {**result, "cpu_ms": 1000 * cpu / max(result["requests"], 1)}


# What a patient's browser sends after reading a procedure page (static/js/count.js).
BEACON_SCRIPT = """
wrk.method = "POST"
wrk.body = "metric=procedure_view&key=%s"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
wrk.headers["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1"
"""


def counted_views(env: dict) -> int:
    """Flush the counts waiting in the shared cache, as the worker does, then read them."""
    code = (
        "from django.core.management import call_command; from django.db.models import Sum; "
        "from allure.base.models import DailyCount as D; call_command('flush_counts', "
        "verbosity=0); print(D.objects.filter(metric='procedure_view', is_demo=False)"
        ".aggregate(n=Sum('count'))['n'] or 0)"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip().splitlines()[-1])


def median_of(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url", default="postgres://allure:allure@127.0.0.1:5432/allure_bench"
    )
    parser.add_argument("--seconds", type=int, default=8, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--posts", type=int, default=96, help="booking POSTs per run")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `apt-get install wrk`.")
    fresh_database(args.database_url)

    env = production_env(args.database_url)
    extra = {"BOOKING_CLIENT_IP_HEADER": "HTTP_X_REAL_IP", "BOOKING_TRUSTED_PROXIES": "1"}
    with production_server(args.database_url, workers=args.workers, **extra) as server:
        base = server.url
        page_size = len(
            subprocess.run(
                ["curl", "-s", base + PAGES["skin resurfacing"]], capture_output=True, check=True
            ).stdout
        )
        targets = {**PAGES, "static file": closest_static_file(page_size)}
        runs = {name: [] for name in targets}
        for _ in range(3):
            for name, path in targets.items():
                runs[name].append(measured(server, base + path, args.seconds, args.connections))
        results = {name: median_of(r) for name, r in runs.items()}
        # The count beacon a procedure page sends; every one must be counted once.
        skin_html = subprocess.run(
            ["curl", "-s", base + PAGES["skin resurfacing"]], capture_output=True, check=True
        ).stdout.decode()
        skin_id = re.search(r'data-metric="procedure_view" data-key="(\d+)"', skin_html).group(1)
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
            script.write(BEACON_SCRIPT % skin_id)
            script.flush()
            before_beacons = counted_views(env)
            beacon_runs = []
            for _ in range(3):
                beacon_runs.append(
                    measured(server, base + "/count/", args.seconds, args.connections, script.name)
                )
            beacons_counted = counted_views(env) - before_beacons
        beacons_sent = sum(r["requests"] - r["errors"] for r in beacon_runs)
        results["count beacon"] = median_of(beacon_runs)
        # The same pages with no page cache at all: what each visit costs when nothing helps.
        uncached = {}
        with gunicorn({**env, **extra, "PAGE_CACHE_SECONDS": "0"}, args.workers) as cold:
            runs = {name: [] for name in targets}
            for _ in range(3):
                for name, path in targets.items():
                    runs[name].append(measured(cold, cold.url + path, args.seconds, 4))
            uncached = {name: median_of(r)["cpu_ms"] for name, r in runs.items()}
        # The same pages through Varnish in front (deploy/varnish/allure.vcl), when installed.
        through_varnish = {}
        if shutil.which("varnishd"):
            with varnish(base) as front:
                runs = {name: [] for name in targets}
                for _ in range(3):
                    for name, path in targets.items():
                        runs[name].append(wrk(front + path, args.seconds, args.connections))
                through_varnish = {name: median_of(r)["rps"] for name, r in runs.items()}

        form = booking_form(base)
        time.sleep(3.5)  # the form refuses posts faster than a person can fill it in
        per_run = min(args.posts, len(form["slots"]) // 3)
        before = stored_requests(env)
        post_runs = []
        for i in range(3):
            cpu_before = server.cpu_seconds()
            run = post_bookings(
                form, form["slots"][i * per_run : (i + 1) * per_run], args.connections
            )
            cpu_ms = 1000 * (server.cpu_seconds() - cpu_before) / per_run
            post_runs.append({**run, "cpu_ms": cpu_ms})
        stored = stored_requests(env) - before
        results["booking POST"] = median_of(post_runs)
        counts = json.loads(
            subprocess.run(
                [PYTHON, "scripts/query_counts.py", *PAGES.values()],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )

    ceiling = results["static file"]["rps"]
    print(
        f"\n{args.connections} connections, {args.workers} gunicorn workers, "
        f"median of 3 runs of {args.seconds} s; static file {targets['static file']} "
        f"({page_size} B page)"
    )
    print(
        f"{'target':<18}{'req/s':>10}{'% static':>10}{'p50 ms':>10}{'p99 ms':>10}"
        f"{'errors':>8}{'queries':>9}{'cold':>6}{'CPU ms':>8}{'uncached':>10}{'× static':>10}"
        f"{'via Varnish req/s':>19}"
    )
    static_cpu = uncached["static file"]
    for name, r in results.items():
        queries = counts.get(targets.get(name), {}).get("queries", "-")
        cold_queries = counts.get(targets.get(name), {}).get("cold", "-")
        via_varnish = f"{through_varnish[name]:.0f}" if name in through_varnish else "-"
        # The beacon and the booking POST are never cached: their own CPU is the ratio's.
        cold = (
            f"{uncached[name]:>10.2f}{uncached[name] / static_cpu:>10.1f}"
            if name in uncached
            else f"{'-':>10}{r['cpu_ms'] / static_cpu:>10.1f}"
        )
        print(
            f"{name:<18}{r['rps']:>10.0f}{100 * r['rps'] / ceiling:>9.0f}%"
            f"{r['p50']:>10.1f}{r['p99']:>10.1f}{r['errors']:>8.0f}{queries:>9}{cold_queries:>6}"
            f"{r['cpu_ms']:>8.2f}{cold}{via_varnish:>19}"
        )
    # wrk stops its clock with up to one request per connection still in flight: the server
    # counts those too, but wrk does not report them.
    in_flight = 3 * args.connections
    beacons_ok = beacons_sent <= beacons_counted <= beacons_sent + in_flight
    print(
        f"count beacons: {beacons_sent} answered 204, {beacons_counted} counted "
        f"({'each once; the rest were in flight as wrk stopped' if beacons_ok else 'MISMATCH'})"
    )
    posted = 3 * per_run
    print(
        f"booking POSTs: {posted} sent, {stored} requests stored "
        f"({'exactly one per POST' if stored == posted else 'MISMATCH'})"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "results": results,
                    "through_varnish": through_varnish,
                    "uncached_cpu_ms": uncached,
                    "queries": counts,
                    "posted": posted,
                    "stored": stored,
                    "beacons_sent": beacons_sent,
                    "beacons_counted": beacons_counted,
                },
                indent=2,
            )
        )
    return 0 if stored == posted and beacons_ok else 1


if __name__ == "__main__":
    sys.exit(main())
