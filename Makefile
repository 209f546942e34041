# Two commands set everything up: `make run` and `make test` (see README.md).
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE ?= allure.settings.dev

.PHONY: run test lint check pytest screenshots lighthouse bench scale-test faults backup restore clean venv

# The environment is rebuilt only when the declared dependencies (or this file) change.
# compileall: with PYTHONDONTWRITEBYTECODE set (as on our machines) nothing caches
# compiled modules, and every `manage.py` start compiled Django and Wagtail anew (~3 s each).
$(VENV)/.installed: pyproject.toml Makefile
	@set -e; py=$$(scripts/find-python); \
	  [ -x $(PY) ] || $$py -m venv $(VENV); \
	  $(PY) -m pip install --quiet --disable-pip-version-check uv; \
	  $(PY) -m uv pip install --quiet --python $(PY) -e ".[dev]"; \
	  $(PY) -m compileall -q -j 0 $(VENV)/lib >/dev/null
	@touch $@

venv: $(VENV)/.installed

# One process prepares the site (manage.py prepare_site: migrate, demo content, retention,
# staff login), then the server and the task worker start; the staff login prints last.
run: venv
	@$(PY) -m compileall -q allure bookings procedures  # see compileall above
	@PORT=$(PORT) scripts/serve-dev

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

check: venv
	DJANGO_SETTINGS_MODULE=allure.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=allure.settings.test $(PY) manage.py makemigrations --check --dry-run

# Two processes (pytest-xdist), one per core: much of the suite waits on browsers, servers
# and services it starts, so two halve the time; TEST_PROCESSES=0 runs in one process.
# `--dist load` hands out tests in pytest-django's order, which puts the tests that really
# commit (and empty the tables after them) last in each process; `loadfile` would not.
# --durations: the slowest tests are named at the end of every run, where time goes is seen.
TEST_PROCESSES ?= 2
pytest: venv
	DJANGO_SETTINGS_MODULE=allure.settings.test $(PY) -m pytest -n $(TEST_PROCESSES) --dist load --durations=15 $(PYTEST_ARGS)

test: lint check pytest

clean:
	rm -rf $(VENV) db.sqlite3 media var

# The database, MEDIA_ROOT and PRIVATE_MEDIA_ROOT into one dated archive in BACKUP_DIR
# (docs/operations.md, Backups); `make restore ARCHIVE=var/backups/allure-….tar.gz` puts them back into an empty site.
backup: venv
	$(PY) manage.py backup

restore: venv
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=path/to/allure-….tar.gz[.age]"; exit 2; }
	$(PY) manage.py restore "$(ARCHIVE)" $(RESTORE_ARGS)

# Lighthouse (mobile) against gunicorn + production settings: home, a procedure, booking.
lighthouse: venv
	$(PY) scripts/lighthouse.py --gate

# Load benchmark: gunicorn + PostgreSQL (+ Redis when REDIS_URL is set), wrk from outside.
bench: venv
	$(PY) scripts/bench.py

# Two app nodes, one PostgreSQL, one Redis, two workers: edits, races, emails, rate limits.
scale-test: venv
	DATABASE_URL=$${DATABASE_URL:-postgres://allure:allure@127.0.0.1:5432/allure} $(PY) scripts/scale_test.py

# Full-page screenshots of every public page type at phone and desktop width (var/screenshots);
# the first screen of the procedure page at both widths goes to docs/screenshots for the README.
screenshots: venv
	DJANGO_SETTINGS_MODULE=allure.settings.test $(PY) -m pytest -q tests/e2e/test_public_pages.py
	mkdir -p docs/screenshots
	cp var/screenshots/procedure-phone-first-screen.png docs/screenshots/procedure-phone.png
	cp var/screenshots/procedure-desktop-first-screen.png docs/screenshots/procedure-desktop.png

# Break Redis, PostgreSQL (DATABASE_URL), SMTP and the worker in turn; print what each cost.
faults: venv
	$(PY) scripts/faults.py
