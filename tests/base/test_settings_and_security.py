"""Production refuses to start half-configured; the admin keeps working under the CSP."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PRODUCTION_ENV = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "EMAIL_HOST",
    "SITE_URL",
    "REDIS_URL",
    "ALLURE_LOCAL_RUN",
    "SECURE_SSL_REDIRECT",
    "BOOKING_CLIENT_IP_HEADER",
    "BOOKING_TRUSTED_PROXIES",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests, never on a server
    "SMS_BACKEND",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM_NUMBER",
    "TWILIO_API_BASE_URL",
    "BACKUP_AGE_RECIPIENT",
)
# What a real server sets; each test takes one thing away or changes it.
CONFIGURED = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "allureplastics.com",
    "EMAIL_HOST": "smtp.example.com",
    "SITE_URL": "https://allureplastics.com",
    # An age public key (made with age-keygen): production backups are encrypted for it.
    "BACKUP_AGE_RECIPIENT": "age1rmnxft8aucznvvkwu73j7nm53rk9a4hnjdqcspec5tm0guey5aeqan66pa",
}


def import_production_settings(code="import allure.settings.production", **env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": "allureplastics.com"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
    ],
)
def test_production_settings_refuse_to_start_without_secrets(env, missing):
    result = import_production_settings(**env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


TWILIO = {
    "SMS_BACKEND": "allure.base.operations.sms.TwilioBackend",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "t" * 32,
    "TWILIO_FROM_NUMBER": "+16015550100",
}


@pytest.mark.parametrize(
    "missing", ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER"]
)
def test_production_refuses_the_twilio_backend_without_its_secrets(missing):
    result = import_production_settings(**CONFIGURED, **{**TWILIO, missing: " "})
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_loads_with_the_twilio_backend_configured_and_refuses_plain_http():
    assert import_production_settings(**CONFIGURED, **TWILIO).returncode == 0
    plain = import_production_settings(
        **CONFIGURED, **TWILIO, TWILIO_API_BASE_URL="http://api.twilio.com"
    )
    assert plain.returncode != 0 and "TWILIO_API_BASE_URL must be an https://" in plain.stderr


def test_production_settings_load_when_configured():
    result = import_production_settings(**CONFIGURED)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"EMAIL_HOST": ""}, "EMAIL_HOST must be set"),
        ({"SITE_URL": "http://allureplastics.com"}, "SITE_URL must be an https:// address"),
        (
            {"BOOKING_TRUSTED_PROXIES": "1"},
            "BOOKING_TRUSTED_PROXIES is set but BOOKING_CLIENT_IP_HEADER is not",
        ),
        (
            {"BOOKING_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR"},
            "BOOKING_CLIENT_IP_HEADER is set but BOOKING_TRUSTED_PROXIES is not",
        ),
    ],
)
def test_production_refuses_settings_that_put_patients_at_risk(change, complaint):
    result = import_production_settings(**{**CONFIGURED, **change})
    assert result.returncode != 0
    assert complaint in result.stderr


def test_a_local_run_may_skip_smtp_and_https_but_never_the_proxy_rule():
    local = {**CONFIGURED, "EMAIL_HOST": "", "SITE_URL": "http://127.0.0.1:8000"}
    assert import_production_settings(**local).returncode != 0
    assert import_production_settings(**local, ALLURE_LOCAL_RUN="true").returncode == 0
    behind_proxy = import_production_settings(
        **local, ALLURE_LOCAL_RUN="true", BOOKING_TRUSTED_PROXIES="1"
    )
    assert behind_proxy.returncode != 0


def test_cookies_are_secure_even_when_tls_ends_in_front_of_the_site():
    code = (
        "import allure.settings.production as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = import_production_settings(code, **CONFIGURED, SECURE_SSL_REDIRECT="false")
    assert result.stdout.split() == ["True", "True"], result.stderr


def test_the_deployment_checklist_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            **{k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV},
            **CONFIGURED,
            "DJANGO_SETTINGS_MODULE": "allure.settings.production",
            "SECRET_KEY": "a-long-random-production-key-" + "k9Xq2" * 10,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checklist_fails_without_a_backup_key():
    """A server without BACKUP_AGE_RECIPIENT has no backups (the command refuses to write a
    plain one): `check --deploy` fails and says what to set."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env={
            **{k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV},
            **CONFIGURED,
            "BACKUP_AGE_RECIPIENT": "",
            "DJANGO_SETTINGS_MODULE": "allure.settings.production",
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "allure.E001" in result.stderr
    assert "BACKUP_AGE_RECIPIENT is not set" in result.stderr


def gunicorn(workers: int, **env) -> subprocess.Popen:
    """gunicorn started as docs/operations.md's production section says, on a free port."""
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "allure.wsgi", "--workers", str(workers)]
        + ["--bind", "127.0.0.1:0"],
        env={
            **{k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV},
            **CONFIGURED,
            "DJANGO_SETTINGS_MODULE": "allure.settings.production",
            **env,
        },
        cwd=settings.BASE_DIR,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_several_gunicorn_workers_without_a_shared_cache_are_refused():
    server = gunicorn(2)
    _, stderr = server.communicate(timeout=60)
    assert server.returncode != 0
    assert "2 gunicorn workers need a shared cache: set REDIS_URL" in stderr


@pytest.mark.parametrize(
    "env", [{"REDIS_URL": "redis://127.0.0.1:1/0"}, {"ALLURE_LOCAL_RUN": "true"}]
)
def test_several_workers_start_with_redis_or_on_a_local_run(env):
    server = gunicorn(2, **env)
    try:
        for line in server.stderr:
            if "Booting worker" in line:
                break
        assert server.poll() is None, "gunicorn stopped"
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:  # workers still booting on a busy machine
            server.kill()
            server.wait()
