"""Backups a restore can rely on: the database, the uploaded photos (MEDIA_ROOT) and the
private files such as scanned consent forms (PRIVATE_MEDIA_ROOT), in one dated archive with
its SHA-256 beside it, encrypted with age when a recipient is given (production requires one:
see the `backup` command and allure/base/operations/checks.py).

Sessions are never archived (`django_session` is dumped empty): a session already past the
second factor is as good as a staff member's password and key, and a backup travels to other
machines. After a restore everyone signs in again.

Every file is created 0600 from its first byte (opened with that mode, and the umask tightened
for the tools we run), never made private afterwards: a copy read in between would be whole.

The database is dumped by its own tool: `pg_dump --format=custom` for PostgreSQL (restored by
`pg_restore`), SQLite's online backup API otherwise; both give a consistent copy of a site in
use. A restore goes into an empty database and empty folders, and refuses anything else unless
told to replace it.
"""

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

PREFIX = "allure-"
DATABASE_DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FOLDERS = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}
# Tables whose rows never go into an archive (their definitions do, so a restore has them).
EXCLUDED_TABLES = ("django_session",)
PRIVATE = 0o600


class BackupError(Exception):
    """Why a backup or a restore cannot go ahead; said to the operator as it is."""


# The database ------------------------------------------------------------------------------


def _postgres_command(program: str) -> tuple[list[str], dict]:
    """`program` with the connection of the default database; the password in the
    environment (PGPASSWORD), never on a command line that `ps` shows."""
    db = settings.DATABASES["default"]
    args = [program, "--no-owner", "--no-privileges"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return [*args, "--dbname", db["NAME"]], env


@contextlib.contextmanager
def _private_umask():
    """While it lasts, anything this process or the tools it runs create (pg_dump's, age's and
    SQLite's files, tarfile's, temporary folders) is readable by its owner only. The umask is
    the process's: the backup and restore commands run alone in theirs."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _create_private(path: Path):
    """A new file opened for writing, 0600 from the moment it exists (O_EXCL: never an
    existing file, whatever its mode)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE), "wb")


def _run(args: list[str], env=None, stdout=None) -> None:
    """Run one of the tools; never reading this process's input (age would encrypt it).
    `stdout`: a file the tool writes into (one we created 0600), instead of one it creates."""
    try:
        # The programs and arguments are ours (pg_dump, pg_restore, age), never a visitor's.
        subprocess.run(  # noqa: S603
            args,
            env=env,
            check=True,
            stdout=stdout if stdout is not None else subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError as error:
        raise BackupError(f"{args[0]} is not installed") from error
    except subprocess.CalledProcessError as error:
        said = (
            error.stderr if isinstance(error.stderr, str) else error.stderr.decode(errors="replace")
        )
        raise BackupError(f"{args[0]} failed: {said.strip()}") from error


def _dump_database(target: Path) -> None:
    if connection.vendor == "postgresql":
        args, env = _postgres_command("pg_dump")
        excluded = [f"--exclude-table-data={table}" for table in EXCLUDED_TABLES]
        with _create_private(target) as dump:  # pg_dump writes into our 0600 file
            _run([*args, "--format=custom", *excluded], env, stdout=dump)
    elif connection.vendor == "sqlite":
        _create_private(target).close()  # SQLite keeps the mode of a file that exists
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        copy = sqlite3.connect(target)
        with source, copy:
            source.backup(copy)
        with copy:
            for table in EXCLUDED_TABLES:
                if copy.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [table]).fetchone():
                    copy.execute(f'DELETE FROM "{table}"')  # noqa: S608 (our constant)
        # Deleted rows stay in the file's free pages until it is rebuilt.
        copy.execute("VACUUM")
        source.close()
        copy.close()
    else:
        raise BackupError(f"no backup for a {connection.vendor} database")


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


def _load_database(dump: Path, replace: bool) -> None:
    if connection.vendor == "postgresql":
        args, env = _postgres_command("pg_restore")
        if replace:
            args += ["--clean", "--if-exists"]
        _run([*args, "--exit-on-error", "--single-transaction", str(dump)], env)
    else:
        connection.close()
        source = sqlite3.connect(dump)
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        with source, target:
            source.backup(target)
        source.close()
        target.close()
    connection.close()  # the next query sees the restored database


# Archives ----------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _folder(setting: str) -> Path:
    return Path(getattr(settings, setting))


def _files_in(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file()) if folder.exists() else 0


