#!/usr/bin/env bash
# Set up, then serve the main demo on http://127.0.0.1:${PORT:-8000}.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m examples.clocks
