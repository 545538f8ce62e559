"""The back office over a million petitions: p50, p95 and max of every staff queue and list, the
petition page and the public progress lookup, on SQLite or PostgreSQL. Target: p95 <= 100 ms.

Loads N petitions with bulk SQL inserts, from bench/statistics.py's generator (3 years of every
kind, channel and handler, old ones closed, recent ones open, a late share and a backlog), made
into the whole workflow's mix here: accepted and unassigned, in progress, drafts awaiting
approval, objections under review, merged repeats, leaders' own cases, unread material from
petitioners, escalations of overdue petitions, written notices (to post for letter writers and
visitors), and the audit events the workflow writes for each step (received, accepted, assigned,
drafted, sent, closed, progress viewed), in time order with the real hash chain. One petition
filed through the real service gets a few hundred events (the petition page's worst case, and
the first page of its whole trail) and its query code (the progress lookup: POST the number and
code, then the progress page).

Each page is requested through the app (Flask's test client, logged in as a user of the role
that works there: the app's own time, no network), once uncounted, then --requests times.
Building a million takes minutes: --keep FILE keeps the SQLite file (and reuses it when it is
there); on PostgreSQL the loaded database is reused unless --rebuild. Migrations are run on a
reused database, so new indexes are built on it.

    .venv/bin/python bench/backoffice.py --keep /tmp/backoffice.sqlite       # SQLite, 1,000,000
    .venv/bin/python bench/backoffice.py --database-url postgresql://…       # PostgreSQL
    .venv/bin/python bench/backoffice.py --petitions 100000 --requests 10    # a quick look
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from array import array
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.statistics import HANDLERS, LEADERS, PASSWORD, petition_rows  # noqa: E402

TARGET_MS = 100
BUSY_KEY = "bench-busy-petition"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# The workflow's steps as the audit trail records them: (code, from state, to state, who acts).
STEPS = (
    ("petition.received", None, "received", "intake"),
    ("petition.acknowledged", "received", "accepted", "clerk"),
    ("petition.assigned", "accepted", "in_progress", "clerk"),
    ("petition.reply_drafted", "in_progress", "awaiting_approval", "handler"),
    ("petition.reply_sent", "awaiting_approval", "answered", "leader"),
    ("petition.closed", "answered", "closed", "system"),
    ("petition.progress_viewed", None, None, "petitioner"),
    ("petition.merged", "received", "merged", "clerk"),
    ("petition.objected", "answered", "under_review", "petitioner"),
)
STEP = {code: index for index, (code, *_rest) in enumerate(STEPS)}


def workflow_rows(count: int, today: date, handler_ids, leader_ids, seed: int = 14):
    """bench/statistics.py's petitions, given the rest of the workflow's states and records.
    Yields (petition, reply or None, extras), extras a dict of lists of other rows."""
    rng = random.Random(seed)
    for row, reply in petition_rows(count, today, handler_ids, late_share=0.02):
        extras = {}
        number, status = row["id"], row["status"]
        row["lead_leader_id"] = None
        row["merged_into_id"] = None
        fate = rng.random()
        if status == "in_progress":
            if fate < 0.10:
                row["status"], row["assigned_to_id"] = "accepted", None
            elif fate < 0.25:
                row["status"] = "awaiting_approval"
                extras["drafts"] = [
                    {
                        "petition_id": number,
                        "kind": "result",
                        "body": "拟答复。",
                        "drafted_at": row["acknowledged_at"] + timedelta(days=10),
                        "sent_at": None,
                        "grade": None,
                        "satisfied_at": None,
                        "objected_at": None,
                        "objection": None,
                    }
                ]
            elif fate < 0.28:
                row["status"] = "under_review"
            if rng.random() < 0.03:
                row["lead_leader_id"] = rng.choice(leader_ids)
        elif status == "closed" and fate < 0.01 and number > 1:
            row.update(
                status="merged",
                merged_into_id=number - 1,
                closed_at=None,
                first_answered_at=None,
                last_replied_at=None,
                concluded_at=None,
            )
            reply = None
        if row["status"] in ("received", "accepted", "in_progress") and rng.random() < 0.02:
            extras["additions"] = [
                {
                    "petition_id": number,
                    "body": "补充材料。",
                    "submission_key_hash": f"a{number:063x}",
                    "added_at": row["received_at"] + timedelta(days=1),
                }
            ]
        yield row, reply, extras


def event_keys(row) -> list[int]:
    """The petition's audit events as sortable integers: seconds since EPOCH, the petition's
    id and the step (decoded again by `decode`), so that millions sort in little memory."""
    steps = [(row["received_at"], "petition.received")]
    if row["status"] == "merged":
        steps.append((row["received_at"] + timedelta(days=2), "petition.merged"))
    if row["acknowledged_at"]:
        steps.append((row["acknowledged_at"], "petition.acknowledged"))
        if row["status"] != "accepted":
            steps.append((row["acknowledged_at"] + timedelta(hours=2), "petition.assigned"))
    if row["status"] == "awaiting_approval":
        steps.append((row["acknowledged_at"] + timedelta(days=10), "petition.reply_drafted"))
    if row["status"] == "under_review":
        steps.append((row["acknowledged_at"] + timedelta(days=20), "petition.objected"))
    if row["first_answered_at"]:
        steps.append((row["first_answered_at"] - timedelta(days=2), "petition.reply_drafted"))
        steps.append((row["first_answered_at"], "petition.reply_sent"))
        steps.append((row["first_answered_at"] + timedelta(days=3), "petition.progress_viewed"))
    if row["closed_at"]:
        steps.append((row["closed_at"], "petition.closed"))
    return [
        (int((at - EPOCH).total_seconds()) << 26 | row["id"] << 4 | STEP[code])
        for at, code in steps
    ]


def load(count: int, today: date) -> dict[str, int]:
    """Users, then the petitions and their records, then the audit events in time order.
    Returns the number of rows written per table."""
    from argon2 import PasswordHasher

    from portal.accounts import services as accounts
    from portal.core import audit
    from portal.core.permissions import Role
    from portal.extensions import db

    accounts.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    ids = {role: [] for role in Role}
    for n in range(HANDLERS + LEADERS):
        role = Role.HANDLER if n < HANDLERS else Role.LEADER
        user = accounts.create_user(f"{role}{n}@bench.example", f"承办人{n:02d}", role, PASSWORD)
        db.session.flush()
        ids[role].append(user.id)
    for role in (Role.CLERK, Role.ADMIN, Role.PUBLISHER):
        user = accounts.create_user(f"{role}@bench.example", f"{role}", role, PASSWORD)
        db.session.flush()
        ids[role].append(user.id)
    db.session.commit()

    tables = db.metadata.tables
    written = dict.fromkeys(
        ("petitions", "replies", "petition_additions", "written_notices", "escalations"), 0
    )
    keys = array("q")
    channel_of = bytearray(count + 1)  # 1: entered by a clerk (letter, visit, phone)
    handler_of = array("i", bytes(4 * (count + 1)))
    reply_id = 0
    serial = {}
    batches: dict[str, list] = {name: [] for name in written}

    def flush_batches(connection, final=False):
        if final or len(batches["petitions"]) >= 20_000:
            for name in written:  # petitions first: the others refer to them
                if batches[name]:
                    connection.execute(tables[name].insert(), batches[name])
                    written[name] += len(batches[name])
                    batches[name] = []

    with db.engine.begin() as connection:
        for row, reply, extras in workflow_rows(count, today, ids[Role.HANDLER], ids[Role.LEADER]):
            batches["petitions"].append(row)
            number = row["id"]
            channel_of[number] = row["channel"] != "web"
            handler_of[number] = row["assigned_to_id"] or 0
            keys.extend(event_keys(row))
            for draft in extras.get("drafts", ()):
                reply_id += 1
                batches["replies"].append({"id": reply_id, **draft})
            batches["petition_additions"].extend(extras.get("additions", ()))
            if reply:
                reply_id += 1
                batches["replies"].append({"id": reply_id, **reply})
                if row["channel"] in ("letter", "visit"):
                    year = reply["sent_at"].year
                    serial[year] = serial.get(year, 0) + 1
                    recent = (today - reply["sent_at"].date()).days < 20
                    batches["written_notices"].append(
                        {
                            "petition_id": number,
                            "reply_id": reply_id,
                            "kind": "result",
                            "year": year,
                            "serial": serial[year],
                            "document_number": f"检信答〔{year}〕{serial[year]}号",
                            "issued_at": reply["sent_at"],
                            "by_post": True,
                            "posted_at": None if recent else reply["sent_at"] + timedelta(days=1),
                            "posted_by_id": None if recent else ids[Role.CLERK][0],
                        }
                    )
            due = row["reply_due_on"] if row["status"] != "received" else row["ack_due_on"]
            if due is not None and due < today and row["status"] not in ("answered", "closed"):
                batches["escalations"].append(
                    {
                        "petition_id": number,
                        "deadline": "acknowledgment" if row["status"] == "received" else "reply",
                        "due_on": due,
                        "escalated_at": datetime.combine(due, datetime.min.time(), UTC)
                        + timedelta(days=1, hours=1),
                    }
                )
            flush_batches(connection)
        flush_batches(connection, final=True)

    # The audit trail, oldest first, chained as audit.record chains it.
    keys = sorted(keys)
    events = tables["audit_events"]
    actors = {
        "clerk": ("staff", ids[Role.CLERK][0]),
        "leader": ("staff", ids[Role.LEADER][0]),
        "system": ("system", None),
        "petitioner": ("petitioner", None),
    }
    head = audit.AuditChainHead.__table__
    batch = []
    with db.engine.begin() as connection:
        first, prev_hash = connection.execute(sa.select(head.c.sequence, head.c.hash)).one()
        for sequence, key in enumerate(keys, start=first + 1):
            petition_id, step = key >> 4 & (2**22 - 1), key & 15
            code, from_state, to_state, who = STEPS[step]
            if who == "intake":
                who = "clerk" if channel_of[petition_id] else "petitioner"
            actor_kind, actor_id = (
                ("staff", handler_of[petition_id] or None) if who == "handler" else actors[who]
            )
            event = {
                "sequence": sequence,
                "at": EPOCH + timedelta(seconds=key >> 26),
                "code": code,
                "actor_kind": actor_kind,
                "actor_id": actor_id,
                "subject_kind": "petition",
                "subject_id": str(petition_id),
                "from_state": from_state,
                "to_state": to_state,
                "detail": None,
            }
            event["prev_hash"] = prev_hash
            event["hash"] = prev_hash = audit.chain_hash(event, prev_hash)
            batch.append(event)
            if len(batch) >= 20_000:
                connection.execute(events.insert(), batch)
                batch = []
        if batch:
            connection.execute(events.insert(), batch)
        connection.execute(
            sa.update(head).where(head.c.id == 1).values(sequence=first + len(keys), hash=prev_hash)
        )
    written["audit_events"] = len(keys)
    return written


def align_sequences() -> None:
    """The bulk load gave petitions and replies their ids: on PostgreSQL, move the sequences past
    them, so that the service's own inserts get new ids."""
    from portal.extensions import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            for table in ("petitions", "replies"):
                connection.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )


