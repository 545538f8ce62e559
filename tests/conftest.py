"""Fixtures: one app and database per test session, emptied after every test.

The database is SQLite in a temporary directory unless TEST_DATABASE_URL names another (the
PostgreSQL run of `make test` sets it). The schema is built with the migrations, as in production.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import g
from flask_migrate import upgrade

from portal import create_app
from portal.core import audit, clock
from portal.extensions import db, limiter
from tests.capabilities import stop_process

# The local SMS gateway (`sms_gateway`), for the tests of messages to petitioners.
pytest_plugins = ["tests.sms_gateway", "tests.smtp_server"]

AUDIT_TABLES = {audit.AuditEvent.__tablename__, audit.AuditChainHead.__tablename__}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal-test.sqlite'}"
    )


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    os.environ["DATABASE_URL"] = database_url
    app = create_app(
        {
            "PORTAL_ENV": "testing",
            "SECRET_KEY": "test-secret-key-not-for-production",
            "CODE_HASH_KEY": "test-code-hash-key-not-for-production-0123456789",
            # Limits stay on, as in production, but high; rate-limit tests lower them for a moment
            # (the limits are read from the config on every request).
            "PUBLIC_FORM_LIMIT": "1000 per minute",
            "PUBLIC_FORM_ATTEMPT_LIMIT": "1000 per minute",
            "LOOKUP_LIMIT": "1000 per minute",
            "LOGIN_LIMIT": "1000 per minute",
            "SEARCH_LIMIT": "1000 per minute",
            "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
            "RATELIMIT_STORAGE_OPTIONS": {
                "database_url": f"sqlite:///{tmp_path_factory.mktemp('limits') / 'limits.sqlite'}"
            },
        }
    )
    # Requests in tests run inside the test's own app context (see _app_context), so `g` would
    # carry per-request caches (the logged-in user, the CSRF token) from one client's request to
    # the next. In production every request has a fresh app context; start each request so here.
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: g.__dict__.clear())
    with app.app_context():
        _drop_everything()
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        _drop_everything()


def _drop_everything():
    """Start from an empty database, also after an interrupted run on PostgreSQL."""
    metadata = sa.MetaData()
    metadata.reflect(db.engine)
    metadata.drop_all(db.engine)
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield
        empty_database(app)


def empty_database(app):
    """Every table emptied, as after each test (also between the examples of a property test,
    which share one test's fixtures)."""
    db.session.remove()
    with db.engine.begin() as connection:
        # The trail refuses DELETE: emptied by lifting its guard, as only the schema's owner
        # can (core/audit.py), before the users its events name.
        audit.empty_trail(connection)
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in AUDIT_TABLES:
                connection.execute(table.delete())
    limiter.reset()
    app.extensions["pagecache"].clear()  # the tables were emptied behind its back


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def frozen_now():
    """Freeze the clock at 2026-11-23 10:00 Beijing time (02:00 UTC); yields the moment."""
    moment = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    with clock.frozen(moment):
        yield moment


@pytest.fixture
def client_request(client):
    """Pages by endpoint, status checked, HTML parsed: see tests/web.py."""
    from tests.web import ClientRequest

    return ClientRequest(client)


@pytest.fixture
def new_client_request(app):
    """Another browser with its own session, e.g. staff next to a lawyer, or a second
    publisher next to the first."""
    from tests.web import ClientRequest

    return lambda: ClientRequest(app.test_client())


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory):
    """A real clamd for this test session (tests/clamd.py): the path of its socket."""
    from tests import clamd

    process, socket_path = clamd.start(tmp_path_factory.mktemp("clamd"))
    yield socket_path
    stop_process(process)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real Redis for this test session (tests/redis_server.py): its URL."""
    from tests import redis_server

    process, url = redis_server.start(tmp_path_factory.mktemp("redis"))
    yield url
    stop_process(process)


@pytest.fixture
def virus_scanner(app, clamd_socket):
    """Uploads in this test are scanned by the session's clamd."""
    app.config["CLAMD_SOCKET"] = clamd_socket
    yield clamd_socket
    app.config["CLAMD_SOCKET"] = None
