"""System checks `manage.py check --deploy` runs on a server (the README's production steps
run it, and expect it clean)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# What age accepts as a recipient: its own public keys and SSH public keys.
AGE_RECIPIENT_PREFIXES = ("age1", "ssh-ed25519 ", "ssh-rsa ")


@register(Tags.security, deploy=True)
def backups_are_encrypted(app_configs, **kwargs):
    """The nightly backup refuses to write a plain archive in production; say so before the
    first night, not in the timer's failed run."""
    recipient = settings.BACKUP_AGE_RECIPIENT.strip()
    if settings.BACKUP_ENCRYPTION_REQUIRED and not recipient:
        return [
            Error(
                "BACKUP_AGE_RECIPIENT is not set: the nightly backup (allure-backup.timer) "
                "refuses to run without it, so there are no backups.",
                hint="Make a key pair with age-keygen on another machine and set "
                "BACKUP_AGE_RECIPIENT to its public key (age1…) in /etc/allure/allure.env; "
                "keep the private key off this server (README, Backups and restore).",
                id="allure.E001",
            )
        ]
    if recipient and not recipient.startswith(AGE_RECIPIENT_PREFIXES):
        return [
            Error(
                "BACKUP_AGE_RECIPIENT is not an age public key (age1…) or SSH public key: "
                "age would refuse it and the nightly backup would fail.",
                id="allure.E002",
            )
        ]
    return []