def busy_petition(events: int) -> tuple[str, str]:
    """A petition filed through the real service (its query code hashed as intake hashes it),
    accepted and assigned through the workflow, with `events` notes and lookups in its trail.
    Returns its tracking number and query code."""
    from portal.accounts import services as accounts
    from portal.core import audit
    from portal.core.permissions import Role
    from portal.extensions import db
    from portal.petitions import services, workflow

    clerk = accounts.find_by_email(f"{Role.CLERK}@bench.example")
    handler = accounts.find_by_email(f"{Role.HANDLER}0@bench.example")
    receipt = services.submit_petition(
        services.IntakeData(
            kind="complaint",
            subject="多次补充的控告",
            body="一件来回很多次的控告。",
            name="张三",
            mobile="13800000000",
        ),
        channel="web",
        submission_key=BUSY_KEY,
    )
    petition = receipt.petition
    workflow.acknowledge(petition, clerk, notice="已受理。")
    workflow.assign(petition, clerk, handler=handler)
    for n in range(events):
        if n % 2:
            services.add_note(petition, handler, f"第{n}次跟进。")
        else:
            audit.record(
                "petition.progress_viewed", actor_kind=audit.ACTOR_PETITIONER, subject=petition
            )
    db.session.commit()
    return petition.tracking_number, receipt.query_code


