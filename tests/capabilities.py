"""What a test needs from the machine (Chromium, clamd, ...): skipped where it is missing when a
developer runs the suite, failed under CI=true or PORTAL_TEST_STRICT=1 (what `make test` sets), so
that CI never passes by skipping silently."""

from __future__ import annotations

import os
import subprocess

import pytest

STRICT = any(
    os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}
    for name in ("CI", "PORTAL_TEST_STRICT")
)


def missing_capability(message: str):
    if STRICT:
        pytest.fail(f"{message} (CI=true or PORTAL_TEST_STRICT=1: not skipping)", pytrace=False)
    pytest.skip(message)


def stop_process(process: subprocess.Popen) -> None:
    """Stop a server a test started (clamd, redis-server): politely, then for good."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
