"""System checks `manage.py check --deploy` runs on a server (the README's production steps
run it, and expect it clean)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

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


@register(Tags.security, deploy=True)
def backup_key_is_kept_apart(app_configs, **kwargs):
    """The identity (private key) decrypts every archive: beside them, encryption protects
    nothing; on the server at all, whoever takes the server takes the backups too."""
    identity = settings.BACKUP_AGE_IDENTITY.strip()
    if not identity:
        return []
    folder = Path(settings.BACKUP_DIR).resolve()
    if Path(identity).resolve().is_relative_to(folder):
        return [
            Error(
                "BACKUP_AGE_IDENTITY is inside BACKUP_DIR: the key that decrypts the backups "
                "would travel with every copy of them.",
                hint="Keep the identity file off this server; bring it only for a restore.",
                id="allure.E003",
            )
        ]
    if settings.BACKUP_ENCRYPTION_REQUIRED:
        return [
            Warning(
                "BACKUP_AGE_IDENTITY is set on this server: keep the private key elsewhere "
                "and give it only to a restore (manage.py restore --identity FILE).",
                id="allure.W003",
            )
        ]
    return []
