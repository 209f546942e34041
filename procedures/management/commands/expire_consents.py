"""Take photo pairs off the site once their consent's last day has passed.

Run it from cron or a scheduler every minute, so a pair leaves every page (and the caches in
front) within a minute of midnight on the day after its consent's last day:
    * * * * *  cd /srv/allure && .venv/bin/python manage.py expire_consents
It reads one short list when nothing has expired. Pages already hide such pairs from the
moment the date passes; this makes it permanent, purges the caches and deletes the resized
photos.
"""

from django.core.management.base import BaseCommand
from django.utils.timezone import localdate

from procedures.services import consents_expire


class Command(BaseCommand):
    help = "Mark consents past their expiry date as expired and take their photo pairs down."

    def handle(self, *args, **options):
        expired = consents_expire(today=localdate())
        if options["verbosity"] == 0:
            return
        references = ", ".join(consent.booking_reference for consent in expired) or "none"
        self.stdout.write(self.style.SUCCESS(f"Expired {len(expired)} consent(s): {references}."))
