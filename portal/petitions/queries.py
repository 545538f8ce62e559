"""Read-side lists: the back-office queues, ordered by what is due first, and what other domains
may read of petitions (`intake_kinds` for the home page).

The queues' "overdue" and "due soon" are the SQL side of the one definition in deadlines.py
(`overdue_sql`, `due_soon_sql`, `next_due_on_sql`); nothing here redefines them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.core import clock, database, paging
from portal.core.exports import Column, Table
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db
from portal.petitions import deadlines
from portal.petitions.models import (
    OPEN_STATES,
    Addition,
    Channel,
    Escalation,
    Grade,
    Kind,
    Petition,
    Reply,
    State,
)

_open = [s.value for s in OPEN_STATES]


def petition_numbered(number: str) -> Petition | None:
    return db.session.scalar(sa.select(Petition).where(Petition.tracking_number == number))


def intake_kinds() -> list[Kind]:
    """The kinds of matter the public can file, in the order the home page lists them."""
    return list(Kind)


def channels() -> list[Channel]:
    """The ways a petition comes in (online, letter, visit, phone)."""
    return list(Channel)


@dataclass(frozen=True)
class Queue:
    code: str
    label: object
    description: object


QUEUES = [
    Queue("new", _l("New"), _l("Received, awaiting the procedural reply")),
    Queue("mine", _l("Mine"), _l("Assigned to me or taken personally by me")),
    Queue("due_soon", _l("Due within 2 days"), _l("A reply is due within 2 days")),
    Queue("overdue", _l("Overdue"), _l("A reply is past its due date")),
    Queue(
        "follow_up",
        _l("Monthly follow-up due"),
        _l("Not concluded after the first answer: the monthly progress reply is due soon"),
    ),
    Queue(
        "new_material",
        _l("New material"),
        _l("The petitioner added material or answered a question; no one has read it yet"),
    ),
    Queue("awaiting_approval", _l("Awaiting approval"), _l("Draft replies for a leader")),
    Queue(
        "under_review",
        _l("Objections under review"),
        _l("The petitioner objected to the reply: a leader reviews it and names a handler"),
    ),
    Queue("escalated", _l("Escalated"), _l("Overdue petitions reported to leaders")),
    Queue("all", _l("All"), _l("Every petition")),
]
QUEUE_CODES = {queue.code for queue in QUEUES}
QUEUE_LABELS = {queue.code: queue.label for queue in QUEUES}


def queue_filter(code: str, user, today: date, due_soon_days: int):
    soon = today + timedelta(days=due_soon_days)
    next_due = deadlines.next_due_on_sql()
    if code == "new":
        return Petition.status == State.RECEIVED.value
    if code == "mine":
        return sa.and_(
            sa.or_(Petition.assigned_to_id == user.id, Petition.lead_leader_id == user.id),
            Petition.status.in_(_open + [State.RECEIVED.value, State.ANSWERED.value]),
        )
    if code == "due_soon":
        return deadlines.due_soon_sql(today, due_soon_days)
    if code == "overdue":
        return deadlines.overdue_sql(today)
    if code == "follow_up":
        return sa.and_(
            Petition.status.in_(_open),
            Petition.first_answered_at.is_not(None),
            Petition.reply_due_on <= soon,
        )
    if code == "new_material":
        return _has_unread_material()
    if code == "awaiting_approval":
        return Petition.status == State.AWAITING_APPROVAL.value
    if code == "under_review":
        return Petition.status == State.UNDER_REVIEW.value
    if code == "escalated":
        return sa.and_(
            deadlines.overdue_sql(today),
            sa.exists().where(Escalation.petition_id == Petition.id, Escalation.due_on == next_due),
        )
    return sa.true()


def _has_unread_material():
    """Driven from the few unread additions (their index on read_at), not tested petition by
    petition as EXISTS would be on SQLite."""
    return Petition.id.in_(sa.select(Addition.petition_id).where(Addition.read_at.is_(None)))


def with_unread_material(petition_ids: list[int]) -> set[int]:
    """Which of these petitions have material no member of staff has marked read (the queue
    rows' "new material" tag), in one query."""
    if not petition_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Addition.petition_id)
            .where(Addition.petition_id.in_(petition_ids), Addition.read_at.is_(None))
            .distinct()
        )
    )


