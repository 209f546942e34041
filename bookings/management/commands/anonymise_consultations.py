"""Blank the personal details of closed consultation requests past the retention period.

Run it daily from cron or a scheduler, e.g.:
    15 3 * * *  cd /srv/allure && .venv/bin/python manage.py anonymise_consultations
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from bookings.services import anonymisable_requests, consultation_request_anonymise


class Command(BaseCommand):
    help = "Anonymise closed consultation requests older than BOOKING_RETENTION_MONTHS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        months = settings.BOOKING_RETENTION_MONTHS
        due = list(anonymisable_requests(months=months))
        if dry_run:
            self.stdout.write(
                f"Dry run: {len(due)} closed request(s) older than {months} months "
                "would be anonymised."
            )
            return
        for consultation in due:
            consultation_request_anonymise(consultation=consultation)
        self.stdout.write(
            self.style.SUCCESS(
                f"Anonymised {len(due)} closed request(s) older than {months} months."
            )
        )
