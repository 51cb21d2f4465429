# Kiểm điểm. `make run` starts the embedded demo; `make test` runs everything. See README.md.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PY := $(UV) run --frozen python

# The embedded default of `make run`: SQLite under var/, Celery tasks in-process, on PORT (8000
# unless `make run PORT=8010`). The links printed in documents (SITE_URL) follow the port unless
# SITE_URL is set.
PORT ?= 8000
RUN_ENV := DEBUG=true OTP_REQUIRED=false DATABASE_URL=$${RUN_DATABASE_URL:-sqlite:///var/kiemdiem.sqlite3} REDIS_URL= \
	CELERY_BROKER_URL= CELERY_TASK_ALWAYS_EAGER=true SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false \
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}

# `make test`: PostgreSQL and Redis at their local defaults unless the environment says otherwise.
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kiemdiem
export REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: help uv deps run serve test test-fast test-dates lint format bench system-deps vnu services migrations-check messages

help:
	@echo "make run    - start the demo on http://127.0.0.1:8000 (SQLite, tasks in-process); PORT=8010 for another port"
	@echo "make test   - the whole suite on PostgreSQL + Redis, with Celery and Chromium"
	@echo "make test-dates - the fast tests with the machine's clock moved to other days (faketime)"
	@echo "make lint   - ruff"
	@echo "make bench  - benchmarks (bench/README.md)"

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
		python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv

deps: uv
	@$(UV) sync --frozen --quiet

run: deps
	@mkdir -p var
	@$(RUN_ENV) $(PY) manage.py migrate --noinput -v 0
	@$(RUN_ENV) $(PY) manage.py make_dev_signing_cert
	@$(RUN_ENV) $(PY) manage.py seed_demo --if-empty
	@echo "Kiểm điểm: http://127.0.0.1:$(PORT)/  (Ctrl+C to stop)"
	@$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdfsig >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	[ -f /usr/lib/softhsm/libsofthsm2.so ] || missing="$$missing softhsm2"; \
	command -v faketime >/dev/null 2>&1 || missing="$$missing faketime"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian packages:$$missing"; \
			(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "The tests need these Debian packages:$$missing. Install them with: sudo apt-get install -y$$missing"; \
			exit 1; \
		fi; \
	fi

# The Nu HTML checker for the browser tests (tests/e2e), installed once under var/tools.
VNU_VERSION := 26.9.27
VNU_JAR := var/tools/node_modules/vnu-jar/build/dist/vnu.jar
vnu: system-deps
	@[ -f $(VNU_JAR) ] || { mkdir -p var/tools && \
		npm install --prefix var/tools --no-audit --no-fund --ignore-scripts --silent vnu-jar@$(VNU_VERSION); }

services: deps
	@$(PY) tests/check_services.py

test: deps system-deps vnu services
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: deps services
	$(PY) -m pytest -m "not e2e and not worker" $(PYTEST_ARGS)

# The suite must pass whatever the calendar says: run it with the clock of the whole process tree
# moved (libfaketime) to days that have broken date logic before. TEST_DATES_MARK="" includes the
# browser and worker tests (about 15 minutes a day instead of 5).
TEST_DATES ?= 2026-12-28 2027-01-15 2027-07-01 2030-01-01
TEST_DATES_MARK ?= not e2e and not worker
test-dates: deps system-deps vnu services
	@for day in $(TEST_DATES); do \
		echo "== the suite on $$day =="; \
		faketime "$$day 10:00:00" $(PY) -m pytest -q -p no:cacheprovider \
			$(if $(TEST_DATES_MARK),-m "$(TEST_DATES_MARK)") $(PYTEST_ARGS) || exit 1; \
	done

lint: deps
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

format: deps
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

migrations-check: deps
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

# Each app keeps the strings of its Python code in <app>/locale; templates and config in locale/.
APPS := organizations members reviews reports
messages: deps
	@for app in $(APPS); do (cd $$app && mkdir -p locale && DEBUG=true $(UV) run --frozen django-admin makemessages \
		-l vi --no-obsolete --add-location file --settings config.settings --pythonpath ..); done
	DEBUG=true $(PY) manage.py makemessages -l vi --no-obsolete --add-location file \
		$(foreach app,$(APPS),-i "$(app)/*.py") -i ".venv/*" -i "var/*" -i "tests/*" -i "bench/*"
	DEBUG=true $(PY) manage.py compilemessages -l vi --ignore ".venv/*"

bench: deps services
	$(PY) bench/run.py $(BENCH_ARGS)