def queue_query(
    code: str, user, today: date, *, due_soon_days: int, kind=None, channel=None, state=None
) -> sa.Select:
    """The petitions of a queue with the list's filters, what is due first at the top: the one
    query behind the page and its export."""
    query = sa.select(Petition).where(queue_filter(code, user, today, due_soon_days))
    if kind:
        query = query.where(Petition.kind == kind)
    if channel:
        query = query.where(Petition.channel == channel)
    if state:
        query = query.where(Petition.status == state)
    next_due = deadlines.next_due_on_sql()
    return query.order_by(next_due.is_(None), next_due, Petition.received_at, Petition.id)


# ---- a page of a queue ------------------------------------------------------------------------
# The queue's order (`queue_query`) is: what has a next deadline, soonest first, then the rest;
# ties by receipt. Pages start after (or end before) a petition's id: the position of that
# petition in the order (core/paging.py), so the thousandth page costs what the first does.
#
# The next deadline is a different column by state (deadlines.next_due_on_sql), so one ORDER BY
# over it is served by no index: the database would sort every row of the queue for each page,
# a million for "all". A queue is therefore read as up to three ranges, each in the order of an
# index (models.Petition), and merged: received (by ack_due_on), open with a reply due (by
# reply_due_on), and the rest (by received_at). A queue defined by a deadline's dates has rows
# in the first two only; a queue of one open state (the objections under review) is that
# state's stretch of the open range, and of the rest; "mine", "new material" and the drafts awaiting approval can be
# anywhere in the order but are a few thousand at most: they are read whole and sorted.

_RECEIVED, _OPEN_DUE, _NO_DUE = range(3)


def _group_of(petition: Petition) -> int:
    if petition.status == State.RECEIVED.value:
        return _RECEIVED
    if petition.status in _open and petition.reply_due_on is not None:
        return _OPEN_DUE
    return _NO_DUE


def _order_key(petition: Petition) -> tuple:
    """Where the petition stands in the queue's order: (no deadline, due date, receipt, id)."""
    group = _group_of(petition)
    due = {_RECEIVED: petition.ack_due_on, _OPEN_DUE: petition.reply_due_on}.get(group)
    return (
        int(group == _NO_DUE),
        due or date.min,
        clock.as_utc(petition.received_at),
        petition.id,
    )


@dataclass(frozen=True)
class _Range:
    """Rows read in one index order: which, in what order, and from which part of `_order_key`
    that order starts (the three ranges of "all" leave out what their group holds alike)."""

    condition: object
    columns: list
    key_from: int
    group: int | None = None  # of "all": the group; else None, the whole order in one range


_QUEUE_GROUPS = {
    "new": (_RECEIVED,),
    "due_soon": (_RECEIVED, _OPEN_DUE),
    "overdue": (_RECEIVED, _OPEN_DUE),
    "escalated": (_RECEIVED, _OPEN_DUE),
    "follow_up": (_OPEN_DUE,),
    "under_review": (_OPEN_DUE, _NO_DUE),
    "all": (_RECEIVED, _OPEN_DUE, _NO_DUE),
}
# The queues of one open state: only that state's range of the open ones is read (a range of
# another state would read that state's rows to find none of this queue's).
_QUEUE_STATES = {"under_review": (State.UNDER_REVIEW.value,)}


def _whole_order() -> _Range:
    """The queue's order in one range, as expressions no index serves: for rows few enough for
    the database to sort."""
    next_due = deadlines.next_due_on_sql()
    whole_order = [
        sa.case((next_due.is_(None), 1), else_=0),
        sa.func.coalesce(next_due, date.min),
        Petition.received_at,
        Petition.id,
    ]
    return _Range(sa.true(), whole_order, 0)


def _ranges(code: str) -> list[_Range]:
    if code not in _QUEUE_GROUPS:
        return [_whole_order()]
    open_due = sa.and_(Petition.status.in_(_open), Petition.reply_due_on.is_not(None))
    received = Petition.status == State.RECEIVED.value
    # One range per open state: each is an ordered stretch of (status, reply_due_on, received_at,
    # id), read from the anchor on for a page's rows; for the four states at once neither
    # database can merge the stretches, and PostgreSQL read and sorted every open petition.
    ranges = [
        _Range(received, [Petition.ack_due_on, Petition.received_at, Petition.id], 1, _RECEIVED),
        *(
            _Range(
                sa.and_(Petition.status == state, Petition.reply_due_on.is_not(None)),
                [Petition.reply_due_on, Petition.received_at, Petition.id],
                1,
                _OPEN_DUE,
            )
            for state in _QUEUE_STATES.get(code, sorted(_open))
        ),
        _Range(
            sa.not_(sa.or_(received, open_due)), [Petition.received_at, Petition.id], 2, _NO_DUE
        ),
    ]
    return [part for part in ranges if part.group in _QUEUE_GROUPS[code]]


