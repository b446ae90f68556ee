# The two commands a newcomer needs: `make run` and `make test`.
# The embedded PostgreSQL (pgserver) has wheels for CPython 3.11 and 3.12 only.
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	$$p -c '' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
# `make run` installs the package alone; `make test` adds the dev extras (pytest,
# Playwright, ...). A dev install is also a runtime one, so it stamps both.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

CHROMIUM := /usr/bin/chromium
# pytest-xdist workers for `make test` (each makes its own throwaway database); 0: one process.
PYTEST_WORKERS ?= 2

# Swagger UI 5 (reads OpenAPI 3.1), served from the package: `make vendor` refreshes it
# from npm. Bump the version and the tarball's SHA-512 (`npm view swagger-ui-dist@V
# dist.integrity` is the same hash, base64) together.
SWAGGER_UI_VERSION := 5.35.0
SWAGGER_UI_SHA512 := 534eaba4cb56f55dd73c638179a993512af4674f63317e0826e00da44fc465b021c341bc0a0c2bcd4e18997927fe1d3008336c5dd19aad334d1c2dec53cc9551
SWAGGER_UI_DIR := inventory/web/static/vendor/swagger-ui
SWAGGER_UI_FILES := swagger-ui-bundle.js swagger-ui-standalone-preset.js swagger-ui.css \
	swagger-ui-bundle.js.LICENSE.txt swagger-ui-standalone-preset.js.LICENSE.txt LICENSE NOTICE
# jsQR, the scanner page's QR decoder where the browser has no BarcodeDetector: the same
# way, from npm (`npm view jsqr@V dist.integrity`).
JSQR_VERSION := 1.4.0
JSQR_SHA512 := 7712e86fbabae578360efb2d624469918b662a6dac3c9f68161ae19ae753d5d66f34515396ba1a8b70164a92decbfc39bcc70b057460389b1b5e974df47cd4fc
JSQR_DIR := inventory/web/static/vendor/jsqr
JSQR_FILES := dist/jsQR.js LICENSE

.PHONY: run test lint bench clean-db browser vendor

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP) $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/inventory run

# tests/browser drive Debian's chromium through Playwright, which must not download a
# browser of its own. Installed once, as root; without it those tests are skipped.
browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
		echo "tests/browser need $(CHROMIUM): run 'sudo apt-get install chromium';" \
		     "until then they are skipped"; \
	fi

test: $(DEV_STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@start=$$(date +%s); \
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS); status=$$?; \
	echo "test suite: $$(( $$(date +%s) - start )) s wall time ($(PYTEST_WORKERS) workers)"; \
	exit $$status

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(DEV_STAMP)
	$(BIN)/python bench/bench_api.py
	$(BIN)/python bench/bench_labels.py
	$(BIN)/python bench/bench_page.py
	$(BIN)/python bench/bench_scans.py
	$(BIN)/python bench/bench_close.py
	$(BIN)/python bench/bench_handover.py

clean-db:
	rm -rf .pgdata

# Needs npm (only to refresh the copy in git, not to build or run the app).
vendor:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	npm pack --silent --pack-destination "$$tmp" swagger-ui-dist@$(SWAGGER_UI_VERSION) >/dev/null; \
	tarball="$$tmp/swagger-ui-dist-$(SWAGGER_UI_VERSION).tgz"; \
	echo "$(SWAGGER_UI_SHA512)  $$tarball" | sha512sum --check --quiet; \
	tar -xzf "$$tarball" -C "$$tmp" $(addprefix package/,$(SWAGGER_UI_FILES)); \
	rm -rf $(SWAGGER_UI_DIR); mkdir -p $(SWAGGER_UI_DIR); \
	cp $(addprefix "$$tmp"/package/,$(SWAGGER_UI_FILES)) $(SWAGGER_UI_DIR)/; \
	printf '%s\n' "swagger-ui-dist $(SWAGGER_UI_VERSION)" \
		"from https://registry.npmjs.org/swagger-ui-dist/-/swagger-ui-dist-$(SWAGGER_UI_VERSION).tgz" \
		"sha512 $(SWAGGER_UI_SHA512)" \
		"refreshed by 'make vendor' (Makefile: SWAGGER_UI_VERSION); files unchanged from the tarball" \
		> $(SWAGGER_UI_DIR)/VERSION; \
	echo "$(SWAGGER_UI_DIR): swagger-ui-dist $(SWAGGER_UI_VERSION)"; \
	npm pack --silent --pack-destination "$$tmp" jsqr@$(JSQR_VERSION) >/dev/null; \
	tarball="$$tmp/jsqr-$(JSQR_VERSION).tgz"; \
	echo "$(JSQR_SHA512)  $$tarball" | sha512sum --check --quiet; \
	rm -rf "$$tmp/package"; \
	tar -xzf "$$tarball" -C "$$tmp" $(addprefix package/,$(JSQR_FILES)); \
	rm -rf $(JSQR_DIR); mkdir -p $(JSQR_DIR); \
	cp $(addprefix "$$tmp"/package/,$(JSQR_FILES)) $(JSQR_DIR)/; \
	printf '%s\n' "jsqr $(JSQR_VERSION), licence Apache-2.0 (LICENSE)" \
		"from https://registry.npmjs.org/jsqr/-/jsqr-$(JSQR_VERSION).tgz" \
		"sha512 $(JSQR_SHA512)" \
		"refreshed by 'make vendor' (Makefile: JSQR_VERSION); files unchanged from the tarball" \
		> $(JSQR_DIR)/VERSION; \
	echo "$(JSQR_DIR): jsqr $(JSQR_VERSION)"
