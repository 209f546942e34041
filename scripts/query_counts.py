"""Print the SQL queries each public page costs without the page cache (JSON on stdout):
`queries` with the shared fragments warm, as most uncached visits find them, and `cold` with
every cache cleared, as the first visit after a content change finds them.

Run by scripts/bench.py in the production environment it prepared."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

counts = {}
for path in sys.argv[1:]:
    client = Client()
    client.get(path)  # warm per-process caches (site root paths, settings) as a server has
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(path)
    counts[path] = {"status": status, "queries": len(queries), "cold": len(cold)}
print(json.dumps(counts))
