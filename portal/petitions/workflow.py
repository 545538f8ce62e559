"""The petition state machine: the only place where a petition's status changes.

    received ──acknowledge──▶ accepted ──assign──▶ in_progress ──draft reply──▶ awaiting_approval
       │                                               ▲   ▲                       │
       │                                               │   └──return draft─────────┤
       │                                               │   ◀──approve progress─────┤
       ├──transfer (with where to)──────────────────────────────────▶ answered ◀──approve result
       ├──not accept (with the reason)──────────────────────────────▶ answered
       └──merge into an earlier petition──▶ merged
    answered ──satisfied / closed by staff / no objection in N days──▶ closed
    answered ──objection (once per reply)──▶ under_review ──start review──▶ in_progress

The states are `models.State` (the table's CHECK constraint comes from that enum); this module
holds the rules of moving between them, in the shape every domain uses (portal/core/workflow.py):

- TRANSITIONS, the table: for each Action, the states it starts from, the state it leads to, who
  may take it (staff roles, or core.workflow's PETITIONER and SYSTEM) and its audit code;
- one guard for what the table cannot say (a handler drafts only on a petition they work on);
- WORKFLOW, which checks both (`check`, raising InvalidTransition with a message for the user)
  and applies a transition with exactly one audit event, in the caller's transaction.

Every transition is a function below (acknowledge, transfer, ..., auto_close_if_quiet): it checks
what the action needs beyond state and role (a reply text, an earlier petition to merge into),
applies the transition through WORKFLOW and changes the petition. Views and services call these
functions; nothing else assigns `status`. The UI offers only `allowed_actions(petition, actor)`.
A petition reaches `answered` or `closed` only through a reply the petitioner can read; nothing
here deletes.

The petitioner's grade of a reply (满意 / 基本满意 / 不满意, `grade_reply`) takes the satisfied or
the objection transition when the reply concluded the petition (it is `answered`). A progress
reply concludes nothing, so its grade is recorded without a transition: there is nothing to
close yet, and the handler who still has the petition reads the reasons of a dissatisfied grade
with it; the objection with a review stays for the reply that concludes the petition.

Staff asking the petitioner for material (`request_material`), and marking what they added as
read, are not states either (DESIGN §2: the petitioner adds text and files to any petition that
is not final). A request does not stop the clocks or block the handling; a state for it would
have to be left again by the petitioner, who may never answer (anonymous reports cannot be
reminded), and would hide where the petition really stands.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date

from portal.calendar.services import load_calendar
from portal.core import audit, clock, outbox
from portal.core.audit import DetailKey, EventType
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import Role
from portal.core.workflow import PETITIONER, SYSTEM, InvalidTransition, Transition, Workflow
from portal.extensions import db
from portal.petitions import deadlines, documents, notices, queries  # noqa: F401  (notices: tells the petitioner of each step)
from portal.petitions.models import (
    FINAL_STATES,
    Channel,
    Grade,
    Kind,
    MaterialRequest,
    Petition,
    Reply,
    ReplyKind,
    State,
    Unreachable,
)

audit.register_subject_kinds(
    {
        "petition": audit.SubjectKind(_l("Petition"), State),
        "material_request": audit.SubjectKind(_l("Request for material")),
        "query_code_recovery": audit.SubjectKind(_l("Query code recovery")),
    }
)
audit.register_event_types(
    {
        "petition.received": EventType(_l("Petition received"), public=True),
        "petition.acknowledged": EventType(_l("Accepted for handling"), public=True),
        "petition.transferred": EventType(_l("Transferred to another authority"), public=True),
        "petition.not_accepted": EventType(_l("Not accepted"), public=True),
        "petition.merged": EventType(_l("Handled together with an earlier petition"), public=True),
        "petition.assigned": EventType(_l("Assigned to a handler")),
        "petition.reply_drafted": EventType(_l("Reply drafted")),
        "petition.draft_returned": EventType(_l("Draft returned for revision")),
        "petition.reply_sent": EventType(_l("Reply sent"), public=True),
        "petition.progress_reply_sent": EventType(_l("Progress reply sent"), public=True),
        "petition.satisfied": EventType(_l("Petitioner satisfied"), public=True),
        "petition.objected": EventType(_l("Petitioner objected to the reply"), public=True),
        "petition.review_started": EventType(_l("Review of the objection started"), public=True),
        "petition.closed": EventType(_l("Closed"), public=True),
        "petition.auto_closed": EventType(
            _l("Closed: no objection within the time allowed"), public=True
        ),
        "petition.leader_took_over": EventType(_l("Leader took charge personally")),
        "petition.overdue_escalated": EventType(_l("Deadline missed, escalated to leaders")),
        "petition.note_added": EventType(_l("Internal note added")),
        "petition.progress_viewed": EventType(_l("Progress viewed by the petitioner")),
        "petition.attachment_downloaded": EventType(_l("Attachment downloaded")),
        "petition.material_requested": EventType(
            _l("The procuratorate asked a question or for material"), public=True
        ),
        "petition.material_added": EventType(_l("The petitioner added material"), public=True),
        "petition.material_read": EventType(_l("Added material read by staff")),
        "petition.reply_graded": EventType(
            _l("The petitioner rated a progress reply"), public=True
        ),
        # Staff only: the petitioner is not told that they could not be told (detail: the
        # `Unreachable` code, nothing personal).
        "petition.unreachable_recorded": EventType(_l("Petitioner recorded as unreachable")),
        "petition.contact_restored": EventType(_l("Contact with the petitioner made again")),
        "petition.list_exported": EventType(_l("List of petitions downloaded")),
    }
)


def _deadline_label(code: str):
    return {deadlines.ACKNOWLEDGMENT: _l("procedural reply"), deadlines.REPLY: _l("reply")}[code]


def _local_day(iso_day: str) -> str:
    return format_date(date.fromisoformat(iso_day))


# What petition events' details say, in the reader's language; ids and counts read as numbers,
# names and what staff typed as written. `legacy`: how details read before they were structured.
audit.register_detail_keys(
    ["petition"],
    {
        "channel": DetailKey(_l("Channel"), lambda code: Channel(code).label),
        "rule": DetailKey(
            _l("Time limits"), lambda code: deadlines.DeadlineRule.from_code(code).describe()
        ),
        "handler": DetailKey(_l("Handler")),
        "kind": DetailKey(_l("Kind of reply"), lambda code: ReplyKind(code).label),
        "grade": DetailKey(_l("Petitioner's rating"), lambda code: Grade(code).label),
        "reply": DetailKey(_l("Reply no.")),
        "request": DetailKey(_l("Request no.")),
        "addition": DetailKey(_l("Addition no.")),
        "additions": DetailKey(_l("Additions read")),
        "files": DetailKey(_l("Files")),
        "attachment": DetailKey(_l("Attachment no.")),
        "authority": DetailKey(_l("Transferred to")),
        "into": DetailKey(_l("Handled with petition")),
        "days": DetailKey(_l("Days without objection")),
        "deadline": DetailKey(_l("Deadline"), _deadline_label),
        "due_on": DetailKey(_l("Due on"), _local_day),
        "sent_by": DetailKey(_l("Sent by"), lambda code: SENT_BY[code]),
        "document": DetailKey(_l("Document number")),
        "unreachable": DetailKey(_l("Cannot be reached"), lambda code: Unreachable(code).label),
        "queue": DetailKey(_l("List"), lambda code: queries.QUEUE_LABELS[code]),
        "petition_kind": DetailKey(_l("Kind of petition"), lambda code: Kind(code).label),
        "state": DetailKey(_l("State"), lambda code: State(code).label),
    },
    legacy={
        "petition.reply_drafted": r"(?P<kind>[a-z_]+)",
        "petition.transferred": r"(?P<authority>.+)",
        "petition.merged": r"(?P<into>.+)",
        "petition.draft_returned": r"(?P<comment>.+)",
        "petition.closed": r"(?P<reason>.+)",
        "petition.auto_closed": r"(?P<days>[0-9]+) days",
        "petition.overdue_escalated": r"(?P<deadline>[a-z]+) due (?P<due_on>[0-9]{4}-[0-9]{2}-[0-9]{2})",
        "petition.recovery_code_sent": r"by (?P<sent_by>[a-z]+)",
        "petition.notice_posted": r"(?P<document>.+)",
        "petition.notice_downloaded": r"(?P<document>.+)",
    },
)
SENT_BY = {"sms": _l("SMS"), "email": _l("E-mail")}


class Action(enum.StrEnum):
    ACKNOWLEDGE = "acknowledge"
    TRANSFER = "transfer"
    NOT_ACCEPT = "not_accept"
    MERGE = "merge"
    ASSIGN = "assign"
    DRAFT_REPLY = "draft_reply"
    RETURN_DRAFT = "return_draft"
    APPROVE_RESULT = "approve_result"
    APPROVE_PROGRESS = "approve_progress"
    SATISFIED = "satisfied"
    OBJECT = "object"
    START_REVIEW = "start_review"
    CLOSE = "close"
    AUTO_CLOSE = "auto_close"

    @property
    def label(self):
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.ACKNOWLEDGE: _l("accept for handling"),
    Action.TRANSFER: _l("transfer to another authority"),
    Action.NOT_ACCEPT: _l("not accept"),
    Action.MERGE: _l("merge into an earlier petition"),
    Action.ASSIGN: _l("assign to a handler"),
    Action.DRAFT_REPLY: _l("draft a reply"),
    Action.RETURN_DRAFT: _l("return the draft for revision"),
    Action.APPROVE_RESULT: _l("approve and send the reply"),
    Action.APPROVE_PROGRESS: _l("approve and send the progress reply"),
    Action.SATISFIED: _l("record satisfaction"),
    Action.OBJECT: _l("object to the reply"),
    Action.START_REVIEW: _l("review the objection"),
    Action.CLOSE: _l("close"),
    Action.AUTO_CLOSE: _l("close automatically"),
}

INTAKE = (Role.CLERK, Role.HANDLER, Role.LEADER)
_t = Transition.of

TRANSITIONS: dict[Action, Transition] = {
    Action.ACKNOWLEDGE: _t({State.RECEIVED}, State.ACCEPTED, INTAKE, "petition.acknowledged"),
    Action.TRANSFER: _t({State.RECEIVED}, State.ANSWERED, INTAKE, "petition.transferred"),
    Action.NOT_ACCEPT: _t({State.RECEIVED}, State.ANSWERED, INTAKE, "petition.not_accepted"),
    Action.MERGE: _t({State.RECEIVED}, State.MERGED, INTAKE, "petition.merged"),
    # From in_progress this is a reassignment: the state stays, the handler changes.
    Action.ASSIGN: _t(
        {State.ACCEPTED, State.IN_PROGRESS},
        State.IN_PROGRESS,
        (Role.CLERK, Role.LEADER),
        "petition.assigned",
    ),
    # A handler only on a petition they work on: see _drafter_works_on_it.
    Action.DRAFT_REPLY: _t(
        {State.IN_PROGRESS},
        State.AWAITING_APPROVAL,
        (Role.HANDLER, Role.LEADER),
        "petition.reply_drafted",
    ),
    Action.RETURN_DRAFT: _t(
        {State.AWAITING_APPROVAL}, State.IN_PROGRESS, (Role.LEADER,), "petition.draft_returned"
    ),
    Action.APPROVE_RESULT: _t(
        {State.AWAITING_APPROVAL}, State.ANSWERED, (Role.LEADER,), "petition.reply_sent"
    ),
    Action.APPROVE_PROGRESS: _t(
        {State.AWAITING_APPROVAL}, State.IN_PROGRESS, (Role.LEADER,), "petition.progress_reply_sent"
    ),
    Action.SATISFIED: _t({State.ANSWERED}, State.CLOSED, (PETITIONER.role,), "petition.satisfied"),
    Action.OBJECT: _t(
        {State.ANSWERED}, State.UNDER_REVIEW, (PETITIONER.role,), "petition.objected"
    ),
    Action.START_REVIEW: _t(
        {State.UNDER_REVIEW}, State.IN_PROGRESS, (Role.LEADER,), "petition.review_started"
    ),
    Action.CLOSE: _t(
        {State.ANSWERED}, State.CLOSED, (Role.HANDLER, Role.LEADER), "petition.closed"
    ),
    Action.AUTO_CLOSE: _t({State.ANSWERED}, State.CLOSED, (SYSTEM.role,), "petition.auto_closed"),
}


def _works_on(petition: Petition, user) -> bool:
    return user.id in (petition.assigned_to_id, petition.lead_leader_id)


def _drafter_works_on_it(petition: Petition, action: Action, actor) -> None:
    """The guard: a handler drafts only on a petition assigned to them (or that they lead); a
    leader drafts on any."""
    if (
        action is Action.DRAFT_REPLY
        and actor.role == Role.HANDLER
        and not _works_on(petition, actor)
    ):
        raise InvalidTransition(
            _l("Only the assigned handler or a leader can draft this reply."), forbidden=True
        )


APPROVALS = (Action.APPROVE_RESULT, Action.APPROVE_PROGRESS)


def _two_people(petition: Petition, action: Action, actor) -> None:
    """The guard of the two-person rules (DESIGN §2): the approver of a reply is never the one
    who drafted it, and the leader who reviews an objection never drafted or approved the reply
    objected to. Otherwise the second look is one person's rubber stamp. (The handler a review
    is given to is checked in `start_review`.)"""
    actor_id = getattr(actor, "id", None)
    if action in APPROVALS:
        draft = petition.pending_draft
        if draft is not None and draft.drafted_by_id == actor_id:
            raise InvalidTransition(
                _l("You drafted this reply, so another leader must approve it."), forbidden=True
            )
    if action is Action.START_REVIEW and actor_id in _answered_by(petition):
        raise InvalidTransition(
            _l(
                "You drafted or approved the reply the petitioner objected to, so another leader "
                "must review the objection."
            ),
            forbidden=True,
        )


def _answered_by(petition: Petition) -> set[int]:
    """Who drafted and who approved the reply under objection (the latest one sent)."""
    reply = petition.latest_sent_reply
    if reply is None:
        return set()
    return {user_id for user_id in (reply.drafted_by_id, reply.approved_by_id) if user_id}


def _state_refusal(petition: Petition, action: Action, state: State):
    return _l(
        "This petition is “%(state)s”: it cannot %(action)s now.",
        state=state.label,
        action=action.label,
    )


WORKFLOW = Workflow(
    states=State,
    transitions=TRANSITIONS,
    guards=(_drafter_works_on_it, _two_people),
    state_refusal=_state_refusal,
)


def check(petition: Petition, action: Action, actor) -> Transition:
    """The transition `actor` may take now, or InvalidTransition saying why not."""
    return WORKFLOW.check(petition, action, actor)


def allowed_actions(petition: Petition, actor) -> list[Action]:
    """What the UI may offer this actor on this petition."""
    return WORKFLOW.allowed_actions(petition, actor)


def _apply(petition: Petition, action: Action, actor, *, detail: dict | None = None) -> Transition:
    return WORKFLOW.apply(petition, action, actor, detail=detail)


def _required(text: str | None, message, *, field: str | None = None) -> str:
    if not text or not text.strip():
        raise InvalidTransition(message, field=field)
    return text.strip()


def _send(petition: Petition, kind: ReplyKind, body: str, actor) -> Reply:
    """A reply that is public at once (procedural notices need no approval)."""
    now = clock.now()
    reply = Reply(
        kind=kind.value,
        body=body,
        drafted_at=now,
        drafted_by_id=actor.id,
        approved_by_id=actor.id,
        sent_at=now,
    )
    petition.replies.append(reply)
    _after_reply_sent(petition, reply)
    return reply


def _after_reply_sent(petition: Petition, reply: Reply) -> None:
    now = clock.now()
    kind = ReplyKind(reply.kind)
    if kind.is_substantive:
        petition.first_answered_at = petition.first_answered_at or now
        petition.last_replied_at = now
    documents.issue_notices(petition, reply)


def _rule(petition: Petition):
    return deadlines.DeadlineRule.from_code(petition.deadline_rule)


# ---- intake decisions (the 7-day procedural reply) -------------------------------------------


def acknowledge(petition: Petition, actor, *, notice: str) -> Reply:
    notice = _required(notice, _l("Write the notice of acceptance the petitioner will read."))
    _apply(petition, Action.ACKNOWLEDGE, actor)
    petition.acknowledged_at, petition.acknowledged_by_id = clock.now(), actor.id
    petition.reply_due_on = petition.answer_due_on
    return _send(petition, ReplyKind.ACKNOWLEDGMENT, notice, actor)


def transfer(petition: Petition, actor, *, authority: str, notice: str) -> Reply:
    authority = _required(authority, _l("Name the authority the petition is transferred to."))
    notice = _required(notice, _l("Write the notice that tells the petitioner where it went."))
    _apply(petition, Action.TRANSFER, actor, detail={"authority": authority})
    now = clock.now()
    petition.transferred_to = authority
    petition.acknowledged_at, petition.acknowledged_by_id = now, actor.id
    petition.concluded_at, petition.reply_due_on = now, None
    return _send(petition, ReplyKind.TRANSFER, notice, actor)


def not_accept(petition: Petition, actor, *, reason: str) -> Reply:
    reason = _required(reason, _l("Give the reason the petitioner will read."))
    _apply(petition, Action.NOT_ACCEPT, actor)
    now = clock.now()
    petition.acknowledged_at, petition.acknowledged_by_id = now, actor.id
    petition.concluded_at, petition.reply_due_on = now, None
    return _send(petition, ReplyKind.NOT_ACCEPTED, reason, actor)


def receipt_order(petition: Petition):
    """Which came first: the date of receipt (a letter can be registered days after it came),
    then the moment of registration, then the order of registration."""
    return (petition.received_on, clock.as_utc(petition.received_at), petition.id)


def merge_refusal(petition: Petition, into: Petition | None):
    """Why `petition` cannot be merged into `into` (a message for staff), or None if it can as
    far as the two petitions go (the actor's role and the state are the transition's)."""
    if into is None or into.id == petition.id:
        return _l("Choose an earlier petition to merge into.")
    if receipt_order(into) > receipt_order(petition):
        return _l("A petition can only be merged into an earlier one.")
    if into.status in (State.MERGED, State.CLOSED):
        return _l(
            "Petition %(number)s is closed or has itself been merged; choose an open one.",
            number=into.tracking_number,
        )
    return None


def merge(petition: Petition, actor, *, into: Petition, notice: str) -> Reply:
    """A repeat petition: the earlier one answers both, and its replies show on this one's page."""
    notice = _required(notice, _l("Write the notice the petitioner will read."))
    if refusal := merge_refusal(petition, into):
        raise InvalidTransition(refusal)
    _apply(petition, Action.MERGE, actor, detail={"into": into.tracking_number})
    petition.merged_into = into
    petition.acknowledged_at, petition.acknowledged_by_id = clock.now(), actor.id
    petition.reply_due_on = None
    return _send(petition, ReplyKind.MERGED, notice, actor)


