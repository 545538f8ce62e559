"""A form's one-time submission key, claimed by the first statement of the transaction that
stores what the form sent.

OnceOnlyForm (core/forms.py) gives every rendering of a form a fresh key. `claim` inserts the
key's hash under a primary key, and the database decides at once what a post is:
- the first post of the form claims the key and goes on to store the submission;
- a later post of the same form (a reload, a double-click after the first was stored) finds the
  key claimed, and shows what the first post stored;
- a post that arrives while the first is still in its transaction (the double-click of an elderly
  user, two taps on a slow phone) waits at that insert until the first commits, then finds the
  key claimed; should the first roll back instead (its form refused), the claim is free again
  and this post makes it.
Without a claim, the second post of a double-click did all the work of a submission, waited for
the first's lock on the year's tracking counter, and failed at the end on the record's own UNIQUE
key. The record's UNIQUE key hash stays as the last guard (a key claimed by no transaction that
stored it: a form posted before this table existed).

Only what a hash of the key says is kept, with the time of the claim, as on the records.
"""

from __future__ import annotations

import functools
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import clock, database
from portal.core.forms import submission_key_hash
from portal.extensions import db


class SubmissionClaim(db.Model):
    __tablename__ = "submission_claims"

    key_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


def claim(executor: sa.orm.Session | sa.Connection, submission_key: str) -> bool:
    """Claim the form's key in the executor's transaction: True for the first post of the form,
    False when another transaction has claimed it (waiting for that one to end first). Call it
    before any other write of the submission, so that a repeat does none of them."""
    claimed = executor.execute(
        _claim_statement(db.engine.dialect.name),
        {"key_hash": submission_key_hash(submission_key), "claimed_at": clock.now()},
    )
    return claimed.first() is not None


@functools.cache
def _claim_statement(dialect_name: str):
    """Built once per database (`dialect_name`, the cache's key: database.insert is in the
    dialect in use), as it runs on every submission."""
    table = SubmissionClaim.__table__
    return (
        database.insert(table)
        .values(key_hash=sa.bindparam("key_hash"), claimed_at=sa.bindparam("claimed_at"))
        .on_conflict_do_nothing(index_elements=[table.c.key_hash])
        .returning(table.c.key_hash)
    )
