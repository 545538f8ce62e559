"""The append-only audit trail and its catalogue of event types.

Rows store stable codes; labels are translated only when shown. `record()` adds the row to the
current session so it commits (or rolls back) together with the change it describes. Events
marked public are the petitioner's timeline on the progress page; the rest are staff-only.

Details are structured: `record(..., detail={"channel": "web", "rule": "calendar-7d/3m/1m"})`
stores `channel=web; rule=calendar-7d/3m/1m` (values escaped), and each domain registers its
keys (`register_detail_keys`) with a label and a function that turns the stored code into words
in the reader's language, at the time of reading. Text a member of staff typed (a reason, a
comment) is kept under its key and shown as typed. Rows written before details were structured
are read through the patterns the domain registers for them (`legacy=`), else shown as stored.
Never put a petitioner's personal data in a detail: the trail is kept for ever and read by staff
who have no need of it.

A domain can `subscribe` to event types: whoever must be told of a step (petitions/notices.py)
listens to its events instead of being called from every transition. Subscribers run when the
transaction that recorded the event commits, just before its last flush, so that they see the
whole change (a transition records its event before it writes the reply it sends) and whatever
they add (outbox messages) commits with it; an event whose transaction rolled back reaches no one.

Tamper evidence: one global hash chain. Every event stores `sequence` (1, 2, 3, ... with no gap),
the hash of the event before it (`prev_hash`) and its own `hash`, a SHA-256 over a canonical
encoding of all its fields and `prev_hash` (`canonical`). The chain is extended when the events
are flushed, just before their INSERT (the database refuses any later UPDATE, see below): the
one-row table `audit_chain_head` holds the last sequence and hash and is moved forward with an
UPDATE, which locks that row on PostgreSQL until the transaction ends and takes SQLite's single
write lock, so two writers never read the same head and the chain never forks; a trigger then
gives it the hash of the last event as that event is inserted (`HEAD_FOLLOWS`). Why one chain
rather than one per subject: a gap-free sequence and a head that is itself stored let
`verify` see an event deleted anywhere, also the newest ones, and also events about no subject
(a bulk import, a login); per-subject chains could not tell a deleted tail, nor a subject whose
whole history went. The cost is that audited transactions queue one behind the other from their
first flushed event to their commit; requests are short and SQLite serialises writers anyway,
so a portal of this size never feels it. An operator notes down the head hash that
`flask audit verify` prints: an attacker who rewrote the whole chain and its head would change it.

The database itself refuses UPDATE and DELETE on the trail (`APPEND_ONLY` triggers, created by
the migration). Only someone allowed to change the schema can lift them (`guard_lifted`), as the
test suite does to empty the trail between tests; `verify` is what catches such a person.
"""

from __future__ import annotations

import enum
import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.core import clock, database, i18n, paging
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db


@dataclass(frozen=True)
class EventType:
    label: object
    public: bool = False


# Filled by each domain with its own codes (`register_event_types`, at import of its module).
CATALOGUE: dict[str, EventType] = {}


@dataclass(frozen=True)
class SubjectKind:
    """What events can be about (a model's `audit_kind`, or the kind of a pair such as ("day",
    ...)), as the trail names it: in words, and its states (`from_state`, `to_state`) through
    the enum whose members carry a translated `label`, for records with a state machine."""

    label: object
    states: type[enum.Enum] | None = None

    def state_label(self, code: str | None):
        if code is None or self.states is None:
            return code
        try:
            return self.states(code).label
        except ValueError:
            return code  # a state since renamed: shown as stored


# Filled by each domain with the kinds of what its events are about (`register_subject_kinds`).
SUBJECT_KINDS: dict[str, SubjectKind] = {}


def register_subject_kinds(kinds: dict[str, SubjectKind]) -> None:
    clash = set(kinds) & set(SUBJECT_KINDS)
    if clash:
        raise KeyError(f"audit subject kinds declared twice: {sorted(clash)}")
    SUBJECT_KINDS.update(kinds)


def register_event_types(event_types: dict[str, EventType]) -> None:
    """Each domain declares its own event types at import; codes must be unique."""
    clash = set(event_types) & set(CATALOGUE)
    if clash:
        raise KeyError(f"audit event types declared twice: {sorted(clash)}")
    CATALOGUE.update(event_types)