def _filtered(code: str, user, today: date, *, due_soon_days: int, kind, channel, state):
    conditions = [queue_filter(code, user, today, due_soon_days)]
    # A kind or a channel is up to half of all petitions, and SQLite's planner, offered their
    # indexes, reads every petition of that kind instead of the few rows at the start of the
    # queue's order: on SQLite they only filter (core/database.py).
    for column, value in (
        (database.filter_only(Petition.kind), kind),
        (database.filter_only(Petition.channel), channel),
    ):
        if value:
            conditions.append(column == value)
    if state:
        conditions.append(Petition.status == state)
    return conditions


# The "all" queue narrowed by kind, channel or state to a few thousand petitions is read whole
# through the filters' own indexes, (kind, channel, status), (kind, status) and (channel, status),
# and sorted by the database (a top-N sort of the queue's whole order): walking the order's
# indexes for a rare combination (a kind by phone, answered) would read most of a million
# petitions to fill one page. Past this many, the filters match at least one petition in 200,
# and the walk finds a page within a few thousand rows.
READ_WHOLE_UP_TO = 5000


def _index_filters(kind, channel, state) -> list:
    """The list's filters as the filters' indexes serve them (kind, channel, status)."""
    return [
        column == value
        for column, value in (
            (Petition.kind, kind),
            (Petition.channel, channel),
            (Petition.status, state),
        )
        if value
    ]


def _walk(ranges, conditions, anchor_key, forward: bool, per_page: int) -> list[Petition]:
    """Up to per_page + 1 petitions from each range, read in its order from the anchor's place
    on (or back)."""
    rows: list[Petition] = []
    previous = None
    for part in ranges if forward else reversed(ranges):
        crossing = previous is not None and (previous.group == _NO_DUE) != (part.group == _NO_DUE)
        if crossing and len(rows) > per_page:
            break  # the half already read fills the page (received and open interleave)
        previous = part
        query = sa.select(Petition).where(*conditions, part.condition)
        if anchor_key is not None:
            if part.group is not None and (part.group == _NO_DUE) != bool(anchor_key[0]):
                # The anchor is in the other half of the order: all or none of this group.
                if (part.group == _NO_DUE) != forward:
                    continue
            else:
                key = paging.after_key if forward else paging.before_key
                query = query.where(key(part.columns, anchor_key[part.key_from :]))
        order = part.columns if forward else [column.desc() for column in part.columns]
        rows.extend(db.session.scalars(query.order_by(*order).limit(per_page + 1)))
    return rows


def petitions_in_queue(
    code: str,
    user,
    today: date,
    *,
    after: int | None = None,
    before: int | None = None,
    per_page: int = 50,
    due_soon_days: int,
    kind=None,
    channel=None,
    state=None,
) -> paging.KeysetPage:
    """The page of the queue after petition `after` (or before petition `before`; else the
    first page), with the queue's count capped (core/paging.py). An id that is no petition is
    the first page."""
    anchor_id = after if after is not None else before
    anchor = db.session.get(Petition, anchor_id) if anchor_id is not None else None
    forward = anchor is None or after is not None
    anchor_key = _order_key(anchor) if anchor is not None else None
    filters = _index_filters(kind, channel, state) if code == "all" else []
    matching = (
        paging.capped_count(
            sa.select(Petition.id).where(*filters), max(READ_WHOLE_UP_TO, paging.COUNT_CAP)
        )
        if filters
        else None
    )
    if matching is not None and matching.count <= READ_WHOLE_UP_TO:
        rows = _walk([_whole_order()], filters, anchor_key, forward, per_page)
    else:
        conditions = _filtered(
            code, user, today, due_soon_days=due_soon_days, kind=kind, channel=channel, state=state
        )
        rows = _walk(_ranges(code), conditions, anchor_key, forward, per_page)
    if matching is not None:
        total = matching.capped_at(paging.COUNT_CAP)
    else:
        total = paging.capped_count(sa.select(Petition.id).where(*conditions))
    rows.sort(key=_order_key, reverse=not forward)
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not forward:
        rows.reverse()
    if forward:
        after_id = rows[-1].id if more and rows else None
        before_id = rows[0].id if anchor is not None and rows else None
    else:
        after_id = rows[-1].id if rows else None
        before_id = rows[0].id if more and rows else None
    return paging.KeysetPage(rows, total, after_id, before_id)


