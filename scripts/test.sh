#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL when one is reachable (a throw-away
# database per run). With CI=true an unreachable PostgreSQL or a missing browser fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# Two workers: the suite is mostly CPU-bound and these machines have 2 cores.
PYTEST=(.venv/bin/pytest -p no:cacheprovider -q -n "${DISTRA_TEST_WORKERS:-2}" "$@")
export PYTHONDONTWRITEBYTECODE=1

# Browser tests drive Debian's Chromium (no browser can be downloaded here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's chromium for the browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 || true
  fi
fi
if [ ! -x /usr/bin/chromium ]; then
  if [ "${CI:-}" = "true" ]; then echo "FAIL: /usr/bin/chromium is missing and CI=true" >&2; exit 1; fi
  echo "NOTICE: /usr/bin/chromium is missing; browser tests will be skipped"
fi

# The navigation test measures the Hindi pages' width in Chromium: that needs a Devanagari font
# (without one each letter is drawn as a box, and that check is skipped).
if ! fc-list :lang=hi 2>/dev/null | grep -q .; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing a Devanagari font (fonts-lohit-deva) for the Hindi browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-lohit-deva) >/dev/null 2>&1 || true
  fi
fi

status=0
echo "== lint (ruff)"
.venv/bin/ruff check distra bench tests conftest.py || status=1

# The SQLite pass builds its test databases from the models (--nomigrations: migrating them took
# ~50 s per worker); the PostgreSQL pass runs the migrations, and a test checks that they match
# the models.
echo "== test suite on SQLite"
env -u DATABASE_URL "${PYTEST[@]}" --nomigrations || status=1

pg_url=$($PY - <<'PYEOF'
import os, secrets, sys
from urllib.parse import urlsplit, urlunsplit
url = os.environ.get("DATABASE_URL", "")
if not url.startswith(("postgres://", "postgresql://")):
    url = "postgres://postgres@127.0.0.1:5432/postgres"
parts = urlsplit(url)
try:
    import psycopg
    psycopg.connect(urlunsplit(parts._replace(scheme="postgresql")), connect_timeout=5).close()
except Exception as exc:
    print(f"unreachable: {exc}".replace("\n", " "), file=sys.stderr)
    sys.exit(1)
# A fresh name per run: pytest-django creates test_<name> and drops it at the end.
print(urlunsplit(parts._replace(path=f"/distra_{secrets.token_hex(4)}")))
PYEOF
)
if [ -n "$pg_url" ]; then
  echo "== test suite on PostgreSQL (${pg_url%%\?*})"
  DATABASE_URL="$pg_url" "${PYTEST[@]}" || status=1
elif [ "${CI:-}" = "true" ]; then
  echo "FAIL: PostgreSQL is not reachable and CI=true" >&2
  status=1
else
  echo "NOTICE: PostgreSQL is not reachable; the PostgreSQL run was skipped"
fi
exit $status
