"""The audit trail's hash chain: what it costs to write, and how long `audit verify` takes.

Builds a fresh database with the migrations, then writes N audit events through `audit.record`
(the real chain: each flush moves the chain head and hashes the events before their INSERT), in
transactions of --per-transaction events as requests write them, and prints events per second.
Then runs the same walk as `flask --app portal audit verify` over the whole trail and prints its
time and peak memory (it reads in batches, so memory must not grow with N), and finally alters
one event in the middle by hand (its trigger lifted, as an attacker with schema rights would) and
checks that verify names exactly that event.

    .venv/bin/python bench/audit.py                       # SQLite, 200,000 events
    .venv/bin/python bench/audit.py --events 1000000
    AUDIT_BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/audit.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--per-transaction", type=int, default=5)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("AUDIT_BENCH_DATABASE_URL"),
        help="a throwaway database (emptied!); default: a temporary SQLite file",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite'}"

    from flask_migrate import upgrade

    from portal import create_app
    from portal.core import audit
    from portal.extensions import db

    app = create_app(
        {
            "PORTAL_ENV": "testing",
            "SECRET_KEY": "bench",
            "UPLOAD_DIR": str(workdir / "uploads"),
            "RATELIMIT_STORAGE_OPTIONS": {"database_url": f"sqlite:///{workdir / 'limits.sqlite'}"},
        }
    )
    with app.app_context():
        engine = db.engine.dialect.name
        metadata = sa.MetaData()
        metadata.reflect(db.engine)
        with db.engine.begin() as connection:
            if "audit_events" in metadata.tables:
                audit.drop_guard(connection)
        metadata.drop_all(db.engine)
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()

        started = time.perf_counter()
        for number in range(args.events):
            audit.record("calendar.day_removed", subject=("day", f"2026-{number % 12 + 1:02d}-01"))
            if (number + 1) % args.per_transaction == 0:
                db.session.commit()
        db.session.commit()
        written = time.perf_counter() - started
        print(
            f"{engine}: {args.events:,} events written in {written:.1f} s "
            f"({args.events / written:,.0f} events/s, {args.per_transaction} per transaction)"
        )

        tracemalloc.start()
        started = time.perf_counter()
        with db.engine.connect() as connection:
            verdict = audit.verify(connection)
        walked = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert verdict.is_intact and verdict.events == args.events, verdict
        print(
            f"verify: {verdict.events:,} events intact in {walked:.1f} s "
            f"({verdict.events / walked:,.0f} events/s), peak Python memory {peak / 2**20:.1f} MiB"
        )

        middle = args.events // 2
        with db.engine.begin() as connection, audit.guard_lifted(connection):
            connection.execute(
                sa.text("UPDATE audit_events SET detail = 'kind=workday' WHERE sequence = :n"),
                {"n": middle},
            )
        with db.engine.connect() as connection:
            verdict = audit.verify(connection)
        broken = verdict.first_break
        assert broken is not None and broken.sequence == middle, verdict
        print(f"an event altered by hand at sequence {middle:,}: named by verify ({broken.kind})")


if __name__ == "__main__":
    main()
