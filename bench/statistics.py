"""The statistics pages over a million petitions: p50/p95 per page, on SQLite or PostgreSQL.

Builds a fresh database with the migrations, loads N petitions with bulk SQL inserts (the
service would hash a query code for each): received over the 3 years to today, of every kind and
channel, spread over 30 handlers, in every state (old ones mostly answered and closed, recent ones
still open), 5% anonymous reports, 2% unreachable petitioners, with graded replies. Late ones
(--late-share, 2% by default: a procedural reply after 8-20 days and the answer after 93-140) and
a backlog that never moves (0.05% never acknowledged, 0.25% acknowledged and never answered) keep
the live count of late petitions busy: about 3,000 late among 60,000 open at 1,000,000.
Then recounts the running totals (`statistics rebuild`, timed) and requests each statistics page
through the app (Flask's test client: the app's own time, no network), printing p50 and p95
(after one request per page that is not counted) and the mix the data holds.

    .venv/bin/python bench/statistics.py                        # SQLite, 200,000 petitions
    .venv/bin/python bench/statistics.py --petitions 1000000
    STATISTICS_BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/statistics.py
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import sys
import sysconfig
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

if __name__ == "statistics":
    # This file is a script, named as the issue names it. A script's own folder leads sys.path,
    # so another script here that imports the standard library's `statistics` finds this file
    # first: it is handed the standard module instead (an import returns what sys.modules holds).
    _spec = importlib.util.spec_from_file_location(
        "statistics", Path(sysconfig.get_path("stdlib")) / "statistics.py"
    )
    sys.modules["statistics"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["statistics"])

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

HANDLERS, LEADERS = 30, 5
PASSWORD = "Bench-password-42"
KINDS = (
    ("complaint", 30),
    ("criminal_appeal", 12),
    ("civil_appeal", 10),
    ("administrative_appeal", 4),
    ("state_compensation", 3),
    ("judicial_aid", 6),
    ("report", 15),
    ("misconduct_report", 3),
    ("legal_consultation", 10),
    ("other", 7),
)
CHANNELS = (("web", 55), ("letter", 20), ("visit", 15), ("phone", 10))


def weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError


def moment(day: date, rng) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randrange(1, 9), tzinfo=UTC)


NEVER_ACKNOWLEDGED, NEVER_ANSWERED = 0.0005, 0.0025  # the backlog, shares of all petitions


def petition_rows(count: int, today: date, handler_ids, late_share: float, seed: int = 2026):
    """Yield (petition, reply or None) rows for the bulk insert."""
    rng = random.Random(seed)
    start = today - timedelta(days=3 * 365)
    span = (today - start).days
    for number in range(1, count + 1):
        # Growing over the years: later days a little more likely.
        received_on = start + timedelta(days=int(span * rng.random() ** 0.8))
        kind = weighted(rng, KINDS)
        anonymous = kind in ("report", "misconduct_report") and rng.random() < 0.25
        ack_due, answer_due = received_on + timedelta(days=7), add_months(received_on, 3)
        age = (today - received_on).days
        row = {
            "id": number,
            "tracking_number": f"XB{received_on.year}-{number:07d}",
            "kind": kind,
            "channel": weighted(rng, CHANNELS),
            "subject": "统计测试",
            "body": "用于统计页面性能测试的来信。",
            "is_anonymous": anonymous,
            "name": None if anonymous else "测试",
            "mobile": None if anonymous else "13800000000",
            "submission_key_hash": f"{number:064x}",
            "query_code_hash": "not-a-hash",
            "received_at": moment(received_on, rng),
            "received_on": received_on,
            "ack_due_on": ack_due,
            "answer_due_on": answer_due,
            "reply_due_on": None,
            "deadline_rule": "calendar-7d/3m/1m",
            "notify_by_sms": False,
            "notify_by_email": False,
            "acknowledged_at": None,
            "assigned_to_id": None,
            "first_answered_at": None,
            "last_replied_at": None,
            "concluded_at": None,
            "closed_at": None,
            "unreachable_reason": None,
            "unreachable_at": None,
            "status": "received",
        }
        fate = rng.random()
        late = fate < late_share
        ack_after = rng.choice((1, 2, 3, 5, 6, 7)) if not late else rng.randrange(8, 20)
        if age <= ack_after or fate > 1 - NEVER_ACKNOWLEDGED:
            yield row, None  # still waiting for the procedural reply
            continue
        ack_on = received_on + timedelta(days=ack_after)
        row["acknowledged_at"] = moment(ack_on, rng)
        row["assigned_to_id"] = rng.choice(handler_ids)
        answer_after = rng.randrange(15, 88) if not late else rng.randrange(93, 140)
        if age <= answer_after or fate > 1 - NEVER_ACKNOWLEDGED - NEVER_ANSWERED:
            row["status"] = "in_progress"
            row["reply_due_on"] = answer_due
            yield row, None
            continue
        answered_at = moment(received_on + timedelta(days=answer_after), rng)
        row.update(
            first_answered_at=answered_at, last_replied_at=answered_at, concluded_at=answered_at
        )
        if not anonymous and rng.random() < 0.02:
            row["unreachable_reason"], row["unreachable_at"] = "no_answer", answered_at
        grade = (
            None
            if anonymous
            else weighted(
                rng,
                ((None, 40), ("satisfied", 45), ("basically_satisfied", 12), ("dissatisfied", 3)),
            )
        )
        closed = age > answer_after + 30 and grade != "dissatisfied"
        row["status"] = "closed" if closed else "answered"
        row["closed_at"] = answered_at + timedelta(days=30) if closed else None
        reply = {
            "petition_id": number,
            "kind": "result",
            "body": "答复。",
            "drafted_at": answered_at,
            "sent_at": answered_at,
            "grade": grade,
            "satisfied_at": answered_at if grade in ("satisfied", "basically_satisfied") else None,
            "objected_at": answered_at if grade == "dissatisfied" else None,
            "objection": "不服" if grade == "dissatisfied" else None,
        }
        yield row, reply


def load(app, count: int, today: date, late_share: float) -> None:
    from argon2 import PasswordHasher

    from portal.accounts import services as accounts
    from portal.core.permissions import Role
    from portal.extensions import db

    # The production cost of password hashing is beside the point here.
    accounts.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

    handler_ids = []
    for n in range(HANDLERS + LEADERS):
        role = Role.HANDLER if n < HANDLERS else Role.LEADER
        user = accounts.create_user(f"{role}{n}@bench.example", f"承办人{n:02d}", role, PASSWORD)
        db.session.flush()
        if role == Role.HANDLER:
            handler_ids.append(user.id)
    db.session.commit()
    metadata = db.metadata
    petitions, replies = metadata.tables["petitions"], metadata.tables["replies"]
    batch_p, batch_r = [], []
    with db.engine.begin() as connection:
        for row, reply in petition_rows(count, today, handler_ids, late_share):
            batch_p.append(row)
            if reply:
                batch_r.append(reply)
            if len(batch_p) >= 20_000:
                connection.execute(petitions.insert(), batch_p)
                if batch_r:
                    connection.execute(replies.insert(), batch_r)
                batch_p, batch_r = [], []
        if batch_p:
            connection.execute(petitions.insert(), batch_p)
        if batch_r:
            connection.execute(replies.insert(), batch_r)
        connection.execute(sa.text("ANALYZE"))


def percentiles(samples):
    samples = sorted(samples)
    return (
        samples[len(samples) // 2] * 1000,
        samples[max(0, int(round(0.95 * len(samples))) - 1)] * 1000,
    )


def time_requests(client, path: str, repeat: int):
    """p50 and p95 of `repeat` requests, after one that is not counted (it compiles the
    templates and the statements, once per process)."""
    assert client.get(path).status_code == 200, path
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return percentiles(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--petitions", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=40, help="per page")
    parser.add_argument(
        "--late-share", type=float, default=0.02, help="petitions replied to late (0 to 1)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("STATISTICS_BENCH_DATABASE_URL"),
        help="a throwaway database (emptied!); default: a temporary SQLite file",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-statistics-"))

    from bench.serving import fresh_database, in_process_app
    from portal.core import clock
    from portal.extensions import db
    from portal.statistics import services

    app = in_process_app(workdir, args.database_url or f"sqlite:///{workdir / 'bench.sqlite'}")
    with app.app_context():
        engine_name = db.engine.dialect.name
        fresh_database()
        today = clock.local_today()
        started = time.perf_counter()
        load(app, args.petitions, today, args.late_share)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        services.rebuild()
        db.session.commit()
        rebuilt = time.perf_counter() - started
        tallies = db.session.scalar(sa.text("SELECT count(*) FROM petition_tallies"))
        mix = _mix(today)
        db.session.remove()

    print(
        f"{engine_name}: {args.petitions:,} petitions loaded in {loaded:.0f} s; "
        f"totals rebuilt in {rebuilt:.1f} s ({tallies:,} rows)\n{mix}"
    )
    year = today.year - 1
    public = {
        "transparency (last 12 months)": "/transparency",
        f"transparency (year {year})": f"/transparency?year={year}",
        "API (last 12 months)": "/api/v1/statistics",
        "CSV (last 12 months)": "/transparency.csv",
    }
    staff = {
        "staff by handler": "/staff/statistics/",
        "staff by kind": "/staff/statistics/?by=kind",
        "staff by channel": "/staff/statistics/?by=channel",
        "staff by month": "/staff/statistics/?by=month",
        "staff by handler, complaint online": "/staff/statistics/?kind=complaint&channel=web",
        f"staff by month, one handler, {year}": (
            f"/staff/statistics/?by=month&handler=3&from={year}-01&to={year}-12"
        ),
    }
    client = app.test_client()
    print(f"{'page':45} {'p50 ms':>8} {'p95 ms':>8}")
    for name, path in public.items():
        p50, p95 = time_requests(client, path, args.requests)
        print(f"{name:45} {p50:8.1f} {p95:8.1f}")
    staff_client = _logged_in(app, f"leader{HANDLERS}@bench.example")
    for name, path in staff.items():
        p50, p95 = time_requests(staff_client, path, args.requests)
        print(f"{name:45} {p50:8.1f} {p95:8.1f}")


def _mix(today: date) -> str:
    """What the data holds, counted by the portal's own definitions (petitions.queries)."""
    from portal.extensions import db
    from portal.petitions import queries
    from portal.petitions.models import Petition

    def count(condition):
        return db.session.scalar(sa.select(sa.func.count()).where(condition))

    late = queries.open_deadline_counts(today)
    return (
        f"  {count(Petition.status.in_(queries.STATISTICS_STATES)):,} open, of which "
        f"overdue now {sum(c.overdue_now for c in late):,} "
        f"(procedural reply {sum(c.ack_overdue for c in late):,}), "
        f"unanswered after 3 months {sum(c.answer_overdue for c in late):,}; "
        f"{count(Petition.is_anonymous):,} anonymous, "
        f"{count(Petition.unreachable_reason.is_not(None)):,} unreachable"
    )


def _logged_in(app, email):
    """A test client logged in as `email` through the login form (with its CSRF token)."""
    import re

    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = client.post(
        "/staff/login", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    return client


if __name__ == "__main__":
    main()
