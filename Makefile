# SFO Review — make help lists the targets.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app sfo_review
HOST ?= 127.0.0.1
PORT ?= 5000
SERVE_PORT ?= 8000
export SFO_ENV ?= development

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

# Exactly the versions in requirements.lock (with their hashes), then the app itself.
# uv installs them (and compiles their bytecode) in about 6 s on 2 cores, where pip took 35 s
# of CPU: uv itself comes first, from the lock, through the venv's bundled pip. The app is
# installed with the venv's own setuptools (locked too), not in an isolated build environment.
UV := $(VENV)/bin/uv pip install --quiet --python $(PY)
# The Python .venv is made from (PYTHON=… chooses another): Debian's own python3.11 where the
# machine has it with its venv module, else the first python3 on PATH. Debian's is linked
# statically and built with profile-guided optimisation; pyenv's default build (a shared
# libpython, no PGO) ran `make test-fast` 15% slower here, 548 against 467 busy CPU seconds.
SYSTEM_PYTHON := /usr/bin/python3.11
PYTHON ?= $(shell $(SYSTEM_PYTHON) -c 'import ensurepip, venv' 2>/dev/null && echo $(SYSTEM_PYTHON) || echo python3)
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	awk '/^uv==/ {p = 1} p {print} p && !/\\$$/ {exit}' requirements.lock > $(VENV)/uv.lock
	$(PY) -m pip install --quiet --no-deps --require-hashes -r $(VENV)/uv.lock
	$(UV) --compile-bytecode --require-hashes -r requirements.lock
	$(UV) --no-deps --no-build-isolation -e .
	touch $@

static/vendor/.installed: package.json package-lock.json Makefile
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor && mkdir -p static/vendor/govuk static/vendor/moj
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/vendor/govuk/
	cp -r node_modules/govuk-frontend/dist/govuk/assets static/vendor/govuk/assets
	# The CSS asks for /assets/...; serve the fonts and images from our static folder instead.
	sed 's#url(/assets/#url(/static/vendor/govuk/assets/#g' \
	  node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > static/vendor/govuk/govuk-frontend.min.css
	# MoJ's stylesheet asks for its own icons (the filter tags' remove cross, …) under /assets too.
	cp -r node_modules/@ministryofjustice/frontend/moj/assets static/vendor/moj/assets
	sed 's#url(/assets/#url(/static/vendor/moj/assets/#g' \
	  node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css > static/vendor/moj/moj-frontend.min.css
	cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js static/vendor/moj/
	# The PDFs embed Arimo (SIL Open Font License, metric-compatible with Arial): Latin and
	# Latin Extended, regular, bold and italic. Never the machine's own fonts.
	mkdir -p static/vendor/fonts/arimo
	cp node_modules/@fontsource/arimo/LICENSE static/vendor/fonts/arimo/OFL.txt
	for face in 400-normal 700-normal 400-italic 700-italic; do \
	  for subset in latin latin-ext; do \
	    cp node_modules/@fontsource/arimo/files/arimo-$$subset-$$face.woff2 static/vendor/fonts/arimo/; \
	  done; \
	done
	touch $@

.PHONY: install
install: $(VENV)/.installed static/vendor/.installed ## Create .venv and install Python and front-end dependencies (idempotent)

# pip-compile keeps only what the Python it runs on needs: run `make lock` in a venv made from
# the oldest Python the lock must install on, Debian 12's python3.11 (3.11.2), which .venv is
# made from where the machine has it (else `rm -rf .venv && make lock PYTHON=…`).
# tests/test_house.py checks.
.PHONY: lock
lock: install ## After changing pyproject.toml's dependencies: pin them all again in requirements.lock
	$(VENV)/bin/pip-compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

.PHONY: db-upgrade
db-upgrade: install ## Create or migrate the database (DATABASE_URL, default instance/sfo_review.db)
	$(FLASK) db upgrade

.PHONY: seed
seed: db-upgrade ## Add the demo accounts and reviews (idempotent)
	$(FLASK) seed-demo

