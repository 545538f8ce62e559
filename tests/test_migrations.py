"""The models and the migrations agree, on whichever database the suite runs (SQLite, PostgreSQL).

The session `app` fixture builds the test database with `flask db upgrade`; autogenerate's
comparison of that schema with the models' metadata must then find nothing to do. A difference
means a model changed without a migration (or the other way round): run
`flask --app portal db migrate -m "..."` and review the generated file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from pprint import pformat

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from portal.core.outbox import OutboxMessage
from portal.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def include_object(obj, name, type_, reflected, compare_to):
    """As in migrations/env.py: the rate-limit counters table is created by the limiter store;
    the full-text search index (FTS5 table and its shadow tables on SQLite, the stored search
    vector and its GIN index on PostgreSQL) is created by migrations 0003, 0019 and 0028 (over the
    titles) outside the models."""
    if type_ == "table":
        return name not in {"rate_limit_counters", "search_fts"} and not name.startswith(
            "search_fts_"
        )
    if type_ == "index":
        return name not in {"ix_search_entries_tsv", "ix_search_entries_head_tsv"}
    if type_ == "column":
        return (obj.table.name, name) not in {
            ("search_entries", "search_vector"),
            ("search_entries", "head_vector"),
        }
    return True


def test_the_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], (
        f"The schema built by the migrations differs from the models on "
        f"{db.engine.dialect.name}:\n{pformat(differences)}"
    )


def test_the_migrations_have_one_head():
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert len(heads) == 1, f"several migration heads, merge them: {heads}"


def test_the_database_is_at_the_head(app):
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    assert set(current) == set(ScriptDirectory(str(MIGRATIONS)).get_heads())


def test_unsent_mail_the_old_sender_dropped_becomes_a_dead_letter_not_a_loss(app):
    """Before 0008 an unsent message was skipped for ever after 5 failed attempts: such rows
    must come out given up (an administrator sees and retries them), the others pending."""
    queued = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    old_outbox = sa.table(
        "outbox_messages",
        *(sa.column(name) for name in ("recipient", "subject", "body", "attempts")),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("sent_at", sa.DateTime(timezone=True)),
    )
    db.session.remove()
    downgrade(revision="0007_sessions")
    try:
        with db.engine.begin() as connection:
            connection.execute(
                old_outbox.insert(),
                [
                    {"subject": subject, "attempts": attempts, "sent_at": sent_at}
                    | {"recipient": "a@test.example", "body": "正文", "created_at": queued}
                    for subject, attempts, sent_at in [
                        ("sent", 1, queued),
                        ("dropped", 5, None),
                        ("retrying", 2, None),
                    ]
                ],
            )
    finally:
        upgrade()
    migrated = {m.subject: m for m in db.session.scalars(sa.select(OutboxMessage)).all()}
    assert {subject: m.status for subject, m in migrated.items()} == {
        "sent": "sent",
        "dropped": "dead",
        "retrying": "pending",
    }
    assert migrated["dropped"].dead_at is not None
    assert migrated["retrying"].next_attempt_at == migrated["retrying"].queued_at
    assert {m.channel for m in migrated.values()} == {"email"}
