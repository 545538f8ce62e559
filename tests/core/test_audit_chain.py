"""The audit trail is tamper-evident: every event is chained to the one before it, the database
refuses UPDATE and DELETE, and `flask audit verify` names the first place where the chain was
broken by someone who lifted that refusal (an attacker with the right to change the schema)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal.core import audit, clock
from portal.extensions import db

EVENTS = audit.AuditEvent.__table__


def record_days(count: int) -> list[int]:
    """`count` events, committed one transaction each; their ids in the order written."""
    ids = []
    for number in range(count):
        event = audit.record("calendar.day_removed", subject=("day", f"2026-10-{number + 1:02d}"))
        db.session.commit()
        ids.append(event.id)
    return ids


def verify(app, *args):
    db.session.remove()  # the CLI reads with its own connection
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def tamper(*statements):
    """Run SQL with the guard lifted, as someone allowed to change the schema could."""
    db.session.remove()
    with db.engine.begin() as connection, audit.guard_lifted(connection):
        for statement, values in statements:
            connection.execute(sa.text(statement), values)


def test_events_form_one_gap_free_chain_that_verify_reports_intact(app):
    ids = record_days(3)
    events = [db.session.get(audit.AuditEvent, i) for i in ids]
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]

    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "intact: 3 events" in result.output
    assert f"sequence 3, hash {events[-1].hash}" in result.output


def test_several_events_of_one_transaction_are_chained_in_the_order_recorded(app):
    first = audit.record("calendar.day_removed", subject=("day", "2026-10-01"))
    second = audit.record(
        "calendar.day_set", subject=("day", "2026-10-02"), detail={"kind": "holiday"}
    )
    db.session.commit()
    assert (first.sequence, second.sequence) == (1, 2)
    assert second.prev_hash == first.hash
    assert verify(app).exit_code == 0


def test_verify_walks_the_trail_in_batches(app):
    record_days(7)
    result = verify(app, "--batch-size", "2")
    assert result.exit_code == 0 and "intact: 7 events" in result.output


def test_a_time_in_any_zone_hashes_as_its_utc_instant_on_either_database(app):
    beijing = timezone(timedelta(hours=8))
    with clock.frozen(datetime(2026, 11, 23, 10, 0, 0, 123456, tzinfo=beijing)):
        record_days(1)
    stored = db.session.scalar(sa.select(EVENTS.c.at))
    assert clock.as_utc(stored) == datetime(2026, 11, 23, 2, 0, 0, 123456, tzinfo=UTC)
    assert verify(app).exit_code == 0


def test_an_empty_trail_is_intact(app):
    result = verify(app)
    assert result.exit_code == 0 and "intact: 0 events" in result.output


# ---- the database refuses changes -------------------------------------------------------------


def test_the_database_refuses_a_direct_update(app):
    [event_id] = record_days(1)
    db.session.remove()
    with pytest.raises(sa.exc.DatabaseError, match=audit.REFUSAL):
        with db.engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE audit_events SET detail = 'nothing happened' WHERE id = :id"),
                {"id": event_id},
            )


def test_the_database_refuses_a_direct_delete(app):
    [event_id] = record_days(1)
    db.session.remove()
    with pytest.raises(sa.exc.DatabaseError, match=audit.REFUSAL):
        with db.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM audit_events WHERE id = :id"), {"id": event_id})
    assert db.session.get(audit.AuditEvent, event_id) is not None


def test_the_orm_cannot_change_an_event_either(app):
    [event_id] = record_days(1)
    db.session.get(audit.AuditEvent, event_id).detail = "rewritten"
    with pytest.raises(sa.exc.DatabaseError, match=audit.REFUSAL):
        db.session.commit()
    db.session.rollback()


def test_postgresql_refuses_truncate(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    record_days(1)
    db.session.remove()
    with pytest.raises(sa.exc.DatabaseError, match=audit.REFUSAL):
        with db.engine.begin() as connection:
            connection.execute(sa.text("TRUNCATE audit_events"))


# ---- verify names the first broken link -------------------------------------------------------


def test_an_event_altered_by_hand_is_named(app):
    ids = record_days(4)
    tamper(("UPDATE audit_events SET subject_id = '2027-01-01' WHERE id = :id", {"id": ids[1]}))
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at event #{ids[1]}, sequence 2 (altered)" in result.output
    assert "Events intact before the break: 1" in result.output


def test_an_altered_event_whose_hash_was_recomputed_breaks_the_next_link(app):
    ids = record_days(3)
    altered = {**db.session.get(audit.AuditEvent, ids[0]).__dict__, "detail": "forged"}
    forged_hash = audit.chain_hash(altered, audit.GENESIS)
    tamper(
        (
            "UPDATE audit_events SET detail = 'forged', hash = :hash WHERE id = :id",
            {"hash": forged_hash, "id": ids[0]},
        )
    )
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at event #{ids[1]}, sequence 2 (broken_link)" in result.output


def test_an_event_deleted_from_the_middle_is_named(app):
    ids = record_days(5)
    tamper(("DELETE FROM audit_events WHERE id = :id", {"id": ids[2]}))
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at event #{ids[3]}, sequence 4 (missing)" in result.output
    assert "event 3 is missing" in result.output


def test_the_newest_events_deleted_are_named(app):
    ids = record_days(5)
    tamper(("DELETE FROM audit_events WHERE id IN (:a, :b)", {"a": ids[3], "b": ids[4]}))
    result = verify(app)
    assert result.exit_code == 1
    assert "BROKEN at sequence 4 (missing)" in result.output
    assert "events 4 to 5 are missing" in result.output


def test_events_reordered_are_named(app):
    ids = record_days(4)
    swap = "UPDATE audit_events SET sequence = :to WHERE id = :id"
    tamper(
        (swap, {"to": 99, "id": ids[1]}),
        (swap, {"to": 2, "id": ids[2]}),
        (swap, {"to": 3, "id": ids[1]}),
    )
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at event #{ids[2]}, sequence 2 (broken_link)" in result.output


def test_a_rewritten_chain_head_is_named(app):
    record_days(2)
    tamper(("UPDATE audit_chain_head SET hash = :hash", {"hash": "f" * 64}))
    result = verify(app)
    assert result.exit_code == 1 and "(head_mismatch)" in result.output


# ---- concurrent writers -----------------------------------------------------------------------


def test_concurrent_writers_never_fork_the_chain(app):
    """Two sessions write at once (threads, each its own connection); the head's row lock
    (PostgreSQL) or the write lock (SQLite) puts their events one after the other."""
    per_writer, errors = 15, []
    start = threading.Barrier(2)

    def writer(name: str):
        try:
            with app.app_context():
                start.wait()
                for number in range(per_writer):
                    audit.record("calendar.day_removed", subject=("day", f"{name}-{number}"))
                    audit.record("calendar.day_removed", subject=("day", f"{name}-{number}b"))
                    db.session.commit()
                db.session.remove()
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = db.session.scalars(sa.select(EVENTS.c.sequence).order_by(EVENTS.c.sequence))
    assert list(sequences) == list(range(1, 4 * per_writer + 1))
    result = verify(app)
    assert result.exit_code == 0, result.output
