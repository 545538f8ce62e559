"""The SQL rate-limit store (portal/core/ratelimit_store.py) counts every hit exactly once, also
when many workers hit one key at the moment its window ends.

The store here is built on the suite's own database (a SQLite file, or PostgreSQL with
TEST_DATABASE_URL), as RATELIMIT_DATABASE_URL may name; the conftest's limiter keeps a SQLite file
of its own, as production does by default. Each thread has its own connection; the store's clock is held still within a window
and moved on by exactly one window between rounds, so every round starts on an expired row.
"""

from __future__ import annotations

import threading
from unittest import mock

import pytest

from portal.core import ratelimit_store
from portal.core.ratelimit_store import SQLStorage
from portal.extensions import db

THREADS = 8
HITS_PER_THREAD = 25
WINDOW_SECONDS = 60
ROUNDS = 4
KEY = "test/contention"


class StillClock:
    """The store's `time` module, reading a moment the test sets."""

    def __init__(self, moment: float):
        self.moment = moment

    def time(self) -> float:
        return self.moment


@pytest.fixture
def store():
    store = SQLStorage(database_url=db.engine.url.render_as_string(hide_password=False))
    store.reset()
    yield store
    store.reset()
    store.engine.dispose()


def _hammer(store: SQLStorage) -> list:
    """THREADS threads, released together, each adding HITS_PER_THREAD hits to KEY; returns
    every count the store answered, or the exceptions it raised."""
    barrier = threading.Barrier(THREADS)
    answers: list = []
    lock = threading.Lock()

    def run():
        barrier.wait(timeout=30)
        for _ in range(HITS_PER_THREAD):
            try:
                answer = store.incr(KEY, WINDOW_SECONDS)
            except Exception as error:  # noqa: BLE001  (reported by the assertion)
                answer = error
            with lock:
                answers.append(answer)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_parallel_hits_across_window_ends_are_each_counted_once(store):
    clock = StillClock(1_900_000_000.0)
    hits = THREADS * HITS_PER_THREAD
    with mock.patch.object(ratelimit_store, "time", clock):
        for _round in range(ROUNDS):
            answers = _hammer(store)
            # No error, no count given twice, none skipped: the hits of one window are numbered
            # 1, 2, ... hits, and each new window starts again at 1.
            assert [a for a in answers if isinstance(a, Exception)] == []
            assert sorted(answers) == list(range(1, hits + 1))
            assert store.get(KEY) == hits
            assert store.get_expiry(KEY) == clock.moment + WINDOW_SECONDS
            clock.moment += WINDOW_SECONDS  # the window ends now: the next hit starts a new one
        assert store.get(KEY) == 0


def test_without_redis_the_counters_are_in_a_file_of_the_host_also_beside_postgresql(
    tmp_path, monkeypatch
):
    """One host without Redis: a count is not a round trip to PostgreSQL. Several hosts share
    Redis, and RATELIMIT_DATABASE_URL still names any database."""
    from portal import config

    monkeypatch.delenv("RATELIMIT_DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://portal:secret@db.example/portal")
    settings = config.load(tmp_path, {"PORTAL_ENV": "development"})
    assert settings["RATELIMIT_STORAGE_OPTIONS"] == {
        "database_url": f"sqlite:///{tmp_path / 'ratelimits.sqlite'}"
    }

    monkeypatch.setenv("RATELIMIT_DATABASE_URL", "postgresql://portal:secret@db.example/limits")
    settings = config.load(tmp_path, {"PORTAL_ENV": "development"})
    assert settings["RATELIMIT_STORAGE_OPTIONS"]["database_url"].endswith("db.example/limits")

    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/0")
    settings = config.load(tmp_path, {"PORTAL_ENV": "development"})
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache.example:6379/0"
