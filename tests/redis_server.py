"""A real Redis for the tests of what several hosts share (the page cache), started in a
temporary directory on a free port, without persistence.

Without a redis-server binary those tests are skipped on a developer's machine, but fail under
CI=true or PORTAL_TEST_STRICT=1 (tests/capabilities.py): never a silent skip in CI.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.capabilities import missing_capability, stop_process


def redis_binary() -> str | None:
    configured = os.environ.get("REDIS_SERVER_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.access("/usr/bin/redis-server", os.X_OK) else None
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(directory: Path) -> tuple[subprocess.Popen, str]:
    """Start redis-server in the foreground; returns the process and its URL once it answers."""
    binary = redis_binary()
    if binary is None:
        missing_capability(
            "no redis-server (apt-get install redis-server, or set REDIS_SERVER_PATH)"
        )
    import redis

    port = _free_port()
    log = open(directory / "redis.out", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],  # fmt: skip
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if redis.Redis.from_url(url).ping():
                return process, url
        except redis.exceptions.ConnectionError:
            time.sleep(0.1)
    stop_process(process)
    output = (directory / "redis.out").read_text(errors="replace")
    pytest.fail(f"redis-server did not start:\n{output}", pytrace=False)
