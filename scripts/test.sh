#!/usr/bin/env bash
# `make test`: install what the tests need, then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory install-test translations
.venv/bin/pytest -q
