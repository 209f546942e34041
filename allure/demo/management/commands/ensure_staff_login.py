"""Makes sure a staff login exists for `make run`; prints a generated password and a few
one-time recovery codes once, so a newcomer signs in without an authenticator app (and is
offered to set one up on that first sign-in)."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from allure.base.signin import two_factor

NEWCOMER_RECOVERY_CODES = 5


class Command(BaseCommand):
    help = "Create the 'admin' superuser with a generated password if no superuser exists."

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "Staff login: user 'admin'; its password was shown on the first `make run`\n"
                "(reset it with `manage.py changepassword admin` and "
                "`manage.py reset_two_factor admin`)."
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser("admin", "admin@example.com", password)
        codes = two_factor.new_recovery_codes(user, count=NEWCOMER_RECOVERY_CODES)
        self.stdout.write(
            self.style.SUCCESS(
                f"Staff login, shown only this once: user 'admin', password '{password}'.\n"
                f"Second step: one of these one-time recovery codes: {', '.join(codes)}\n"
                "Then set up an authenticator app when offered."
            )
        )
