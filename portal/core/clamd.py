"""A virus scan of uploaded bytes by ClamAV's daemon, clamd, over its INSTREAM protocol.

A small client of our own: the PyPI clients (`clamd`, `pyclamd`) have not been maintained since
2014 and 2017, and the protocol is a few lines. The command is ``zINSTREAM\\0``, then the data
in chunks, each prefixed by its length as a 4-byte big-endian number, then a zero length; clamd
answers ``stream: OK``, ``stream: <signature> FOUND`` or ``<reason> ERROR``, ended by ``\\0``.

Where clamd listens is configured by ``CLAMD_SOCKET`` (a Unix socket) and/or ``CLAMD_HOST`` and
``CLAMD_PORT``; with both, the socket is tried first and the TCP address if the socket does not
answer. With neither, nothing is scanned (`is_configured()` is false). A configured scanner that
cannot be reached, or that answers with an error, raises `ScannerUnavailable`: the caller refuses
the file rather than accept it unscanned.
"""

from __future__ import annotations

import logging
import socket
import struct
from dataclasses import dataclass

log = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024


class ScannerUnavailable(RuntimeError):
    """clamd is configured but could not scan (not reachable, timed out, or answered an error)."""


@dataclass(frozen=True)
class Scanner:
    unix_socket: str | None = None
    host: str | None = None
    port: int = 3310
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config) -> Scanner:
        return cls(
            unix_socket=config.get("CLAMD_SOCKET") or None,
            host=config.get("CLAMD_HOST") or None,
            port=int(config.get("CLAMD_PORT") or 3310),
            timeout=float(config.get("CLAMD_TIMEOUT") or 30),
        )

    def is_configured(self) -> bool:
        return bool(self.unix_socket or self.host)

    def _addresses(self):
        if self.unix_socket:
            yield socket.AF_UNIX, self.unix_socket
        if self.host:
            yield socket.AF_INET6 if ":" in self.host else socket.AF_INET, (self.host, self.port)

    def scan(self, data: bytes) -> str | None:
        """The signature name if clamd finds something, None if the data is clean. Raises
        ScannerUnavailable when no configured address gives an answer."""
        failures = []
        for family, address in self._addresses():
            try:
                reply = self._instream(family, address, data)
            except OSError as error:
                failures.append(f"{address!r}: {error!r}")
                continue
            return _verdict(reply)
        raise ScannerUnavailable("clamd did not answer: " + "; ".join(failures))

    def ping(self) -> bool:
        for family, address in self._addresses():
            try:
                with socket.socket(family, socket.SOCK_STREAM) as conn:
                    conn.settimeout(self.timeout)
                    conn.connect(address)
                    conn.sendall(b"zPING\0")
                    if _read_reply(conn) == "PONG":
                        return True
            except OSError:
                continue
        return False

    def _instream(self, family, address, data: bytes) -> str:
        with socket.socket(family, socket.SOCK_STREAM) as conn:
            conn.settimeout(self.timeout)
            conn.connect(address)
            conn.sendall(b"zINSTREAM\0")
            view = memoryview(data)
            for start in range(0, len(data), CHUNK_BYTES):
                chunk = view[start : start + CHUNK_BYTES]
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            return _read_reply(conn)


def _read_reply(conn) -> str:
    reply = bytearray()
    while not reply.endswith(b"\0"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        reply += chunk
        if len(reply) > 64 * 1024:
            break
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def _verdict(reply: str) -> str | None:
    # "stream: OK", "stream: Eicar-Test-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    if reply.endswith(" FOUND"):
        found = reply.removesuffix(" FOUND")
        return found.split(": ", 1)[1] if ": " in found else found
    if reply.endswith(": OK") or reply == "OK":
        return None
    raise ScannerUnavailable(f"clamd answered {reply!r}")
