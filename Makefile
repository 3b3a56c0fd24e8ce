# sanxiang: two commands do all the set-up on a fresh machine.
#   make run    the platform with demo data on http://127.0.0.1:8000 (SQLite, files in var/)
#   make test   the whole test suite (on $DATABASE_URL; SQLite when unset)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
MFA ?= 0

.PHONY: run test lint typecheck check install system-deps messages bench clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

# Debian packages the platform and its tests need (fonts, chromium): installed
# only when missing, so reruns cost nothing.
system-deps:
	@sh scripts/system-deps.sh

# The demo never asks for a second factor (SANXIANG_MFA_REQUIRED=0): a real
# deployment keeps the default (required). See the README.
run: install
	$(BIN)/sanxiang migrate --noinput
	$(BIN)/sanxiang demo_data
	@# The checkpoint signer runs beside the web server and stops with it.
	$(BIN)/sanxiang signer & signer=$$!; trap 'kill $$signer 2>/dev/null' EXIT INT TERM; \
	SANXIANG_MFA_REQUIRED=$(MFA) $(BIN)/sanxiang runserver --noreload $(HOST):$(PORT)

test: install system-deps
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check sanxiang bench
	$(BIN)/ruff format --check sanxiang bench

typecheck: install
	$(BIN)/mypy sanxiang

check: lint typecheck test

# Regenerate the translation catalogue after changing user-facing text, then
# fill in the new msgstr entries and run `make messages` again to compile.
messages: install
	cd sanxiang && ../$(BIN)/django-admin makemessages --locale zh_Hans --no-obsolete --add-location file --ignore "*/tests/*" --settings sanxiang.settings
	cd sanxiang && ../$(BIN)/django-admin compilemessages --locale zh_Hans --settings sanxiang.settings

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
