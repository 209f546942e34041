"""Builds the demo site: idempotent, so `make run` can call it every time.

The top floor: it calls each app's own demo builder, floor by floor, handing each what it
builds on. Anything that already exists is left as it is (an editor's changes survive a
restart); only what is missing is created.
"""

import logging
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from allure.base import demo as clinic_demo
from allure.site import demo as site_demo
from bookings import demo as bookings_demo
from procedures import demo as procedures_demo


class Command(BaseCommand):
    help = "Create the clinic's demo content where it is missing. Safe to run repeatedly."

    def handle(self, *args, **options):
        # Wagtail logs every page it creates; `make run` only needs to hear that all is well.
        wagtail_log = logging.getLogger("wagtail")
        quiet_level = logging.INFO if options["verbosity"] > 1 else logging.WARNING
        previous_level = wagtail_log.level
        wagtail_log.setLevel(quiet_level)
        try:
            self.build()
        finally:
            wagtail_log.setLevel(previous_level)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))

    @transaction.atomic
    def build(self):
        clinic = clinic_demo.load()
        home = site_demo.home()
        clinicians = procedures_demo.clinicians()
        doctor = clinicians[procedures_demo.DOCTOR]
        doctor_page = site_demo.doctor(home, doctor)
        procedures = procedures_demo.load(home=home, doctor=doctor)
        site_demo.feature(home, doctor_page, procedures)
        site_demo.contact_and_standard_pages(home, clinic)
        bookings_demo.load()
        site_demo.visit_counts(procedures)

        # Saving a page only queues its search indexing for the task worker; index the demo
        # now so search works straight after `make run`.
        call_command("update_index", stdout=StringIO())
