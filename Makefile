# Tandem: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
UV := $(VENV)/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
# Full links (emails the worker sends, the demo's printout) point where `make run` serves;
# set TANDEM_SITE_URL yourself when people reach the site at another address.
TANDEM_SITE_URL ?= http://$(HOST):$(PORT)
SITE_ENV := TANDEM_SITE_URL=$(TANDEM_SITE_URL)

.PHONY: messages run test install lint typecheck checks lockcheck lock pytest worker migrate demo serve clean format screenshots

# Installs exactly the locked versions (requirements/*.txt, hashes checked); `make lock`
# writes them from the ranges in pyproject.toml.
$(VENV)/.installed: pyproject.toml requirements/bootstrap.txt requirements/dev.txt
	@python=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/bootstrap.txt
	$(UV) pip install --quiet --python $(PY) --require-hashes -r requirements/dev.txt
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Tandem needs Node.js and npm for its front-end packages (apt-get install nodejs npm)."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The shipped translations (locale/*/LC_MESSAGES/django.po, and djangojs.po for the scripts),
# compiled to the .mo files Django reads; the .mo files are built here, never committed. Needs
# GNU gettext's msgfmt.
LOCALE_PO := $(wildcard locale/*/LC_MESSAGES/*.po)
LOCALE_MO := $(LOCALE_PO:.po=.mo)
locale/%.mo: locale/%.po
	@command -v msgfmt >/dev/null || { echo "Tandem compiles its translations with GNU gettext (apt-get install gettext)."; exit 1; }
	msgfmt --check-format -o $@ $<

install: $(VENV)/.installed node_modules/.installed $(LOCALE_MO)

# Refresh the catalogs from the code and templates after changing their words (docs/translating.md).
messages: install
	$(MANAGE) makemessages $(foreach lang,$(filter-out en,$(notdir $(wildcard locale/*))),-l $(lang)) \
		--add-location file --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'bench/*' \
		--ignore 'tests/*' --ignore '*/tests/*'
	$(MANAGE) makemessages -d djangojs $(foreach lang,$(filter-out en,$(notdir $(wildcard locale/*))),-l $(lang)) \
		--add-location file --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'staticfiles/*' \
		--ignore 'bench/*' --ignore 'tests/*' --ignore 'test-results/*'

migrate: install
	$(MANAGE) migrate --no-input

demo: migrate
	$(SITE_ENV) $(MANAGE) load_demo

serve:
	$(SITE_ENV) $(MANAGE) runserver $(HOST):$(PORT)

run: demo
	@echo "Tandem is at http://$(HOST):$(PORT)/  (Ctrl-C stops it; start its worker with: make worker PORT=$(PORT))"
	$(SITE_ENV) $(MANAGE) runserver $(HOST):$(PORT)

worker: migrate
	$(SITE_ENV) $(MANAGE) db_worker

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: install
	$(VENV)/bin/mypy .

# The committed lock must match pyproject.toml's ranges.
lockcheck: install
	UV=$(UV) scripts/lock --check

# Rewrite the lock from pyproject.toml (keeps locked versions that still fit);
# `make lock ARGS=--upgrade` takes the newest allowed.
lock: install
	UV=$(UV) scripts/lock $(ARGS)

checks: install lockcheck
	$(VENV)/bin/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=check-deploy-only-$$(printf 'x%.0s' {1..50}) \
		DJANGO_ALLOWED_HOSTS=tandem.example.org EMAIL_HOST=smtp.example.org $(MANAGE) check --deploy --fail-level WARNING

pytest: install
	$(VENV)/bin/pytest -p no:django -p no:playwright --doctest-modules -q tandem/matching/engine tandem/interchange --ignore-glob='*/tests/*'
	$(VENV)/bin/pytest

test: lint typecheck checks pytest

# Refresh the README's screenshots in docs/screenshots/ from the browser tests.
screenshots: install
	TANDEM_SCREENSHOTS=1 $(VENV)/bin/pytest -m browser tests/browser

clean:
	rm -rf $(VENV) node_modules staticfiles var .mypy_cache .pytest_cache .ruff_cache
