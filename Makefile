# The two commands in the README. Each installs what it needs (idempotently), then runs.
#   make serve   start the skill service (SQLite by default)
#   make test    run the whole test suite (starts and stops dynalite itself)
#   make package ENDPOINT=https://... [SSL=Wildcard]   write the ASK CLI project (ask-resources.json, skill-package/)
#   make validate   check the manifest, models and screen against Amazon's own schemas and linter
#   make lambda     build dist/lambda.zip (Lambda's platform wheels of requirements-lambda.lock) and print its sizes
#   make lock       re-pin every requirements-*.lock from the requirements-*.txt ranges (docs/deployment.md)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-requirements
SERVER := $(VENV)/.installed-server
DYNALITE := tests/dynalite/node_modules/.installed-lock
APL_SUGGESTER := tests/apl/node_modules/.installed-lock
LAMBDA_ZIP := dist/lambda.zip
ENDPOINT ?=
SSL ?= Trusted

.PHONY: serve test install package validate lambda lock chromium

serve: $(SERVER)
	$(PY) -m skill serve

test: $(INSTALLED) $(DYNALITE) $(APL_SUGGESTER) $(LAMBDA_ZIP) chromium
	$(PY) -m pytest

install: $(INSTALLED) $(DYNALITE) $(APL_SUGGESTER)

package: $(SERVER)
	@test -n "$(ENDPOINT)" || { echo "usage: make package ENDPOINT=https://your.host/ [SSL=Trusted|Wildcard|SelfSigned]" >&2; exit 2; }
	$(PY) -m skill package --endpoint "$(ENDPOINT)" --ssl-certificate-type "$(SSL)"

validate: $(INSTALLED) $(APL_SUGGESTER)
	$(PY) -m pytest -q tests/test_amazon_artefacts.py tests/test_self_contained.py

# The service needs requirements-server (runtime + web server); tests, console and tools add
# requirements-dev. The image installs requirements (runtime) only, the Lambda zip the part of it Lambda
# imports (requirements-lambda). Each *.txt names
# ranges; its *.lock pins every package, dependencies included, with hashes, and is what gets installed.
$(SERVER): requirements.lock requirements-server.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-server.lock
	touch $@

$(INSTALLED): $(SERVER) requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $@

# Python 3.11 on Linux x86_64 (Lambda's and the image's platform; the hashes cover every wheel of each
# pinned version). Each lock is resolved within the one it includes, so the three agree.
LOCK := $(PY) -m uv pip compile --quiet --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_17
lock: $(INSTALLED)
	$(LOCK) requirements.txt -o requirements.lock
	$(LOCK) requirements-lambda.txt -c requirements.lock -o requirements-lambda.lock
	$(LOCK) requirements-server.txt -c requirements.lock -o requirements-server.lock
	$(LOCK) requirements-dev.txt -c requirements-server.lock -o requirements-dev.lock

# Lambda's platform wheels (manylinux, CPython 3.11) of the Lambda lock, zipped with skill/ and compiled.
lambda: $(LAMBDA_ZIP)

$(LAMBDA_ZIP): $(SERVER) requirements-lambda.lock $(shell find skill -name '*.py' -o -name '*.toml' -o -name '*.json' -o -name '*.md' -o -name '*.txt' -o -name '*.sql' | grep -v __pycache__)
	$(PY) -m skill lambda --out $@

# dynalite (a local DynamoDB, from npm) for the DynamoDB tests; Node comes from Debian if missing.
$(DYNALITE): tests/dynalite/package-lock.json
	command -v node >/dev/null && command -v npm >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq nodejs npm; }
	npm ci --prefix tests/dynalite --no-audit --no-fund --loglevel=error
	touch $@

# Amazon's apl-suggester (npm), run by tests/test_amazon_artefacts.py on the screen documents.
$(APL_SUGGESTER): tests/apl/package-lock.json
	command -v node >/dev/null && command -v npm >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq nodejs npm; }
	npm ci --prefix tests/apl --no-audit --no-fund --loglevel=error
	touch $@

# Debian's chromium, which lays out the screens for tests/test_screens_fit.py (headless, loopback only).
chromium:
	command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
