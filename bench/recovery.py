"""Rate-limit counters and database connections under contention and faults, on a real gunicorn.

Starts the portal with several gunicorn workers, on a fresh SQLite database or on the PostgreSQL
database named by --database-url (migrated, and petitions added: use a throwaway one). The form
and search limits are counted in one-second windows, so every worker hits the same counters of
127.0.0.1 as their windows end, again and again. C clients search (cheap requests that mostly
count) and file petitions (writes), in rounds; between rounds, on PostgreSQL, every server
connection is killed (pg_terminate_backend), as a restart of the server does, so each round
starts on dead pooled connections. Prints the requests per second and every failed answer, by
round, and checks that each receipt was stored.

    .venv/bin/python bench/recovery.py --clients 24 --rounds 4 --workers 4
    .venv/bin/python bench/recovery.py --database-url postgresql://user:pw@127.0.0.1:5432/scratch
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from intake import run_together, start_gunicorn

FIELD_RE = r'name="{}" type="hidden" value="([^"]+)"'


def one_client(base: str, index: int, args, statuses: Counter, lock: threading.Lock):
    """`args.searches` searches (cheap: they mostly count), then `args.posts` petitions."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def answer(kind: str, path: str, body: bytes | None = None) -> str:
        try:
            status = opener.open(base + path, data=body, timeout=60).status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        with lock:
            statuses[kind, status] += 1
        return status

    for search in range(args.searches):
        answer("search", f"/case-information/search?q={urllib.parse.quote(f'案件{search}')}")
    for post in range(args.posts):
        html = opener.open(base + "/petitions/new", timeout=30).read().decode()
        fields = {
            name: re.search(FIELD_RE.format(name), html).group(1)
            for name in ("csrf_token", "submission_key")
        }
        fields |= {
            "kind": "complaint",
            "name": f"测试{index}",
            "mobile": "13800000000",
            "subject": "故障恢复测试",
            "body": f"第{post}次提交：确认计数不出错、连接自行恢复。",
            "declaration": "y",
        }
        answer("petition", "/petitions/new", urllib.parse.urlencode(fields).encode())


def kill_every_connection(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return sum(
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE pid <> pg_backend_pid() AND datname = current_database()"
                )
            ).scalars()
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--searches", type=int, default=50, help="per client and round")
    parser.add_argument("--posts", type=int, default=3, help="petitions per client and round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", help="PostgreSQL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        url = sa.make_url(database_url)
        if url.get_backend_name() == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        engine = sa.create_engine(url, poolclass=sa.NullPool)
        # The counters: in the database itself on PostgreSQL, in a file of their own on SQLite.
        limits_url = database_url if args.database_url else f"sqlite:///{Path(tmp) / 'limits'}"
        server, base = start_gunicorn(
            args.workers,
            DATABASE_URL=database_url,
            RATELIMIT_DATABASE_URL=limits_url,
            UPLOAD_DIR=str(Path(tmp) / "uploads"),
            PUBLIC_FORM_LIMIT="1000000 per second",
            PUBLIC_FORM_ATTEMPT_LIMIT="1000000 per second",
            SEARCH_LIMIT="1000000 per second",
        )
        with engine.connect() as connection:
            before = connection.execute(sa.text("SELECT count(*) FROM petitions")).scalar()
        by_round, killed = [], []
        try:
            started = time.perf_counter()
            for _round in range(args.rounds):
                if engine.dialect.name == "postgresql" and by_round:
                    killed.append(kill_every_connection(engine))
                statuses, lock = Counter(), threading.Lock()
                run_together(
                    one_client, [(base, i, args, statuses, lock) for i in range(args.clients)]
                )
                by_round.append(statuses)
            elapsed = time.perf_counter() - started
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        with engine.connect() as connection:
            stored = connection.execute(sa.text("SELECT count(*) FROM petitions")).scalar()
        engine.dispose()
    answers = sum(sum(statuses.values()) for statuses in by_round)
    receipts = sum(statuses["petition", 200] for statuses in by_round)
    print(
        f"database={engine.dialect.name} gunicorn_workers={args.workers} clients={args.clients} "
        f"rounds={args.rounds}: {args.searches} searches and {args.posts} petitions per client "
        f"and round, both limits counted in 1-second windows"
    )
    print(f"elapsed={elapsed:.2f}s requests_per_s={answers / elapsed:.1f}")
    if killed:
        print(f"server_connections_killed_before_rounds_2_on={killed}")
    for number, statuses in enumerate(by_round, 1):
        failed = {f"{kind} {status}": n for (kind, status), n in statuses.items() if status != 200}
        print(f"round {number}: answered={sum(statuses.values())} failed={failed}")
    print(f"petitions_stored={stored - before} receipts={receipts}")
    ok = receipts == stored - before == args.clients * args.posts * args.rounds and all(
        status == 200 for statuses in by_round for _kind, status in statuses
    )
    print("RESULT", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
