"""Backups at rest (issue 28): no sign-ins inside an archive, every file private from its first
byte, and no plain archive on a server. The restore drill (tests/faults/test_restore_drill.py)
restores an encrypted one."""

import os
import sqlite3
import stat
import subprocess
import tarfile
import threading
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from allure.base.operations.backups import make_backup

# The dump tools read committed rows, from their own connections.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    (tmp_path / "media" / "original_images").mkdir(parents=True)
    # Big enough that writing and hashing the archive takes a while to watch.
    (tmp_path / "media" / "original_images" / "photo.jpg").write_bytes(os.urandom(8 << 20))
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "scan.pdf").write_bytes(b"%PDF-1.4 consent scan")
    return tmp_path


@pytest.fixture
def signed_in_session():
    """A staff member's live session: the row a stolen archive must not hold."""
    client = Client()
    client.force_login(User.objects.create_user("desk", "desk@example.com", "pw"))
    key = client.cookies["sessionid"].value
    assert connection.introspection.table_names()  # the database exists and holds it
    return key


def dumped_session_rows(dump: Path, session_key: str) -> tuple[int, bool]:
    """How many rows the archived database has in django_session, and whether the session
    key appears anywhere in the dump's bytes (deleted rows linger in free pages)."""
    if connection.vendor == "sqlite":
        with sqlite3.connect(dump) as db:
            rows = db.execute("SELECT count(*) FROM django_session").fetchone()[0]
        return rows, session_key.encode() in dump.read_bytes()
    sql = subprocess.run(
        ["pg_restore", "--data-only", "--file", "-", str(dump)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # The table's data block: "COPY public.django_session ... FROM stdin;", rows, then "\.".
    block = sql.split("COPY public.django_session", 1)
    rows = block[1].split("\n\\.", 1)[0].strip().splitlines()[1:] if len(block) > 1 else []
    return len(rows), session_key in sql


def test_a_plain_archive_holds_no_sign_in(folders, signed_in_session):
    archive = make_backup(folders / "backups")  # no recipient: forced plain, as in tests only
    assert archive.name.endswith(".tar.gz")
    with tarfile.open(archive) as opened:
        names = opened.getnames()
        dump_name = next(n for n in names if n.startswith("database."))
        opened.extract(dump_name, folders / "listed", filter="data")
    assert "private/scan.pdf" in names  # the rest of the site is in it
    rows, key_inside = dumped_session_rows(folders / "listed" / dump_name, signed_in_session)
    assert rows == 0
    assert not key_inside
    # The sessions were only left out of the archive, not signed out of the running site.
    from django.contrib.sessions.models import Session

    assert Session.objects.filter(session_key=signed_in_session).exists()


def test_every_file_a_backup_writes_is_private_at_every_moment(folders):
    """With the most permissive umask, a watcher lists the backup folder as fast as it can
    while the backup runs: every file it ever sees is 0600 (every folder 0700), so no copy
    taken half-way through could be read by another user."""
    backups = folders / "backups"
    backups.mkdir()
    seen: dict[str, set[int]] = {}
    done = threading.Event()

    def watch():
        while not done.is_set():
            for path in backups.rglob("*"):
                try:
                    mode = stat.S_IMODE(path.lstat().st_mode)
                except FileNotFoundError:
                    continue  # the temporary files go away
                seen.setdefault(str(path.relative_to(backups)), set()).add(mode)

    watcher = threading.Thread(target=watch)
    previous = os.umask(0)
    try:
        watcher.start()
        archive = make_backup(backups)
    finally:
        done.set()
        watcher.join()
        os.umask(previous)

    files = {name: modes for name, modes in seen.items() if "." in Path(name).name}
    assert any(name.startswith("tmp") and name.endswith(".tar.gz") for name in files), seen
    wrong = {
        name: sorted(oct(m) for m in modes)
        for name, modes in seen.items()
        if modes - {0o600, 0o700}
    }
    assert wrong == {}
    for written in (archive, archive.with_name(archive.name + ".sha256")):
        assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_production_refuses_a_plain_backup_with_a_clear_message(folders, settings):
    settings.BACKUP_ENCRYPTION_REQUIRED = True  # as production settings set it
    settings.BACKUP_AGE_RECIPIENT = ""
    settings.BACKUP_DIR = folders / "backups"
    with pytest.raises(
        CommandError, match="Refusing to write an unencrypted backup: set BACKUP_AGE_RECIPIENT"
    ):
        call_command("backup")
    assert not (folders / "backups").exists() or not any((folders / "backups").iterdir())
    # ... and the deployment checklist says so before the first night.
    errors = [e for e in run_checks(include_deployment_checks=True) if e.id == "allure.E001"]
    assert len(errors) == 1
    assert "refuses to run" in errors[0].msg

    settings.BACKUP_AGE_RECIPIENT = "not-a-key"
    assert [
        e.id for e in run_checks(include_deployment_checks=True) if e.id.startswith("allure.E00")
    ] == ["allure.E002"]


def test_the_checklist_wants_the_backup_key_kept_apart(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_AGE_RECIPIENT = "age1rmnxft8aucznvvkwu73j7nm53rk9a4hnjdqcspec5tm0guey5aeqan66pa"
    settings.BACKUP_ENCRYPTION_REQUIRED = True

    def ours():
        found = run_checks(include_deployment_checks=True)
        return [e.id for e in found if e.id.startswith("allure.")]

    assert ours() == []
    settings.BACKUP_AGE_IDENTITY = str(tmp_path / "backups" / "key.txt")
    assert ours() == ["allure.E003"]
    settings.BACKUP_AGE_IDENTITY = str(tmp_path / "elsewhere" / "key.txt")
    assert ours() == ["allure.W003"]
