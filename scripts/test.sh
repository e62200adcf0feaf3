#!/usr/bin/env bash
# Sets everything up, then runs the whole test suite headless: the architecture contracts,
# the core tests with Qt made unimportable, then the UI tests. Fails when no test ran (pytest
# exits 5) and when any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --for-tests
export QT_QPA_PLATFORM=offscreen

echo "== Architecture contracts (import-linter) and lint (ruff)"
.venv/bin/lint-imports
.venv/bin/ruff check annotator
.venv/bin/ruff format --check annotator
echo "== Types of the layers below the UI (mypy)"
.venv/bin/mypy annotator/domain annotator/db annotator/services annotator/formats

echo "== Core tests, with Qt made unimportable"
ANNOTATOR_HIDE_QT=1 .venv/bin/python -m pytest -q -p no:pytest-qt tests/core "$@"

echo "== UI tests (offscreen Qt)"
.venv/bin/python -m pytest -q tests/ui "$@"
