"""Everything `make run` does before serving, in one process (issue 26: five `manage.py`
processes one after another took 36 s on a second run; one takes a few).

Migrates, loads the demo content where it is missing, applies retention, drains the
housekeeping tasks the demo queued (so the terminal is not flooded by them once the worker
starts), and makes sure a staff login exists. The login's one-time password and recovery
codes go to `--login-file` (created 0600) so `scripts/serve-dev` can print them after the
server answers, where a person finds them, instead of above hundreds of lines.
"""

import os
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load the demo content, apply retention and ensure the staff login."

    def add_arguments(self, parser):
        parser.add_argument(
            "--login-file",
            help="Write the staff login message here (mode 0600) instead of printing it.",
        )

    def handle(self, *args, login_file: str | None, verbosity: int, **options):
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        self.stdout.write("Database schema is up to date.")
        call_command("load_demo_content", verbosity=verbosity, stdout=self.stdout)
        call_command("anonymise_consultations", verbosity=verbosity, stdout=self.stdout)
        # The demo's pages queue search and reference indexing; run them now, quietly.
        call_command("db_worker", batch=True, queue_name="*", reload=False, verbosity=0)

        login = StringIO()
        call_command("ensure_staff_login", stdout=login)
        if not login_file:
            self.stdout.write(login.getvalue())
            return
        descriptor = os.open(login_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(login.getvalue())
