"""Rules for receiving petitions, letting petitioners find them and add to them, and sweeping
deadlines.

Services change the session and flush; the view (or CLI command) commits once, so a petition,
its attachments' records and its audit event are stored together or not at all. The one
exception is the deadline sweep, which commits batch by batch. State changes after receipt are
workflow.py's; the due dates and what "overdue" means are deadlines.py's (the
sweep selects with `deadlines.overdue_sql` and names the missed deadline with
`deadlines.next_deadline`); earlier petitions a new one may repeat are duplicates.py's. Staff accounts are read through portal.accounts.queries.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts import queries as accounts
from portal.calendar.services import load_calendar
from portal.core import audit, clock, codes, database, submission_keys, uploads
from portal.core.codes import format_code, normalise_code  # noqa: F401  (the views' and tests')
from portal.core.forms import submission_key_hash
from portal.core.i18n import lazy_gettext as _l
from portal.core.lookups import LookupLocked, guarded_lookup  # noqa: F401  (raised to the views)
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import deadlines, duplicates, workflow
from portal.petitions.models import (
    APPEAL_KINDS,
    FINAL_STATES,
    OPEN_STATES,
    Addition,
    Attachment,
    Channel,  # noqa: F401  (other domains file petitions through this module: portal/leads)
    Escalation,
    Kind,
    MaterialRequest,
    Note,
    Petition,
    State,
    TrackingCounter,
)

TRACKING_PREFIX = "XF"
LOOKUP_SCOPE = "petition_progress"


class SubmissionError(ValueError):
    """A rule refused the submission; the message is shown to the user as is."""


@dataclass
class IntakeData:
    kind: str
    subject: str
    body: str
    is_anonymous: bool = False
    name: str | None = None
    id_number: str | None = None
    mobile: str | None = None
    email: str | None = None
    address: str | None = None
    uploads: list[uploads.CheckedUpload] = field(default_factory=list)
    # How the petitioner wants to hear of each step, and in which language (a locale code).
    notify_by_sms: bool = False
    notify_by_email: bool = False
    locale: str | None = None


@dataclass(frozen=True)
class Receipt:
    petition: Petition
    query_code: str
    is_repeat: bool  # the same form was submitted before: this is the first submission's result


# ---- query codes and submission keys ---------------------------------------------------------


def query_code_for(submission_key: str) -> str:
    """The query code, derived from the form's random one-time key with the app's secret.

    The key (32 random bytes from `secrets`) exists only in the petitioner's browser and is stored
    here only as a SHA-256 hash, so the database alone cannot give any code back; but a repeat of
    the same form (a double-click, a reload of the POST) can show the same receipt again.
    """
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(),
        b"query-code:" + submission_key.encode(),
        hashlib.sha256,
    ).digest()
    return codes.code_from_int(int.from_bytes(digest, "big"))


def normalise_tracking_number(typed: str) -> str:
    return "".join((typed or "").split()).upper().replace("—", "-").replace("－", "-")


def next_tracking_number(year: int) -> str:
    """XF<year>-<6 digits>, sequential per year. One upsert of the year's counter row, which
    takes a row lock on PostgreSQL and runs under BEGIN IMMEDIATE's lock on SQLite."""
    number = db.session.execute(
        _next_number_statement(db.engine.dialect.name), {"year": year}
    ).scalar_one()
    return f"{TRACKING_PREFIX}{year}-{number:06d}"


@functools.cache
def _next_number_statement(dialect_name: str):
    """Built once per database (`dialect_name`, the cache's key: database.insert is in the
    dialect in use): building an upsert cost more than running it, at every submission. On the
    table, not the model: the session runs an upsert of a model as an ORM bulk insert, which
    cost 0.2 ms more a submission."""
    table = TrackingCounter.__table__
    insert = database.insert(table)
    return (
        insert.values(year=sa.bindparam("year"), last_number=1)
        .on_conflict_do_update(
            index_elements=[table.c.year], set_={"last_number": table.c.last_number + 1}
        )
        .returning(table.c.last_number)
    )


# ---- receiving -------------------------------------------------------------------------------


def find_by_submission_key(submission_key: str) -> Petition | None:
    """The petition this form stored. A repeat's receipt lists the petition's files: read with
    it, in one statement (a join), not in a statement of their own, nor in a transaction of
    their own after the commit."""
    return (
        db.session.scalars(
            sa.select(Petition)
            .where(Petition.submission_key_hash == submission_key_hash(submission_key))
            .options(joinedload(Petition.attachments))
        )
        .unique()
        .first()
    )