@dataclass(frozen=True)
class DetailKey:
    """One key of a structured detail: its label, and how a stored value reads (the default:
    as stored, for numbers, names and what staff typed)."""

    label: object
    show: Callable[[str], object] = str


# By the first part of the event code ("petition" for "petition.received"); "" for every event.
DETAIL_KEYS: dict[str, dict[str, DetailKey]] = {}
# By event code: how a detail written before details were structured reads, as a pattern whose
# named groups are keys of that code's domain.
LEGACY_DETAILS: dict[str, re.Pattern] = {}


def register_detail_keys(
    prefixes: Iterable[str], keys: dict[str, DetailKey], legacy: dict[str, str] | None = None
) -> None:
    """A domain declares the keys its events' details use, for its event code prefixes."""
    for prefix in prefixes:
        known = DETAIL_KEYS.setdefault(prefix, {})
        clash = set(keys) & set(known)
        if clash:
            raise KeyError(f"audit detail keys declared twice for {prefix!r}: {sorted(clash)}")
        known.update(keys)
    for code, pattern in (legacy or {}).items():
        LEGACY_DETAILS[code] = re.compile(pattern, re.DOTALL)


_ESCAPES = {"%": "%25", ";": "%3B", "=": "%3D"}
_ESCAPED = re.compile("|".join(re.escape(e) for e in _ESCAPES.values()))
_UNESCAPES = {escaped: char for char, escaped in _ESCAPES.items()}


def encode_detail(values: Mapping[str, object]) -> str | None:
    """`key=value; key=value`, empty values left out; None when nothing is left."""
    parts = [
        f"{key}={''.join(_ESCAPES.get(c, c) for c in str(value))}"
        for key, value in values.items()
        if value is not None and value != ""
    ]
    return "; ".join(parts) or None


def _decode(detail: str, known: Mapping[str, DetailKey]) -> dict[str, str] | None:
    """The pairs of a structured detail, or None when it is not one (a key this domain does not
    know, or no `=`: an old free-text detail)."""
    values = {}
    for part in detail.split(";"):
        key, equals, value = part.strip().partition("=")
        if not equals or key not in known:
            return None
        values[key] = _ESCAPED.sub(lambda m: _UNESCAPES[m.group()], value)
    return values


def _keys_for(code: str) -> dict[str, DetailKey]:
    return {**DETAIL_KEYS.get("", {}), **DETAIL_KEYS.get(code.partition(".")[0], {})}


def detail_values(code: str, detail: str | None) -> dict[str, str]:
    """The detail as key → stored value (new and old formats alike); {} when it is free text
    or empty."""
    if not detail:
        return {}
    known = _keys_for(code)
    values = _decode(detail, known)
    if values is not None:
        return values
    pattern = LEGACY_DETAILS.get(code)
    matched = pattern.fullmatch(detail.strip()) if pattern else None
    return {k: v for k, v in matched.groupdict().items() if v is not None} if matched else {}


@dataclass(frozen=True)
class DetailPart:
    label: object | None  # None: text shown as stored, without a label
    text: object


def describe_detail(code: str, detail: str | None) -> list[DetailPart]:
    """What the reader sees of a detail, in their language: each known key's label and value
    in words; anything else as it was stored."""
    values = detail_values(code, detail)
    if not values:
        return [DetailPart(None, detail)] if detail else []
    known = _keys_for(code)
    return [
        DetailPart(known[key].label, _shown(known[key], value)) for key, value in values.items()
    ]


def detail_text(event: AuditEvent) -> str:
    """The detail as one line of text in the current language (for a message, a CSV)."""
    marks = i18n.punctuation()
    return marks.semicolon.join(
        f"{part.label}{marks.colon}{part.text}" if part.label is not None else str(part.text)
        for part in event.detail_parts
    )


def _shown(key: DetailKey, value: str) -> object:
    try:
        return key.show(value)
    except (KeyError, ValueError):  # a code this version no longer knows: as stored
        return value


# Text staff typed, in any domain's events.
register_detail_keys([""], {"reason": DetailKey(_l("Reason")), "comment": DetailKey(_l("Comment"))})

Subscriber = Callable[["AuditEvent"], None]
SUBSCRIBERS: dict[str, list[Subscriber]] = {}
_WAITING = "audit_events_to_dispatch"  # in Session.info: recorded events subscribers await