# ---- handling --------------------------------------------------------------------------------


def assign(petition: Petition, actor, *, handler) -> None:
    if handler is None or not handler.is_active or handler.role not in (Role.HANDLER, Role.LEADER):
        raise InvalidTransition(_l("Choose an active handler."))
    _apply(petition, Action.ASSIGN, actor, detail={"handler": handler.name})
    petition.assigned_to_id = handler.id


def draft_reply(petition: Petition, actor, *, kind: ReplyKind | str, body: str) -> Reply:
    kind = ReplyKind(kind)
    if kind not in (ReplyKind.PROGRESS, ReplyKind.RESULT):
        raise InvalidTransition(_l("A drafted reply gives either the result or the progress."))
    body = _required(body, _l("Write the reply."))
    _apply(petition, Action.DRAFT_REPLY, actor, detail={"kind": kind.value})
    reply = Reply(kind=kind.value, body=body, drafted_at=clock.now(), drafted_by_id=actor.id)
    petition.replies.append(reply)
    return reply


def return_draft(petition: Petition, actor, *, comment: str) -> None:
    comment = _required(comment, _l("Say what should change in the draft."))
    draft = petition.pending_draft
    _apply(petition, Action.RETURN_DRAFT, actor, detail={"comment": comment})
    draft.returned_at, draft.return_comment = clock.now(), comment


