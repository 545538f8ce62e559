"""A real clamd for the virus-scan tests, started in a temporary directory on a local signature
file that holds only the standard EICAR test signature (no signature download: none is possible
here, and none is needed to prove that uploads are scanned).

Without a clamd binary the tests that need it are skipped on a developer's machine, but fail under
CI=true or PORTAL_TEST_STRICT=1 (as the browser tests do): never a silent skip in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from portal.core.clamd import Scanner
from tests.capabilities import missing_capability, stop_process

# The EICAR anti-virus test file (eicar.org), in two halves so that this source file is not
# itself reported by a scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-" + b"STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE_NAME = "Eicar-Test-Body"


def clamd_binary() -> str | None:
    configured = os.environ.get("CLAMD_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for candidate in ("/usr/sbin/clamd", shutil.which("clamd")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def start(directory: Path) -> tuple[subprocess.Popen, str]:
    """Start clamd in the foreground on a Unix socket in `directory`; returns the process and
    the socket path once clamd answers PING."""
    binary = clamd_binary()
    if binary is None:
        missing_capability("no clamd (apt-get install clamav-daemon, or set CLAMD_PATH)")
    database = directory / "db"
    database.mkdir()
    (database / "test.ndb").write_text(f"{SIGNATURE_NAME}:0:*:{EICAR.hex()}\n")
    socket_path = directory / "clamd.sock"
    config = directory / "clamd.conf"
    lines = [
        "Foreground yes",
        f"LocalSocket {socket_path}",
        f"DatabaseDirectory {database}",
        f"PidFile {directory / 'clamd.pid'}",
        f"LogFile {directory / 'clamd.log'}",
    ]
    if os.geteuid() == 0:
        lines.append("User root")  # otherwise clamd drops to a "clamav" user that cannot read here
    config.write_text("\n".join(lines) + "\n")
    log = open(directory / "clamd.out", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen([binary, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)
    scanner = Scanner(unix_socket=str(socket_path), timeout=5)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if socket_path.exists() and scanner.ping():
            return process, str(socket_path)
        time.sleep(0.2)
    stop_process(process)
    output = (directory / "clamd.out").read_text(errors="replace")
    pytest.fail(f"clamd did not start:\n{output}", pytrace=False)
