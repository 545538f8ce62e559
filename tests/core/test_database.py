"""Connections recover by themselves once the database or its file is back: the very next
request succeeds in the same app, with no restart (portal/core/database.py).

The faults are real: a SQLite file made read-only for this process (tests/faults.py), and on
PostgreSQL every server connection killed. A worker that connects while the file is read-only
is shown by closing the pool's connections first (`dispose`): SQLite opens a fresh connection
read-only, which is what broke the portal until it was restarted.
"""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.core.database import BUSY_TIMEOUT_MS, tune_sqlite
from portal.core.ratelimit_store import SQLStorage
from portal.extensions import db, limiter
from portal.petitions.models import Petition
from tests.factories import PETITION_FORM
from tests.faults import read_only
from tests.web import parse


def submit(client_request, fields: dict):
    """Send the petition form (its hidden fields as the browser got them); the response."""
    return client_request.client.post(
        "/petitions/new", data={**fields, **PETITION_FORM}, headers={"Accept-Language": "en"}
    )


def assert_error_page(response):
    """An error page of the portal's own, saying what happened: never a traceback."""
    assert response.status_code in (500, 503), response.status_code
    page = parse(response)
    assert len(page.find_all("h1")) == 1
    assert "Traceback" not in page.get_text() and "readonly" not in page.get_text()


def close_every_connection(engine) -> None:
    """Close the pool's connections, and those that earlier tests' failures left for the garbage
    collector (a traceback keeps its frames, and their connections, alive). While any connection
    to the file is open in this process, SQLite hands a new connection the file descriptor a
    closed one left behind, opened for writing before the file became read-only, and the fault
    would not happen."""
    gc.collect()
    engine.dispose()


def petitions_count() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count(Petition.id)))


def test_submissions_work_again_as_soon_as_the_database_file_is_writable(client_request):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("a read-only file is a SQLite fault; this run's database is PostgreSQL")
    fields = client_request.form_fields("petitions.new_petition")
    db.session.remove()  # the test's own connection goes back to the pool with the others
    with read_only(Path(db.engine.url.database)):
        close_every_connection(db.engine)  # a worker that connects now, while it is read-only
        assert_error_page(submit(client_request, fields))
        assert_error_page(submit(client_request, fields))
    response = submit(client_request, fields)  # the same form, sent again
    assert response.status_code == 200, response.status_code
    assert parse(response).select_one("#tracking-number") is not None
    assert petitions_count() == 1


def test_rate_limits_work_again_as_soon_as_their_file_is_writable(client_request):
    # The tests keep the limiter's counters in a SQLite file on either database (conftest.py).
    fields = client_request.form_fields("petitions.new_petition")
    store = limiter.storage
    with read_only(Path(store.engine.url.database)):
        close_every_connection(store.engine)
        assert_error_page(submit(client_request, fields))
        assert_error_page(submit(client_request, fields))
    response = submit(client_request, fields)
    assert response.status_code == 200, response.status_code
    assert petitions_count() == 1


def kill_every_connection(url: sa.URL) -> int:
    """From a connection of its own, end every other server connection to the database, as a
    restart of PostgreSQL does; how many were ended."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            ended = connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE pid <> pg_backend_pid() AND datname = current_database()"
                )
            ).scalars()
            return sum(ended)
    finally:
        engine.dispose()


def test_after_every_postgresql_connection_is_killed_the_next_requests_succeed(client_request):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a server's connections to kill: run with TEST_DATABASE_URL (PostgreSQL)")
    store = SQLStorage(database_url=db.engine.url.render_as_string(hide_password=False))
    try:
        store.incr("test/before", 60)  # pooled connections to kill, the app's and the store's
        fields = client_request.form_fields("petitions.new_petition")
        db.session.remove()
        assert kill_every_connection(db.engine.url) >= 2

        response = submit(client_request, fields)
        assert response.status_code == 200, response.status_code
        assert petitions_count() == 1
        assert store.incr("test/after", 60) == 1
    finally:
        store.reset()
        close_every_connection(store.engine)


# ---- waiting for SQLite's write lock -----------------------------------------------------------


def sqlite_engine(path: Path) -> sa.Engine:
    """An engine tuned as the portal's (tune_sqlite): outside a request every transaction may
    write, so each begins with BEGIN IMMEDIATE."""
    engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.NullPool)
    tune_sqlite(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    return engine


def test_a_writer_waits_for_the_lock_and_writes_once_it_is_free(tmp_path):
    engine = sqlite_engine(tmp_path / "lock.sqlite")
    holder = engine.connect()
    holder.begin()
    holder.exec_driver_sql("INSERT INTO t VALUES (1)")
    written, waiting = [], threading.Event()

    def second_writer():
        waiting.set()
        with engine.begin() as connection:  # waits here while the holder has the lock
            connection.exec_driver_sql("INSERT INTO t VALUES (2)")
        written.append(2)

    thread = threading.Thread(target=second_writer)
    thread.start()
    waiting.wait()
    thread.join(timeout=0.3)
    assert thread.is_alive() and not written  # still waiting: one writer at a time
    holder.commit()
    holder.close()
    thread.join(timeout=5)
    assert written == [2]
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT n FROM t ORDER BY n").scalars().all() == [1, 2]
        # The busy timeout is back for the statements of the transaction.
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS


def test_a_lock_held_past_the_busy_timeout_fails_as_any_statement_does(tmp_path, monkeypatch):
    monkeypatch.setattr("portal.core.database.BUSY_TIMEOUT_MS", 200)
    engine = sqlite_engine(tmp_path / "lock.sqlite")
    with engine.connect() as holder:
        holder.begin()
        holder.exec_driver_sql("INSERT INTO t VALUES (1)")
        with pytest.raises(sa.exc.OperationalError, match="database is locked"):
            with engine.begin() as connection:
                connection.exec_driver_sql("INSERT INTO t VALUES (2)")
        holder.rollback()