def approve(petition: Petition, actor) -> Reply:
    """Send the pending draft: a result answers the petition, a progress reply keeps it open."""
    draft = petition.pending_draft
    if draft is None:
        check(petition, Action.APPROVE_RESULT, actor)  # gives the state message if that is why
        raise InvalidTransition(_l("There is no draft reply to approve."))
    is_result = draft.kind == ReplyKind.RESULT
    _apply(petition, Action.APPROVE_RESULT if is_result else Action.APPROVE_PROGRESS, actor)
    draft.approved_by_id, draft.sent_at = actor.id, clock.now()
    if is_result:
        petition.concluded_at, petition.reply_due_on = clock.now(), None
    else:
        today = clock.local_today()
        petition.reply_due_on = deadlines.next_reply_due(
            petition.answer_due_on, today, _rule(petition), load_calendar(today)
        )
    _after_reply_sent(petition, draft)
    return draft


# ---- the petitioner's answer -----------------------------------------------------------------


def gradable_reply(petition: Petition) -> Reply | None:
    """The reply the petitioner may grade now, or None: the petition's latest sent reply, when it
    is substantive (`ReplyKind.is_substantive`: a result, a progress reply, a transfer or a
    non-acceptance), not graded yet, and the petition is not finished. An older reply is not
    graded any more: the newer one answers for the petition."""
    reply = petition.latest_sent_reply
    if reply is None or not reply.kind_enum.is_substantive or reply.grade is not None:
        return None
    if State(petition.status) in FINAL_STATES:
        return None
    return reply


