"""`make restore ARCHIVE=…`: put back the database, MEDIA_ROOT and PRIVATE_MEDIA_ROOT from a
backup, into an empty database and empty folders (`--replace` to overwrite what is there),
then apply the retention rule (anonymise_consultations): an old backup must not bring back
personal details that have since passed BOOKING_RETENTION_MONTHS."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from allure.base.operations.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="an allure-….tar.gz or .tar.gz.age file")
        parser.add_argument(
            "--identity",
            default=settings.BACKUP_AGE_IDENTITY,
            help="the age identity (private key) file, for an encrypted archive",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="overwrite a database and folders that are not empty",
        )

    def handle(self, *args, **options):
        try:
            manifest = restore_backup(
                Path(options["archive"]), options["identity"], options["replace"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        call_command("anonymise_consultations", verbosity=0)
        self.stdout.write(f"Restored the backup made {manifest['created']}.")
        # Backups never hold sessions (allure/base/operations/backups.py): nobody is signed in
        # any more.
        self.stdout.write(
            "Sign-ins are not kept in backups: everyone, staff included, must sign in again."
        )
