"""Queue the reminders that are due: two days before and on the morning of each scheduled
consultation, by email, and by text for patients who agreed to texts. Only between 08:00
and 20:00 clinic time. Safe to run as often as you like, and from several machines at once:
each appointment time is reminded once per stage, and each phone number texted once a day.

Run it from cron every few minutes, e.g.
    */5 * * * *  cd /srv/allure && .venv/bin/python manage.py send_consultation_reminders
The worker (`manage.py db_worker`) sends them.
"""

from django.core.management.base import BaseCommand

from bookings.workflow.reminders import consultation_reminders_queue


class Command(BaseCommand):
    help = "Queue the reminders due now (two days before, and on the morning), once each."

    def handle(self, *args, **options):
        queued = consultation_reminders_queue()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Queued {queued} reminder(s)."))
