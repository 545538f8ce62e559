"""Concurrent online submissions against a real gunicorn on SQLite: durable, none lost, none doubled.

Starts the portal with several gunicorn workers on a fresh SQLite database, then has C clients
each fetch the form and submit it (every client also re-posts the same form at the same time, as
a double-click would). Prints throughput, latency percentiles and the error count, and checks in
the database that every accepted submission is there exactly once with a unique tracking number.

    .venv/bin/python bench/intake.py --clients 40 --workers 4
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_settings(workdir: Path) -> dict:
    """The settings of the benchmark's portal: a fresh SQLite database in `workdir`, limits that
    a benchmark's crowd from one address does not reach."""
    return {
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}",
        "UPLOAD_DIR": str(workdir / "uploads"),
        "PUBLIC_FORM_LIMIT": "100000 per minute",
        "LOOKUP_LIMIT": "100000 per minute",
    }


def portal_env(**settings: str) -> dict:
    """The environment of a benchmark's portal (server and `flask` commands alike)."""
    return {**os.environ, "PORTAL_ENV": "development", "SECRET_KEY": "bench-secret", **settings}


def start_server(workdir: Path, workers: int) -> tuple[subprocess.Popen, str, Path]:
    server, base = start_gunicorn(workers, **bench_settings(workdir))
    return server, base, workdir / "bench.sqlite"


def start_gunicorn(workers: int, **settings: str) -> tuple[subprocess.Popen, str]:
    """The portal on a fresh port with `workers` gunicorn workers and these settings, its
    database migrated; the server (stop it with os.killpg) and its base URL."""
    env = portal_env(**settings)
    subprocess.run(
        [BIN / "flask", "--app", "portal", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return server, base


def run_together(target, arguments: list[tuple]) -> None:
    """Call `target` once per tuple of arguments, all at the same time in threads; return when
    every call has."""
    threads = [threading.Thread(target=target, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def one_citizen(base: str, index: int, latencies: list, statuses: list, lock: threading.Lock):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    html = opener.open(base + "/petitions/new", timeout=30).read().decode()
    fields = {
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
        "submission_key": re.search(
            r'name="submission_key" type="hidden" value="([^"]+)"', html
        ).group(1),
        "kind": "complaint",
        "name": f"测试{index}",
        "mobile": "13800000000",
        "subject": "压力测试",
        "body": "这是一次并发提交测试，用于确认提交不丢失、不重复。",
        "declaration": "y",
    }
    body = urllib.parse.urlencode(fields).encode()

    def post():
        started = time.perf_counter()
        try:
            status = opener.open(base + "/petitions/new", data=body, timeout=60).status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        with lock:
            latencies.append(time.perf_counter() - started)
            statuses.append(status)

    run_together(post, [()] * 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server, base, database = start_server(Path(tmp), args.workers)
        try:
            latencies, statuses, lock = [], [], threading.Lock()
            started = time.perf_counter()
            run_together(
                one_citizen, [(base, i, latencies, statuses, lock) for i in range(args.clients)]
            )
            elapsed = time.perf_counter() - started
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        with sqlite3.connect(database) as connection:
            stored, distinct = connection.execute(
                "SELECT count(*), count(DISTINCT tracking_number) FROM petitions"
            ).fetchone()
    latencies.sort()
    errors = sum(1 for status in statuses if status != 200)
    print(
        f"clients={args.clients} gunicorn_workers={args.workers} posts={len(statuses)} "
        f"(each form posted twice at once)"
    )
    print(f"elapsed={elapsed:.2f}s posts_per_s={len(statuses) / elapsed:.1f}")
    print(
        f"post_latency_ms p50={statistics.median(latencies) * 1000:.0f} "
        f"p95={latencies[int(0.95 * (len(latencies) - 1))] * 1000:.0f} "
        f"max={latencies[-1] * 1000:.0f}"
    )
    print(
        f"non_200_responses={errors} petitions_stored={stored} distinct_numbers={distinct} "
        f"expected={args.clients}"
    )
    ok = errors == 0 and stored == distinct == args.clients
    print("RESULT", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
