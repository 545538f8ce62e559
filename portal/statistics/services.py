"""Keeping the running totals (models.PetitionTally) in step with the petitions.

**What is counted** (the same definitions are printed on the transparency page):

- *Received*: every petition, in the month of its date of receipt (`received_on`, Beijing time:
  a letter registered days later counts in the month it came), by kind and channel.
- *Procedural reply within 7 days*: the petition was acknowledged (any procedural outcome:
  accepted, transferred, not accepted or merged into an earlier petition; these set
  `acknowledged_at` in petitions/workflow.py) on or before the `ack_due_on` stored at receipt.
  The day after is late.
- *Answer within 3 months*: the first substantive reply (a result, a progress reply, a transfer
  or a non-acceptance: `first_answered_at`) on or before the stored `answer_due_on`. A merged
  petition is answered by the earlier one and is not counted here.
- The rates are taken over the petitions whose outcome is known: in time, late, or still without
  the reply and past the due date. A petition still inside its time limit and not yet replied to
  is *pending*, neither in time nor late.
- Anonymous petitions and petitioners recorded as unreachable (`Petition.unreachable_reason`) are
  counted apart, as the national figures count them (petitions.queries.reach_class).
- *Satisfaction*: (满意 + 基本满意) / graded replies (`Reply.grade`).
- *Overdue now*: petitions whose next deadline is past today (petitions/deadlines.py's one
  definition), counted live over the late petitions only (index ranges on the due dates).

**How the totals stay right.** A flush hook reads, with the flush's own connection, the facts of
every petition the flush touches (its row or one of its replies) just before the flush and just
after it, and adds the difference to the totals in the same transaction: whatever code path
changes a petition (the workflow, a reassignment, marking it unreachable, a grade), the totals
move with it or not at all. `rebuild` recounts everything from the petitions; the two must agree
(tests/statistics).

**Contention.** On PostgreSQL an upsert locks the row it changes until the commit, so two
transactions adding to the same group (this month, one kind, online, no handler yet) take turns.
The lock is held only from the flush to the commit of a short request (a submission hashes its
query code before its first flush), and every transaction takes its rows in key order, so they
wait briefly and never deadlock. A procuratorate receives a few petitions a minute at most; if a
portal ever needed more, the key would gain a shard column (petition id modulo N) and readers sum
over it. SQLite has one writer at a time anyway.
"""

from __future__ import annotations

import functools
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.core import pagecache
from portal.extensions import db
from portal.petitions import queries as petitions
from portal.statistics.models import COUNTERS, TOPIC, PetitionTally

KEY = ("month", "kind", "channel", "handler_id", "reach")
ALL_HANDLERS = -1  # the handler_id of the rows that add up every handler's (and none)
_BEFORE = "statistics.before_flush"
REBUILD_BATCH = 20_000


def tally_key(facts: petitions.PetitionFacts) -> tuple:
    return (
        facts.received_on.replace(day=1),
        facts.kind,
        facts.channel,
        facts.handler_id or 0,
        facts.reach,
    )


def contribution(facts: petitions.PetitionFacts) -> dict[str, int]:
    """What one petition adds to its group's counters."""
    counts = dict.fromkeys(COUNTERS, 0)
    counts["received"] = 1
    if facts.acknowledged_on is not None:
        in_time = petitions.replied_in_time(facts.ack_due_on, facts.acknowledged_on)
        counts["acknowledged_in_time" if in_time else "acknowledged_late"] = 1
    if facts.is_merged:
        counts["merged"] = 1
    elif facts.first_answered_on is not None:
        in_time = petitions.replied_in_time(facts.answer_due_on, facts.first_answered_on)
        counts["answered_in_time" if in_time else "answered_late"] = 1
        counts["days_to_answer"] = (facts.first_answered_on - facts.received_on).days
    for grade, n in facts.grades:
        counts[graded_counter(grade)] += n
    return counts


def graded_counter(grade: str) -> str:
    """The counter of a grade (models.COUNTERS has one per petitions' Grade value)."""
    return f"graded_{grade}"


def _add(totals: dict, facts_list, sign: int) -> None:
    """Each petition counts twice: under its handler, and under ALL_HANDLERS, the rows the
    public page and the staff figures not split by handler read (a few per month and kind
    instead of one per handler)."""
    for facts in facts_list:
        key = tally_key(facts)
        counts = contribution(facts)
        for row in (totals[key], totals[(*key[:3], ALL_HANDLERS, key[4])]):
            for name, value in counts.items():
                row[name] += sign * value


def _new_totals():
    return defaultdict(lambda: dict.fromkeys(COUNTERS, 0))


def apply_totals(connection, totals: dict) -> None:
    """Add `totals` ({key: {counter: change}}) to the table, one upsert per group, in key order
    (so that concurrent transactions lock rows in the same order and never deadlock)."""
    rows = [
        dict(zip(KEY, key, strict=True)) | changes
        for key, changes in sorted(totals.items())
        if any(changes.values())
    ]
    if rows:  # one small upsert on the primary key per row, in that order
        connection.execute(_tally_upsert(connection.dialect.name), rows)


@functools.cache
def _tally_upsert(dialect_name: str):
    """The upsert of a group's changes, built once per database: building its ON CONFLICT
    clause (a proxy of every counter column) cost more than running it, at every intake."""
    table = PetitionTally.__table__
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in KEY],
        set_={name: table.c[name] + statement.excluded[name] for name in COUNTERS},
    )


@event.listens_for(Session, "before_flush")
def _remember_before(session, _flush_context, _instances):
    ids = petitions.petition_ids_in_flush(session)
    if ids:
        before = petitions.petition_facts(session.connection(), ids)
        session.info.setdefault(_BEFORE, []).extend(before)


@event.listens_for(Session, "after_flush")
def _add_the_difference(session, _flush_context):
    before = session.info.pop(_BEFORE, [])
    ids = petitions.petition_ids_in_flush(session)
    if not ids and not before:
        return
    totals = _new_totals()
    _add(totals, before, -1)
    inserted = petitions.only_new_petitions_in_flush(session)
    after = (
        # A submission: its petitions' facts are what was just inserted, not read back.
        [petitions.facts_of(petition) for petition in inserted]
        if inserted is not None
        else petitions.petition_facts(session.connection(), ids)
    )
    _add(totals, after, +1)
    apply_totals(session.connection(), totals)
    pagecache.changed(TOPIC, session=session)  # the public figures count these petitions


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, _previous_transaction):
    session.info.pop(_BEFORE, None)


def rebuild(connection=None, *, batch: int = REBUILD_BATCH, progress=None) -> int:
    """Recount every total from the petitions and their replies; returns how many petitions were
    counted. The table is emptied and refilled in one transaction (readers see the old totals
    until the commit); the caller commits. `connection`: the session's by default (the
    migration passes its own)."""
    connection = connection if connection is not None else db.session.connection()
    connection.execute(sa.delete(PetitionTally))
    totals = _new_totals()
    counted, last_id = 0, 0
    while True:
        facts = petitions.petition_facts(connection, after_id=last_id, limit=batch)
        if not facts:
            break
        _add(totals, facts, +1)
        counted, last_id = counted + len(facts), facts[-1].petition_id
        if progress:
            progress(counted)
    apply_totals(connection, totals)
    pagecache.changed(TOPIC)
    return counted
