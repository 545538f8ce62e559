"""What a test needs from the machine (Chromium, clamd, ...): skipped where it is missing when a
developer runs the suite, failed under CI=true or PORTAL_TEST_STRICT=1 (what `make test` sets), so
that CI never passes by skipping silently."""

from __future__ import annotations

import os

import pytest

STRICT = any(
    os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}
    for name in ("CI", "PORTAL_TEST_STRICT")
)


def missing_capability(message: str):
    if STRICT:
        pytest.fail(f"{message} (CI=true or PORTAL_TEST_STRICT=1: not skipping)", pytrace=False)
    pytest.skip(message)