def submit_petition(
    data: IntakeData,
    *,
    channel: str,
    submission_key: str,
    received_on: date | None = None,
    registered_by=None,
) -> Receipt:
    """Record a petition from the web form or from staff intake (`registered_by`, the clerk's
    account), or return the earlier receipt when this form (same submission key) was already
    submitted. Flushes; the caller commits. Call it first in a transaction: the form's key is
    claimed before anything else is written, so that the same form posted in parallel waits
    there for this post and then returns its receipt (core/submission_keys.py)."""
    query_code = query_code_for(submission_key)
    if not submission_keys.claim(db.session, submission_key):
        earlier = find_by_submission_key(submission_key)
        if earlier is not None:
            return Receipt(earlier, query_code, is_repeat=True)
        # A claim that stored no petition (a form of another kind that claims its keys): this
        # post stores its own, guarded by the petition's UNIQUE key hash.
    kind = Kind(data.kind)
    if data.is_anonymous and not kind.allows_anonymity:
        raise SubmissionError(_l("Only reports can be made anonymously."))
    now = clock.now()
    received_on = received_on or clock.local_date(now)
    if received_on > clock.local_date(now):
        raise SubmissionError(_l("The date of receipt cannot be in the future."))
    rule = deadlines.DeadlineRule.from_config(current_app.config)
    due = deadlines.at_receipt(received_on, rule, load_calendar(received_on))
    personal = (
        # An anonymous reporter may leave a mobile or e-mail only to be told of each step.
        {
            "mobile": (data.mobile or None) if data.notify_by_sms else None,
            "email": (data.email or None) if data.notify_by_email else None,
        }
        if data.is_anonymous
        else {
            "name": data.name,
            "id_number": data.id_number or None,
            "mobile": data.mobile or None,
            "email": data.email or None,
            "address": data.address or None,
        }
    )
    petition = Petition(
        tracking_number=next_tracking_number(clock.local_date(now).year),
        kind=kind.value,
        channel=channel,
        status=State.RECEIVED.value,
        subject=data.subject.strip(),
        body=data.body.strip(),
        is_anonymous=data.is_anonymous,
        submission_key_hash=submission_key_hash(submission_key),
        query_code_hash=codes.hash_code(query_code),
        received_at=now,
        received_on=received_on,
        ack_due_on=due.ack_due_on,
        answer_due_on=due.answer_due_on,
        deadline_rule=due.rule_code,
        registered_by_id=registered_by.id if registered_by else None,
        notify_by_sms=data.notify_by_sms,
        notify_by_email=data.notify_by_email,
        locale=data.locale or current_app.config["BABEL_DEFAULT_LOCALE"],
        attachments=[],  # known to be none but those stored below: the receipt reads no more
        **personal,
    )
    if kind in APPEAL_KINDS and _is_first_appeal(petition):
        petition.lead_leader_id = _leader_with_fewest_cases()
    db.session.add(petition)
    try:
        db.session.flush()
    except IntegrityError:
        # The form's petition is stored although its key was free to claim: a form posted
        # before claims were kept, and again since. Found once this transaction is rolled back
        # (on PostgreSQL the failed insert has ended it). Not a savepoint around the insert: on
        # PostgreSQL that cost two round trips on every submission, for a case this rare.
        db.session.rollback()
        earlier = find_by_submission_key(submission_key)
        if earlier is None:
            raise
        return Receipt(earlier, query_code, is_repeat=True)
    _store_attachments(petition, data.uploads, now)
    if registered_by:
        duplicates.index(petition)  # the clerk looks at it next
    else:
        duplicates.enqueue(petition)  # the worker's next round: the citizen does not wait
    audit.record(
        "petition.received",
        actor=registered_by,
        actor_kind=audit.ACTOR_STAFF if registered_by else audit.ACTOR_PETITIONER,
        subject=petition,
        to_state=State.RECEIVED,
        detail={"channel": channel, "rule": due.rule_code},
    )
    db.session.flush()
    return Receipt(petition, query_code, is_repeat=False)


