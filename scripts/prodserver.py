"""Serve the site as production does (gunicorn, production settings, DEBUG off, compressed
and hashed static files) on this machine, for Lighthouse, the load benchmark and the tests
of what stands in front of it (Varnish) and beside it (the task worker)."""

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "allure.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),  # a throwaway key for this run only
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
        # No SMTP, no https SITE_URL, several workers without Redis: fine on loopback only.
        "ALLURE_LOCAL_RUN": "true",
        "SERVE_MEDIA": "true",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(VAR / "prod-static"),
        "MEDIA_ROOT": str(VAR / "prod-media"),
        "EMAIL_FILE_PATH": str(VAR / "prod-mail"),
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def fresh_database(url: str) -> None:
    """Every run starts from an empty PostgreSQL database: the same demo content, no earlier
    bookings."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def scratch_database(name: str) -> str:
    """An empty database for one run: on the PostgreSQL of DATABASE_URL when that is one,
    else a new SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        url = f"{url.rsplit('/', 1)[0]}/{name}"
        fresh_database(url)
        return url
    return f"sqlite:///{tempfile.mkdtemp(prefix='allure-')}/{name}.sqlite3"


def prepare(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_demo_content", "-v0")


def wait_for(url: str, seconds: float = 60) -> None:
    """Until `url` answers. A first request can take seconds on a busy machine (imports,
    templates): waiting for it beats piling up new ones."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=20)  # noqa: S310 (loopback)
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@dataclass
class Server:
    url: str
    process: subprocess.Popen

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn's master and workers (user + system)."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids += [int(pid) for pid in children.read_text().split()]
        ticks = 0
        for pid in pids:
            with contextlib.suppress(OSError):  # a worker that was just replaced
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int = 3):
    port = free_port()
    server = Server(
        f"http://127.0.0.1:{port}",
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "allure.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        ),
    )
    try:
        wait_for(server.url + "/robots.txt")
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def task_worker(env: dict[str, str]):
    """`manage.py db_worker`, as production runs it beside gunicorn."""
    process = subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextlib.contextmanager
def varnish(backend_url: str):
    """Varnish with the project's VCL (deploy/varnish/allure.vcl) in front of `backend_url`."""
    workdir = Path(tempfile.mkdtemp(prefix="allure-varnish-"))
    workdir.chmod(0o755)  # varnishd reads the VCL as its own unprivileged user
    backend_port = backend_url.rsplit(":", 1)[1]
    vcl = (ROOT / "deploy" / "varnish" / "allure.vcl").read_text()
    (workdir / "allure.vcl").write_text(vcl.replace('.port = "8000"', f'.port = "{backend_port}"'))
    port, admin_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            "varnishd",
            "-F",
            "-a",
            f"127.0.0.1:{port}",
            "-T",
            f"127.0.0.1:{admin_port}",
            "-f",
            str(workdir / "allure.vcl"),
            "-s",
            "malloc,64m",
            "-n",
            str(workdir / "state"),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/robots.txt")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def production_server(database_url: str, workers: int = 3, **extra: str):
    """Prepare the database and static files, start gunicorn, yield it (a `Server`)."""
    env = production_env(database_url, **extra)
    prepare(env)
    with gunicorn(env, workers) as server:
        yield server