def sizes() -> str:
    from portal.extensions import db

    counts = {
        table: db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608
        for table in ("petitions", "audit_events", "replies", "written_notices", "escalations")
    }
    if db.engine.dialect.name == "sqlite":
        files = [Path(db.engine.url.database + suffix) for suffix in ("", "-wal")]
        size = sum(file.stat().st_size for file in files if file.exists())
    else:
        size = db.session.scalar(sa.text("SELECT pg_database_size(current_database())"))
    rows = ", ".join(f"{table} {n:,}" for table, n in counts.items())
    return f"rows: {rows}; database size {size / 2**30:.2f} GiB"


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    samples = sorted(samples)
    p95 = samples[max(0, int(round(0.95 * len(samples))) - 1)]
    return samples[len(samples) // 2] * 1000, p95 * 1000, samples[-1] * 1000


def timed(client, path: str, repeat: int, *, method="get", data=None, expect=200):
    """p50, p95 and max of `repeat` requests, after one that is not counted (it compiles the
    templates and statements once per process)."""
    call = getattr(client, method)
    response = call(path, data=data() if data else None)
    assert response.status_code == expect, (path, response.status_code)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = call(path, data=data() if data else None)
        timings.append(time.perf_counter() - started)
        assert response.status_code == expect, (path, response.status_code)
    return percentiles(timings), response


def logged_in(app, email):
    """A test client logged in as `email` through the login form (with its CSRF token)."""
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    response = client.post(
        "/staff/login", data={"csrf_token": csrf(page), "email": email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    return client


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def next_link(page: str) -> str | None:
    match = re.search(r'<a [^>]*href="([^"]+)"[^>]*rel="next"', page) or re.search(
        r'rel="next"[^>]*href="([^"]+)"', page
    )
    return match.group(1).replace("&amp;", "&") if match else None


def deep_page(client, path: str, rows: int, per_page: int = 50) -> str:
    """The URL of the queue's page that starts after `rows` rows: by page number where the list
    is paged by number, else by following "next" links from the first page."""
    page = client.get(path).get_data(as_text=True)
    if "page=2" in page:
        return f"{path}&page={rows // per_page + 1}"
    url = path
    for _ in range(rows // per_page):
        url = next_link(page)
        if url is None:
            break
        page = client.get(url).get_data(as_text=True)
    return url or path


def staff_pages(
    today: date, handler_id: int, busy_number: str, closed_number: str
) -> dict[str, tuple[str, str]]:
    """Each staff page measured: name -> (who asks, path)."""
    year = today.year - 1
    queues = {
        f"queue {code}": ("leader", f"/staff/petitions?queue={code}")
        for code in (
            "new",
            "due_soon",
            "overdue",
            "follow_up",
            "new_material",
            "awaiting_approval",
            "under_review",
            "escalated",
            "all",
        )
    }
    return {
        "dashboard (leader)": ("leader", "/staff/"),
        "dashboard (clerk)": ("clerk", "/staff/"),
        **queues,
        "queue mine (handler)": ("handler", "/staff/petitions?queue=mine"),
        "queue mine (leader: own cases)": ("leader", "/staff/petitions?queue=mine"),
        "queue all, kind": ("leader", "/staff/petitions?queue=all&kind=state_compensation"),
        "queue all, channel": ("leader", "/staff/petitions?queue=all&channel=phone"),
        "queue all, state closed": ("leader", "/staff/petitions?queue=all&state=closed"),
        "queue all, state merged": ("leader", "/staff/petitions?queue=all&state=merged"),
        "queue all, state under_review": (
            "leader",
            "/staff/petitions?queue=all&state=under_review",
        ),
        "queue all, kind+channel+state": (
            "leader",
            "/staff/petitions?queue=all&kind=state_compensation&channel=phone&state=answered",
        ),
        "queue new, kind+channel": (
            "leader",
            "/staff/petitions?queue=new&kind=judicial_aid&channel=visit",
        ),
        "queue overdue, kind": ("leader", "/staff/petitions?queue=overdue&kind=complaint"),
        "notices to post": ("clerk", "/staff/notices/to-post"),
        "audit trail": ("admin", "/staff/audit-trail"),
        "audit trail, event type": ("admin", "/staff/audit-trail?type=petition.merged"),
        "audit trail, who (staff)": ("admin", f"/staff/audit-trail?actor={handler_id}"),
        "audit trail, who (system)": ("admin", "/staff/audit-trail?actor=system"),
        "audit trail, one petition": (
            "admin",
            "/staff/audit-trail?subject_kind=petition&subject_id=500000",
        ),
        "audit trail, a month": ("admin", f"/staff/audit-trail?from={year}-03-01&to={year}-03-31"),
        "audit trail, type + month": (
            "admin",
            f"/staff/audit-trail?type=petition.closed&from={year}-03-01&to={year}-03-31",
        ),
        "statistics (by handler)": ("leader", "/staff/statistics/"),
        "statistics (by month)": ("leader", "/staff/statistics/?by=month"),
        "petition page (many events)": ("handler", f"/staff/petitions/{busy_number}"),
        "petition history, first page (many events)": (
            "handler",
            f"/staff/petitions/{busy_number}/history",
        ),
        "petition page (a closed one)": ("leader", f"/staff/petitions/{closed_number}"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--petitions", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30, help="per page")
    parser.add_argument("--busy-events", type=int, default=300)
    parser.add_argument("--deep-rows", type=int, default=5_000, help="where the deep page starts")
    parser.add_argument("--database-url", default=os.environ.get("BACKOFFICE_BENCH_DATABASE_URL"))
    parser.add_argument("--keep", help="the SQLite file to build (kept) or reuse")
    parser.add_argument("--rebuild", action="store_true", help="empty and load even if loaded")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-backoffice-"))
    sqlite_file = Path(args.keep) if args.keep else workdir / "bench.sqlite"
    from flask_migrate import upgrade

    from bench.serving import fresh_database, in_process_app
    from portal.core import clock
    from portal.extensions import db
    from portal.statistics import services as statistics

    app = in_process_app(workdir, args.database_url or f"sqlite:///{sqlite_file}")
    today = clock.local_today()
    with app.app_context():
        engine = db.engine.dialect.name
        loaded = 0
        if sa.inspect(db.engine).has_table("petitions") and not args.rebuild:
            loaded = db.session.scalar(
                sa.text("SELECT count(*) FROM petitions WHERE tracking_number LIKE 'XB%'")
            )
        db.session.remove()
        started = time.perf_counter()
        if loaded != args.petitions:
            fresh_database()
            written = load(args.petitions, today)
            print(
                f"{engine}: loaded in {time.perf_counter() - started:.0f} s: "
                + ", ".join(f"{table} {n:,}" for table, n in written.items())
            )
        else:
            upgrade()
            print(
                f"{engine}: reused the loaded database (migrated in {time.perf_counter() - started:.0f} s)"
            )
        busy = busy_petition_again()
        if busy is None:  # a fresh load, or one that stopped before its last steps
            started = time.perf_counter()
            align_sequences()
            busy = busy_petition(args.busy_events)
            statistics.rebuild()
            db.session.commit()
            print(f"busy petition and statistics totals in {time.perf_counter() - started:.0f} s")
        db.session.remove()  # its read transaction would keep SQLite's ANALYZE waiting
        with db.engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))
        print(sizes())
        handler_id = db.session.scalar(
            sa.text("SELECT id FROM users WHERE email = 'handler0@bench.example'")
        )
        closed_number = db.session.scalar(
            sa.text("SELECT min(tracking_number) FROM petitions WHERE status = 'closed'")
        )
        db.session.remove()

    number, code = busy
    clients = {
        "leader": logged_in(app, f"leader{HANDLERS}@bench.example"),
        "handler": logged_in(app, "handler0@bench.example"),
        "clerk": logged_in(app, "clerk@bench.example"),
        "admin": logged_in(app, "admin@bench.example"),
    }
    missed = []
    print(f"{'page':48} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")

    def report(name, figures):
        p50, p95, worst = figures
        print(f"{name:48} {p50:8.1f} {p95:8.1f} {worst:8.1f}", flush=True)
        if p95 > TARGET_MS:
            missed.append(f"{name}: p95 {p95:.0f} ms > {TARGET_MS} ms")

    for name, (who, path) in staff_pages(today, handler_id, number, closed_number).items():
        report(name, timed(clients[who], path, args.requests)[0])
        if name.startswith("queue ") and "mine" not in name:
            deep = deep_page(clients[who], path, args.deep_rows)
            report(
                f"{name} (after {args.deep_rows:,} rows)",
                timed(clients[who], deep, args.requests)[0],
            )

    public = app.test_client()
    lookup_page = public.get("/progress").get_data(as_text=True)
    form = {"tracking_number": number, "query_code": code, "csrf_token": csrf(lookup_page)}
    report(
        "progress lookup (number + code)",
        timed(public, "/progress", args.requests, method="post", data=lambda: form, expect=302)[0],
    )
    report("progress page", timed(public, f"/progress/{number}", args.requests)[0])
    for line in missed:
        print(f"MISSED: {line}")
    if not missed:
        print(f"every page within {TARGET_MS} ms at p95")


def busy_petition_again() -> tuple[str, str] | None:
    """The reused database's busy petition: its number, and its code worked out again as intake
    derives it from the (fixed) submission key; None when the database has none (a load that
    stopped half way)."""
    from portal.petitions import services

    petition = services.find_by_submission_key(BUSY_KEY)
    return (petition.tracking_number, services.query_code_for(BUSY_KEY)) if petition else None


if __name__ == "__main__":
    main()
