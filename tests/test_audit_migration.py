"""Migration 0006 carries every audit row over to the domain-neutral subject (kind, id), and
back on downgrade. Runs on its own SQLite file, from revision 0005 up."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.core import audit
from portal.extensions import db

OLD_ROWS = [
    # (id, code, petition_id, subject): what revision 0005 wrote
    (1, "petition.received", 7, None),
    (2, "user.created", None, "user:12"),
    (3, "calendar.day_set", None, "day:2026-10-01"),
    (4, "case.imported", None, None),
    (5, "lawyer.login_locked", None, ""),
]


def test_audit_subjects_are_carried_over_and_back(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'old-audit.sqlite'}")
    app = create_app({"PORTAL_ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production"})
    with app.app_context():
        upgrade(revision="0005_release_redaction")
        # Petition 7 need not exist for this test: a plain sqlite3 connection has foreign keys
        # off, as SQLite's default is.
        with closing(sqlite3.connect(tmp_path / "old-audit.sqlite")) as connection:
            connection.executemany(
                "INSERT INTO audit_events (id, at, code, actor_kind, petition_id, subject)"
                " VALUES (?, '2026-11-01 00:00:00', ?, 'system', ?, ?)",
                OLD_ROWS,
            )
            connection.commit()
        upgrade()
        with db.engine.connect() as connection:
            pairs = {
                row.id: (row.subject_kind, row.subject_id)
                for row in connection.execute(sa.text("SELECT * FROM audit_events"))
            }
        assert pairs == {
            1: ("petition", "7"),
            2: ("user", "12"),
            3: ("day", "2026-10-01"),
            4: (None, None),
            5: (None, None),
        }
        # The one history query finds the carried-over rows.
        assert [e.id for e in audit.history(("petition", 7))] == [1]
        assert [e.id for e in audit.history(("day", "2026-10-01"))] == [3]
        db.session.remove()  # outside a request, the session's transaction holds SQLite's lock

        # Downgrading restores the petition foreign key, which petition 7 (never created) fails.
        with db.engine.begin() as connection, audit.guard_lifted(connection):
            connection.execute(sa.text("DELETE FROM audit_events WHERE id = 1"))
        downgrade(revision="0005_release_redaction")
        with db.engine.connect() as connection:
            old = {
                row.id: (row.petition_id, row.subject)
                for row in connection.execute(sa.text("SELECT * FROM audit_events"))
            }
        assert 1 not in old and old[2] == (None, "user:12")
        assert old[3] == (None, "day:2026-10-01") and old[4] == (None, None)
        db.session.remove()
        db.engine.dispose()


def test_existing_events_are_chained_in_the_order_written_and_then_guarded(tmp_path, monkeypatch):
    """Migration 0013 chains the rows already there (by id), sets the head, and creates the
    triggers; its downgrade drops them."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'unchained.sqlite'}")
    app = create_app({"PORTAL_ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production"})
    with app.app_context():
        upgrade(revision="0012_unreachable")
        with closing(sqlite3.connect(tmp_path / "unchained.sqlite")) as connection:
            connection.executemany(
                "INSERT INTO audit_events (id, at, code, actor_kind, subject_kind, subject_id,"
                " detail) VALUES (?, ?, 'calendar.day_set', 'system', 'day', ?, ?)",
                [
                    (3, "2026-11-01 08:00:00.000000", "2026-10-01", "holiday"),
                    (7, "2026-11-01 07:00:00.250000", "2026-10-02", "受理"),
                    (9, "2026-11-02 00:00:00.000000", "2026-10-03", None),
                ],
            )
            connection.commit()
        upgrade()
        with db.engine.connect() as connection:
            sequences = dict(
                connection.execute(sa.text("SELECT id, sequence FROM audit_events")).all()
            )
            verdict = audit.verify(connection)
        assert sequences == {3: 1, 7: 2, 9: 3}
        assert verdict.is_intact and verdict.events == 3
        with pytest.raises(sa.exc.DatabaseError, match=audit.REFUSAL):
            with db.engine.begin() as connection:
                connection.execute(sa.text("DELETE FROM audit_events"))

        downgrade(revision="0012_unreachable")
        with db.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM audit_events"))
        db.session.remove()
        db.engine.dispose()
