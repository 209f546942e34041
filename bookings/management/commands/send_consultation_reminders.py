"""Queue tomorrow's reminder emails. Safe to run often: each appointment is reminded once.

Run it from cron or a scheduler, e.g. every hour:
    0 * * * *  cd /srv/allure && .venv/bin/python manage.py send_consultation_reminders
The worker (`manage.py db_worker`) sends them.
"""

from django.core.management.base import BaseCommand

from bookings.services import consultation_reminders_queue


class Command(BaseCommand):
    help = "Queue a reminder email for each consultation scheduled tomorrow (once each)."

    def handle(self, *args, **options):
        queued = consultation_reminders_queue()
        self.stdout.write(self.style.SUCCESS(f"Queued {queued} reminder(s)."))
