"""Public pages under load, as ratios to a bare Flask app served the same way.

Builds a portal on a fresh database (SQLite, or --database-url for PostgreSQL): the migrations,
the demo data, and N published documents of realistic Chinese legal prose (bench/search.py's
generator, 20,000 by default). Starts it and a bare Flask "hello" app (bench/bare_app.py) under
gunicorn with the same settings (gunicorn.conf.py, --workers sync workers each), and loads
both in turns, one page at a time, in one run: wrk with --threads threads and --connections
connections where installed, else a Python load generator. Each page is measured --rounds times,
each round the bare app and then the portal, because the bare app's own rate varies by a third
within a run on a shared machine. For each public page it prints the median requests per second
of the portal and of the bare app over the rounds, their ratio, and the portal's worst p99;
then each worker's memory after the run (RSS, and PSS, which counts the memory the workers share
with the master once).

Targets (issue 14), each missed one printed on a line starting "MISSED:":
- every public read page >= 0.5x the bare app, p99 <= 50 ms;
- the search page over bench/search.py's 103 distinct queries in rotation (so that no cache
  helps; search pages are never stored anyway) >= 0.1x, p99 <= 100 ms;
- at most 150 MB RSS per worker after the run.
The petition form is printed for information: it starts a session (its CSRF token) and is
never stored, so it has no target here.

    .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --documents 20000 --seconds 10 --database-url postgresql://...
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import search as search_bench  # noqa: E402
from bench.serving import (  # noqa: E402
    BARE_APP,
    Load,
    flask,
    portal_env,
    run_load,
    start_gunicorn,
    warm_up,
    worker_memory,
)

READ_TARGET, READ_P99_MS = 0.5, 50.0
SEARCH_TARGET, SEARCH_P99_MS = 0.1, 100.0
RSS_TARGET_MB = 150.0
DOCUMENT_ID_OFFSET = 1000  # the generated documents' ids start above the demo data's


def build_portal(workdir: Path, database_url: str | None, documents: int) -> tuple[dict, int]:
    """A portal with the demo data and `documents` published items; its environment and the id
    of a document in the middle."""
    settings = {"UPLOAD_DIR": str(workdir / "uploads")}
    settings["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'pages.sqlite'}"
    env = portal_env(**settings)
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "demo-data")
    os.environ.update(settings)
    import sqlalchemy as sa

    from portal import create_app
    from portal.disclosure.models import LegalDocument
    from portal.extensions import db

    app = create_app({"PORTAL_ENV": "testing", "SECRET_KEY": "bench"})
    items = search_bench.generate(documents, seed=20261201)
    for item in items:
        item["id"] += DOCUMENT_ID_OFFSET
    search_bench.load(app, items, workers=os.cpu_count() or 1)
    with app.app_context():
        some_document = db.session.scalar(
            sa.select(LegalDocument.id).order_by(LegalDocument.id).offset(documents // 2).limit(1)
        )
        db.engine.dispose()
    print(f"portal built in {time.perf_counter() - started:.0f} s: demo data + {documents:,} "
          f"published items (documents and releases, bench/search.py) on "
          f"{settings['DATABASE_URL'].split(':')[0]}")  # fmt: skip
    return env, some_document


def median_of_rounds(rounds: int, targets: list[tuple[str, list[str]]], **load) -> list[Load]:
    """Each (base URL, paths) loaded `rounds` times, in turns; for each, its rounds as one."""
    runs = [[run_load(base, paths, **load) for base, paths in targets] for _ in range(rounds)]
    return [Load.of_rounds([run[n] for run in runs]) for n in range(len(targets))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=5, help="of load per round and server")
    parser.add_argument("--rounds", type=int, default=3, help="of each page, in turns")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers, each")
    parser.add_argument("--database-url", help="PostgreSQL (emptied!); default: a new SQLite")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env, some_document = build_portal(workdir, args.database_url, args.documents)
    pages = [
        ("home", ["/"]),
        ("document list", ["/case-information/documents"]),
        ("document list, filtered, page 3",
         ["/case-information/documents?type=non_prosecution&page=3"]),
        ("a document", [f"/case-information/documents/{some_document}"]),
        ("release list", ["/case-information/releases"]),
        ("a release", ["/case-information/releases/1"]),
        ("release feed (Atom)", ["/case-information/releases/feed.atom"]),
        ("API: document list", ["/api/v1/documents"]),
        ("API: a document", [f"/api/v1/documents/{some_document}"]),
        ("transparency page", ["/transparency"]),
        ("API: statistics", ["/api/v1/statistics"]),
    ]  # fmt: skip
    searches = search_bench.rotation_paths()
    form = ("petition form (no target)", ["/petitions/new"])

    portal = start_gunicorn("wsgi:app", args.workers, env, ready_path="/healthz")
    bare = start_gunicorn(BARE_APP, args.workers, env)
    misses = []
    try:
        # Every search of the rotation too: bench/search.py warms them all up the same way.
        warm_up(portal, [p for _label, paths in pages for p in paths[:50]] + searches)
        load = {"seconds": args.seconds, "connections": args.connections, "threads": args.threads}
        tool = "wrk" if __import__("shutil").which("wrk") else "a Python load generator"
        print(f"\n{args.workers} sync workers each; {tool}, {args.threads} threads, "
              f"{args.connections} connections; each page {args.rounds} rounds of "
              f"{args.seconds} s per server, in turns; medians of the rounds, worst p99\n")  # fmt: skip
        print(f"{'page':36} {'portal/s':>9} {'bare/s':>8} {'ratio':>6} {'p99 ms':>7}  target")
        for label, paths, target, p99_limit in [
            *[(label, paths, READ_TARGET, READ_P99_MS) for label, paths in pages],
            (f"search, {len(searches)} queries in rotation", searches, SEARCH_TARGET,
             SEARCH_P99_MS),
            (*form, None, None),
        ]:  # fmt: skip
            baseline, measured = median_of_rounds(
                args.rounds, [(bare.base, ["/"]), (portal.base, paths)], **load
            )
            ratio = measured.requests_per_second / baseline.requests_per_second
            goal = f">= {target}x, p99 <= {p99_limit:.0f} ms" if target else ""
            print(f"{label:36} {measured.requests_per_second:9.0f} "
                  f"{baseline.requests_per_second:8.0f} {ratio:6.2f} {measured.p99_ms:7.1f}  {goal}"
                  + (f"  ({measured.errors} errors)" if measured.errors else ""))  # fmt: skip
            if target and (ratio < target or measured.p99_ms > p99_limit or measured.errors):
                misses.append(f"{label}: {ratio:.2f}x, p99 {measured.p99_ms:.1f} ms, "
                              f"{measured.errors} errors (target {goal})")  # fmt: skip
        print("\nworker memory after the run:")
        for pid, rss, pss in worker_memory(portal):
            print(f"  portal worker {pid}: RSS {rss:.0f} MB, PSS {pss:.0f} MB")
            if rss > RSS_TARGET_MB:
                misses.append(f"portal worker {pid}: RSS {rss:.0f} MB > {RSS_TARGET_MB:.0f} MB")
        for pid, rss, pss in worker_memory(bare):
            print(f"  bare worker {pid}: RSS {rss:.0f} MB, PSS {pss:.0f} MB")
    finally:
        portal.stop()
        bare.stop()
    print()
    for miss in misses:
        print("MISSED:", miss)
    if not misses:
        print("every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
