#!/usr/bin/env bash
# Idempotent setup for a fresh machine (Python 3.11, Node 20, root): Debian's
# chromium and redis-server when missing, the virtualenv with livecomp and its
# dev tools, and the client's npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
# Reinstall only when the project metadata changed since the last install.
stamp=.venv/.livecomp-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install -q -e ".[dev]"
  touch "$stamp"
fi

if [ ! -d livecomp/js/node_modules ] || [ livecomp/js/package-lock.json -nt livecomp/js/node_modules ]; then
  (cd livecomp/js && npm ci --no-audit --no-fund --loglevel=error)
fi
