"""`make faults`: break each real part in turn (Redis, PostgreSQL, SMTP, the task worker),
with the fault tests in tests/faults, and print what patients and staff saw, what was lost
and how recovery went. Set DATABASE_URL to a PostgreSQL server for the PostgreSQL rows
(on SQLite they are skipped and the table says so)."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ("fault", "patient", "staff", "lost", "recovery")


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        table = Path(scratch) / "faults.jsonl"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "allure.settings.test",
            "FAULTS_TABLE": str(table),
        }
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-m", "faults", "tests/faults"],
            cwd=ROOT,
            env=env,
            check=False,
        )
        rows = (
            [json.loads(line) for line in table.read_text().splitlines()] if table.exists() else []
        )
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        rows.append(
            {
                "fault": "PostgreSQL unreachable / back",
                "patient": "(not run: set DATABASE_URL to PostgreSQL)",
                "staff": "",
                "lost": "",
                "recovery": "",
            }
        )
    print()
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for row in rows:
        print("| " + " | ".join(row[column] for column in COLUMNS) + " |")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
