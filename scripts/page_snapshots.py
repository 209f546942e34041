"""Every public page of the demo as a patient's browser gets it, to compare two versions of
the code: `write` draws them into a folder, `compare` shows what changed between two folders,
ignoring whitespace (and the per-response CSRF tokens and nonces).

    .venv/bin/python scripts/page_snapshots.py write var/snapshots/before
    (change the code)
    .venv/bin/python scripts/page_snapshots.py write var/snapshots/after
    .venv/bin/python scripts/page_snapshots.py compare var/snapshots/before var/snapshots/after

`write` builds a fresh SQLite database and media folder in a temporary directory, loads the
demo content and draws the pages at one pinned instant, so two runs differ only by the code.
`compare` exits 1 when any page differs."""

import argparse
import datetime as dt
import difflib
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A Monday morning in Jackson: the booking page has a full week of times ahead.
PINNED = dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.UTC)

# Pages that are not Wagtail pages, or that show more with a query string.
EXTRA_PATHS = [
    "/consultation/",
    "/consultation/?procedure=skin-resurfacing",
    "/search/?q=laser",
    "/search/?q=",
    "/procedures/which-treatment/?concern=wrinkles&downtime=7",
    "/robots.txt",
    "/sitemap.xml",
    "/no-such-page/",
]

VOLATILE = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'), r"\1…"),
    (re.compile(r'(nonce=")[^"]+'), r"\1…"),
    (re.compile(r'(name="submission_token" value=")[^"]+'), r"\1…"),
]


def normalised(html: str) -> str:
    """One tag or text run per line, whitespace collapsed: easy to read as a diff."""
    for pattern, replacement in VOLATILE:
        html = pattern.sub(replacement, html)
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r">\s*<", ">\n<", html)
    return "\n".join(line.strip() for line in html.splitlines() if line.strip()) + "\n"


def file_name(path: str) -> str:
    return (re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "home") + ".html"


def write(folder: Path) -> int:
    scratch = Path(tempfile.mkdtemp(prefix="allure-snapshots-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "allure.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'db.sqlite3'}"
    import django
    import time_machine

    django.setup()
    from django.core.management import call_command
    from django.test import Client, override_settings
    from wagtail.models import Page

    folder.mkdir(parents=True, exist_ok=True)
    media = {"MEDIA_ROOT": scratch / "media", "PRIVATE_MEDIA_ROOT": scratch / "private"}
    with override_settings(**media), time_machine.travel(PINNED, tick=False):
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_demo_content", verbosity=0)
        client = Client()
        pages = Page.objects.live().public().filter(depth__gt=1).order_by("path")
        paths = [url for page in pages if (url := page.get_url())] + EXTRA_PATHS
        for path in paths:
            client.get(path)  # the first visit makes the photos' resized copies
            response = client.get(path)
            body = response.content.decode()
            (folder / file_name(path)).write_text(
                f"{path} {response.status_code}\n" + normalised(body)
            )
            print(f"{response.status_code} {path}")
    return 0


def compare(before: Path, after: Path) -> int:
    differing = 0
    for name in sorted(
        {p.name for p in before.glob("*.html")} | {p.name for p in after.glob("*.html")}
    ):
        old, new = before / name, after / name
        if not old.exists() or not new.exists():
            print(f"{name}: only in {'after' if new.exists() else 'before'}")
            differing += 1
            continue
        diff = list(
            difflib.unified_diff(
                old.read_text().splitlines(),
                new.read_text().splitlines(),
                str(old),
                str(new),
                lineterm="",
                n=2,
            )
        )
        if diff:
            differing += 1
            print("\n".join(diff))
    print(f"{differing} page(s) differ")
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("write").add_argument("folder", type=Path)
    compared = commands.add_parser("compare")
    compared.add_argument("before", type=Path)
    compared.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "write":
        return write(args.folder)
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