def subscribe(codes: Iterable[str], subscriber: Subscriber) -> None:
    """Call `subscriber(event)` for every event of these codes, in the recording transaction,
    when it commits (see the module docstring)."""
    for code in codes:
        SUBSCRIBERS.setdefault(code, []).append(subscriber)


def dispatch_waiting() -> None:
    """Run the subscribers of the events recorded so far now, as the commit would: a preview
    (a change made, shown and rolled back) sees what they would queue. They run once: the
    commit does not run them again."""
    _dispatch(db.session)


@sa.event.listens_for(Session, "before_commit")
def _dispatch(session: Session) -> None:
    waiting = session.info.get(_WAITING)
    while waiting:
        event = waiting.pop(0)
        state = sa.inspect(event)
        if state.transient or state.detached or state.deleted:
            continue  # recorded in a transaction (or savepoint) that was rolled back
        for subscriber in SUBSCRIBERS.get(event.code, ()):
            subscriber(event)


ACTOR_STAFF = "staff"
ACTOR_PETITIONER = "petitioner"  # any member of the public acting on their own matter
ACTOR_LAWYER = "lawyer"
ACTOR_SYSTEM = "system"
ACTOR_KINDS = (ACTOR_STAFF, ACTOR_PETITIONER, ACTOR_LAWYER, ACTOR_SYSTEM)


