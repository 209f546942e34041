"""The shipped systemd units (deploy/systemd/) pass `systemd-analyze verify` with nothing to
say, the two services restart on failure, and every scheduled job has a timer."""

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
UNITS = ROOT / "deploy" / "systemd"
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = pytest.mark.skipif(
    not IN_CI and not shutil.which("systemd-analyze"),
    reason="systemd-analyze not found: `apt-get install systemd` (CI installs it)",
)


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(UNITS / name)
    return parser


def verify(folder: Path, names: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["systemd-analyze", "verify", *names],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def installed_here(tmp_path: Path) -> list[str]:
    """The units as installed with the project here instead of /srv/allure, so the programs
    they start exist (verify checks that)."""
    names = []
    for path in sorted(UNITS.glob("allure-*.*")):
        (tmp_path / path.name).write_text(path.read_text().replace("/srv/allure", str(ROOT)))
        names.append(path.name)
    return names


def test_every_unit_verifies_clean(tmp_path):
    names = installed_here(tmp_path)
    assert len(names) >= 12
    result = verify(tmp_path, names)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_a_mistake_in_a_unit_is_reported(tmp_path):
    installed_here(tmp_path)
    web = tmp_path / "allure-web.service"
    web.write_text(web.read_text().replace("Restart=on-failure", "Restart=sometimes"))
    assert "sometimes" in verify(tmp_path, ["allure-web.service"]).stderr


@pytest.mark.parametrize("service", ["allure-web.service", "allure-worker.service"])
def test_the_services_restart_when_they_fail(service):
    assert unit(service)["Service"]["Restart"] == "on-failure"
    assert unit(service)["Service"]["EnvironmentFile"] == "/etc/allure/allure.env"


@pytest.mark.parametrize(
    "command",
    [
        "expire_consents",
        "send_consultation_reminders",
        "flush_counts",
        "anonymise_consultations",
        "backup",
    ],
)
def test_every_scheduled_job_has_a_timer(command):
    timers = {path.stem: unit(path.name) for path in UNITS.glob("allure-*.timer")}
    jobs = {
        name: unit(f"{name}.service")["Service"]["ExecStart"]
        for name in timers
        if (UNITS / f"{name}.service").exists()
    }
    [name] = [name for name, start in jobs.items() if f"manage.py {command}" in start]
    assert timers[name]["Timer"]["OnCalendar"]
    assert timers[name]["Timer"]["Persistent"] == "true"
