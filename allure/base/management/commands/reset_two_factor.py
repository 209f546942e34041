"""A colleague lost their phone: remove their authenticator app and print recovery codes to
hand over in person. They set up the new phone at their next sign-in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from allure.base.signin import two_factor


class Command(BaseCommand):
    help = "Reset a staff member's two-factor sign-in and print new one-time recovery codes."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No staff account is called “{username}”.")
        codes = two_factor.reset(user, by=None)
        self.stdout.write(f"Two-factor sign-in for '{username}' reset. Recovery codes, each once:")
        for code in codes:
            self.stdout.write(f"  {code}")