def queue_rows(code: str, user, today: date, **filters) -> list[Petition]:
    """Every petition of the queue (not one page), with the staff named on each loaded at once,
    for the list's export."""
    query = queue_query(code, user, today, **filters).options(
        selectinload(Petition.assigned_to), selectinload(Petition.lead_leader)
    )
    return list(db.session.scalars(query))


def queue_counts(
    queues: list[Queue], user, today: date, due_soon_days: int
) -> dict[str, paging.CappedCount]:
    """The size of each of these queues for the dashboard, counted up to a cap ("1,000+"): a
    count of the "all" queue would otherwise read every petition on every visit."""
    return {
        queue.code: paging.capped_count(
            sa.select(Petition.id).where(queue_filter(queue.code, user, today, due_soon_days))
        )
        for queue in queues
    }


# ---- the queue as a file (core/exports.py) ---------------------------------------------------
# What a petition is in a list, for counting and planning: the petitioner's name and contacts,
# and the subject they wrote (free text, often naming people), are personal data and only go in
# when the reader's role may have them (admin.export_petitions). The ID card number never does:
# no list needs it.

QUEUE_EXPORT_COLUMNS = [
    Column("tracking_number", _l("Tracking number")),
    Column("kind", _l("Kind")),
    Column("channel", _l("Channel")),
    Column("status", _l("Status")),
    Column("received_on", _l("Received on")),
    Column("ack_due_on", _l("Procedural reply due by")),
    Column("acknowledged_on", _l("Procedural reply sent on")),
    Column("answer_due_on", _l("Result or progress due by")),
    Column("first_answered_on", _l("First answered on")),
    Column("next_due_on", _l("Next deadline")),
    Column("days_overdue", _l("Days overdue")),
    Column("handler", _l("Handler")),
    Column("lead_leader", _l("Leader in charge")),
    Column("unreachable", _l("Petitioner cannot be reached")),
    Column("subject", _l("Subject"), personal=True),
    Column("name", _l("Petitioner"), personal=True),
    Column("mobile", _l("Mobile number"), personal=True),
    Column("email", _l("E-mail address"), personal=True),
    Column("address", _l("Postal address"), personal=True),
]


def _local_day(moment):
    return clock.local_date(moment) if moment is not None else None


def export_row(petition: Petition, today: date) -> dict[str, object]:
    due = deadlines.due_status(petition, today)
    return {
        "tracking_number": petition.tracking_number,
        "kind": str(petition.kind_enum.label),
        "channel": str(petition.channel_enum.label),
        "status": str(State(petition.status).label),
        "received_on": petition.received_on,
        "ack_due_on": petition.ack_due_on,
        "acknowledged_on": _local_day(petition.acknowledged_at),
        "answer_due_on": petition.answer_due_on,
        "first_answered_on": _local_day(petition.first_answered_at),
        "next_due_on": due.due_on if due else None,
        "days_overdue": due.days_overdue if due and due.is_overdue else None,
        "handler": petition.assigned_to.name if petition.assigned_to else None,
        "lead_leader": petition.lead_leader.name if petition.lead_leader else None,
        "unreachable": str(petition.unreachable_enum.label) if petition.unreachable_enum else None,
        "subject": petition.subject,
        "name": petition.name,
        "mobile": petition.mobile,
        "email": petition.email,
        "address": petition.address,
    }


def queue_export(code: str, user, today: date, **filters) -> Table:
    """The queue with its filters, every page of it, as a table for core/exports.py."""
    petitions = queue_rows(code, user, today, **filters)
    return Table(
        name=f"petitions-{code.replace('_', '-')}",
        columns=QUEUE_EXPORT_COLUMNS,
        rows=(export_row(petition, today) for petition in petitions),
    )


