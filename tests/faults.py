"""Real faults for tests, not mocks: a database file this process may not write.

`read_only(path)` clears the file's write bits, as an operator's `chmod a-w` (or a restore as
another owner) does. Root ignores permission bits through the CAP_DAC_OVERRIDE capability, so
when the tests run as root the calling thread lays that capability aside for the time and takes
it back after (capabilities are per thread on Linux; the test client runs the app in the
calling thread). Without root nothing more is needed.
"""

from __future__ import annotations

import ctypes
import os
from contextlib import contextmanager
from pathlib import Path

from tests.capabilities import missing_capability

CAP_DAC_OVERRIDE = 1
LINUX_CAPABILITY_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


@contextmanager
def read_only(path: Path):
    """`path` may be read but not written by this thread while inside."""
    mode = path.stat().st_mode
    path.chmod(mode & ~0o222)
    try:
        with _permission_bits_bind_root():
            yield
    finally:
        path.chmod(mode)


@contextmanager
def _permission_bits_bind_root():
    if os.geteuid() != 0:
        yield
        return
    libc = ctypes.CDLL(None, use_errno=True)
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    saved = (_CapData * 2)()
    if libc.capget(ctypes.byref(header), saved) != 0:
        missing_capability(f"capget failed: {os.strerror(ctypes.get_errno())}")
    lowered = (_CapData * 2)(*saved)
    lowered[0].effective &= ~(1 << CAP_DAC_OVERRIDE)
    if libc.capset(ctypes.byref(header), lowered) != 0:
        missing_capability(f"cannot lay CAP_DAC_OVERRIDE aside: {os.strerror(ctypes.get_errno())}")
    try:
        yield
    finally:
        libc.capset(ctypes.byref(header), saved)