def _store_attachments(petition: Petition, checked, now, *, addition=None) -> None:
    """Write the files (removed again if the transaction rolls back: core/uploads.py) and add
    their records to the session."""
    for upload in checked:
        db.session.add(
            Attachment(
                petition=petition,
                addition=addition,
                filename=upload.filename,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                uploaded_at=now,
                storage_key=uploads.store(db.session, upload),
            )
        )


def _is_first_appeal(petition: Petition) -> bool:
    """院领导包案: a first appeal goes to a leader. Earlier appeals are matched on ID or mobile."""
    conditions = []
    if petition.id_number:
        conditions.append(Petition.id_number == petition.id_number)
    if petition.mobile:
        conditions.append(Petition.mobile == petition.mobile)
    if not conditions:
        return True
    earlier = db.session.scalar(
        sa.select(sa.func.count(Petition.id)).where(
            Petition.kind.in_([k.value for k in APPEAL_KINDS]), sa.or_(*conditions)
        )
    )
    return earlier == 0


def _leader_with_fewest_cases() -> int | None:
    """The active leader leading the fewest petitions still to be answered (received or open);
    on a tie, the longest-standing account (lowest id)."""
    leaders = accounts.active_staff(Role.LEADER)
    if not leaders:
        return None
    open_states = [s.value for s in OPEN_STATES | {State.RECEIVED}]
    load = dict(
        db.session.execute(
            sa.select(Petition.lead_leader_id, sa.func.count(Petition.id))
            .where(
                Petition.lead_leader_id.in_([leader.id for leader in leaders]),
                Petition.status.in_(open_states),
            )
            .group_by(Petition.lead_leader_id)
        ).all()
    )
    return min(leaders, key=lambda leader: (load.get(leader.id, 0), leader.id)).id


# ---- the petitioner's lookup -----------------------------------------------------------------


def find_for_petitioner(tracking_number: str, code: str) -> Petition | None:
    """The petition for a matching number and code, else None: the same answer whether the
    number exists or not. Repeated failures lock the number (known or not) for a while for the
    client that made them; raises LookupLocked then (portal/core/lookups.py). The caller commits
    the audit event of a success, and with it the code's hash under the current key when it was
    stored under an old one (core/codes.py: the event says so)."""
    number, code = normalise_tracking_number(tracking_number), normalise_code(code)

    def attempt() -> tuple[Petition, codes.CodeCheck] | None:
        petition = db.session.scalar(sa.select(Petition).where(Petition.tracking_number == number))
        check = codes.check_code(
            petition.query_code_hash if petition is not None else None,
            code,
            legacy_column=Petition.query_code_hash,
        )
        return (petition, check) if check.matches else None

    found = guarded_lookup(LOOKUP_SCOPE, number, attempt)
    if found is None:
        return None
    petition, check = found
    if check.upgraded_hash:
        petition.query_code_hash = check.upgraded_hash
    audit.record(
        "petition.progress_viewed",
        actor_kind=audit.ACTOR_PETITIONER,
        subject=petition,
        detail=check.audit_detail,
    )
    return petition


def code_mark(petition: Petition) -> str:
    """A short fingerprint of the petition's current query code (of its stored hash, so it
    reveals nothing of the code): a progress session keeps it, and a code replaced since (a
    recovered one) no longer opens the page for sessions opened with the old one."""
    return hashlib.sha256(petition.query_code_hash.encode()).hexdigest()[:16]


def replies_for_petitioner(petition: Petition):
    """Every sent reply the petitioner may read: their own and, once merged, those of the
    earlier petition that answers for it (and of the one that was merged into, and so on)."""
    replies = list(petition.sent_replies)
    answering = petition.merged_into
    while answering is not None:  # merges only go to earlier petitions, so this ends
        replies += answering.sent_replies
        answering = answering.merged_into
    return sorted(replies, key=lambda reply: clock.as_utc(reply.sent_at))


def public_timeline(petition: Petition):
    events = audit.history(petition)
    return [event for event in events if event.is_public]


# ---- the petitioner adds material ------------------------------------------------------------


@dataclass
class MaterialData:
    body: str | None = None
    # The staff request this answers, if any (one of the petition's own).
    request_id: int | None = None
    uploads: list[uploads.CheckedUpload] = field(default_factory=list)


@dataclass(frozen=True)
class MaterialReceipt:
    addition: Addition
    is_repeat: bool  # the same form was sent before: this is the first sending's addition


def can_add_material(petition: Petition) -> bool:
    """DESIGN §2: the petitioner adds text and files to any petition that is not final."""
    return State(petition.status) not in FINAL_STATES