def grade_reply(petition: Petition, *, reply_id: int | None, grade: Grade | str, comment=None):
    """The petitioner grades the reply they read (`reply_id`, so that a page left open while a
    newer reply arrived grades nothing). A reply that concluded the petition: satisfied or
    basically satisfied closes it (`record_satisfaction`), dissatisfied is the objection
    (`object_to_reply`, with the reasons). A progress reply: the grade is recorded (see the
    module docstring). Raises InvalidTransition; `field` names the form field it concerns."""
    grade = Grade(grade)
    reply = gradable_reply(petition)
    if reply is None or reply.id != reply_id:
        raise InvalidTransition(
            _l("This reply can no longer be rated: there is a newer one, or it was rated already.")
        )
    if petition.status == State.ANSWERED:
        if grade is Grade.DISSATISFIED:
            object_to_reply(petition, objection=comment)
        else:
            record_satisfaction(petition, grade=grade, comment=comment)
        return reply
    _record_grade(reply, grade, comment)
    audit.record(
        "petition.reply_graded",
        actor=PETITIONER,
        subject=petition,
        detail={"reply": reply.id, "grade": grade.value},
    )
    return reply


def _record_grade(reply: Reply, grade: Grade, comment: str | None) -> None:
    comment = (comment or "").strip() or None
    reply.grade = grade.value
    if grade is Grade.DISSATISFIED:
        reply.objected_at = clock.now()
        reply.objection = _required(
            comment, _l("Say why you are dissatisfied with the reply."), field="comment"
        )
    else:
        reply.satisfied_at, reply.grade_comment = clock.now(), comment


