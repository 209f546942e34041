"""Serve the site as production does (gunicorn, production settings, DEBUG off, compressed
and hashed static files) on this machine, for Lighthouse and the load benchmark."""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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


@contextlib.contextmanager
def production_server(database_url: str, workers: int = 3, **extra: str):
    """Prepare the database and static files, start gunicorn, yield its base URL."""
    env = production_env(database_url, **extra)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_demo_content", "-v0")
    port = free_port()
    server = subprocess.Popen(
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
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base_url + "/", timeout=2)  # noqa: S310 (loopback)
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer within 20 s")
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)