# ---- what the statistics count of each petition (portal/statistics) ---------------------------
# The statistics domain keeps running totals of these facts. The judgements they rest on are the
# petitions' own: a reply is in time when its due date is not overdue on the day it was sent
# (`deadlines.is_overdue`), "overdue now" is `deadlines.overdue_sql`, a grade counts as satisfied
# by `Grade.is_satisfied`. Which class a petitioner is counted in for the reply rates is decided
# here too, in Python and, beside it, in SQL.

REACHABLE, ANONYMOUS, UNREACHABLE = "reachable", "anonymous", "unreachable"
REACH_CLASSES = (REACHABLE, ANONYMOUS, UNREACHABLE)
STATISTICS_STATES = (State.RECEIVED.value, *_open)  # the states in which a deadline can run out


def reach_class(is_anonymous: bool, unreachable_reason: str | None) -> str:
    """Anonymous first (an anonymous reporter is never owed a reply by name, even when staff also
    found the number they left for messages dead), then unreachable, else reachable."""
    if is_anonymous:
        return ANONYMOUS
    return UNREACHABLE if unreachable_reason else REACHABLE


def reach_class_sql():
    """`reach_class` as a SQL expression over the petitions table."""
    return sa.case(
        (Petition.is_anonymous, ANONYMOUS),
        (Petition.unreachable_reason.is_not(None), UNREACHABLE),
        else_=REACHABLE,
    )


def replied_in_time(due_on: date, replied_on: date) -> bool:
    """A reply sent on its due date is in time; the day after is late (deadlines.is_overdue)."""
    return not deadlines.is_overdue(due_on, replied_on)


def is_satisfied_grade(grade: str) -> bool:
    return Grade(grade).is_satisfied


@functools.cache
def _facts_statements():
    """The facts' two statements without their petitions, and the two for given ids (an
    expanding parameter), built once: every flush that changes a petition reads them twice
    (statistics/services.py), each submission included."""
    grades = (
        sa.select(Reply.petition_id, Reply.grade, sa.func.count().label("n"))
        .where(Reply.grade.is_not(None))
        .group_by(Reply.petition_id, Reply.grade)
    )
    query = sa.select(
        Petition.id,
        Petition.received_on,
        Petition.kind,
        Petition.channel,
        Petition.assigned_to_id,
        Petition.is_anonymous,
        Petition.unreachable_reason,
        Petition.status,
        Petition.ack_due_on,
        Petition.acknowledged_at,
        Petition.answer_due_on,
        Petition.first_answered_at,
    ).order_by(Petition.id)
    ids = sa.bindparam("ids", expanding=True)
    return (
        query,
        grades,
        query.where(Petition.id.in_(ids)),
        grades.where(Reply.petition_id.in_(ids)),
    )


@dataclass(frozen=True)
class PetitionFacts:
    """The stored facts of one petition the statistics count (nothing personal)."""

    petition_id: int
    received_on: date
    kind: str
    channel: str
    handler_id: int | None
    reach: str
    is_merged: bool
    ack_due_on: date
    acknowledged_on: date | None  # local date of the procedural reply
    answer_due_on: date
    first_answered_on: date | None  # local date of the first substantive reply
    grades: tuple[tuple[str, int], ...]  # (Grade value, how many replies got it)


def petition_facts(
    connection,
    petition_ids=None,
    *,
    after_id: int = 0,
    limit: int | None = None,
):
    """The facts of the given petitions (or, without ids, of every petition with an id above
    `after_id`, in id order, at most `limit`: the rebuild walks the table in batches). Read with
    `connection` (Core, no autoflush), so that a flush hook can read the state before and after
    the flush it watches."""
    query, grades, query_by_ids, grades_by_ids = _facts_statements()
    if petition_ids is not None:
        parameters = {"ids": sorted(petition_ids)}
        rows = connection.execute(query_by_ids, parameters).all()
        grades_read = (grades_by_ids, parameters)
    else:
        rows = connection.execute(query.where(Petition.id > after_id).limit(limit)).all()
        if rows:
            between = Reply.petition_id.between(rows[0].id, rows[-1].id)
            grades_read = (grades.where(between), {})
    if not rows:
        return []
    graded: dict[int, list] = {}
    for petition_id, grade, n in connection.execute(*grades_read):
        graded.setdefault(petition_id, []).append((grade, n))
    return [facts_of(row, graded.get(row.id, ())) for row in rows]


