"""Retention, run daily from cron or a scheduler, e.g.:
    15 3 * * *  cd /srv/allure && .venv/bin/python manage.py anonymise_consultations

1. Open requests whose time passed long ago are closed as expired (retention.EXPIRE_AFTER_DAYS).
2. Closed requests older than BOOKING_RETENTION_MONTHS lose their personal details, notes
   and task rows.
3. Emails written to files instead of sent (development, `make run`) go after 30 days.
4. Waitlist entries whose last day has passed close as expired; closed entries are deleted
   after WAITLIST_KEEP_CLOSED_DAYS (a booked time lives on as its request).
"""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.retention import (
    EXPIRE_AFTER_DAYS,
    anonymisable_requests,
    consultation_request_anonymise,
    consultation_requests_expire,
    expirable_requests,
)
from bookings.waitlist.services import waitlist_entries_delete_closed, waitlist_entries_expire

MAIL_FILE_DAYS = 30
WAITLIST_KEEP_CLOSED_DAYS = 30
FILE_MAILER = "django.core.mail.backends.filebased.EmailBackend"


def mail_files_to_prune(now: dt.datetime) -> list[Path]:
    mailer = settings.MAILERS["default"]
    if mailer["BACKEND"] != FILE_MAILER:
        return []
    cutoff = (now - dt.timedelta(days=MAIL_FILE_DAYS)).timestamp()
    folder = Path(mailer["OPTIONS"]["file_path"])
    return [f for f in folder.glob("*.log") if f.is_file() and f.stat().st_mtime < cutoff]


class Command(BaseCommand):
    help = (
        "Close long-passed open consultation requests as expired, anonymise closed ones older "
        "than BOOKING_RETENTION_MONTHS, and prune development mail files."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        months = settings.BOOKING_RETENTION_MONTHS
        if dry_run:
            stale = expirable_requests(now=timezone.now()).count()
            due = anonymisable_requests(months=months).count()
            self.stdout.write(
                f"Dry run: {stale} open request(s) would be closed as expired; {due} closed "
                f"request(s) older than {months} months would be anonymised."
            )
            return
        expired = consultation_requests_expire()
        self.stdout.write(
            f"Closed {expired} open request(s) whose time passed over {EXPIRE_AFTER_DAYS} days "
            "ago as expired."
        )
        due = list(anonymisable_requests(months=months))
        for consultation in due:
            consultation_request_anonymise(consultation=consultation)
        self.stdout.write(
            self.style.SUCCESS(
                f"Anonymised {len(due)} closed request(s) older than {months} months."
            )
        )
        ended = waitlist_entries_expire()
        gone = waitlist_entries_delete_closed(days=WAITLIST_KEEP_CLOSED_DAYS)
        self.stdout.write(
            f"Closed {ended} waitlist entr{'y' if ended == 1 else 'ies'} past their last day; "
            f"deleted {gone} row(s) of entries closed over {WAITLIST_KEEP_CLOSED_DAYS} days ago."
        )
        old_mail = mail_files_to_prune(timezone.now())
        for mail_file in old_mail:
            mail_file.unlink(missing_ok=True)
        if old_mail:
            self.stdout.write(
                f"Deleted {len(old_mail)} mail file(s) older than {MAIL_FILE_DAYS} days."
            )