.PHONY: run
run: seed ## Install, migrate, seed demo data and serve on http://127.0.0.1:5000 (with the PDF worker)
	@echo ""
	@echo "SFO Review is starting on http://$(HOST):$(PORT) — sign in with one of the demo accounts above."
	@echo ""
	$(PY) -m sfo_review.worker --workers 1 --quiet & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# Single sign-on, tried locally: the test OpenID provider (tests/sso/provider.mjs, npm
# oidc-provider) on 127.0.0.1:$(SSO_PORT), and the app (make run) configured to use it.
SSO_PORT ?= 9090
.PHONY: sso-demo
sso-demo: seed ## make run with single sign-on against a local test OpenID provider (any demo email, any password)
	@echo ""
	@echo "Single sign-on demo: open http://localhost:$(PORT)/sign-in and press 'Sign in with your work account';"
	@echo "at the provider sign in as reviewer@example.gov.uk (or any demo account's email), any password;"
	@echo "an email SFO Review does not know gets an account waiting for admin@example.gov.uk to give it a role."
	@echo ""
	OIDC_PORT=$(SSO_PORT) \
	OIDC_REDIRECT_URIS=http://localhost:$(PORT)/sign-in/sso/callback,http://127.0.0.1:$(PORT)/sign-in/sso/callback \
	  node tests/sso/provider.mjs & provider=$$!; \
	trap 'kill $$provider 2>/dev/null' EXIT; \
	$(PY) -m sfo_review.worker --workers 1 --quiet & worker=$$!; \
	trap 'kill $$provider $$worker 2>/dev/null' EXIT; \
	OIDC_ISSUER=http://127.0.0.1:$(SSO_PORT) OIDC_CLIENT_ID=sfo-review OIDC_CLIENT_SECRET=sfo-review-secret \
	SERVICE_URL=http://localhost:$(PORT) $(FLASK) run --host $(HOST) --port $(PORT)

.PHONY: serve
serve: db-upgrade ## Migrate, then serve with gunicorn and the PDF worker, unsupervised (production: deploy/systemd)
	$(PY) -m sfo_review.worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(VENV)/bin/gunicorn --config gunicorn.conf.py --bind $(HOST):$(SERVE_PORT) sfo_review.wsgi:app

.PHONY: worker
worker: db-upgrade ## Run the background job worker alone (Huey: every PDF downloads ask for); REDIS_URL for Redis, else instance/huey.db
	$(PY) -m sfo_review.worker

.PHONY: backup
backup: install ## Back up the SQLite database online to BACKUP (default instance/backup-<time>.db)
	$(FLASK) backup $${BACKUP:-instance/backup-$$(date +%Y%m%d-%H%M%S).db}

.PHONY: bench-web
bench-web: install ## Benchmark the themes endpoint, dashboard (also right after a write), review list and a 4,000-entry chronology
	$(PY) bench/web_bench.py

.PHONY: bench-load
bench-load: install ## Load (locust): p95 of ordinary pages with PDFs in the mix / without, SQLite and PostgreSQL (target <= 2)
	$(PY) bench/load_bench.py

.PHONY: bench-pdf
bench-pdf: install ## PDF benchmarks: WeasyPrint vs Chromium pages/s, repeat export, peak memory; then an editing session (20 edits, a download 15 s after each: >= 90% within 50 ms, none stale), SQLite and PostgreSQL
	status=0; $(PY) bench/pdf_bench.py || status=1; \
	$(PY) bench/pdf_edit_bench.py || status=1; exit $$status

.PHONY: bench-pdf-hostile
bench-pdf-hostile: install ## PDF of a review whose 10 text fields are 20,000-character words vs ordinary words (≤ 2x)
	$(PY) bench/pdf_hostile_bench.py

.PHONY: bench-pdf-long
bench-pdf-long: install ## Full PDF of a 4,000-entry chronology as the worker renders it, against its time limit
	$(PY) bench/long_chronology_pdf_bench.py

