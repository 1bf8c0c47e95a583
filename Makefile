# Qifu (企服) — `make demo` to try it, `make test` to check it. `make help` lists the rest.
#
# Everything runs from .venv (Python 3.11), created by `make setup`. Setup is stamped on
# pyproject.toml, so a second `make test` or `make demo` starts at once.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.qifu-setup
DATA_DIR := $(or $(QIFU_DATA_DIR),var)
STATIC_STAMP := $(DATA_DIR)/static/.collected
PYTEST_ARGS ?=
BENCH_ARGS ?=
DEMO_ARGS ?=

# Debug keys under var/ and plain HTTP on 127.0.0.1, unless the caller says otherwise.
DEV_ENV := QIFU_DEBUG=$${QIFU_DEBUG:-1} QIFU_HTTPS=$${QIFU_HTTPS:-0}

PO_FILES := $(wildcard qifu/locale/*/LC_MESSAGES/*.po qifu/*/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
STATIC_SRC := $(shell find qifu -path '*/static/*' -type f -not -name '*.pyc' -not -path '*/static/vendor/*' 2>/dev/null)
# Front-end files no Python package ships, from the npm registry at a pinned version, checked against
# the registry's sha512 (dist.integrity) and unpacked under qifu/static/vendor/ (not committed).
ECHARTS_VERSION := 5.6.0
ECHARTS_SHA512 := oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA==
ECHARTS_JS := qifu/static/vendor/echarts/echarts.min.js

# $(call apt,PACKAGES,WHY): as root on Debian install the packages; otherwise say what to install.
define apt
if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
  echo "make: installing $(1) ($(2))"; \
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1); \
else \
  echo "make: $(2): install the Debian package(s) $(1) (sudo apt-get install $(1))" >&2; exit 1; \
fi
endef
# $(call need,COMMAND,PACKAGE): install PACKAGE when COMMAND is missing.
need = command -v $(1) >/dev/null 2>&1 || { $(call apt,$(2),'$(1)' is missing); }

.PHONY: help setup demo test lint lint-ruff lint-mypy lint-imports lint-migrations pytest bench messages vendor static clean distclean

help:
	@echo "make demo    set up, seed the zone-scale demo data if absent, serve on http://127.0.0.1:8000"
	@echo "make test    set up, then ruff, mypy, import-linter and pytest (PYTEST_ARGS='-k x' to narrow)"
	@echo "make setup   create .venv (Python 3.11) with Qifu and its dev tools, compile messages, collect static"
	@echo "make lint    ruff, mypy, import-linter and the migrations check only"
	@echo "make bench   run 'qifu bench' (BENCH_ARGS='...')"
	@echo "make clean   remove .venv, caches, collected static and test results (keeps var/ data and keys)"
	@echo "make distclean  clean, and remove var/ too (the demo database and the dev keys)"

setup: $(STAMP) messages vendor static

$(STAMP): pyproject.toml
	@$(call need,$(PYTHON),python3.11)
	@$(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 || { $(call apt,python3.11-venv,venv needs ensurepip); }
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then \
	  echo "make: $(VENV) is not Python 3.11; recreating it"; rm -rf $(VENV); fi
	@[ -x $(BIN)/pip ] || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	@touch $@

messages: $(MO_FILES)

%.mo: %.po
	@if command -v msgfmt >/dev/null 2>&1; then echo "msgfmt --check-format -o $@ $<"; msgfmt --check-format -o $@ $<; elif [ -f $@ ]; then echo "make: msgfmt (gettext) is missing: using the committed $@"; touch $@; else echo "make: msgfmt is missing and $@ does not exist: install the Debian package gettext" >&2; exit 1; fi

vendor: $(ECHARTS_JS)

$(ECHARTS_JS):
	@$(call need,npm,npm)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  echo "npm pack echarts@$(ECHARTS_VERSION)"; \
	  (cd "$$tmp" && npm pack --silent "echarts@$(ECHARTS_VERSION)" >/dev/null); \
	  sum=$$($(PYTHON) -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$$tmp/echarts-$(ECHARTS_VERSION).tgz"); \
	  [ "$$sum" = "$(ECHARTS_SHA512)" ] || { echo "make: echarts-$(ECHARTS_VERSION).tgz does not match its pinned sha512" >&2; exit 1; }; \
	  tar -xzf "$$tmp/echarts-$(ECHARTS_VERSION).tgz" -C "$$tmp" package/dist/echarts.min.js package/LICENSE; \
	  mkdir -p $(dir $@); cp "$$tmp/package/LICENSE" $(dir $@)LICENSE; cp "$$tmp/package/dist/echarts.min.js" $@

static: $(STATIC_STAMP)

$(STATIC_STAMP): $(STAMP) $(STATIC_SRC) $(ECHARTS_JS)
	$(DEV_ENV) $(BIN)/qifu collectstatic --noinput --verbosity 0
	@touch $@

demo: setup
	$(DEV_ENV) $(BIN)/qifu demo $(DEMO_ARGS)

# -k: every check runs and reports, and the target fails if any of them failed.
LINTERS := lint-ruff lint-mypy lint-imports lint-migrations

lint: setup
	@$(MAKE) -k $(LINTERS)

lint-ruff:
	$(BIN)/ruff check .

lint-mypy:
	$(BIN)/mypy

lint-imports:
	$(BIN)/lint-imports

lint-migrations:
	$(DEV_ENV) $(BIN)/qifu makemigrations --check --dry-run

# pytest exits 5 when it collected no test: that is a failure here, never a pass.
pytest: setup
	@rc=0; $(BIN)/pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make: pytest collected no tests (exit 5): failing" >&2; fi; \
	exit $$rc

test: setup
	@$(MAKE) -k $(LINTERS) pytest

bench: setup
	@$(call need,wrk,wrk)
	$(DEV_ENV) $(BIN)/qifu bench $(BENCH_ARGS)

clean:
	rm -rf qifu/static/vendor $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache test-results $(DATA_DIR)/static
	find qifu -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(DATA_DIR)