def add_material(petition: Petition, data: MaterialData, *, submission_key: str) -> MaterialReceipt:
    """Add the petitioner's text and files to their petition, as the answer to a staff request
    when `data.request_id` names one. Written as a petition is received: the addition, its
    files' records and its audit event ("petition.material_added", public: the petitioner's
    timeline) in the caller's one transaction, the files removed if it rolls back; a repeat of
    the same form (same submission key, stored under a UNIQUE constraint) returns the first
    addition. Raises SubmissionError with a message for the petitioner. Flushes; the caller
    commits. The petition then shows in the staff's "new material" queue until someone marks
    it read (workflow.mark_material_read)."""
    earlier = _addition_for_key(submission_key)
    if earlier is not None:
        return MaterialReceipt(earlier, is_repeat=True)
    if not can_add_material(petition):
        raise SubmissionError(
            _l(
                "This petition is finished, so nothing more can be added to it. If you have "
                "something new, file a new petition."
            )
        )
    body = (data.body or "").strip() or None
    if body is None and not data.uploads:
        raise SubmissionError(_l("Write what you want to add, or attach a file."))
    request = None
    if data.request_id:
        request = db.session.get(MaterialRequest, data.request_id)
        if request is None or request.petition_id != petition.id:
            raise SubmissionError(_l("Choose one of the questions listed on this page."))
    now = clock.now()
    # By id: an object linked to the petition would be flushed before the savepoint exists.
    addition = Addition(
        petition_id=petition.id,
        request_id=request.id if request else None,
        body=body,
        submission_key_hash=submission_key_hash(submission_key),
        added_at=now,
    )
    try:
        # A parallel post of the same addition rolls back only the savepoint; a material
        # addition is rare enough that its two round trips do not matter.
        with db.session.begin_nested():
            db.session.add(addition)
            db.session.flush()
    except IntegrityError:
        earlier = _addition_for_key(submission_key)
        if earlier is None:
            raise
        return MaterialReceipt(earlier, is_repeat=True)
    # Collections the session may already hold are read again, with the new addition.
    db.session.expire(petition, ["additions"])
    if request is not None:
        db.session.expire(request, ["answers"])
    _store_attachments(petition, data.uploads, now, addition=addition)
    audit.record(
        "petition.material_added",
        actor_kind=audit.ACTOR_PETITIONER,
        subject=petition,
        detail={
            "addition": addition.id,
            "files": len(data.uploads),
            "request": request.id if request else None,
        },
    )
    db.session.flush()
    return MaterialReceipt(addition, is_repeat=False)


def _addition_for_key(submission_key: str) -> Addition | None:
    return db.session.scalar(
        sa.select(Addition).where(
            Addition.submission_key_hash == submission_key_hash(submission_key)
        )
    )


def material_exchange(petition: Petition) -> list[MaterialRequest | Addition]:
    """The staff's requests and the petitioner's additions, in the order they happened: what
    both the progress page and the staff's petition page show."""
    items = [*petition.material_requests, *petition.additions]
    return sorted(items, key=lambda item: clock.as_utc(item.at))


# ---- staff work ------------------------------------------------------------------------------


def add_note(petition: Petition, author, body: str) -> Note:
    body = (body or "").strip()
    if not body:
        raise SubmissionError(_l("Write the note."))
    note = Note(petition=petition, author_id=author.id, body=body, created_at=clock.now())
    db.session.add(note)
    audit.record("petition.note_added", actor=author, subject=petition)
    return note