.PHONY: bench-pdf-probe
bench-pdf-probe: install ## Probe (not a target): the full report split in two processes at once vs Chromium
	$(PY) bench/pdf_parallel_probe.py

.PHONY: bench
bench: ## Run every benchmark (PDF, hostile text, then web); exits non-zero when a target is missed
	status=0; $(MAKE) bench-pdf || status=1; $(MAKE) bench-pdf-hostile || status=1; \
	$(MAKE) bench-web || status=1; exit $$status

# FUZZ_SPEC: an OpenAPI file or URL instead of the server's own /api/v1/openapi.json;
# FUZZ_ARGS: more options (--quick, --seconds N, --max-examples N, --users reviewer,...).
FUZZ_SPEC ?=
FUZZ_ARGS ?=
.PHONY: fuzz
fuzz: install ## Schemathesis over every API operation as a reviewer, an officer and leadership (≤ 5 min; FUZZ_ARGS=--quick is .ci/run's pass)
	$(PY) bench/fuzz.py $(if $(FUZZ_SPEC),--spec $(FUZZ_SPEC)) $(FUZZ_ARGS)

.PHONY: routes-doc
routes-doc: install ## Write docs/routes.md from the app's URL map (the tests check it is current)
	$(FLASK) routes-doc > docs/routes.md

.PHONY: lint
lint: install ## ruff (lint and format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

.PHONY: format
format: install ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# pytest-xdist: one process per core, each with its own database; each browser test module
# stays on one worker (--dist loadgroup). PYTEST_WORKERS=0 runs in this process.
PYTEST_WORKERS ?= auto
XDIST := -n $(PYTEST_WORKERS) --dist loadgroup
# Without the browser tests there is no group to keep together: each worker takes the tests
# in file order (consecutive tests reuse each other's builds and layouts) and, once done,
# takes half of what another worker has left, so no long file is left to one worker at the end.
XDIST_NO_BROWSER := -n $(PYTEST_WORKERS) --dist worksteal
# pytest keeps the test modules it rewrote for its assertions (and Python the modules it
# compiled) in __pycache__ only when bytecode may be written: where the environment sets
# PYTHONDONTWRITEBYTECODE, each worker of each run would compile and rewrite some 500
# modules again (collecting the suite: 17.7 CPU s a process instead of 6.6).
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(VENV)/bin/pytest

.PHONY: system-packages
system-packages: ## Install the system packages the tests use (Chromium, poppler, qpdf, Pango, fonts), or say which are missing
	.ci/system-packages

.PHONY: test
test: lint system-packages ## Lint, then the whole suite on SQLite on every core (6–7 min on 2 cores)
	$(PYTEST) $(XDIST)

.PHONY: test-fast
test-fast: install ## The suite without the browser tests, on every core (the inner loop; no lint)
	.ci/system-packages --no-browser
	$(PYTEST) $(XDIST_NO_BROWSER) -m "not browser"

# The browser tests drive live servers on SQLite files of their own whatever TEST_DATABASE_URL
# says (tests/browser), so on PostgreSQL they would repeat the SQLite run's work exactly:
# this run is every test that uses the database under test.
.PHONY: test-postgres
test-postgres: install system-packages ## Every test that uses the database, against PostgreSQL (TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test)
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(PYTEST) $(XDIST_NO_BROWSER) -m "not browser"

.PHONY: test-random
test-random: install system-packages ## The whole suite in a shuffled order (RANDOM_SEED=n repeats an order)
	$(PYTEST) $(XDIST) --random-order-bucket=global --random-order-seed=$${RANDOM_SEED:-$$RANDOM}

.PHONY: test-timing
test-timing: ## Benchmark (not a test): CI=true .ci/run in a clean clone, each run's wall time against the targets
	$(PY) bench/suite_timing.py

.PHONY: clean
clean: ## Remove the virtualenv, front-end assets and the local database
	rm -rf $(VENV) node_modules static/vendor instance
