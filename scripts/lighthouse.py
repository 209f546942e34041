"""`make lighthouse`: Lighthouse 12 in mobile mode against the site served as in production.

Prints the four category scores per page, the procedure page's transferred weight and any
request to another host. With --gate it exits non-zero when a page misses the gates the
test suite holds (accessibility, best practices, SEO 100; performance 90).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.prodserver import ROOT, VAR, production_server  # noqa: E402

TOOL = ROOT / "tools" / "lighthouse"
LIGHTHOUSE = TOOL / "node_modules" / ".bin" / "lighthouse"
PAGES = {
    "home": "/",
    "skin resurfacing": "/procedures/skin-resurfacing/",
    "booking": "/consultation/",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
GATES = {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100}
WEIGHT_BUDGET = 200 * 1024  # bytes transferred on a procedure page's first load


def ensure_lighthouse() -> None:
    if not LIGHTHOUSE.exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=TOOL,
            check=True,
            timeout=300,
            capture_output=True,
            text=True,
        )


def run_lighthouse(url: str, out: Path, chromium: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu "
            "--disable-background-networking --disable-component-update --disable-sync "
            "--no-first-run --disable-quic",
        ],
        env={**os.environ, "CHROME_PATH": chromium},
        capture_output=True,
        text=True,
    )


def audit(url: str) -> dict:
    chromium = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        for _ in range(3):
            run = run_lighthouse(url, out, chromium)
            # Trace-recording hiccups (e.g. NO_NAVSTART) say to try again; a 404 does not.
            if run.returncode == 0 or "Please run Lighthouse again" not in run.stderr:
                break
        if run.returncode != 0:  # e.g. the page answered 404: every score counts as 0
            return {
                "url": url,
                "scores": dict.fromkeys(CATEGORIES, 0),
                "bytes": 0,
                "foreign_requests": [],
                "failed": [f"Lighthouse failed: {run.stderr.strip()[-300:]}"],
            }
        report = json.loads(out.read_text())
    requests = report["audits"]["network-requests"]["details"]["items"]
    host = urlsplit(url).netloc
    return {
        "url": url,
        "scores": {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES},
        "bytes": report["audits"]["total-byte-weight"]["numericValue"],
        "foreign_requests": sorted(
            {r["url"] for r in requests if urlsplit(r["url"]).netloc not in ("", host)}
        ),
        "failed": [
            a["title"]
            for a in report["audits"].values()
            if a.get("score") is not None
            and a["score"] < 1
            and a.get("scoreDisplayMode") == "binary"
        ],
    }


def misses(results: dict) -> list[str]:
    found = []
    for name, r in results.items():
        found += [
            f"{name}: {c} {r['scores'][c]} < {gate}"
            for c, gate in GATES.items()
            if r["scores"][c] < gate
        ]
        if r["foreign_requests"]:
            found.append(f"{name}: requests to other hosts: {r['foreign_requests']}")
    weight = results["skin resurfacing"]["bytes"]
    if weight > WEIGHT_BUDGET:
        found.append(f"skin resurfacing: {weight / 1024:.0f} KB transferred > 200 KB")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: a new SQLite file with the demo")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--gate", action="store_true", help="exit 1 when a gate is missed")
    args = parser.parse_args()

    ensure_lighthouse()
    VAR.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=VAR) as tmp:
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'lighthouse.sqlite3'}"
        with production_server(database_url) as server:
            base_url = server.url
            results = {name: audit(base_url + path) for name, path in PAGES.items()}

    print(f"\n{'page':<18}" + "".join(f"{c:>16}" for c in CATEGORIES) + f"{'KB':>8}")
    for name, r in results.items():
        row = "".join(f"{r['scores'][c]:>16}" for c in CATEGORIES)
        print(f"{name:<18}{row}{r['bytes'] / 1024:>8.0f}")
    for name, r in results.items():
        for title in r["failed"]:
            print(f"  {name}: failed audit: {title}")
    found = misses(results)
    print("\n" + ("\n".join(found) if found else "All pages meet the gates."))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 1 if (args.gate and found) else 0


if __name__ == "__main__":
    sys.exit(main())
