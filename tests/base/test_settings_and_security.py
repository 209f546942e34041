"""Production refuses to start half-configured; the admin keeps working under the CSP."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from allure.base.security import admin_policy


def import_production_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    return subprocess.run(
        [sys.executable, "-c", "import allure.settings.production"],
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


def test_production_settings_load_when_configured():
    result = import_production_settings(SECRET_KEY="x" * 50, ALLOWED_HOSTS="allureplastics.com")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_public_pages_get_the_strict_policy(client):
    policy = client.get("/robots.txt")["Content-Security-Policy"]
    assert "script-src 'self';" in policy + ";"
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_the_admin_allows_its_own_inline_scripts_and_nothing_else_more(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy


def test_the_admin_policy_keeps_the_site_wide_directives():
    policy = admin_policy()
    assert set(policy) == set(settings.SECURE_CSP)
    assert policy["default-src"] == settings.SECURE_CSP["default-src"]
