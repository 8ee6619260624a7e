# The two commands a new user needs: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
VAR_DIR ?= var
export VAR_DIR

.PHONY: run test check mutation install install-dev dirs migrate seed clean messages translations

# Where makemessages and compilemessages must not look for sources or catalogues.
I18N_IGNORE := --ignore=$(VENV) --ignore=$(VAR_DIR) --ignore=staticfiles --ignore=node_modules --ignore=mutants

# Development runs with DEBUG on (and so with the embedded defaults and a development key); DEBUG is
# off unless set, so a production process that forgets its settings refuses to start.
migrate seed run check: export DEBUG ?= true

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

dirs:
	mkdir -p $(VAR_DIR)/broker $(VAR_DIR)/broker-processed $(VAR_DIR)/mail

## messages: gather every translatable string into locale/uk/LC_MESSAGES/django.po (then translate the new ones).
messages: install
	DEBUG=true $(PY) manage.py makemessages --locale=uk --no-obsolete --add-location=file $(I18N_IGNORE) --ignore=tests --ignore=bench

## translations: compile the catalogues (.po → .mo) with GNU gettext's compilemessages, or polib without it.
translations: install
	@if command -v msgfmt >/dev/null 2>&1; then \
		DEBUG=true $(PY) manage.py compilemessages $(I18N_IGNORE); \
	else \
		echo "GNU gettext not found (apt-get install gettext): compiling the catalogues with polib"; \
		for po in locale/*/LC_MESSAGES/*.po; do \
			$(PY) -c 'import sys, polib; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])' "$$po" "$${po%.po}.mo"; \
		done; \
	fi

migrate: install dirs translations
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## run: the UI, the API, a Celery worker and beat on http://$(HOST):$(PORT), with demo data.
run: seed
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: /admin/, API: /api/v1/docs/)"
	@echo "Demo login: manager / tracker-demo (programme manager); viewer and admin have the same password."
	@setsid $(VENV)/bin/celery -A tracker worker --loglevel=INFO --concurrency=2 & worker=$$!; \
	$(VENV)/bin/celery -A tracker beat --loglevel=INFO --schedule=$(VAR_DIR)/celerybeat-schedule & beat=$$!; \
	trap 'kill -TERM $$worker $$beat 2>/dev/null; wait $$worker $$beat' EXIT; \
	trap 'exit 0' INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# axe-core, which the browser tests run inside the pages (package.json pins it).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

## test: the whole suite (set DATABASE_URL to PostgreSQL to run the PostgreSQL-only tests too).
test: install-dev dirs translations node_modules/.package-lock.json
	$(VENV)/bin/pytest

## check: lint, formatting and migrations in step with the models.
check: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

## mutation: would a broken core rule still pass the tests? (tools/mutation.py; MUTATE=<module> for one)
mutation: install-dev
	$(PY) tools/mutation.py $(MUTATE)

clean:
	rm -rf $(VAR_DIR) staticfiles
