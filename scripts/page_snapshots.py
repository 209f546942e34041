"""Every public page of the demo as a patient's browser gets it, to compare two versions of
the code: `write` draws them into a folder, `compare` shows what changed between two folders,
ignoring whitespace (and the per-response CSRF tokens and nonces).

    .venv/bin/python scripts/page_snapshots.py write var/snapshots/before
    (change the code)
    .venv/bin/python scripts/page_snapshots.py write var/snapshots/after
    .venv/bin/python scripts/page_snapshots.py compare var/snapshots/before var/snapshots/after

`write` builds a fresh SQLite database and media folder in a temporary directory, loads the
demo content and draws the pages at one pinned instant, so two runs differ only by the code.
Besides every page a GET shows, it draws each public form sent with mistakes (every kind of
error message in place) and each demo request's private manage page, with its reference and
link masked. `compare` exits 1 when any page differs."""

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
    "/procedures/which-treatment/?concern=nonsense",
    "/procedures/results/?procedure=no-such-procedure",
    "/consultation/waitlist/",
    "/consultation/waitlist/?procedure=skin-resurfacing",
    "/robots.txt",
    "/sitemap.xml",
    "/no-such-page/",
]

VOLATILE = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'), r"\1…"),
    (re.compile(r'(nonce=")[^"]+'), r"\1…"),
    (re.compile(r'(name="submission_token" value=")[^"]+'), r"\1…"),
]

# Each public form sent with mistakes, so every kind of error is drawn: (name, path, data).
# The form's start is a minute before the pinned instant (a person's pace).
STARTED = "started"
FORM_POSTS = [
    ("booking_empty", "/consultation/", {}),
    (
        "booking_mistakes",
        "/consultation/",
        {
            "procedure": "skin-resurfacing",
            "provider": "any",
            "full_name": "Ann <Lee>",
            "email": "ann@",
            "phone": "",
            "contact_method": "email",
            "message": "Line one\nLine two & <three>",
            "text_reminders": "on",
            "website": "",
            "started": STARTED,
            "submission_token": "00000000-0000-4000-8000-000000000001",
        },
    ),
    ("waitlist_empty", "/consultation/waitlist/", {}),
    (
        "waitlist_mistakes",
        "/consultation/waitlist/",
        {
            "procedure": "skin-resurfacing",
            "provider": "any",
            "weekdays": ["0", "2"],
            "times_of_day": ["morning"],
            "until": "soon",
            "full_name": "Ann Lee",
            "email": "ann@",
            "phone": "601 555 0100",
            "consent": "on",
            "website": "I am a bot",
            "started": STARTED,
            "submission_token": "00000000-0000-4000-8000-000000000002",
        },
    ),
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
        for name, path, data in FORM_POSTS:
            response = client.post(path, started_now(data))
            save(folder, f"POST_{name}.html", f"POST {path}", response)
        for name, path, data, masks in private_pages():
            response = client.post(path, data) if data is not None else client.get(path)
            save(folder, name, f"{'GET' if data is None else 'POST'} {path}", response, masks)
    return 0


def started_now(data: dict) -> dict:
    from bookings.booking.forms import started_token

    if data.get("started") == STARTED:
        return {**data, "started": started_token(PINNED.timestamp() - 60)}
    return data


def private_pages():
    """Each demo request's manage page, and its forms sent empty: (file name, path, POST
    data or None for a GET, {text: mask})."""
    from bookings.messages.links import manage_token
    from bookings.models import ConsultationRequest

    for n, consultation in enumerate(ConsultationRequest.objects.order_by("slot_start", "pk")):
        token = manage_token(consultation)
        masks = {token: "TOKEN", consultation.reference: "REF"}
        path = f"/consultation/manage/{token}/"
        yield f"manage_{n}.html", path, None, masks
        if consultation.takes_photos:
            yield f"manage_{n}_photos_empty.html", path + "photos/", {}, masks
        if consultation.status in ("new", "contacted"):
            yield f"manage_{n}_reschedule_empty.html", path + "reschedule/", {}, masks


def save(folder: Path, name: str, label: str, response, masks=None) -> None:
    body = response.content.decode()
    for text, mask in (masks or {}).items():
        body, label = body.replace(text, mask), label.replace(text, mask)
    (folder / name).write_text(f"{label} {response.status_code}\n" + normalised(body))
    print(f"{response.status_code} {label}")


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
