"""`make backup`: the database, MEDIA_ROOT and PRIVATE_MEDIA_ROOT into one dated archive in
BACKUP_DIR, with its SHA-256; encrypted for BACKUP_AGE_RECIPIENT when set; backups older than
BACKUP_KEEP_DAYS deleted. Run daily by deploy/systemd/allure-backup.timer.

Where BACKUP_ENCRYPTION_REQUIRED (production settings) holds, refuses to write a plain archive:
a plain copy of the database is every patient's details, photos and consent forms to whoever
picks it up, and backups are meant to be copied elsewhere."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from allure.base.operations.backups import BackupError, make_backup

NO_RECIPIENT = (
    "Refusing to write an unencrypted backup: set BACKUP_AGE_RECIPIENT to the age public key "
    "(age1…) the backups are encrypted for, and keep its private key off this server "
    "(see README, Backups and restore)."
)


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive."

    def add_arguments(self, parser):
        parser.add_argument("--to", default=settings.BACKUP_DIR, help="folder for the archive")

    def handle(self, *args, **options):
        if settings.BACKUP_ENCRYPTION_REQUIRED and not settings.BACKUP_AGE_RECIPIENT.strip():
            raise CommandError(NO_RECIPIENT)
        try:
            archive = make_backup(
                Path(options["to"]),
                recipient=settings.BACKUP_AGE_RECIPIENT.strip(),
                keep_days=settings.BACKUP_KEEP_DAYS,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))
