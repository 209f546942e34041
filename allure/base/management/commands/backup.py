"""`make backup`: the database, MEDIA_ROOT and PRIVATE_MEDIA_ROOT into one dated archive in
BACKUP_DIR, with its SHA-256; encrypted for BACKUP_AGE_RECIPIENT when set; backups older than
BACKUP_KEEP_DAYS deleted. Run daily by deploy/systemd/allure-backup.timer."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from allure.base.backups import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive."

    def add_arguments(self, parser):
        parser.add_argument("--to", default=settings.BACKUP_DIR, help="folder for the archive")

    def handle(self, *args, **options):
        try:
            archive = make_backup(
                Path(options["to"]),
                recipient=settings.BACKUP_AGE_RECIPIENT,
                keep_days=settings.BACKUP_KEEP_DAYS,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))
