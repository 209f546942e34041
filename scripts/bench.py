"""`make bench`: throughput and latency of the site served as in production.

gunicorn with production settings on PostgreSQL (Redis as the cache when REDIS_URL is set),
driven from separate processes: wrk for pages, a threaded client for booking POSTs. Each
figure is the median of 3 runs; a static file of about the procedure page's size is
measured in the same runs as the ceiling, so ratios hold on a noisy shared machine.
"""

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.prodserver import PYTHON, ROOT, production_env, production_server  # noqa: E402

PAGES = {
    "home": "/",
    "procedure index": "/procedures/",
    "skin resurfacing": "/procedures/skin-resurfacing/",
    "booking form": "/consultation/",
}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def ensure_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(pct: str) -> float:
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)$", out, re.M).groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


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
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `apt-get install wrk`.")
    ensure_database(args.database_url)

    with production_server(args.database_url, workers=args.workers) as base:
        page_size = len(
            subprocess.run(
                ["curl", "-s", base + PAGES["skin resurfacing"]], capture_output=True, check=True
            ).stdout
        )
        targets = {**PAGES, "static file": closest_static_file(page_size)}
        runs = {name: [] for name in targets}
        for _ in range(3):
            for name, path in targets.items():
                runs[name].append(wrk(base + path, args.seconds, args.connections))
        results = {name: median_of(r) for name, r in runs.items()}
        env = production_env(args.database_url)
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
        f"{'errors':>8}{'queries':>9}"
    )
    for name, r in results.items():
        queries = counts.get(targets[name], {}).get("queries", "-")
        print(
            f"{name:<18}{r['rps']:>10.0f}{100 * r['rps'] / ceiling:>9.0f}%"
            f"{r['p50']:>10.1f}{r['p99']:>10.1f}{r['errors']:>8.0f}{queries:>9}"
        )
    if args.json:
        args.json.write_text(json.dumps({"results": results, "queries": counts}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