def facts_of(petition, grades=()) -> PetitionFacts:
    """The facts of a row of _facts_statements, or of a Petition as just inserted (the same
    names): `grades`, its replies' (grade, count) pairs."""
    return PetitionFacts(
        petition_id=petition.id,
        received_on=petition.received_on,
        kind=petition.kind,
        channel=petition.channel,
        handler_id=petition.assigned_to_id,
        reach=reach_class(petition.is_anonymous, petition.unreachable_reason),
        is_merged=petition.status == State.MERGED.value,
        ack_due_on=petition.ack_due_on,
        acknowledged_on=_local_day(petition.acknowledged_at),
        answer_due_on=petition.answer_due_on,
        first_answered_on=_local_day(petition.first_answered_at),
        grades=tuple(sorted(grades)),
    )


def only_new_petitions_in_flush(session) -> list[Petition] | None:
    """The petitions a flush inserts, when they are all it changes of petitions and replies (a
    submission): they have no replies yet, and what was inserted is what they hold. None when
    the flush changes anything else of them."""
    if any(isinstance(instance, Reply) for instance in session.new) or any(
        isinstance(instance, Petition | Reply) for instance in (*session.dirty, *session.deleted)
    ):
        return None
    return [instance for instance in session.new if isinstance(instance, Petition)]


def petition_ids_in_flush(session) -> set[int]:
    """The petitions a flush is about to change (or has just changed): their own rows, and those
    whose replies change. A petition not yet flushed has no id and is left out."""
    ids = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Petition):
            ids.add(instance.id)
        elif isinstance(instance, Reply):
            ids.add(instance.petition_id or (instance.petition and instance.petition.id))
    ids.discard(None)
    return ids


@dataclass(frozen=True)
class DeadlineCounts:
    """Petitions of one group still waiting, counted today (they change with the date, so they
    are counted live, over the late petitions only)."""

    received_on: date
    kind: str
    channel: str
    handler_id: int | None
    reach: str
    overdue_now: int  # deadlines.overdue_sql: the next deadline is past
    ack_overdue: int  # no procedural reply, and its due date is past
    answer_overdue: int  # no substantive reply, and the 3-month date is past


def answer_overdue_sql(today: date):
    """Still without a substantive reply (received or open) and its 3-month date is past: a range
    of the index on (status, first_answered_at, answer_due_on)."""
    return sa.and_(
        Petition.status.in_(STATISTICS_STATES),
        Petition.first_answered_at.is_(None),
        Petition.answer_due_on < today,
    )


def open_deadline_counts(
    today: date, *, received_from=None, received_until=None, kind=None, channel=None, handler=None
) -> list[DeadlineCounts]:
    """Counted over the late petitions only: both judgements are index ranges (deadlines.
    overdue_sql, answer_overdue_sql), so the count reads the rows that are late, however many
    others are open or closed."""

    def count_if(condition):
        return sa.func.sum(sa.case((condition, 1), else_=0))

    overdue_now, answer_overdue = deadlines.overdue_sql(today), answer_overdue_sql(today)
    reach = reach_class_sql()
    query = (
        sa.select(
            Petition.received_on,
            Petition.kind,
            Petition.channel,
            Petition.assigned_to_id,
            reach,
            count_if(overdue_now),
            count_if(sa.and_(Petition.status == State.RECEIVED.value, overdue_now)),
            count_if(answer_overdue),
        )
        .where(sa.or_(overdue_now, answer_overdue))
        .group_by(
            Petition.received_on, Petition.kind, Petition.channel, Petition.assigned_to_id, reach
        )
    )
    if received_from is not None:
        query = query.where(Petition.received_on >= received_from)
    if received_until is not None:
        query = query.where(Petition.received_on <= received_until)
    # Kind, channel and handler are picked out of the few late groups here, not in SQL: as
    # conditions they tempt SQLite's planner into reading every petition of that kind, channel or
    # handler through their own indexes instead of only the late ones (seen in bench/statistics).
    return [
        counts
        for counts in (DeadlineCounts(*row) for row in db.session.execute(query))
        if (not kind or counts.kind == kind)
        and (not channel or counts.channel == channel)
        and (handler is None or (counts.handler_id or 0) == handler)
    ]