def subject_of(thing) -> tuple[str, str]:
    """The (kind, id) an event is about: a model declares its `audit_kind` (e.g. "petition");
    what has no row of its own is named by a pair, e.g. ("day", "2026-10-01")."""
    if isinstance(thing, tuple):
        kind, identifier = thing
    else:
        kind, identifier = thing.audit_kind, thing.id
    if identifier is None:
        raise ValueError(f"audit subject {kind!r} has no id yet: flush before recording")
    return kind, str(identifier)


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        sa.CheckConstraint(
            "actor_kind IN ('staff', 'petitioner', 'lawyer', 'system')", name="actor_kind"
        ),
        # The admin's trail page (`trail_page`): newest first, by time then chain number, alone
        # or filtered by one of event type, staff member, kind of actor, what it is about, each
        # with or without dates: an index for each, whose order is the page's, so a page reads
        # its rows only, a million events or not. The last also gives a record its history.
        sa.Index("ix_audit_events_at_sequence", "at", "sequence"),
        sa.Index("ix_audit_events_code_at", "code", "at", "sequence"),
        sa.Index("ix_audit_events_actor_at", "actor_id", "at", "sequence"),
        sa.Index("ix_audit_events_actor_kind_at", "actor_kind", "at", "sequence"),
        sa.Index("ix_audit_events_subject_kind_at", "subject_kind", "at", "sequence"),
        sa.Index("ix_audit_events_subject_at", "subject_kind", "subject_id", "at", "sequence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The event's place in the one chain (1, 2, 3, ... without gaps) and its links, set at flush.
    sequence: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    code: Mapped[str] = mapped_column(sa.String(60))
    actor_kind: Mapped[str] = mapped_column(sa.String(20))
    # The staff member who acted; empty for the petitioner, a lawyer and the system.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # What the event is about, in every domain alike: ("petition", "12"), ("booking", "3"),
    # ("day", "2026-10-01"); empty for events about no one thing (a bulk import).
    subject_kind: Mapped[str | None] = mapped_column(sa.String(30))
    subject_id: Mapped[str | None] = mapped_column(sa.String(40))
    from_state: Mapped[str | None] = mapped_column(sa.String(30))
    to_state: Mapped[str | None] = mapped_column(sa.String(30))
    # Free text for staff: the reason given, what changed. Never personal data of petitioners.
    detail: Mapped[str | None] = mapped_column(sa.Text)

    actor = relationship("User", foreign_keys=[actor_id], lazy="joined")

    @property
    def label(self):
        event_type = CATALOGUE.get(self.code)
        return event_type.label if event_type else self.code

    @property
    def subject_label(self):
        """What the event is about, in words ("信访事项 12"); as stored for an unknown kind."""
        if self.subject_kind is None:
            return None
        kind = SUBJECT_KINDS.get(self.subject_kind)
        return f"{kind.label if kind else self.subject_kind} {self.subject_id}"

    @property
    def state_change(self) -> tuple | None:
        """(from, to) in words, either possibly None; None when the state did not change."""
        if self.from_state is None and self.to_state is None:
            return None
        kind = SUBJECT_KINDS.get(self.subject_kind or "", SubjectKind(""))
        return kind.state_label(self.from_state), kind.state_label(self.to_state)

    @property
    def details(self) -> dict[str, str]:
        """The detail's stored values by key (codes, ids, what staff typed)."""
        return detail_values(self.code, self.detail)

    @property
    def detail_parts(self) -> list[DetailPart]:
        """The detail as the reader reads it, label and words (see `describe_detail`)."""
        return describe_detail(self.code, self.detail)

    @property
    def is_public(self) -> bool:
        event_type = CATALOGUE.get(self.code)
        return bool(event_type and event_type.public)


class AuditChainHead(db.Model):
    """The one row that says where the chain ends: the last sequence and hash written."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sequence: Mapped[int] = mapped_column(sa.BigInteger)
    hash: Mapped[str] = mapped_column(sa.String(64))


GENESIS = "0" * 64  # the prev_hash of the first event
# The fields a hash covers, in this order; changing it invalidates every stored hash.
HASHED_FIELDS = (
    "sequence", "at", "code", "actor_kind", "actor_id",
    "subject_kind", "subject_id", "from_state", "to_state", "detail",
)  # fmt: skip


def utc_text(moment: datetime) -> str:
    """A time as the hash sees it, alike on both databases (SQLite gives back the naive UTC time
    it was given, PostgreSQL an aware time in the session's zone)."""
    return clock.as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(fields, prev_hash: str) -> bytes:
    """The bytes an event's hash is taken over: its fields (a row, a mapping or an event) and
    the hash before it, as a JSON array in the fixed order of HASHED_FIELDS."""
    values = [
        _get(fields, name) if name != "at" else utc_text(_get(fields, "at"))
        for name in HASHED_FIELDS
    ]
    values = [None if v is None else v if isinstance(v, int) else str(v) for v in values]
    return json.dumps([*values, prev_hash], ensure_ascii=False, separators=(",", ":")).encode()


def _get(fields, name: str):
    return fields[name] if isinstance(fields, Mapping) else getattr(fields, name)


def chain_hash(fields, prev_hash: str) -> str:
    return hashlib.sha256(canonical(fields, prev_hash)).hexdigest()


_HEAD = AuditChainHead.__table__
# Built once: every write of the portal runs it, and building it cost more than running it.
_MOVE_HEAD = (
    sa.update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(sequence=_HEAD.c.sequence + sa.bindparam("count", type_=sa.BigInteger))
    .returning(_HEAD.c.sequence, _HEAD.c.hash)
)


def _advance_head(connection: sa.Connection, count: int) -> tuple[int, str]:
    """Reserve `count` sequence numbers: move the head forward (locking it until commit) and
    return the sequence and hash it held before. The migration creates the row; an emptied
    trail (tests) gets it back here."""
    row = connection.execute(_MOVE_HEAD, {"count": count}).first()
    if row is None:  # two first writers at once: one inserts, both then move it in turn
        genesis = database.insert(_HEAD).values(id=1, sequence=0, hash=GENESIS)
        connection.execute(genesis.on_conflict_do_nothing(index_elements=["id"]))
        row = connection.execute(_MOVE_HEAD, {"count": count}).one()
    return row.sequence - count, row.hash


_CREATION_ORDER = itertools.count()


@sa.event.listens_for(AuditEvent, "init")
def _note_creation_order(event: AuditEvent, _args, _kwargs) -> None:
    event._creation_order = next(_CREATION_ORDER)


@sa.event.listens_for(Session, "before_flush")
def _chain(session: Session, _context, _instances) -> None:
    """Link the events about to be inserted, in the order they were recorded, to the head."""
    events = sorted(
        (o for o in session.new if isinstance(o, AuditEvent)),
        key=lambda event: getattr(event, "_creation_order", 0),
    )
    if not events:
        return
    connection = session.connection()
    sequence, prev_hash = _advance_head(connection, len(events))
    for event in events:
        sequence += 1
        event.at = clock.as_utc(event.at)
        event.sequence, event.prev_hash = sequence, prev_hash
        event.hash = prev_hash = chain_hash(event, prev_hash)
    # The head takes the last event's hash as that event is inserted (HEAD_FOLLOWS).


# ---- the head's hash, set by the database ------------------------------------------------------
# As each event is inserted, the one whose sequence is the head's (the last that `_chain` reserved)
# writes its hash into the head, in the same statement: one statement less in every audited
# transaction than setting it from here after hashing (on PostgreSQL a round trip, some 0.3 ms of
# the machine's time). Created by the migration, as the refusal below is.
HEAD_FOLLOWS_SQL = (
    "UPDATE audit_chain_head SET hash = NEW.hash WHERE id = 1 AND sequence = NEW.sequence"
)
HEAD_FOLLOWS = {
    "sqlite": {
        "create": [
            "CREATE TRIGGER audit_chain_head_follows AFTER INSERT ON audit_events"
            f" BEGIN {HEAD_FOLLOWS_SQL}; END"
        ],
        "drop": ["DROP TRIGGER IF EXISTS audit_chain_head_follows"],
    },
    "postgresql": {
        "create": [
            "CREATE OR REPLACE FUNCTION audit_chain_head_follow() RETURNS trigger"
            f" LANGUAGE plpgsql AS $$ BEGIN {HEAD_FOLLOWS_SQL}; RETURN NULL; END $$",
            "CREATE TRIGGER audit_chain_head_follows AFTER INSERT ON audit_events"
            " FOR EACH ROW EXECUTE FUNCTION audit_chain_head_follow()",
        ],
        "drop": [
            "DROP TRIGGER IF EXISTS audit_chain_head_follows ON audit_events",
            "DROP FUNCTION IF EXISTS audit_chain_head_follow()",
        ],
    },
}


# ---- the database's refusal of UPDATE and DELETE ----------------------------------------------
# One definition, used by the migration (create on upgrade, drop on downgrade) and by whoever may
# change the schema and must empty the trail (the test suite, `guard_lifted`).
REFUSAL = "audit_events is append-only"
APPEND_ONLY = {
    "sqlite": {
        "create": [
            f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events"
            f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            for verb in ("UPDATE", "DELETE")
        ],
        "drop": [
            "DROP TRIGGER IF EXISTS audit_events_no_update",
            "DROP TRIGGER IF EXISTS audit_events_no_delete",
        ],
    },
    "postgresql": {
        "create": [
            "CREATE OR REPLACE FUNCTION audit_events_refuse() RETURNS trigger LANGUAGE plpgsql AS"
            f" $$ BEGIN RAISE EXCEPTION USING MESSAGE = '{REFUSAL}: ' || TG_OP || ' refused';"
            " END $$",
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events"
            " FOR EACH ROW EXECUTE FUNCTION audit_events_refuse()",
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events"
            " FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse()",
        ],
        "drop": [
            "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
            "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
            "DROP FUNCTION IF EXISTS audit_events_refuse()",
        ],
    },
}


def create_guard(connection: sa.Connection) -> None:
    for statement in APPEND_ONLY[connection.dialect.name]["create"]:
        connection.exec_driver_sql(statement)


def drop_guard(connection: sa.Connection) -> None:
    for statement in APPEND_ONLY[connection.dialect.name]["drop"]:
        connection.exec_driver_sql(statement)


@contextmanager
def guard_lifted(connection: sa.Connection) -> Iterator[None]:
    """Within the block (and the connection's transaction) rows may be changed or deleted.
    Needs the right to change the schema, which the portal's own work never uses."""
    drop_guard(connection)
    try:
        yield
    finally:
        create_guard(connection)


def empty_trail(connection: sa.Connection) -> None:
    """Delete every event and start the chain afresh: between tests, never in production."""
    with guard_lifted(connection):
        connection.execute(AuditEvent.__table__.delete())
    head = AuditChainHead.__table__
    connection.execute(head.update().values(sequence=0, hash=GENESIS))


# ---- checking the chain -------------------------------------------------------------------------
ALTERED = "altered"  # the event's fields no longer give its hash
MISSING = "missing"  # sequence numbers skipped: events deleted
BROKEN_LINK = "broken_link"  # it does not name the event before it: reordered, inserted, rewritten
HEAD_MISMATCH = "head_mismatch"  # the chain's end is not where its head says: the newest deleted


@dataclass(frozen=True)
class Break:
    kind: str
    event_id: int | None
    sequence: int | None
    explanation: str


@dataclass(frozen=True)
class Verdict:
    """How many events were found good, in order from the first; the sequence and hash of the
    last of them (the chain's head when intact); and the first break, if any."""

    events: int
    last_sequence: int
    last_hash: str
    first_break: Break | None

    @property
    def is_intact(self) -> bool:
        return self.first_break is None


def verify(connection: sa.Connection, batch_size: int = 10_000) -> Verdict:
    """Walk the whole chain in sequence order, `batch_size` rows at a time (constant memory),
    and stop at the first break. Each event must follow the one before it without a gap, name
    its hash, and hash to its own; the last must be the one the head records.

    The head is read first and the walk stops there: events are written with the head moved in
    the same transaction, so those up to it are all committed, and events added meanwhile are
    left for the next run. Each batch is its own short transaction, so that on SQLite writers
    are not kept waiting for the whole walk."""
    head = connection.execute(sa.select(AuditChainHead.__table__)).first()
    head_sequence, head_hash = (head.sequence, head.hash) if head else (0, GENESIS)
    connection.commit()
    table = AuditEvent.__table__
    columns = [table.c.id, table.c.prev_hash, table.c.hash, *(table.c[n] for n in HASHED_FIELDS)]
    expected, prev_hash = 1, GENESIS

    def verdict(first_break: Break | None) -> Verdict:
        return Verdict(expected - 1, expected - 1, prev_hash, first_break)

    while expected <= head_sequence:
        rows = connection.execute(
            sa.select(*columns)
            .where(table.c.sequence.between(expected, head_sequence))
            .order_by(table.c.sequence)
            .limit(batch_size)
        ).all()
        connection.commit()
        for row in rows:
            found = _break_at(row, expected, prev_hash)
            if found is not None:
                return verdict(found)
            expected, prev_hash = expected + 1, row.hash
        if len(rows) < batch_size:
            break
    if head_sequence >= expected:
        return verdict(
            Break(
                MISSING,
                None,
                expected,
                f"events {expected} to {head_sequence} are missing: the chain ends at "
                f"{expected - 1} but its head records {head_sequence}",
            )
        )
    if head_hash != prev_hash:
        return verdict(
            Break(
                HEAD_MISMATCH,
                None,
                head_sequence,
                f"the chain head records hash {head_hash} for sequence {head_sequence}, "
                f"but the event there has hash {prev_hash}",
            )
        )
    return verdict(None)


def _break_at(row, expected: int, prev_hash: str) -> Break | None:
    """What is wrong with `row` where the event of sequence `expected` should be, if anything."""
    if row.sequence != expected:
        return Break(
            MISSING,
            row.id,
            row.sequence,
            f"events {expected} to {row.sequence - 1} are missing before event #{row.id}"
            if row.sequence > expected + 1
            else f"event {expected} is missing before event #{row.id}",
        )
    if row.prev_hash != prev_hash:
        return Break(
            BROKEN_LINK,
            row.id,
            row.sequence,
            f"event #{row.id} does not follow the event before it (it names {row.prev_hash},"
            f" the event before is {prev_hash}): events reordered, inserted or rewritten",
        )
    if chain_hash(row._mapping, prev_hash) != row.hash:
        return Break(
            ALTERED,
            row.id,
            row.sequence,
            f"event #{row.id} was altered: its fields no longer give its stored hash",
        )
    return None


def _actor_fields(actor, actor_kind: str | None) -> tuple[str, int | None]:
    """Staff accounts are recorded by id; anyone else (a `Party`, a lawyer's account, whose
    class names its `audit_actor_kind`) by kind only."""
    if actor is None:
        return actor_kind or ACTOR_SYSTEM, None
    kind = actor_kind or getattr(actor, "audit_actor_kind", ACTOR_STAFF)
    return kind, actor.id if kind == ACTOR_STAFF else None


def record(
    code: str,
    *,
    actor=None,
    actor_kind: str | None = None,
    subject=None,
    from_state: str | None = None,
    to_state: str | None = None,
    detail: Mapping[str, object] | None = None,
) -> AuditEvent:
    """Add one audit event to the current transaction. Unknown codes, and detail keys its domain
    has not registered, are programming errors."""
    if code not in CATALOGUE:
        raise KeyError(f"audit event {code!r} is not in the catalogue")
    unknown = set(detail or ()) - set(_keys_for(code))
    if unknown:
        raise KeyError(f"audit detail keys {sorted(unknown)} are not registered for {code!r}")
    kind, actor_id = _actor_fields(actor, actor_kind)
    subject_kind, subject_id = subject_of(subject) if subject is not None else (None, None)
    event = AuditEvent(
        at=clock.now(),
        code=code,
        actor_kind=kind,
        actor_id=actor_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        from_state=str(from_state) if from_state is not None else None,
        to_state=str(to_state) if to_state is not None else None,
        detail=encode_detail(detail or {}),
    )
    db.session.add(event)
    if code in SUBSCRIBERS:
        db.session.info.setdefault(_WAITING, []).append(event)
    return event


@dataclass(frozen=True)
class TrailFilter:
    """What the administrator's trail page narrows to; None is no filter. `since` and `until`
    are instants (the page turns local days into them), `until` excluded."""

    since: datetime | None = None
    until: datetime | None = None
    code: str | None = None
    actor_kind: str | None = None
    actor_id: int | None = None
    subject_kind: str | None = None
    subject_id: str | None = None


@dataclass(frozen=True)
class TrailPage:
    events: list[AuditEvent]
    older_than: int | None  # the `before` of the next (older) page, None on the last page


def trail_page(wanted: TrailFilter, *, before: int | None = None, per_page: int = 50) -> TrailPage:
    """The newest events matching `wanted` that come before the event numbered `before` (in
    time, then chain number): keyset pages, so that the thousandth page of a million events
    costs what the first does. Each filter, with dates or without, is a range of one index in
    the page's order (AuditEvent's indexes). A `before` that numbers no event pages by number."""
    order = [AuditEvent.at, AuditEvent.sequence]
    query = sa.select(AuditEvent).order_by(*(column.desc() for column in order)).limit(per_page + 1)
    for column, value in [
        (AuditEvent.code, wanted.code),
        (AuditEvent.actor_kind, wanted.actor_kind),
        (AuditEvent.actor_id, wanted.actor_id),
        (AuditEvent.subject_kind, wanted.subject_kind),
        (AuditEvent.subject_id, wanted.subject_id),
    ]:
        if value is not None:
            query = query.where(column == value)
    if wanted.since is not None:
        query = query.where(AuditEvent.at >= wanted.since)
    if wanted.until is not None:
        query = query.where(AuditEvent.at < wanted.until)
    if before is not None:
        anchor_at = db.session.scalar(sa.select(AuditEvent.at).where(AuditEvent.sequence == before))
        query = query.where(
            paging.before_key(order, [anchor_at, before])
            if anchor_at is not None
            else AuditEvent.sequence < before
        )
    events = list(db.session.scalars(query))
    more = len(events) > per_page
    events = events[:per_page]
    return TrailPage(events, events[-1].sequence if more else None)


def history_query(subject) -> sa.Select:
    """Every event about `subject`, in the order written (the one query for a record's trail)."""
    kind, identifier = subject_of(subject)
    return (
        sa.select(AuditEvent)
        .where(AuditEvent.subject_kind == kind, AuditEvent.subject_id == identifier)
        .order_by(AuditEvent.at, AuditEvent.sequence)
    )


def history(subject) -> list[AuditEvent]:
    return list(db.session.scalars(history_query(subject)))


def history_page(subject, *, before: int | None = None, per_page: int = 50) -> TrailPage:
    """The events about `subject`, newest first, a keyset page at a time: the admin's trail
    page narrowed to one subject (`trail_page`), which reads only the page's rows from the
    index of a record's history however long that history grows."""
    kind, identifier = subject_of(subject)
    wanted = TrailFilter(subject_kind=kind, subject_id=identifier)
    return trail_page(wanted, before=before, per_page=per_page)


def history_count(subject, cap: int | None = None) -> paging.CappedCount:
    """How many events are about `subject`, counted up to a cap (paging.COUNT_CAP by default)."""
    return paging.capped_count(history_query(subject), cap)
