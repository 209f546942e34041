"""Read by gunicorn when it starts in this folder (as the production command in
docs/operations.md does).

Several worker processes share nothing in memory: without Redis (REDIS_URL) each one would
keep its own page cache, rate limits and lockouts, so a patient could post ten times per
worker and a published change could linger. Refuse, unless this is a local run.
"""

import os


def on_starting(server):
    production = os.environ.get("DJANGO_SETTINGS_MODULE") == "allure.settings.production"
    local_run = os.environ.get("ALLURE_LOCAL_RUN", "").lower() == "true"
    if production and server.cfg.workers > 1 and not os.environ.get("REDIS_URL") and not local_run:
        raise SystemExit(
            f"{server.cfg.workers} gunicorn workers need a shared cache: set REDIS_URL "
            "(see docs/operations.md, Production)."
        )
