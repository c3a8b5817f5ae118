# The two commands in the README. Each installs what it needs (idempotently), then runs.
#   make serve   start the skill service (SQLite by default)
#   make test    run the whole test suite (starts and stops dynalite itself)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-requirements
DYNALITE := tests/dynalite/node_modules/.installed-lock

.PHONY: serve test install

serve: $(INSTALLED)
	$(PY) -m skill serve

test: $(INSTALLED) $(DYNALITE)
	$(PY) -m pytest

install: $(INSTALLED) $(DYNALITE)

$(INSTALLED): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# dynalite (a local DynamoDB, from npm) for the DynamoDB tests; Node comes from Debian if missing.
$(DYNALITE): tests/dynalite/package-lock.json
	command -v node >/dev/null && command -v npm >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq nodejs npm; }
	npm ci --prefix tests/dynalite --no-audit --no-fund --loglevel=error
	touch $@