def record_satisfaction(petition: Petition, *, grade=Grade.SATISFIED, comment=None) -> None:
    """The petitioner is satisfied (or basically satisfied) with the reply that answered the
    petition: it closes."""
    grade = Grade(grade)
    if not grade.is_satisfied:
        raise ValueError("a dissatisfied grade is an objection: object_to_reply")
    reply = petition.latest_sent_reply
    _apply(petition, Action.SATISFIED, PETITIONER, detail={"grade": grade.value})
    _record_grade(reply, grade, comment)
    petition.closed_at = clock.now()


def object_to_reply(petition: Petition, *, objection: str) -> None:
    """Dissatisfied with the reply that answered the petition, with the reasons: it goes back for
    review, once per reply."""
    reply = petition.latest_sent_reply
    objection = _required(
        objection, _l("Say what you disagree with in the reply."), field="comment"
    )
    if reply is not None and reply.objected_at is not None:
        raise InvalidTransition(_l("You have already objected to this reply."))
    _apply(petition, Action.OBJECT, PETITIONER, detail={"grade": Grade.DISSATISFIED.value})
    _record_grade(reply, Grade.DISSATISFIED, objection)
    today = clock.local_today()
    petition.concluded_at = None
    petition.reply_due_on = deadlines.next_reply_due(
        petition.answer_due_on, today, _rule(petition), load_calendar(today)
    )


