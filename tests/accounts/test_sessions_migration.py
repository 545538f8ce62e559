"""Migration 0007 adds the login sessions table and drops the per-account session tokens; its
downgrade gives every account a fresh token again. Runs on its own SQLite file, from 0006 up."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns(table)}


def test_session_tokens_go_and_come_back(tmp_path, monkeypatch):
    path = tmp_path / "old-sessions.sqlite"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    app = create_app({"PORTAL_ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production"})
    with app.app_context():
        upgrade(revision="0006_audit_subject")
        with closing(sqlite3.connect(path)) as connection:
            connection.execute(
                "INSERT INTO users (id, email, name, role, password_hash, is_active_account,"
                " created_at, failed_logins, session_token)"
                " VALUES (1, 'a@test.example', 'A', 'clerk', 'x', 1, '2026-11-01 00:00:00', 0, 't')"
            )
            connection.commit()
        upgrade()
        assert "session_token" not in _columns("users")
        assert "session_token" not in _columns("lawyer_accounts")
        assert {"token_hash", "account_kind", "account_id", "revoked_at"} <= _columns(
            "login_sessions"
        )
        db.session.remove()
        db.engine.dispose()

        downgrade(revision="0006_audit_subject")
        with db.engine.connect() as connection:
            [token] = connection.execute(sa.text("SELECT session_token FROM users")).scalars()
            tables = sa.inspect(connection).get_table_names()
        assert len(token) == 32 and "login_sessions" not in tables
        db.session.remove()
        db.engine.dispose()
