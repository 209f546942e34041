"""`make run` as a newcomer meets it (issue 26): one command prepares the site, the staff
login reaches a file only its owner can read (the server prints it once it answers), and the
terminal says each thing once."""

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

ROOT = Path(__file__).resolve().parents[2]


# The worker that prepare_site runs to drain the demo's queued tasks closes its database
# connections when it is done, as a worker does: this test needs real commits.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_prepare_site_builds_the_site_keeps_the_login_for_its_owner_and_is_repeatable(tmp_path):
    first_file, second_file = tmp_path / "first.txt", tmp_path / "second.txt"
    call_command("prepare_site", login_file=str(first_file), verbosity=0)

    assert Page.objects.filter(depth__gt=1).live().count() > 5
    assert stat.S_IMODE(first_file.stat().st_mode) == 0o600
    first = first_file.read_text()
    password = re.search(r"password '([^']+)'", first).group(1)
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert len(re.findall(r"\b[a-z2-7]{8}\b", first.split("codes:")[1])) == 5

    pages = Page.objects.count()
    call_command("prepare_site", login_file=str(second_file), verbosity=0)
    assert Page.objects.count() == pages
    again = second_file.read_text()
    assert "Staff login: user 'admin'" in again
    assert "password '" not in again


def run_in_dev_settings(code: str) -> str:
    """What a `make run` process prints for `code`: dev settings, as the terminal sees it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "allure.settings.dev"}
    env.pop("LOG_LEVEL", None)
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout + done.stderr


def test_a_task_state_and_a_reloader_line_are_printed_once_and_the_lockout_banner_not_at_all():
    printed = run_in_dev_settings(
        "import logging;"
        "logging.getLogger('django.tasks').info('Task id=1 state=RUNNING');"
        "logging.getLogger('django.utils.autoreload').info('Watching for file changes');"
        "logging.getLogger('bookings.tasks').warning('Email not sent')"
    )
    assert printed.count("Task id=1 state=RUNNING") == 1
    assert printed.count("Watching for file changes") == 1
    assert printed.count("Email not sent") == 1  # our own loggers still reach the terminal
    assert "AXES: BEGIN" not in printed
