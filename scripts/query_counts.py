"""Print the SQL queries each public page costs when nothing is cached (JSON on stdout).

Run by scripts/bench.py in the production environment it prepared."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

counts = {}
for path in sys.argv[1:]:
    client = Client()
    client.get(path)  # warm per-process caches (site root paths, settings) as a server has
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    counts[path] = {"status": status, "queries": len(queries)}
print(json.dumps(counts))
