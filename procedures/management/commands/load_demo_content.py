"""Builds the demo site: idempotent, so `make run` can call it every time."""

from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Page, Site

from allure.models import HomePage


class Command(BaseCommand):
    help = "Create or update the clinic's demo content. Safe to run repeatedly."

    @transaction.atomic
    def handle(self, *args, **options):
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(instance=HomePage(title="Allure Plastics", slug="home-allure"))
            site = Site.objects.filter(is_default_site=True).first()
            old_home = site.root_page if site else None
            Site.objects.update_or_create(
                is_default_site=True,
                defaults={
                    "hostname": "localhost",
                    "port": 80,
                    "root_page": home,
                    "site_name": "Allure Plastics",
                },
            )
            if old_home and old_home.specific_class is Page:
                old_home.delete()
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
