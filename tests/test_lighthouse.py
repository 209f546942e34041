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


@pytest.fixture
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


# One test, not one per page: each test process that ran one would build its own site and run
# Lighthouse again (two minutes each on this machine).
def test_every_page_meets_the_gates_and_the_procedure_page_is_light(lighthouse):
    below = {}
    for page in ("home", "skin resurfacing", "booking"):
        scores = lighthouse[page]["scores"]
        if failing := {c: s for c, s in scores.items() if s < GATES[c]}:
            below[page] = (failing, lighthouse[page]["failed"])
    assert not below, f"below the gates (scores, failed audits): {below}"

    procedure = lighthouse["skin resurfacing"]
    assert 0 < procedure["bytes"] < WEIGHT_BUDGET  # first load under 200 kB
    assert procedure["foreign_requests"] == []  # everything from this site
