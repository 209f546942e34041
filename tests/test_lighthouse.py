"""Lighthouse gates (mobile, production settings): a page below them fails the suite.

Targets are 100/100/100 with performance ≥ 95; performance is gated at 90 because it is
noisy on a shared two-core machine. Runs `scripts/lighthouse.py` as `make lighthouse` does.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.lighthouse import GATES, WEIGHT_BUDGET, ensure_lighthouse

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = pytest.mark.skipif(
    not IN_CI and not (shutil.which("npm") and os.path.exists("/usr/bin/chromium")),
    reason="Lighthouse needs npm and /usr/bin/chromium (apt-get install nodejs npm chromium)",
)


@pytest.fixture(scope="module")
def lighthouse(tmp_path_factory):
    # Lighthouse comes from the npm registry (tools/lighthouse, `npm ci`), the same path CI
    # takes. A machine that cannot reach it (no network, a registry refusing) skips these
    # tests with npm's own words; under CI=true that is a failure, as a missing browser is.
    try:
        ensure_lighthouse()
    except (OSError, subprocess.SubprocessError) as error:
        if IN_CI:
            raise
        said = (getattr(error, "stderr", None) or str(error)).strip().splitlines()[-3:]
        pytest.skip(f"Lighthouse could not be installed by `npm ci` in tools/lighthouse: {said}")
    out = tmp_path_factory.mktemp("lighthouse") / "results.json"
    db = tmp_path_factory.mktemp("lighthouse-db") / "site.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    run = subprocess.run(
        [sys.executable, "scripts/lighthouse.py", f"--database-url=sqlite:///{db}", "--json", out],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    print(run.stdout)
    return json.loads(out.read_text())


@pytest.mark.parametrize("page", ["home", "skin resurfacing", "booking"])
def test_page_meets_lighthouse_gates(lighthouse, page):
    scores = lighthouse[page]["scores"]
    below = {c: s for c, s in scores.items() if s < GATES[c]}
    assert not below, f"{page}: {below}; failed audits: {lighthouse[page]['failed']}"


def test_procedure_page_first_load_is_under_200_kb_and_all_from_this_site(lighthouse):
    page = lighthouse["skin resurfacing"]
    assert 0 < page["bytes"] < WEIGHT_BUDGET
    assert page["foreign_requests"] == []
