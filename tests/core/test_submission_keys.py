"""A form's one-time key is claimed once (portal/core/submission_keys.py): the first post of a
form claims it, a later post finds it claimed, and a post sent while the first is still in its
transaction waits for that one to end: claimed if it committed, free if it rolled back."""

from __future__ import annotations

import secrets
import threading
import time

import pytest

from portal.core import submission_keys
from portal.extensions import db

WAIT_SECONDS = 0.3  # long enough for the second post to reach the claim and wait there


def a_key() -> str:
    return secrets.token_urlsafe(32)


def test_the_first_post_of_a_form_claims_its_key_and_a_later_post_finds_it_claimed(app):
    key = a_key()
    assert submission_keys.claim(db.session, key) is True
    db.session.commit()
    assert submission_keys.claim(db.session, key) is False
    assert submission_keys.claim(db.session, a_key()) is True  # another rendering of the form


def test_only_the_hash_of_the_key_is_kept(app):
    key = a_key()
    submission_keys.claim(db.session, key)
    db.session.commit()
    stored = db.session.scalars(db.select(submission_keys.SubmissionClaim.key_hash)).all()
    assert len(stored) == 1 and key not in stored[0] and len(stored[0]) == 64


@pytest.mark.parametrize(("first_ends", "second_claims"), [("commit", False), ("rollback", True)])
def test_a_post_sent_while_the_first_is_being_stored_waits_for_it(app, first_ends, second_claims):
    key = a_key()
    outcome = {}

    def second_post():
        with app.app_context(), db.engine.connect() as connection, connection.begin():
            outcome["claimed"] = submission_keys.claim(connection, key)
            outcome["at"] = time.monotonic()

    with db.engine.connect() as first, first.begin() as transaction:
        assert submission_keys.claim(first, key) is True
        second = threading.Thread(target=second_post)
        second.start()
        time.sleep(WAIT_SECONDS)
        assert second.is_alive() and "claimed" not in outcome  # waiting, not told "free"
        ended_at = time.monotonic()
        getattr(transaction, first_ends)()
    second.join(timeout=30)
    assert outcome["claimed"] is second_claims
    assert outcome["at"] >= ended_at
