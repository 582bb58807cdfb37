#!/usr/bin/env bash
# Set up, then run every check: ruff, mypy --strict, and the whole pytest
# suite (unit, integration, client bundle, and the browser tests in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "== ruff"
.venv/bin/ruff check livecomp examples tests bench conftest.py
echo "== mypy --strict"
.venv/bin/mypy livecomp examples tests bench conftest.py
echo "== pytest"
exec .venv/bin/pytest "$@"
