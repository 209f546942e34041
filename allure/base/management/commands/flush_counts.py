"""Move the counts waiting in the shared cache to the daily table now (allure/base/counts.py).

The worker does this a minute after the first count following a flush; this command is for
cron, as a backstop when traffic stops before a planned flush ran, and for looking at today's
numbers at once."""

from django.core.management.base import BaseCommand

from allure.base import counts


class Command(BaseCommand):
    help = "Move the visit and request counts waiting in the shared cache to the database."

    def handle(self, *args, **options):
        moved = counts.flush()
        self.stdout.write(f"{moved} counts moved to the daily table.")
