"""Citizens' submissions during a deadline sweep of 100,000 overdue petitions, on SQLite.

Starts the portal as bench/intake.py does (a real gunicorn with several workers on a fresh SQLite
database), loads the overdue petitions with bulk SQL inserts, and has C citizens submit the form
over and over (each form posted twice at once, as a double-click would): first for a while with
no sweep, then while `flask sweep-deadlines` runs. Prints the submission latency percentiles of
both phases and their p95 ratio, the sweep's duration and throughput, and the errors; checks in
the database that every overdue deadline was escalated once, with one audit event, and every
quiet answered petition closed once.

    .venv/bin/python bench/sweep.py --petitions 100000 --clients 4 --workers 4
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from intake import BIN, ROOT, bench_settings, one_citizen, portal_env, start_server

RECEIVED_AT = "2026-01-05 02:00:00.000000"  # long ago: every procedural reply is overdue
ANSWERED_AT = "2026-02-02 02:00:00.000000"  # and every answer long past its quiet period


def load_petitions(database: Path, overdue: int, quiet: int) -> None:
    """`overdue` petitions still waiting for their procedural reply and `quiet` answered ones
    nobody objected to, inserted in one transaction with plain SQL (the service would take an
    hour: it hashes a query code for each)."""
    petitions, replies = [], []
    for number in range(1, overdue + quiet + 1):
        answered_at = ANSWERED_AT if number > overdue else None
        petitions.append(
            (
                number,
                f"XF2025-{number:06d}",  # a year the live counter does not number
                "answered" if answered_at else "received",
                f"{number:064x}",
                RECEIVED_AT,
                *[answered_at] * 4,  # acknowledged, first and last answered, concluded
            )
        )
        if answered_at:
            replies.append((number, answered_at, answered_at))
    with sqlite3.connect(database) as connection:
        connection.executemany(
            "INSERT INTO petitions (id, tracking_number, kind, channel, status, subject, body,"
            " is_anonymous, name, mobile, submission_key_hash, query_code_hash, received_at,"
            " received_on, ack_due_on, answer_due_on, deadline_rule, acknowledged_at,"
            " first_answered_at, last_replied_at, concluded_at)"
            " VALUES (?, ?, 'complaint', 'web', ?, '压力测试', '逾期未处理的测试来信。', 0,"
            " '测试', '13800000000', ?, 'not-a-hash', ?, '2026-01-05', '2026-01-12',"
            " '2026-04-07', 'calendar-7d/3m/1m', ?, ?, ?, ?)",
            petitions,
        )
        connection.executemany(
            "INSERT INTO replies (petition_id, kind, body, drafted_at, sent_at)"
            " VALUES (?, 'result', '经审查，现答复如下。', ?, ?)",
            replies,
        )


def submit_until(stop: threading.Event, base: str, clients: int):
    """C citizens submitting one form after another until `stop`; (latencies, statuses)."""
    latencies, statuses, lock = [], [], threading.Lock()

    def citizen(index: int):
        while not stop.is_set():
            one_citizen(base, index, latencies, statuses, lock)

    threads = [threading.Thread(target=citizen, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    return threads, latencies, statuses


def submit_for(seconds: float, base: str, clients: int):
    stop = threading.Event()
    threads, latencies, statuses = submit_until(stop, base, clients)
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return latencies, statuses


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def describe(name: str, latencies: list[float], statuses: list[int], elapsed: float) -> None:
    print(
        f"{name}: posts={len(statuses)} in {elapsed:.1f}s, non_200={sum(s != 200 for s in statuses)}"
        f", latency_ms p50={statistics.median(latencies) * 1000:.0f}"
        f" p95={percentile(latencies, 0.95) * 1000:.0f} max={max(latencies) * 1000:.0f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petitions", type=int, default=100_000, help="overdue petitions")
    parser.add_argument("--answered", type=int, default=10_000, help="quiet answered petitions")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--warmup-seconds", type=float, default=5)
    parser.add_argument("--baseline-seconds", type=float, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        server, base, database = start_server(workdir, args.workers)
        try:
            started = time.perf_counter()
            load_petitions(database, args.petitions, args.answered)
            print(
                f"loaded {args.petitions} overdue and {args.answered} quiet answered petitions"
                f" in {time.perf_counter() - started:.1f}s;"
                f" clients={args.clients} gunicorn_workers={args.workers}"
            )

            quiet_latencies, quiet_statuses = submit_for(args.warmup_seconds, base, args.clients)
            # (not counted: each worker's first requests load what the rest reuse)
            quiet_latencies, quiet_statuses = submit_for(args.baseline_seconds, base, args.clients)
            describe("without sweep", quiet_latencies, quiet_statuses, args.baseline_seconds)

            stop = threading.Event()
            threads, busy_latencies, busy_statuses = submit_until(stop, base, args.clients)
            started = time.perf_counter()
            sweep = subprocess.run(
                [BIN / "flask", "--app", "portal", "sweep-deadlines"],
                cwd=ROOT,
                env=portal_env(**bench_settings(workdir)),
                capture_output=True,
                text=True,
            )
            sweep_seconds = time.perf_counter() - started
            stop.set()
            for thread in threads:
                thread.join()
            describe("during sweep", busy_latencies, busy_statuses, sweep_seconds)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        with sqlite3.connect(database) as connection:
            escalations, distinct_escalations, escalation_events, closures, closed = (
                connection.execute(
                    "SELECT (SELECT count(*) FROM escalations),"
                    " (SELECT count(DISTINCT petition_id) FROM escalations),"
                    " (SELECT count(*) FROM audit_events WHERE code = 'petition.overdue_escalated'),"
                    " (SELECT count(*) FROM audit_events WHERE code = 'petition.auto_closed'),"
                    " (SELECT count(*) FROM petitions WHERE status = 'closed')"
                ).fetchone()
            )
    handled = args.petitions + args.answered
    print(
        f"sweep: exit={sweep.returncode} {sweep_seconds:.1f}s"
        f" ({handled / sweep_seconds:.0f} petitions/s): {(sweep.stdout + sweep.stderr).strip()}"
    )
    print(
        f"stored: escalations={escalations} (petitions {distinct_escalations},"
        f" audit events {escalation_events}), closed={closed} (audit events {closures})"
    )
    ratio = percentile(busy_latencies, 0.95) / percentile(quiet_latencies, 0.95)
    print(f"p95 during sweep / p95 without = {ratio:.2f} (at most 2 wanted)")
    ok = (
        sweep.returncode == 0
        and not any(s != 200 for s in quiet_statuses + busy_statuses)
        and escalations == distinct_escalations == escalation_events == args.petitions
        and closed == closures == args.answered
        and ratio <= 2
    )
    print("RESULT", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