def start_review(petition: Petition, actor, *, handler) -> None:
    if handler is None or not handler.is_active or handler.role not in (Role.HANDLER, Role.LEADER):
        raise InvalidTransition(_l("Choose an active handler."))
    if handler.id in _answered_by(petition):
        raise InvalidTransition(
            _l(
                "%(name)s drafted or approved the reply the petitioner objected to: choose "
                "another handler for the review.",
                name=handler.name,
            ),
            field="handler_id",
        )
    _apply(petition, Action.START_REVIEW, actor, detail={"handler": handler.name})
    petition.assigned_to_id = handler.id


def close(petition: Petition, actor, *, reason: str) -> None:
    reason = _required(reason, _l("Give the reason for closing."))
    _apply(petition, Action.CLOSE, actor, detail={"reason": reason})
    petition.closed_at = clock.now()


def _quiet_since() -> datetime:
    """A reply sent at or before this moment has had its AUTO_CLOSE_DAYS without objection."""
    return clock.now() - timedelta(days=current_app.config["AUTO_CLOSE_DAYS"])


def auto_close_if_quiet(petition: Petition) -> bool:
    """Close an answered petition whose last reply drew no objection within AUTO_CLOSE_DAYS."""
    reply = petition.latest_sent_reply
    if reply is None or clock.as_utc(reply.sent_at) > _quiet_since():
        return False
    _apply(
        petition, Action.AUTO_CLOSE, SYSTEM, detail={"days": current_app.config["AUTO_CLOSE_DAYS"]}
    )
    petition.closed_at = clock.now()
    return True


