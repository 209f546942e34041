"""Local development: `make run`. Never used in production."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = True
# A per-checkout key kept out of the repo, so no secret is ever committed.
_key_file = BASE_DIR / "var" / "dev-secret-key"
if not os.environ.get("SECRET_KEY"):
    _key_file.parent.mkdir(exist_ok=True)
    if not _key_file.exists():
        import secrets

        _key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _key_file.read_text().strip()
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Plain static storage: no collectstatic step needed while developing.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
