# offergen — the two set-up commands are `make offers` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev
OFFERGEN := $(BIN)/offergen

.DEFAULT_GOAL := offers
.PHONY: offers offer check verify review status history diff send bench bench-targets bench-noop test lint \
	format clean golden docx-templates schemas system-deps wheel-check site site-screenshot

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(DEV): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# Best effort, never fatal, as root with apt-get: the font the templates name (DejaVu
# Sans), and HarfBuzz's subsetter, which makes WeasyPrint's PDFs faster and byte-stable
# (without it WeasyPrint falls back to fontTools).
system-deps:
	@if ! fc-list 2>/dev/null | grep -q "DejaVu Sans"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing fonts-dejavu-core (the font the templates name)"; \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core \
	     || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core)) \
	     >/dev/null 2>&1 || echo "note: could not install fonts-dejavu-core; offergen doctor says what is missing"; \
	  else echo "note: the font DejaVu Sans is missing (apt-get install fonts-dejavu-core)"; fi; \
	fi
	@if ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing libharfbuzz-subset0 (HarfBuzz font subsetter for WeasyPrint)"; \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libharfbuzz-subset0 \
	     || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libharfbuzz-subset0)) \
	     >/dev/null 2>&1 || echo "note: could not install libharfbuzz-subset0; PDFs use the slower fontTools subsetter"; \
	  else echo "note: libharfbuzz-subset0 is missing (apt-get install libharfbuzz-subset0); PDFs use the slower fontTools subsetter"; fi; \
	fi
	@# LibreOffice (~300 MB) only in CI, where the test of a copy saved by LibreOffice must
	@# run (tests/test_negotiate_import.py); elsewhere that test is skipped with the reason.
	@if [ -n "$$CI" ] && ! command -v soffice >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing libreoffice-writer-nogui (CI: the LibreOffice round trip of negotiate import)"; \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui \
	     || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui)) \
	     >/dev/null 2>&1 || echo "note: could not install libreoffice-writer-nogui"; \
	  else echo "note: LibreOffice is missing (apt-get install libreoffice-writer-nogui)"; fi; \
	fi
	@# Chromium only in CI, where the review site's browser tests must run
	@# (tests/test_site_browser.py); elsewhere they are skipped with the reason.
	@if [ -n "$$CI" ] && [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (CI: the review site's tests in a real browser)"; \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	     || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)) \
	     >/dev/null 2>&1 || echo "note: could not install chromium"; \
	  else echo "note: Chromium is missing (apt-get install chromium)"; fi; \
	fi

## offers: build every offer of the workspace into out/ (the default)
offers: $(STAMP) system-deps
	$(OFFERGEN) build
	@echo "offergen is in $(VENV): run '. $(VENV)/bin/activate' to type 'offergen …' (e.g. offergen status)"

## offer OFFER=<id> [REV=<commit>]: build one offer (as committed at REV: out/<id>@<hash>/)
offer: $(STAMP) system-deps
	@test -n "$(OFFER)" || { echo "usage: make offer OFFER=<offer-id> [REV=<commit>]"; exit 2; }
	$(OFFERGEN) build $(OFFER) $(if $(REV),--rev $(REV))

## review [OFFER=<id>]: legal's checklist (every open offer by default); fails on an error
review: $(STAMP)
	$(OFFERGEN) review $(OFFER)

## status: every offer with its client, status, total, discount and validity
status: $(STAMP)
	$(OFFERGEN) status

## history OFFER=<id>: the commits that changed the offer or what it is built from
history: $(STAMP)
	@test -n "$(OFFER)" || { echo "usage: make history OFFER=<offer-id>"; exit 2; }
	$(OFFERGEN) history $(OFFER)

## diff OFFER=<id> [A=<rev>] [B=<rev>]: redlines against the version the client saw
diff: $(STAMP) system-deps
	@test -n "$(OFFER)" || { echo "usage: make diff OFFER=<offer-id> [A=<rev> [B=<rev>]]"; exit 2; }
	$(OFFERGEN) diff $(OFFER) $(A) $(B)

## site [TODAY=YYYY-MM-DD]: the review site of the workspace in out/site/ (open out/site/index.html)
site: $(STAMP)
	$(OFFERGEN) site $(if $(TODAY),--today $(TODAY))

## site-screenshot: regenerate docs/site-pipeline.png, the README's picture of the site
site-screenshot: $(DEV) system-deps
	$(BIN)/python -m tests.site_screenshot

## send OFFER=<id> [TO=<address>] [DRY=1] [AGAIN=1] [DOCX=1]: e-mail an approved offer's
## documents (mail: in offergen.yaml, the password in OFFERGEN_SMTP_PASSWORD); DRY=1 only
## writes out/<id>/message.eml
send: $(STAMP)
	@test -n "$(OFFER)" || { echo "usage: make send OFFER=<offer-id> [TO=<address>] [DRY=1] [AGAIN=1] [DOCX=1]"; exit 2; }
	$(OFFERGEN) send $(OFFER) $(if $(TO),--to $(TO)) $(if $(DRY),--dry-run) $(if $(AGAIN),--again) $(if $(DOCX),--docx)

## verify: prove every built PDF and DOCX pair says the same words
verify: $(STAMP)
	$(OFFERGEN) verify

## check: validate every workspace file
check: $(STAMP)
	$(OFFERGEN) check

## test: the whole test suite
test: $(DEV) system-deps
	$(BIN)/python -m pytest

## lint: ruff (lint + format check) and mypy
lint: $(DEV)
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools
	$(BIN)/mypy

format: $(DEV)
	$(BIN)/ruff format src tests tools
	$(BIN)/ruff check --fix src tests tools

## bench [N=200]: measure builds of a synthetic workspace of N offers, then the answers a
## user waits for (--help, check, a cold build, watch's save-to-PDF) against their targets
N ?= 200
bench: $(STAMP) system-deps
	$(BIN)/python tools/bench.py --offers $(N)

## wheel-check: build the wheel, install it in a fresh venv, init + build from it alone
wheel-check: system-deps
	PYTHON=$(PYTHON) tools/wheel_check.sh

## bench-noop: only the no-op build of 1,000 offers, after their cold build (target < 1 s)
bench-noop: $(STAMP) system-deps
	$(BIN)/python tools/bench.py --noop-only

## bench-targets: only the four answers and their targets (out/bench/results.json)
bench-targets: $(STAMP) system-deps
	$(BIN)/python tools/bench.py --targets-only

## golden: regenerate tests/golden/ from the example workspace, for review in git diff
golden: $(DEV) system-deps
	$(BIN)/python -m tests.golden

## schemas: regenerate the JSON Schemas shipped in src/offergen/schemas/ from the models
schemas: $(STAMP)
	$(OFFERGEN) schema --out src/offergen/schemas

## docx-templates: regenerate templates/*.docx from tools/make_docx_templates.py
docx-templates: $(DEV)
	$(BIN)/python tools/make_docx_templates.py templates

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