def quiet_sql():
    """The petitions `auto_close_if_quiet` would close now, as a SQL condition, so that the
    sweep selects them in the database instead of loading every answered petition."""
    latest_sent_at = (
        sa.select(sa.func.max(Reply.sent_at)).where(Reply.petition_id == Petition.id)
    ).scalar_subquery()
    return sa.and_(Petition.status == State.ANSWERED.value, latest_sent_at <= _quiet_since())


# ---- not state changes, but on the record ----------------------------------------------------


def _check_take_personally(petition: Petition, leader) -> None:
    if getattr(leader, "role", None) != Role.LEADER:
        raise InvalidTransition(
            _l("Only a leader can take charge of a petition personally."), forbidden=True
        )
    if State(petition.status) in FINAL_STATES:
        raise InvalidTransition(_l("This petition is already finished."))


def can_take_personally(petition: Petition, user) -> bool:
    """Whether to offer "take charge" to `user`: a leader, on a petition not finished and not
    already theirs."""
    try:
        _check_take_personally(petition, user)
    except InvalidTransition:
        return False
    return petition.lead_leader_id != user.id


def take_personally(petition: Petition, leader) -> None:
    """领导包案: a leader takes charge; the petition then shows on the leader's own queue."""
    _check_take_personally(petition, leader)
    petition.lead_leader_id = leader.id
    audit.record("petition.leader_took_over", actor=leader, subject=petition)


# ---- asking the petitioner, and what they add ------------------------------------------------
# Not states (see the module docstring): who may ask is decided here, with the same roles as the
# transitions. A clerk asks at intake, before the petition has a handler (what the 受理告知 says
# is missing); a handler on a petition they work on, as for drafting; a leader on any. The
# petitioner's side (adding text and files) is services.add_material.

REQUEST_MATERIAL_ROLES = (Role.CLERK, Role.HANDLER, Role.LEADER)
CLERK_REQUEST_STATES = frozenset({State.RECEIVED, State.ACCEPTED})


def _check_contact_work(petition: Petition, actor, refusals: dict[str, object]) -> None:
    """Who may act towards the petitioner outside the transitions (ask for material, record
    that they cannot be reached): a clerk at intake, before the petition has a handler; a
    handler on a petition they work on, as for drafting; a leader on any; never on a finished
    petition. `refusals` words the refusal of each rule ("role", "clerk", "handler") for the
    action concerned."""
    role = getattr(actor, "role", None)
    if role not in REQUEST_MATERIAL_ROLES:
        raise InvalidTransition(refusals["role"], forbidden=True)
    state = State(petition.status)
    if state in FINAL_STATES:
        raise InvalidTransition(_l("This petition is already finished."))
    if role == Role.CLERK and state not in CLERK_REQUEST_STATES:
        raise InvalidTransition(refusals["clerk"], forbidden=True)
    if role == Role.HANDLER and not _works_on(petition, actor):
        raise InvalidTransition(refusals["handler"], forbidden=True)


def _check_request_material(petition: Petition, actor) -> None:
    _check_contact_work(
        petition,
        actor,
        {
            "role": _l("Your role cannot ask the petitioner for material."),
            "clerk": _l(
                "Once a handler has the petition, the handler or a leader asks for material."
            ),
            "handler": _l(
                "Only the assigned handler or a leader can ask for material on this petition."
            ),
        },
    )


def can_request_material(petition: Petition, user) -> bool:
    try:
        _check_request_material(petition, user)
    except InvalidTransition:
        return False
    return True


def request_material(petition: Petition, actor, *, body: str) -> MaterialRequest:
    """Ask the petitioner a question or for material. The petitioner reads `body` on the
    progress page; the audit event ("petition.material_requested", which the messages to the
    petitioner are sent from) names the request, nothing personal."""
    body = _required(body, _l("Write what you ask the petitioner for."))
    _check_request_material(petition, actor)
    request = MaterialRequest(
        petition=petition, body=body, requested_at=clock.now(), requested_by_id=actor.id
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        "petition.material_requested", actor=actor, subject=petition, detail={"request": request.id}
    )
    return request


def has_unread_material(petition: Petition, _user=None) -> bool:
    """Whether to offer "mark as read" (to any member of petition staff): the petitioner added
    material no one has read yet."""
    return bool(petition.unread_additions)


def mark_material_read(petition: Petition, actor) -> int:
    """A member of staff has read what the petitioner added: the petition leaves the "new
    material" queue. Returns how many additions were marked."""
    unread = petition.unread_additions
    if not unread:
        raise InvalidTransition(_l("There is no new material to mark as read."))
    now = clock.now()
    for addition in unread:
        addition.read_at, addition.read_by_id = now, actor.id
    audit.record(
        "petition.material_read", actor=actor, subject=petition, detail={"additions": len(unread)}
    )
    return len(unread)