def attachment_for_staff(petition: Petition, attachment_id: int, reader) -> Attachment | None:
    """The petition's attachment for a staff member to read, with the audit event that says who
    read it; None when the petition has no such attachment."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.petition_id != petition.id:
        return None
    audit.record(
        "petition.attachment_downloaded",
        actor=reader,
        subject=petition,
        detail={"attachment": attachment.id},
    )
    return attachment


# ---- the deadline sweep ----------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    """What this run did; a sweep running at the same time may have done the rest."""

    escalated: int
    auto_closed: int


class SweepInterrupted(RuntimeError):
    """A database error stopped the sweep. The batches committed before it stay done (`done`
    says what they did) and the next run picks up the rest."""

    def __init__(self, done: SweepResult, error: SQLAlchemyError):
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        super().__init__(reason)
        self.done = done


def sweep_deadlines(today: date | None = None) -> SweepResult:
    """Escalate each newly missed deadline to leaders (once per deadline) and close answered
    petitions that drew no objection in time. Running it again changes nothing more.

    Unlike the other services this one commits, in batches of SWEEP_BATCH_SIZE petitions, each
    its own short transaction: on SQLite a transaction holds the write lock from its first
    statement, and citizens' submissions must not wait behind a sweep of 100,000 petitions; and a
    crash leaves the committed batches done. Any number of sweeps may run at once, on any number
    of hosts: each batch claims its rows and selects them again under the claim (see
    `_claimed_batches`), an escalation goes in only once, whoever tries (`escalate`), and a
    closure is the workflow's transition, taken only while the petition is still answered.
    Raises SweepInterrupted on a database error.
    """
    today = today or clock.local_today()
    escalated = auto_closed = 0
    try:
        for batch in _claimed_batches(_missed_and_not_escalated(today)):
            recorded = escalate(batch)
            db.session.commit()
            escalated += recorded
        for batch in _claimed_batches(workflow.quiet_sql(), selectinload(Petition.replies)):
            closed = sum(workflow.auto_close_if_quiet(p) for p in batch)
            db.session.commit()
            auto_closed += closed
    except SQLAlchemyError as error:
        db.session.rollback()
        raise SweepInterrupted(SweepResult(escalated, auto_closed), error) from error
    return SweepResult(escalated, auto_closed)


def _missed_and_not_escalated(today: date):
    """Overdue (the one definition, deadlines.overdue_sql) and not yet escalated: without the
    second half every run would go through every petition already reported, hour after hour."""
    reported = sa.exists().where(
        Escalation.petition_id == Petition.id,
        Escalation.deadline == deadlines.next_deadline_kind_sql(),
        Escalation.due_on == deadlines.next_due_on_sql(),
    )
    return sa.and_(deadlines.overdue_sql(today), ~reported)


def _claimed_batches(condition, *load_options):
    """The petitions matching `condition`, a batch at a time, in order of id (a keyset page:
    each page's query is short however many there are). The caller commits each batch before
    asking for the next; the next page is selected in a new transaction, after a pause that lets
    waiting writers in (core.database.make_way_for_waiting_writers).

    A page is selected under a claim, so `condition` is checked again for rows another sweep
    has just changed: on PostgreSQL the rows are locked FOR UPDATE SKIP LOCKED (a row another
    transaction holds is left to it, or to the next run); on SQLite the transaction began with
    BEGIN IMMEDIATE and holds the database's write lock (SQLAlchemy leaves FOR UPDATE out there).
    """
    batch_size = current_app.config["SWEEP_BATCH_SIZE"]
    last_id = 0
    while True:
        started = time.monotonic()
        batch = db.session.scalars(
            sa.select(Petition)
            .where(condition, Petition.id > last_id)
            .order_by(Petition.id)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
            .options(*load_options)
        ).all()
        if not batch:
            db.session.commit()  # ends the empty page's transaction, and SQLite's write lock
            return
        last_id = batch[-1].id
        yield batch
        database.make_way_for_waiting_writers(time.monotonic() - started)


def escalate(petitions: list[Petition]) -> int:
    """Report the missed next deadline of each petition to leaders, once; returns how many this
    call recorded. One recorded already, by this or another sweep, even a moment ago in a
    transaction still open, is left alone: the unique key decides (INSERT ... ON CONFLICT DO
    NOTHING), so a duplicate neither raises nor, on PostgreSQL, spoils the transaction, and only
    the call whose row went in writes the audit event."""
    missed = {petition.id: (petition, deadlines.next_deadline(petition)) for petition in petitions}
    if not missed:
        return 0
    recorded = db.session.scalars(
        database.insert(Escalation.__table__)
        .on_conflict_do_nothing(index_elements=["petition_id", "deadline", "due_on"])
        .returning(Escalation.petition_id),
        [
            {
                "petition_id": petition.id,
                "deadline": deadline.kind,
                "due_on": deadline.due_on,
                "escalated_at": clock.now(),
            }
            for petition, deadline in missed.values()
        ],
    ).all()
    for petition_id in recorded:
        petition, deadline = missed[petition_id]
        audit.record(
            "petition.overdue_escalated",
            subject=petition,
            detail={"deadline": deadline.kind, "due_on": deadline.due_on.isoformat()},
        )
    return len(recorded)