def make_backup(folder: Path, recipient: str = "", keep_days: int | None = None) -> Path:
    """Write one archive into `folder` and its `.sha256`; returns the archive's path. With
    `recipient` (an age public key) only the encrypted archive is written. Backups older
    than `keep_days` in `folder` are deleted afterwards."""
    with _private_umask():
        final = _write_archive(folder, recipient)
    if keep_days is not None:
        prune(folder, keep_days)
    return final


def _write_archive(folder: Path, recipient: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = f"{PREFIX}{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(dir=folder) as scratch:  # 0700
        scratch = Path(scratch)
        dump = scratch / DATABASE_DUMP.get(connection.vendor, "database")
        _dump_database(dump)
        manifest = {
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "files": {part: _files_in(_folder(setting)) for part, setting in FOLDERS.items()},
            "excluded": list(EXCLUDED_TABLES),
        }
        with _create_private(scratch / "manifest.json") as file:
            file.write(json.dumps(manifest, indent=2).encode())
        plain = scratch / name
        with _create_private(plain) as file, tarfile.open(fileobj=file, mode="w:gz") as archive:
            archive.add(scratch / "manifest.json", "manifest.json")
            archive.add(dump, dump.name)
            for part, setting in FOLDERS.items():
                if _folder(setting).exists():
                    archive.add(_folder(setting), part)
        if recipient:
            name += ".age"
            with _create_private(scratch / name) as encrypted:
                _run(["age", "--encrypt", "--recipient", recipient, str(plain)], stdout=encrypted)
            plain.unlink()
        final = folder / name
        (scratch / name).replace(final)  # a rename: the same 0600 file, never a copy
    with _create_private(final.with_name(name + ".sha256")) as file:
        file.write(f"{sha256_of(final)}  {name}\n".encode())
    return final


def prune(folder: Path, keep_days: int) -> list[Path]:
    """Delete the backups (and their checksums) made more than `keep_days` days ago."""
    cutoff = timezone.now() - dt.timedelta(days=keep_days)
    gone = []
    for archive in folder.glob(f"{PREFIX}*.tar.gz*"):
        if archive.name.endswith(".sha256"):
            continue
        made = dt.datetime.fromtimestamp(archive.stat().st_mtime, tz=dt.UTC)
        if made < cutoff:
            archive.unlink()
            archive.with_name(archive.name + ".sha256").unlink(missing_ok=True)
            gone.append(archive)
    return gone


def _checked(archive: Path) -> None:
    checksum = archive.with_name(archive.name + ".sha256")
    if not checksum.exists():
        raise BackupError(f"{checksum.name} is missing: cannot tell the archive is whole")
    expected = checksum.read_text().split()[0]
    if sha256_of(archive) != expected:
        raise BackupError(f"{archive.name} does not match its checksum: it is damaged")


def restore_backup(archive: Path, identity: str = "", replace: bool = False) -> dict:
    """Put the database and both folders back from `archive`. Refuses a database or folder
    that holds anything unless `replace`. Returns the archive's manifest."""
    _checked(archive)
    if not replace:
        if not database_is_empty():
            raise BackupError("the database is not empty: restore into an empty one, or replace")
        for setting in FOLDERS.values():
            if _files_in(_folder(setting)):
                raise BackupError(f"{setting} ({_folder(setting)}) is not empty")
    with tempfile.TemporaryDirectory() as scratch:  # 0700
        scratch = Path(scratch)
        plain = archive
        if archive.name.endswith(".age"):
            if not identity:
                raise BackupError("the archive is encrypted: give the age identity (key) file")
            plain = scratch / archive.name.removesuffix(".age")
            with _create_private(plain) as decrypted:  # the whole database, in the clear
                _run(["age", "--decrypt", "--identity", identity, str(archive)], stdout=decrypted)
        with tarfile.open(plain) as opened:
            opened.extractall(scratch / "contents", filter="data")  # no paths outside it
        contents = scratch / "contents"
        manifest = json.loads((contents / "manifest.json").read_text())
        if manifest["database"] != connection.vendor:
            raise BackupError(
                f"the backup is of a {manifest['database']} database, this is {connection.vendor}"
            )
        _load_database(contents / DATABASE_DUMP[connection.vendor], replace)
        for part, setting in FOLDERS.items():
            target = _folder(setting)
            if replace and target.exists():
                shutil.rmtree(target)
            if (contents / part).exists():
                shutil.copytree(contents / part, target, dirs_exist_ok=True)
    return manifest
