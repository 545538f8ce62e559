"""What the load benchmarks share: a portal and a bare Flask app under gunicorn with the same
settings (gunicorn.conf.py is read by both: they start in the project's folder), a load
generator (wrk where installed, else a small Python one), and the memory of the workers.

On a 2-core machine the load generator shares the cores with the servers, so figures are only
compared within one run, as ratios of the portal to the bare app measured next to it.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BARE_APP = "bench.bare_app:app"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def portal_env(**settings: str) -> dict:
    """The environment of a benchmark's portal (server and `flask` commands alike): limits that
    a benchmark's crowd from one address does not reach."""
    return {
        **os.environ,
        "PORTAL_ENV": "development",
        "SECRET_KEY": "bench-secret",
        "CODE_HASH_KEY": "bench-code-hash-key-0123456789abcdef0123456789",
        "PUBLIC_FORM_LIMIT": "1000000 per minute",
        "PUBLIC_FORM_ATTEMPT_LIMIT": "1000000 per minute",
        "LOOKUP_LIMIT": "1000000 per minute",
        "SEARCH_LIMIT": "1000000 per minute",
        **settings,
    }


def in_process_app(workdir: Path, database_url: str, **settings):
    """The portal as a benchmark drives it in process (Flask's test client, the app's own
    time): on `database_url`, its uploads and rate-limit counters in `workdir`, limits that a
    benchmark's requests from one address do not reach."""
    os.environ["DATABASE_URL"] = database_url
    from portal import create_app

    return create_app(
        {
            "PORTAL_ENV": "testing",
            "SECRET_KEY": "bench",
            "UPLOAD_DIR": str(workdir / "uploads"),
            "LOGIN_LIMIT": "100000 per minute",
            "LOOKUP_LIMIT": "100000 per minute",
            "RATELIMIT_STORAGE_OPTIONS": {"database_url": f"sqlite:///{workdir / 'limits.sqlite'}"},
            **settings,
        }
    )


def fresh_database() -> None:
    """Empty the database of the current app (a throwaway one: its audit trail and SQLite's
    full-text triggers included) and build it with the migrations."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from portal.core import audit
    from portal.extensions import db

    metadata = sa.MetaData()
    metadata.reflect(db.engine)
    with db.engine.begin() as connection:
        if "audit_events" in metadata.tables:
            audit.drop_guard(connection)
        if connection.dialect.name == "sqlite":
            for trigger in ("search_entries_ai", "search_entries_ad", "search_entries_au"):
                connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger}"))
            connection.execute(sa.text("DROP TABLE IF EXISTS search_fts"))
    metadata.drop_all(db.engine)
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


def flask(env: dict, *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "portal", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass
class Server:
    process: subprocess.Popen
    base: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


def start_gunicorn(app: str, workers: int, env: dict, *, ready_path: str = "/") -> Server:
    """gunicorn with `workers` sync workers serving `app` ("module:variable"), started in the
    project's folder like `make run`; returns once `ready_path` answers."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", app],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn ({app}) exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(server.base + ready_path, timeout=5):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    sys.exit(f"gunicorn ({app}) did not answer in 120 s:\n{log.read_text()}")


def warm_up(server: Server, paths: list[str], rounds: int = 4) -> None:
    """Each path a few times, so every worker has rendered (and stored) it."""
    for _ in range(rounds):
        for path in paths:
            try:
                with urllib.request.urlopen(server.base + path, timeout=30) as response:  # noqa: S310
                    response.read()
            except OSError:
                pass


@dataclass
class Load:
    requests_per_second: float
    p99_ms: float
    errors: int

    @classmethod
    def of_rounds(cls, rounds: list[Load]) -> Load:
        """Several rounds of one load as one: the median requests per second (a round's rate
        swings with the machine's moment), the worst p99 and all the errors."""
        return cls(
            requests_per_second=statistics.median(r.requests_per_second for r in rounds),
            p99_ms=max(r.p99_ms for r in rounds),
            errors=sum(r.errors for r in rounds),
        )


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def run_load(
    base: str, paths: list[str], *, seconds: int, connections: int, threads: int, python=False
) -> Load:
    """Closed-loop load on `paths` (several: taken in rotation) for `seconds`: wrk where
    installed (unless `python`), else the Python load generator."""
    if shutil.which("wrk") and not python:
        return _wrk(base, paths, seconds=seconds, connections=connections, threads=threads)
    return _python_load(base, paths, seconds=seconds, connections=connections)


# Each wrk thread starts at its own place in the rotation, so the threads do not ask for the
# same path at the same moment.
_ROTATION_LUA = """
local paths = {%s}
local threads = 0
function setup(thread)
  thread:set("offset", threads * 37)
  threads = threads + 1
end
function init(args)
  counter = offset
end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def _lua_string(path: str) -> str:
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrk(base: str, paths: list[str], *, seconds: int, connections: int, threads: int) -> Load:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    script = None
    if len(paths) > 1:
        script = Path(tempfile.mkstemp(suffix=".lua")[1])
        script.write_text(_ROTATION_LUA % ", ".join(_lua_string(p) for p in paths))
        command += ["-s", str(script), base + "/"]
    else:
        command.append(base + paths[0])
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if script:
        script.unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+(?:us|ms|s))", output).group(1))
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: .*?timeout (\d+)"):
        match = re.search(pattern, output)
        errors += int(match.group(1)) if match else 0
    return Load(rps, p99, errors)


def _python_load(base: str, paths: list[str], *, seconds: int, connections: int) -> Load:
    host = urlsplit(base)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        mine, failed, turn = [], 0, offset
        while time.monotonic() < stop_at:
            path = paths[turn % len(paths)]
            turn += 1
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                connection.close()
                failed += response.status >= 400
            except OSError:
                failed += 1
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    workers = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    ordered = sorted(latencies)
    p99 = ordered[int(len(ordered) * 0.99)] * 1000 if ordered else float("nan")
    return Load(len(latencies) / seconds, p99, errors[0])


def worker_memory(server: Server) -> list[tuple[int, float, float]]:
    """(pid, RSS MB, PSS MB) of each worker: PSS counts the pages shared with the master and the
    other workers once, split between them."""
    figures = []
    for pid in server.worker_pids():
        rss = pss = float("nan")
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
        rollup = Path(f"/proc/{pid}/smaps_rollup")
        if rollup.exists():
            for line in rollup.read_text().splitlines():
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) / 1024
        figures.append((pid, rss, pss))
    return figures
