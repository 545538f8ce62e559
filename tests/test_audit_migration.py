"""Migration 0006 carries every audit row over to the domain-neutral subject (kind, id), and
back on downgrade. Runs on its own SQLite file, from revision 0005 up."""

from __future__ import annotations

import sqlite3
from contextlib import closing

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
        with db.engine.begin() as connection:
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
