# Distra: `make run` serves the demo, `make test` runs the whole suite. Nothing else is needed
# on a fresh machine but Python 3.11+, Node.js/npm (for the front-end assets) and make.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DISTRA := $(VENV)/bin/distra
STAMP := $(VENV)/.installed

.PHONY: run test install assets messages lint clean

run: install
	$(DISTRA) migrate --noinput -v0
	$(DISTRA) collectstatic --noinput -v0
	$(DISTRA) seed demo
	$(DISTRA) serve --with-worker

test: install
	bash scripts/test.sh

install: $(STAMP) assets messages

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Bootstrap (and later chart libraries) come from the npm registry at install time and are
# served by Distra itself: no CDN, no third-party files in the repository.
assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Translations: .po files are the source; .mo files are built here (Babel, no system gettext).
messages: $(STAMP)
	@for po in $$(find distra/locale -name django.po 2>/dev/null); do \
		$(VENV)/bin/pybabel compile --use-fuzzy --statistics -i $$po -o $${po%.po}.mo >/dev/null || exit 1; \
	done

lint: install
	$(VENV)/bin/ruff check distra bench tests

clean:
	rm -rf $(VENV) node_modules var/static