# ---- a petitioner who cannot be reached ------------------------------------------------------
# Not a state either: handling goes on (the reply is still written and sent, and shown on the
# progress page), but the reply rates count the petition apart, as the national figures count
# petitioners who cannot be contacted (DESIGN §5c). Staff record it, with the same roles as
# asking for material; the outbox records it too when the petitioner's only contact, an e-mail
# address, is refused for good (notices.py). Anonymous petitions have no contact to fail.


def _check_unreachable(petition: Petition, actor) -> None:
    if petition.is_anonymous:
        raise InvalidTransition(
            _l("An anonymous petition has no contact details, so none can fail.")
        )
    if actor is SYSTEM:
        if State(petition.status) in FINAL_STATES:
            raise InvalidTransition(_l("This petition is already finished."))
        return
    _check_contact_work(
        petition,
        actor,
        {
            "role": _l("Your role cannot record whether the petitioner can be reached."),
            "clerk": _l(
                "Once a handler has the petition, the handler or a leader records whether the "
                "petitioner can be reached."
            ),
            "handler": _l(
                "Only the assigned handler or a leader can record whether the petitioner can "
                "be reached."
            ),
        },
    )


def can_record_unreachable(petition: Petition, user) -> bool:
    """Whether to offer "cannot be reached": allowed, and not recorded already."""
    try:
        _check_unreachable(petition, user)
    except InvalidTransition:
        return False
    return petition.unreachable_reason is None


def can_record_contact_restored(petition: Petition, user) -> bool:
    try:
        _check_unreachable(petition, user)
    except InvalidTransition:
        return False
    return petition.unreachable_reason is not None


def record_unreachable(petition: Petition, actor, *, reason: Unreachable | str) -> None:
    """The petitioner cannot be reached, for `reason`, since now. Refused when it is recorded
    already (record the contact made again first: the reason and its time are one fact)."""
    try:
        reason = Unreachable(reason)
    except ValueError:
        raise InvalidTransition(
            _l("Choose why the petitioner cannot be reached."), field="reason"
        ) from None
    _check_unreachable(petition, actor)
    if petition.unreachable_reason is not None:
        raise InvalidTransition(
            _l(
                "The petitioner is already recorded as unreachable: “%(reason)s”.",
                reason=Unreachable(petition.unreachable_reason).label,
            )
        )
    petition.unreachable_reason, petition.unreachable_at = reason.value, clock.now()
    audit.record(
        "petition.unreachable_recorded",
        actor=actor,
        subject=petition,
        detail={"unreachable": reason.value},
    )


def record_contact_restored(petition: Petition, actor) -> None:
    """Contact with the petitioner was made again: the petition counts in the rates again."""
    _check_unreachable(petition, actor)
    if petition.unreachable_reason is None:
        raise InvalidTransition(_l("The petitioner is not recorded as unreachable."))
    previous = petition.unreachable_reason
    petition.unreachable_reason, petition.unreachable_at = None, None
    audit.record(
        "petition.contact_restored",
        actor=actor,
        subject=petition,
        detail={"unreachable": previous},
    )


def record_bounced_email(event: audit.AuditEvent) -> None:
    """The outbox gave up an e-mail because the address does not exist (core/outbox.py): every
    open petition whose only contact is that address has a petitioner who cannot be reached.
    One who also gave a mobile number or a postal address can still be reached that way, and
    staff decide. Runs in the outbox's transaction (a subscriber, see core/audit.py)."""
    if event.details.get("cause") != outbox.RECIPIENT_REFUSED or event.subject_id is None:
        return
    message = db.session.get(outbox.OutboxMessage, int(event.subject_id))
    if message is None or message.channel != outbox.ChannelName.EMAIL:
        return
    petitions = db.session.scalars(
        sa.select(Petition).where(
            Petition.email == message.recipient,
            Petition.is_anonymous.is_(False),
            Petition.mobile.is_(None),
            Petition.address.is_(None),
            Petition.unreachable_reason.is_(None),
            Petition.status.not_in([state.value for state in FINAL_STATES]),
        )
    )
    for petition in petitions:
        record_unreachable(petition, SYSTEM, reason=Unreachable.EMAIL_BOUNCED)


audit.subscribe(["outbox.given_up"], record_bounced_email)
