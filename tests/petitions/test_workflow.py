"""The petition state machine (portal/petitions/workflow.py) and the services around it
(services.py), against the database: who may do what from which state, the audit trail each step
leaves, the invariants of DESIGN.md section 2, receiving petitions, the deadline sweep and the
petitioner's lookup.

The permission matrix (RULES below) is written out by hand from DESIGN.md §2 and the roles of the
back office; the code's table (workflow.TRANSITIONS) is checked against it and every test of the
matrix is generated from RULES, never from the table under test.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import current_app
from flask_babel import force_locale

from portal.accounts import services as accounts_services
from portal.accounts.models import User
from portal.calendar.models import CalendarDay
from portal.core import audit, clock, submission_keys
from portal.core.audit import AuditEvent
from portal.core.mail import OutboxMessage
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import deadlines, queries, services, workflow
from portal.petitions.models import Escalation, Kind, Petition, Reply, ReplyKind
from portal.petitions.workflow import (
    PETITIONER,
    SYSTEM,
    TRANSITIONS,
    Action,
    InvalidTransition,
    State,
)
from tests.core.test_throttling import later
from tests.factories import make_petition, make_user

D = date.fromisoformat

# The staff roles and the two non-staff actors of the workflow.
ALL_ACTORS = ("clerk", "handler", "leader", "publisher", "admin", "petitioner", "system")

# ---- the rules, as DESIGN.md §2 states them --------------------------------------------------
#
# Who may take each action, from which states, into which state, and the audit code it leaves.
# Intake decisions (the 7-day procedural reply: accept, transfer, not accept, merge a repeat) are
# for the staff who work petitions: clerks, handlers and leaders. Clerks and leaders hand out
# the work (assign, also to reassign while in progress). A handler (on a petition they work on,
# see test_a_handler_drafts_only_on_petitions_assigned_to_them) or a leader drafts a reply; only
# a leader returns or approves it (two people: the approver is never the drafter) and reviews an
# objection. Only the petitioner is satisfied or objects; handlers and leaders close an answered
# petition, the system closes one that drew no objection in time. Publishers and administrators
# take no part. Closed and merged are final: nothing leaves them.
INTAKE_STAFF = {"clerk", "handler", "leader"}
RULES = {
    # action                  from states                        to state             who may                audit code
    Action.ACKNOWLEDGE:      ({"received"},                      "accepted",          INTAKE_STAFF,          "petition.acknowledged"),
    Action.TRANSFER:         ({"received"},                      "answered",          INTAKE_STAFF,          "petition.transferred"),
    Action.NOT_ACCEPT:       ({"received"},                      "answered",          INTAKE_STAFF,          "petition.not_accepted"),
    Action.MERGE:            ({"received"},                      "merged",            INTAKE_STAFF,          "petition.merged"),
    Action.ASSIGN:           ({"accepted", "in_progress"},       "in_progress",       {"clerk", "leader"},   "petition.assigned"),
    Action.DRAFT_REPLY:      ({"in_progress"},                   "awaiting_approval", {"handler", "leader"}, "petition.reply_drafted"),
    Action.RETURN_DRAFT:     ({"awaiting_approval"},             "in_progress",       {"leader"},            "petition.draft_returned"),
    Action.APPROVE_RESULT:   ({"awaiting_approval"},             "answered",          {"leader"},            "petition.reply_sent"),
    Action.APPROVE_PROGRESS: ({"awaiting_approval"},             "in_progress",       {"leader"},            "petition.progress_reply_sent"),
    Action.SATISFIED:        ({"answered"},                      "closed",            {"petitioner"},        "petition.satisfied"),
    Action.OBJECT:           ({"answered"},                      "under_review",      {"petitioner"},        "petition.objected"),
    Action.START_REVIEW:     ({"under_review"},                  "in_progress",       {"leader"},            "petition.review_started"),
    Action.CLOSE:            ({"answered"},                      "closed",            {"handler", "leader"}, "petition.closed"),
    Action.AUTO_CLOSE:       ({"answered"},                      "closed",            {"system"},            "petition.auto_closed"),
}  # fmt: skip
ALL_STATES = (
    "received", "accepted", "in_progress", "awaiting_approval", "answered", "under_review",
    "closed", "merged",
)  # fmt: skip
FINAL = {"closed", "merged"}


def sources(action) -> set[str]:
    return RULES[action][0]


def target(action) -> str:
    return RULES[action][1]


def actors(action) -> set[str]:
    return RULES[action][2]


def audit_code(action) -> str:
    return RULES[action][3]


# Actions whose function takes no actor: the actor is implied.
IMPLIED_ACTOR = {
    Action.SATISFIED: "petitioner",
    Action.OBJECT: "petitioner",
    Action.AUTO_CLOSE: "system",
}
CONCLUDING_REPLIES = {ReplyKind.RESULT, ReplyKind.TRANSFER, ReplyKind.NOT_ACCEPTED}

ACK_NOTICE = "您的控告已受理，我院将依法审查办理。"
RESULT_TEXT = "经审查，派出所已依法立案侦查，特此答复。"
PROGRESS_TEXT = "您反映的问题正在办理中，我院已调取相关材料。"

# Hashing with argon2's production cost makes a few hundred tests slow; the logic under test
# does not depend on the cost, so the workflow tests use the cheapest parameters.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    monkeypatch.setattr(accounts_services, "hasher", CHEAP_HASHER)


@dataclass
class Staff:
    clerk: User
    handler: User
    other_handler: User
    leader: User
    approver: User  # a second leader: the one who approves in drive_to (two-person rules)
    publisher: User
    admin: User

    def actor(self, name: str):
        if name == "petitioner":
            return PETITIONER
        if name == "system":
            return SYSTEM
        return getattr(self, name)


_PASSWORD_HASH = CHEAP_HASHER.hash("Correct-horse-42")


def _staff_member(role: Role, label: str) -> User:
    # Built directly (one flush for the whole team): the account rules are not under test here.
    user = User(
        email=f"{label}@test.example",
        name=label,
        role=role.value,
        password_hash=_PASSWORD_HASH,
        created_at=clock.now(),
    )
    db.session.add(user)
    return user


@pytest.fixture
def staff(frozen_now):
    team = Staff(
        clerk=_staff_member(Role.CLERK, "clerk"),
        handler=_staff_member(Role.HANDLER, "handler"),
        other_handler=_staff_member(Role.HANDLER, "other-handler"),
        leader=_staff_member(Role.LEADER, "leader"),
        approver=_staff_member(Role.LEADER, "approver"),
        publisher=_staff_member(Role.PUBLISHER, "publisher"),
        admin=_staff_member(Role.ADMIN, "admin"),
    )
    db.session.commit()
    return team


# ---- helpers ---------------------------------------------------------------------------------


def audit_count(**where) -> int:
    query = sa.select(sa.func.count(AuditEvent.id))
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return db.session.scalar(query)


def events_for(petition, code=None):
    return [event for event in audit.history(petition) if code in (None, event.code)]


def snapshot(petition):
    """Everything stored about the petition and its replies, as the database has it."""
    db.session.expire_all()
    stored = db.session.get(Petition, petition.id)
    columns = {c.key: getattr(stored, c.key) for c in Petition.__table__.columns}
    replies = [{c.key: getattr(r, c.key) for c in Reply.__table__.columns} for r in stored.replies]
    return columns, replies


def assert_reply_invariant(petition):
    """DESIGN §2: no petition is answered or closed without a reply the petitioner can read;
    none leaves `received` without the procedural reply."""
    status = State(petition.status)
    readable = services.replies_for_petitioner(petition)
    if status is not State.RECEIVED:
        assert readable, f"{petition.tracking_number} is {status} with no reply to read"
        assert petition.acknowledged_at is not None
    if status in (State.ANSWERED, State.CLOSED):
        latest = petition.latest_sent_reply
        assert latest is not None, f"{status} without a sent reply"
        assert latest.sent_at is not None and latest.body.strip()
        assert ReplyKind(latest.kind) in CONCLUDING_REPLIES, (
            f"{status} but the latest sent reply is a {latest.kind} reply"
        )
        assert latest in readable


def step(petition, action, expected_state):
    """Run one transition, write it (flush: the database's checks run), and check the state
    and the reply invariant."""
    action()
    db.session.flush()
    assert petition.status == expected_state, (petition.status, expected_state)
    assert_reply_invariant(petition)


def new_petition(**fields) -> Petition:
    fields.setdefault("mobile", "139" + str(secrets.randbelow(10**8)).zfill(8))
    petition, _ = make_petition(commit=False, **fields)
    assert_reply_invariant(petition)
    return petition


def drive_to(state, staff: Staff, *, draft=ReplyKind.RESULT, **fields) -> Petition:
    """A fresh petition brought to `state` through the real transitions, flushing each step
    (so the database's checks run) and checking the reply invariant after each one. `draft`
    is the kind of the pending draft when the target is awaiting_approval."""
    state = State(state)
    if state is State.MERGED:
        earlier = new_petition()
        petition = new_petition(**fields)
        step(
            petition,
            lambda: workflow.merge(
                petition, staff.clerk, into=earlier, notice="您反映的问题已在前次来信中办理。"
            ),
            State.MERGED,
        )
        return petition
    petition = new_petition(**fields)
    if state is State.RECEIVED:
        return petition
    step(
        petition,
        lambda: workflow.acknowledge(petition, staff.clerk, notice=ACK_NOTICE),
        State.ACCEPTED,
    )
    if state is State.ACCEPTED:
        return petition
    step(
        petition,
        lambda: workflow.assign(petition, staff.clerk, handler=staff.handler),
        State.IN_PROGRESS,
    )
    if state is State.IN_PROGRESS:
        return petition
    kind = draft if state is State.AWAITING_APPROVAL else ReplyKind.RESULT
    body = PROGRESS_TEXT if kind is ReplyKind.PROGRESS else RESULT_TEXT
    step(
        petition,
        lambda: workflow.draft_reply(petition, staff.handler, kind=kind, body=body),
        State.AWAITING_APPROVAL,
    )
    if state is State.AWAITING_APPROVAL:
        return petition
    step(petition, lambda: workflow.approve(petition, staff.approver), State.ANSWERED)
    if state is State.ANSWERED:
        return petition
    if state is State.UNDER_REVIEW:
        step(
            petition,
            lambda: workflow.object_to_reply(petition, objection="答复没有回应我的请求。"),
            State.UNDER_REVIEW,
        )
        return petition
    assert state is State.CLOSED
    step(
        petition,
        lambda: workflow.close(petition, staff.leader, reason="已答复，来信人无异议。"),
        State.CLOSED,
    )
    return petition


@dataclass
class Context:
    staff: Staff
    earlier: Petition | None  # an earlier open petition, for merges


def _auto_close(petition):
    """The system's auto-close, run after the quiet period has passed."""
    later = clock.now() + timedelta(days=current_app.config["AUTO_CLOSE_DAYS"], minutes=1)
    with clock.frozen(later):
        return workflow.auto_close_if_quiet(petition)


CALLS = {
    Action.ACKNOWLEDGE: lambda p, a, c: workflow.acknowledge(p, a, notice=ACK_NOTICE),
    Action.TRANSFER: lambda p, a, c: workflow.transfer(
        p, a, authority="某市公安局", notice="您的来信已转某市公安局办理。"
    ),
    Action.NOT_ACCEPT: lambda p, a, c: workflow.not_accept(
        p, a, reason="该事项不属于检察机关管辖，请向人民法院反映。"
    ),
    Action.MERGE: lambda p, a, c: workflow.merge(
        p, a, into=c.earlier, notice="您反映的问题已在前次来信中办理。"
    ),
    Action.ASSIGN: lambda p, a, c: workflow.assign(p, a, handler=c.staff.other_handler),
    Action.DRAFT_REPLY: lambda p, a, c: workflow.draft_reply(
        p, a, kind=ReplyKind.RESULT, body=RESULT_TEXT
    ),
    Action.RETURN_DRAFT: lambda p, a, c: workflow.return_draft(p, a, comment="请补充法律依据。"),
    Action.APPROVE_RESULT: lambda p, a, c: workflow.approve(p, a),
    Action.APPROVE_PROGRESS: lambda p, a, c: workflow.approve(p, a),
    Action.SATISFIED: lambda p, a, c: workflow.record_satisfaction(p),
    Action.OBJECT: lambda p, a, c: workflow.object_to_reply(p, objection="答复没有回应我的请求。"),
    Action.START_REVIEW: lambda p, a, c: workflow.start_review(p, a, handler=c.staff.other_handler),
    Action.CLOSE: lambda p, a, c: workflow.close(p, a, reason="已答复，来信人无异议。"),
    Action.AUTO_CLOSE: lambda p, a, c: _auto_close(p),
}


def prepare(action, state, staff) -> tuple[Petition, Context]:
    earlier = new_petition() if action is Action.MERGE else None
    draft = ReplyKind.PROGRESS if action is Action.APPROVE_PROGRESS else ReplyKind.RESULT
    petition = drive_to(state, staff, draft=draft)
    db.session.commit()
    return petition, Context(staff, earlier)


def test_the_table_in_the_code_is_the_one_the_design_states():
    assert set(CALLS) == set(RULES) == set(TRANSITIONS) == set(Action)
    assert {state.value for state in State} == set(ALL_STATES)
    for action, transition in TRANSITIONS.items():
        written = (
            {str(state) for state in transition.sources},
            str(transition.target),
            set(transition.actors),
            transition.audit_code,
        )
        assert written == RULES[action], action


def test_the_rules_hold_the_invariants_of_the_design():
    """Checks of the hand-written table itself: only answered petitions close, nothing leaves a
    final state, and the actors are the ones the portal knows."""
    for action in RULES:
        if target(action) == "closed":
            assert sources(action) == {"answered"}, action
        assert not sources(action) & FINAL, action
        assert actors(action) <= set(ALL_ACTORS), action
        assert actors(action).isdisjoint({"publisher", "admin"}), action
    assert {target(a) for a in RULES} | {s for a in RULES for s in sources(a)} == set(ALL_STATES)


# ---- the transition matrix -------------------------------------------------------------------

ALLOWED = [
    pytest.param(action, source, actor, id=f"{action}-from-{source}-by-{actor}")
    for action in RULES
    for source in sorted(sources(action))
    for actor in sorted(actors(action))
]
WRONG_ROLE = [
    pytest.param(action, source, id=f"{action}-from-{source}")
    for action in RULES
    for source in sorted(sources(action))
]


def _postconditions(action, petition, ctx):
    staff = ctx.staff
    latest = petition.latest_sent_reply
    if action is Action.ACKNOWLEDGE:
        assert latest.kind == ReplyKind.ACKNOWLEDGMENT
        assert petition.reply_due_on == petition.answer_due_on
    elif action is Action.TRANSFER:
        assert latest.kind == ReplyKind.TRANSFER and petition.transferred_to == "某市公安局"
        assert petition.reply_due_on is None and petition.concluded_at is not None
    elif action is Action.NOT_ACCEPT:
        assert latest.kind == ReplyKind.NOT_ACCEPTED and petition.reply_due_on is None
    elif action is Action.MERGE:
        assert petition.merged_into_id == ctx.earlier.id and petition.reply_due_on is None
        assert latest.kind == ReplyKind.MERGED
    elif action is Action.ASSIGN:
        assert petition.assigned_to_id == staff.other_handler.id
    elif action is Action.DRAFT_REPLY:
        draft = petition.pending_draft
        assert draft is not None and draft.sent_at is None
        assert draft not in services.replies_for_petitioner(petition)  # internal until approved
    elif action is Action.RETURN_DRAFT:
        assert petition.pending_draft is None
        assert petition.replies[-1].returned_at is not None
        assert petition.replies[-1] not in services.replies_for_petitioner(petition)
    elif action is Action.APPROVE_RESULT:
        assert latest.kind == ReplyKind.RESULT and petition.reply_due_on is None
        assert petition.concluded_at is not None
    elif action is Action.APPROVE_PROGRESS:
        assert latest.kind == ReplyKind.PROGRESS and petition.reply_due_on >= petition.answer_due_on
    elif action is Action.SATISFIED:
        assert latest.satisfied_at is not None and petition.closed_at is not None
    elif action is Action.OBJECT:
        assert latest.objected_at is not None and petition.reply_due_on is not None
    elif action is Action.START_REVIEW:
        assert petition.assigned_to_id == staff.other_handler.id
    elif action in (Action.CLOSE, Action.AUTO_CLOSE):
        assert petition.closed_at is not None


@pytest.mark.parametrize(("action", "source", "actor_name"), ALLOWED)
def test_transition_is_allowed(action, source, actor_name, staff):
    petition, ctx = prepare(action, source, staff)
    actor = staff.actor(actor_name)
    assert action in workflow.allowed_actions(petition, actor)
    events_before = audit_count()

    result = CALLS[action](petition, actor, ctx)

    if action is Action.AUTO_CLOSE:
        assert result is True
    assert petition.status == target(action)
    db.session.commit()
    db.session.expire_all()
    assert petition.status == target(action)
    assert_reply_invariant(petition)
    _postconditions(action, petition, ctx)
    # Exactly one audit event, about this petition, from-state and to-state, and who acted.
    assert audit_count() == events_before + 1
    event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.code == audit_code(action)
    assert (event.subject_kind, event.subject_id) == ("petition", str(petition.id))
    assert (event.from_state, event.to_state) == (source, target(action))
    if actor_name in ("petitioner", "system"):
        assert event.actor_kind == actor_name and event.actor_id is None
    else:
        assert event.actor_kind == "staff" and event.actor_id == actor.id


@pytest.mark.parametrize(("action", "source"), WRONG_ROLE)
def test_transition_is_refused_for_other_roles(action, source, staff):
    """From a state the action is allowed in, every role or actor not listed is refused."""
    petition, ctx = prepare(action, source, staff)
    before, events_before = snapshot(petition), audit_count()
    others = [name for name in ALL_ACTORS if name not in actors(action)]
    assert others

    for actor_name in others:
        actor = staff.actor(actor_name)
        assert action not in workflow.allowed_actions(petition, actor), actor_name
        with pytest.raises(InvalidTransition) as refused:
            if action in IMPLIED_ACTOR:
                # The function has no actor parameter (the petitioner's page, the system's
                # sweep): the table itself must refuse anyone else.
                workflow.check(petition, action, actor)
            else:
                CALLS[action](petition, actor, ctx)
        assert refused.value.forbidden is True, actor_name
        assert str(refused.value)

    # Nothing changed, nothing recorded (a refused call must leave no trace to commit).
    db.session.commit()
    assert snapshot(petition) == before
    assert audit_count() == events_before


@pytest.mark.parametrize("state", ALL_STATES)
def test_transitions_are_refused_from_other_states(state, staff):
    """From this state, every action that does not start here is refused, for every actor the
    action allows (a state refusal, not a role one), and leaves no trace."""
    earlier = new_petition()
    petition = drive_to(state, staff)
    db.session.commit()
    ctx = Context(staff, earlier)
    actions = [action for action in RULES if state not in sources(action)]
    assert actions

    for action in actions:
        before, events_before = snapshot(petition), audit_count()
        for actor_name in sorted(actors(action)):
            actor = staff.actor(actor_name)
            where = f"{action} from {state} by {actor_name}"
            assert action not in workflow.allowed_actions(petition, actor), where
            with pytest.raises(InvalidTransition) as by_table:
                workflow.check(petition, action, actor)
            assert by_table.value.forbidden is False, where

            if action is Action.AUTO_CLOSE and state == "received":
                # No reply yet, so nothing was "quiet": the sweep's helper declines (False)
                # before it asks the workflow.
                assert CALLS[action](petition, actor, ctx) is False, where
            else:
                with pytest.raises(InvalidTransition) as refused:
                    CALLS[action](petition, actor, ctx)
                assert refused.value.forbidden is False, where
                assert str(refused.value), where

        # Nothing changed, nothing recorded (a refused call must leave no trace to commit).
        db.session.commit()
        assert snapshot(petition) == before, f"{action} from {state} changed the petition"
        assert audit_count() == events_before, f"{action} from {state} wrote an audit event"


@pytest.mark.parametrize(
    ("action", "source", "actor_name"),
    [
        pytest.param(action, sorted(sources(action))[0], sorted(actors(action))[0], id=str(action))
        for action in RULES
    ],
)
def test_transition_and_its_audit_event_share_one_transaction(action, source, actor_name, staff):
    petition, ctx = prepare(action, source, staff)
    events_before = audit_count()
    CALLS[action](petition, staff.actor(actor_name), ctx)
    # Both are in the session, uncommitted ...
    assert audit_count(subject_id=str(petition.id), code=audit_code(action)) >= 1
    assert audit_count() == events_before + 1
    # ... and roll back together.
    db.session.rollback()
    assert petition.status == source
    assert audit_count() == events_before


# ---- taking a petition personally (领导包案) -----------------------------------------------------


@pytest.mark.parametrize("state", [s for s in ALL_STATES if s not in FINAL])
def test_leader_takes_a_petition_personally_and_sees_it_on_their_queue(state, staff):
    petition = drive_to(state, staff)
    events_before = audit_count()
    today = clock.local_today()
    mine = sa.select(Petition.id).where(queries.queue_filter("mine", staff.leader, today, 2))
    status_before = petition.status
    db.session.commit()
    assert petition.id not in db.session.scalars(mine).all()  # assigned to a handler, if anyone

    workflow.take_personally(petition, staff.leader)
    db.session.commit()

    assert petition.lead_leader_id == staff.leader.id
    assert petition.status == status_before
    assert audit_count() == events_before + 1
    [event] = events_for(petition, "petition.leader_took_over")
    assert event.actor_id == staff.leader.id
    assert petition.id in db.session.scalars(mine).all()


@pytest.mark.parametrize("actor_name", [a for a in ALL_ACTORS if a != "leader"])
def test_only_a_leader_takes_a_petition_personally(actor_name, staff):
    petition = drive_to(State.IN_PROGRESS, staff)
    before, events_before = snapshot(petition), audit_count()
    with pytest.raises(InvalidTransition) as refused:
        workflow.take_personally(petition, staff.actor(actor_name))
    assert refused.value.forbidden is True
    db.session.commit()
    assert snapshot(petition) == before and audit_count() == events_before


@pytest.mark.parametrize("state", sorted(FINAL))
def test_a_finished_petition_cannot_be_taken_personally(state, staff):
    petition = drive_to(state, staff)
    before, events_before = snapshot(petition), audit_count()
    with pytest.raises(InvalidTransition) as refused:
        workflow.take_personally(petition, staff.leader)
    assert refused.value.forbidden is False
    db.session.commit()
    assert snapshot(petition) == before and audit_count() == events_before


# ---- invariants ------------------------------------------------------------------------------


def test_every_path_to_answered_and_closed_carries_a_readable_reply(staff, frozen_now):
    """Each path through the machine, with the reply invariant checked after every step."""
    # Result, then the petitioner is satisfied.
    p = drive_to(State.ANSWERED, staff)
    step(p, lambda: workflow.record_satisfaction(p), State.CLOSED)
    # Transfer, then closed by staff.
    p = new_petition()
    step(p, lambda: CALLS[Action.TRANSFER](p, staff.clerk, None), State.ANSWERED)
    step(p, lambda: workflow.close(p, staff.handler, reason="已转办。"), State.CLOSED)
    # Not accepted, then closed by the system after the quiet period.
    p = new_petition()
    step(p, lambda: CALLS[Action.NOT_ACCEPT](p, staff.leader, None), State.ANSWERED)
    step(p, lambda: _auto_close(p), State.CLOSED)
    # Progress replies, a returned draft, then the result.
    p = drive_to(State.AWAITING_APPROVAL, staff, draft=ReplyKind.PROGRESS)
    step(p, lambda: workflow.approve(p, staff.leader), State.IN_PROGRESS)
    step(
        p,
        lambda: workflow.draft_reply(p, staff.handler, kind="result", body=RESULT_TEXT),
        State.AWAITING_APPROVAL,
    )
    step(p, lambda: workflow.return_draft(p, staff.leader, comment="请补充。"), State.IN_PROGRESS)
    step(
        p,
        lambda: workflow.draft_reply(p, staff.handler, kind="result", body=RESULT_TEXT + "补充。"),
        State.AWAITING_APPROVAL,
    )
    step(p, lambda: workflow.approve(p, staff.approver), State.ANSWERED)
    assert p.latest_sent_reply.body == RESULT_TEXT + "补充。"
    # Objection, review, a new result, closed.
    step(p, lambda: workflow.object_to_reply(p, objection="不服。"), State.UNDER_REVIEW)
    step(
        p,
        lambda: workflow.start_review(p, staff.leader, handler=staff.other_handler),
        State.IN_PROGRESS,
    )
    step(
        p,
        lambda: workflow.draft_reply(
            p, staff.other_handler, kind="result", body="复查后维持原答复。"
        ),
        State.AWAITING_APPROVAL,
    )
    step(p, lambda: workflow.approve(p, staff.leader), State.ANSWERED)
    step(p, lambda: workflow.close(p, staff.leader, reason="复查完毕。"), State.CLOSED)


def test_approve_without_a_draft_is_refused(staff):
    petition = drive_to(State.AWAITING_APPROVAL, staff)
    workflow.return_draft(petition, staff.leader, comment="重写。")
    db.session.commit()
    with pytest.raises(InvalidTransition) as refused:
        workflow.approve(petition, staff.leader)
    assert refused.value.forbidden is False
    assert petition.status == State.IN_PROGRESS
    assert not any(reply.kind == ReplyKind.RESULT for reply in petition.sent_replies)


def test_each_sent_reply_is_mailed_to_a_petitioner_who_gave_an_address(staff):
    petition = drive_to(State.AWAITING_APPROVAL, staff, email="petitioner@example.cn")
    db.session.commit()
    messages = db.session.scalars(sa.select(OutboxMessage)).all()
    assert len(messages) == 2  # the receipt and the acknowledgment; the draft is not mailed
    workflow.approve(petition, staff.leader)
    db.session.commit()
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.recipient for m in messages] == ["petitioner@example.cn"] * 3
    assert RESULT_TEXT in messages[-1].body
    assert petition.tracking_number in messages[-1].subject


def test_a_merged_petition_shows_the_earlier_petitions_replies(staff, frozen_now):
    t0 = frozen_now
    with clock.frozen(t0):
        earlier = new_petition()
    with clock.frozen(t0 + timedelta(hours=1)):
        repeat = new_petition()
    with clock.frozen(t0 + timedelta(hours=2)):
        workflow.merge(repeat, staff.clerk, into=earlier, notice="已并入前次来信办理。")
        db.session.commit()
    with clock.frozen(t0 + timedelta(hours=3)):
        workflow.acknowledge(earlier, staff.clerk, notice=ACK_NOTICE)
        workflow.assign(earlier, staff.clerk, handler=staff.handler)
        workflow.draft_reply(earlier, staff.handler, kind="result", body=RESULT_TEXT)
        db.session.commit()
    shown = services.replies_for_petitioner(repeat)
    assert [r.kind for r in shown] == [ReplyKind.MERGED, ReplyKind.ACKNOWLEDGMENT]  # not the draft
    with clock.frozen(t0 + timedelta(hours=4)):
        workflow.approve(earlier, staff.leader)
        db.session.commit()
    db.session.expire_all()
    shown = services.replies_for_petitioner(repeat)
    assert [r.kind for r in shown] == [ReplyKind.MERGED, ReplyKind.ACKNOWLEDGMENT, ReplyKind.RESULT]
    assert shown[-1].body == RESULT_TEXT
    assert repeat.status == State.MERGED and repeat.merged_into_id == earlier.id


def test_a_petition_merged_into_one_that_is_merged_later_still_sees_the_answer(staff, frozen_now):
    """B merged into A, then A merged into the earlier C: C answers all three, so B's page must
    show C's answer. (A is still `received`, so the second merge is allowed.)"""
    with clock.frozen(frozen_now):
        c = new_petition()
    with clock.frozen(frozen_now + timedelta(hours=1)):
        a = new_petition()
    with clock.frozen(frozen_now + timedelta(hours=2)):
        b = new_petition()
        workflow.merge(b, staff.clerk, into=a, notice="已并入前次来信办理。")
        db.session.commit()
        workflow.merge(a, staff.clerk, into=c, notice="已并入前次来信办理。")
        db.session.commit()
        assert a.merged_into_id == c.id
        workflow.acknowledge(c, staff.clerk, notice=ACK_NOTICE)
        workflow.assign(c, staff.clerk, handler=staff.handler)
        workflow.draft_reply(c, staff.handler, kind="result", body=RESULT_TEXT)
        workflow.approve(c, staff.leader)
        db.session.commit()
    assert RESULT_TEXT in [r.body for r in services.replies_for_petitioner(a)]
    assert RESULT_TEXT in [r.body for r in services.replies_for_petitioner(b)]


def _refused_merge(petition, into, actor):
    before, events_before = snapshot(petition), audit_count()
    with pytest.raises(InvalidTransition) as refused:
        workflow.merge(petition, actor, into=into, notice="已并入前次来信办理。")
    assert refused.value.forbidden is False
    db.session.commit()
    assert snapshot(petition) == before and audit_count() == events_before


def test_merge_only_into_an_earlier_open_petition(staff, frozen_now):
    with clock.frozen(frozen_now - timedelta(days=10)):
        closed = drive_to(State.CLOSED, staff)
        merged = drive_to(State.MERGED, staff)
        earlier_open = drive_to(State.IN_PROGRESS, staff)
    petition = new_petition()
    with clock.frozen(frozen_now + timedelta(days=1)):
        later = new_petition()

    _refused_merge(petition, later, staff.clerk)  # not into a later petition
    _refused_merge(petition, petition, staff.clerk)  # not into itself
    _refused_merge(petition, closed, staff.clerk)
    _refused_merge(petition, merged, staff.clerk)
    _refused_merge(petition, None, staff.clerk)

    workflow.merge(petition, staff.clerk, into=earlier_open, notice="已并入前次来信办理。")
    db.session.commit()
    assert petition.status == State.MERGED and petition.merged_into_id == earlier_open.id
    [event] = events_for(petition, "petition.merged")
    assert event.details == {"into": earlier_open.tracking_number}


def test_which_petition_is_earlier_follows_the_date_of_receipt(staff, frozen_now):
    """A letter received on 1 November but registered by a clerk on 23 November came before a
    web petition of 10 November: the web petition is the repeat, merged into the letter, and
    the letter cannot be merged into the later web petition."""
    with clock.frozen(_at_beijing("2026-11-10")):
        web = new_petition()
    letter = new_petition(channel="letter", received_on=D("2026-11-01"), registered_by=staff.clerk)
    db.session.commit()
    assert letter.received_on < web.received_on

    _refused_merge(letter, web, staff.clerk)

    workflow.merge(web, staff.clerk, into=letter, notice="已并入前次来信办理。")
    db.session.commit()
    assert web.status == State.MERGED and web.merged_into_id == letter.id


def test_objection_to_each_reply_only_once(staff):
    petition = drive_to(State.ANSWERED, staff)
    first = petition.latest_sent_reply
    workflow.object_to_reply(petition, objection="第一次异议。")
    db.session.commit()
    assert petition.status == State.UNDER_REVIEW
    assert first.objected_at is not None and first.objection == "第一次异议。"
    assert petition.concluded_at is None
    assert petition.reply_due_on is not None and petition.reply_due_on >= petition.answer_due_on
    # A second objection while under review is refused.
    with pytest.raises(InvalidTransition):
        workflow.object_to_reply(petition, objection="再次异议。")

    workflow.start_review(petition, staff.leader, handler=staff.other_handler)
    workflow.draft_reply(petition, staff.other_handler, kind="result", body="复查答复。")
    workflow.approve(petition, staff.leader)
    db.session.commit()
    second = petition.latest_sent_reply
    assert second.id != first.id
    # The new reply can be objected to once ...
    workflow.object_to_reply(petition, objection="对复查答复的异议。")
    db.session.commit()
    assert second.objection == "对复查答复的异议。"
    assert first.objection == "第一次异议。"
    assert len(events_for(petition, "petition.objected")) == 2


def test_objection_guard_refuses_a_second_objection_to_the_same_reply(staff):
    """Defence in depth: even if the petition were answered again with the same reply last,
    that reply cannot be objected to twice."""
    petition = drive_to(State.ANSWERED, staff)
    workflow.object_to_reply(petition, objection="第一次异议。")
    db.session.commit()
    petition.status = State.ANSWERED.value  # simulated: the objected reply is still the latest
    db.session.commit()
    before, events_before = snapshot(petition), audit_count()
    with pytest.raises(InvalidTransition):
        workflow.object_to_reply(petition, objection="第二次异议。")
    db.session.commit()
    assert snapshot(petition) == before and audit_count() == events_before


def test_objection_needs_text(staff):
    petition = drive_to(State.ANSWERED, staff)
    with pytest.raises(InvalidTransition):
        workflow.object_to_reply(petition, objection="   ")
    assert petition.status == State.ANSWERED and petition.latest_sent_reply.objected_at is None


def test_a_handler_drafts_only_on_petitions_assigned_to_them(staff):
    petition = drive_to(State.IN_PROGRESS, staff)  # assigned to staff.handler
    before, events_before = snapshot(petition), audit_count()
    assert Action.DRAFT_REPLY not in workflow.allowed_actions(petition, staff.other_handler)
    with pytest.raises(InvalidTransition) as refused:
        workflow.draft_reply(petition, staff.other_handler, kind="result", body=RESULT_TEXT)
    assert refused.value.forbidden is True
    db.session.commit()
    assert snapshot(petition) == before and audit_count() == events_before

    # Reassigned: now the other handler may, and the first may not.
    workflow.assign(petition, staff.leader, handler=staff.other_handler)
    db.session.commit()
    with pytest.raises(InvalidTransition) as refused:
        workflow.draft_reply(petition, staff.handler, kind="result", body=RESULT_TEXT)
    assert refused.value.forbidden is True
    workflow.draft_reply(petition, staff.other_handler, kind="result", body=RESULT_TEXT)
    db.session.commit()
    assert petition.status == State.AWAITING_APPROVAL
    assert petition.pending_draft.drafted_by_id == staff.other_handler.id


def test_a_leader_drafts_without_being_assigned(staff):
    petition = drive_to(State.IN_PROGRESS, staff)
    workflow.draft_reply(petition, staff.leader, kind="progress", body=PROGRESS_TEXT)
    assert petition.status == State.AWAITING_APPROVAL


def test_assign_only_to_an_active_handler_or_leader(staff):
    petition = drive_to(State.ACCEPTED, staff)
    for wrong in (None, staff.clerk, staff.publisher, staff.admin):
        with pytest.raises(InvalidTransition):
            workflow.assign(petition, staff.clerk, handler=wrong)
    staff.other_handler.is_active_account = False
    db.session.commit()
    with pytest.raises(InvalidTransition):
        workflow.assign(petition, staff.clerk, handler=staff.other_handler)
    db.session.commit()
    assert petition.status == State.ACCEPTED and petition.assigned_to_id is None


def test_draft_reply_only_gives_a_result_or_progress(staff):
    petition = drive_to(State.IN_PROGRESS, staff)
    with pytest.raises(InvalidTransition):
        workflow.draft_reply(petition, staff.handler, kind=ReplyKind.ACKNOWLEDGMENT, body="x")
    with pytest.raises(InvalidTransition):
        workflow.draft_reply(petition, staff.handler, kind="result", body="  ")
    assert petition.status == State.IN_PROGRESS and petition.pending_draft is None


def test_early_progress_reply_keeps_the_three_month_answer_date(staff, frozen_now):
    petition = drive_to(State.AWAITING_APPROVAL, staff, draft=ReplyKind.PROGRESS)
    assert petition.answer_due_on == D("2027-02-23")
    draft = petition.pending_draft
    workflow.approve(petition, staff.leader)
    db.session.commit()
    assert petition.status == State.IN_PROGRESS
    # A month after 23 Nov would be 23 Dec: the answer date (23 Feb) is never brought forward.
    assert petition.reply_due_on == D("2027-02-23")
    assert draft.sent_at is not None and draft.approved_by_id == staff.leader.id
    assert petition.first_answered_at is not None and petition.concluded_at is None
    assert draft in services.replies_for_petitioner(petition)
    [event] = events_for(petition, "petition.progress_reply_sent")
    assert (event.from_state, event.to_state) == ("awaiting_approval", "in_progress")


def test_late_progress_reply_sets_the_next_one_a_month_later_on_a_working_day(staff, frozen_now):
    petition = drive_to(State.IN_PROGRESS, staff)
    # Qingming 2027: Monday 5 April is a holiday.
    db.session.add(CalendarDay(day=D("2027-04-05"), kind="holiday", name="清明节"))
    db.session.commit()
    late = datetime(2027, 3, 5, 2, 0, tzinfo=UTC)  # Friday 5 March, 10:00 in Beijing
    with clock.frozen(late):
        workflow.draft_reply(petition, staff.handler, kind="progress", body=PROGRESS_TEXT)
        workflow.approve(petition, staff.leader)
        db.session.commit()
    assert petition.status == State.IN_PROGRESS
    assert petition.reply_due_on == D("2027-04-06")
    with clock.frozen(datetime(2027, 4, 6, 2, 0, tzinfo=UTC)):
        workflow.draft_reply(petition, staff.handler, kind="progress", body=PROGRESS_TEXT)
        workflow.approve(petition, staff.leader)
        db.session.commit()
    assert petition.reply_due_on == D("2027-05-06")


def test_approving_a_result_answers_the_petition(staff, frozen_now):
    petition = drive_to(State.AWAITING_APPROVAL, staff)
    draft = petition.pending_draft
    workflow.approve(petition, staff.leader)
    db.session.commit()
    assert petition.status == State.ANSWERED
    assert petition.reply_due_on is None
    assert petition.concluded_at is not None and petition.first_answered_at is not None
    assert draft.sent_at is not None and draft.approved_by_id == staff.leader.id
    assert deadlines.next_deadline(petition) is None


# ---- receiving petitions ---------------------------------------------------------------------


def intake(**overrides):
    values = {
        "kind": "complaint",
        "subject": "反映派出所不予立案",
        "body": "本人报案后派出所至今未予立案，请求监督。",
        "name": "刘某某",
        "mobile": "13800000001",
    }
    values.update(overrides)
    return services.IntakeData(**values)


def test_tracking_numbers_are_sequential_per_year(frozen_now):
    first, _ = make_petition()
    second, _ = make_petition()
    assert first.tracking_number == "XF2026-000001"
    assert second.tracking_number == "XF2026-000002"
    # 1 January, 01:00 in Beijing (still 31 December in UTC): a new year, a new sequence.
    with clock.frozen(datetime(2026, 12, 31, 17, 0, tzinfo=UTC)):
        new_year, _ = make_petition()
    assert new_year.tracking_number == "XF2027-000001"
    assert new_year.received_on == D("2027-01-01")
    third, _ = make_petition()
    assert third.tracking_number == "XF2026-000003"


def test_deadlines_are_stored_at_receipt_with_the_rule(frozen_now):
    petition, _ = make_petition()  # Monday 23 November 2026
    assert petition.received_on == D("2026-11-23")
    assert petition.ack_due_on == D("2026-11-30")
    assert petition.answer_due_on == D("2027-02-23")
    assert petition.deadline_rule == "calendar-7d/3m/1m"
    assert petition.reply_due_on is None
    [event] = events_for(petition, "petition.received")
    assert event.to_state == "received" and "calendar-7d/3m/1m" in event.detail


def test_deadlines_at_receipt_use_the_holiday_calendar(frozen_now):
    clerk = make_user(Role.CLERK)
    for day in range(1, 8):
        db.session.add(CalendarDay(day=date(2026, 10, day), kind="holiday", name="国庆节"))
    db.session.commit()
    # A letter received on Thursday 24 September, registered later by a clerk.
    petition, _ = make_petition(channel="letter", received_on=D("2026-09-24"), registered_by=clerk)
    assert petition.ack_due_on == D("2026-10-08")  # 24 Sep + 7 = 1 Oct, a holiday
    assert petition.answer_due_on == D("2026-12-24")
    [event] = events_for(petition, "petition.received")
    assert event.actor_id == clerk.id and event.actor_kind == "staff"


def test_working_day_rule_from_configuration(app, monkeypatch, frozen_now):
    monkeypatch.setitem(app.config, "ACK_DAY_KIND", "working")
    petition, _ = make_petition()  # Monday 23 Nov: 7 working days is Wednesday 2 December
    assert petition.ack_due_on == D("2026-12-02")
    assert petition.deadline_rule == "working-7d/3m/1m"


def test_a_later_rule_or_calendar_change_does_not_move_stored_deadlines(app, monkeypatch, staff):
    old, _ = make_petition()
    monkeypatch.setitem(app.config, "ACK_DAYS", 15)
    monkeypatch.setitem(app.config, "ANSWER_MONTHS", 2)
    monkeypatch.setitem(app.config, "FOLLOW_UP_MONTHS", 2)
    db.session.add(CalendarDay(day=D("2026-11-30"), kind="holiday", name="测试假日"))
    db.session.commit()
    db.session.expire_all()
    assert (old.ack_due_on, old.answer_due_on, old.deadline_rule) == (
        D("2026-11-30"),
        D("2027-02-23"),
        "calendar-7d/3m/1m",
    )
    services.sweep_deadlines()
    db.session.commit()
    db.session.expire_all()
    assert (old.ack_due_on, old.answer_due_on) == (D("2026-11-30"), D("2027-02-23"))

    new, _ = make_petition()
    assert new.deadline_rule == "calendar-15d/2m/2m"
    assert new.ack_due_on == D("2026-12-08")
    assert new.answer_due_on == D("2027-01-25")  # 23 January 2027 is a Saturday

    # The old petition's monthly follow-up still runs on its own rule (one month, not two).
    workflow.acknowledge(old, staff.clerk, notice=ACK_NOTICE)
    workflow.assign(old, staff.clerk, handler=staff.handler)
    db.session.commit()
    with clock.frozen(datetime(2027, 3, 10, 2, 0, tzinfo=UTC)):
        workflow.draft_reply(old, staff.handler, kind="progress", body=PROGRESS_TEXT)
        workflow.approve(old, staff.leader)
        db.session.commit()
    assert old.reply_due_on == D("2027-04-12")  # 10 April 2027 is a Saturday


def test_a_repeated_submission_returns_the_first_receipt(frozen_now):
    key = secrets.token_urlsafe(32)
    first = services.submit_petition(intake(), channel="web", submission_key=key)
    db.session.commit()
    again = services.submit_petition(intake(subject="重复提交"), channel="web", submission_key=key)
    db.session.commit()
    assert first.is_repeat is False and again.is_repeat is True
    assert again.petition.id == first.petition.id
    assert again.query_code == first.query_code
    assert db.session.scalar(sa.select(sa.func.count(Petition.id))) == 1
    assert len(events_for(first.petition, "petition.received")) == 1
    assert (
        services.find_for_petitioner(first.petition.tracking_number, again.query_code)
        == first.petition
    )
    other = services.submit_petition(
        intake(), channel="web", submission_key=secrets.token_urlsafe(32)
    )
    assert other.is_repeat is False
    assert other.query_code != first.query_code
    assert other.petition.tracking_number == "XF2026-000002"


def test_a_key_claimed_without_a_petition_still_files_the_form(frozen_now):
    """A claim committed by something else than a stored petition (a form of another kind that
    claims its keys) never swallows a submission: the form is filed, once."""
    key = secrets.token_urlsafe(32)
    submission_keys.claim(db.session, key)
    db.session.commit()
    first = services.submit_petition(intake(), channel="web", submission_key=key)
    db.session.commit()
    again = services.submit_petition(intake(), channel="web", submission_key=key)
    assert first.is_repeat is False and again.is_repeat is True
    assert again.petition.id == first.petition.id
    assert db.session.scalar(sa.select(sa.func.count(Petition.id))) == 1


def test_received_on_cannot_be_in_the_future(frozen_now):
    with pytest.raises(services.SubmissionError):
        services.submit_petition(
            intake(),
            channel="letter",
            submission_key=secrets.token_urlsafe(32),
            received_on=D("2026-11-24"),
        )
    assert db.session.scalar(sa.select(sa.func.count(Petition.id))) == 0


def _appeal(kind="criminal_appeal", **fields):
    petition, _ = make_petition(kind=kind, **fields)
    return petition


def test_a_first_appeal_goes_to_the_leader_with_the_fewest_open_cases(frozen_now):
    clerk = make_user(Role.CLERK)
    inactive = make_user(Role.LEADER)  # lowest id, no cases, but no longer active
    inactive.is_active_account = False
    busy = make_user(Role.LEADER)
    free = make_user(Role.LEADER)
    busiest = make_user(Role.LEADER)
    db.session.commit()
    # busy: one open case; busiest: two; free: two finished (answered) cases and none open.
    for leader, open_cases, finished_cases in ((busy, 1, 0), (busiest, 2, 0), (free, 0, 2)):
        for _ in range(open_cases):
            workflow.take_personally(new_petition(), leader)
        for _ in range(finished_cases):
            p = new_petition()
            workflow.take_personally(p, leader)
            workflow.not_accept(p, clerk, reason="不属于本院管辖。")
    db.session.commit()

    appeal = _appeal(id_number="110101199001011234", mobile="13700000001")
    assert appeal.lead_leader_id == free.id

    # Now busy and free have one open case each, busiest two: never busiest or the inactive one.
    another = _appeal(kind="civil_appeal", id_number="110101198505054321", mobile="13700000002")
    # A tie between busy and free goes to the longer-standing account (the lower id).
    assert busy.id < free.id
    assert another.lead_leader_id == busy.id


def test_a_second_appeal_from_the_same_person_is_not_assigned_again(frozen_now):
    leader = make_user(Role.LEADER)
    first = _appeal(id_number="110101199001011234", mobile="13700000001")
    assert first.lead_leader_id == leader.id
    second = _appeal(
        kind="administrative_appeal", id_number="110101199001011234", mobile="13700000009"
    )
    assert second.lead_leader_id is None
    # An earlier complaint is not an appeal: the person's first appeal still goes to a leader.
    new_petition(kind="complaint", id_number="110101197003030011", mobile="13700000003")
    first_appeal = _appeal(id_number="110101197003030011", mobile="13700000004")
    assert first_appeal.lead_leader_id == leader.id
    # Other kinds are never assigned to a leader at receipt.
    assert new_petition(kind="complaint", id_number="110101196001010022").lead_leader_id is None


@pytest.mark.parametrize("kind", list(Kind))
def test_anonymous_only_for_reports(kind, frozen_now):
    data = intake(kind=kind.value, is_anonymous=True)
    key = secrets.token_urlsafe(32)
    # Reports, and public-interest leads (whoever saw the harm need not give their name).
    if kind in (Kind.REPORT, Kind.MISCONDUCT_REPORT, Kind.PUBLIC_INTEREST):
        receipt = services.submit_petition(data, channel="web", submission_key=key)
        db.session.commit()
        petition = receipt.petition
        assert petition.is_anonymous
        assert (petition.name, petition.mobile, petition.id_number) == (None, None, None)
        assert petition.tracking_number == "XF2026-000001" and receipt.query_code
        assert (
            services.find_for_petitioner(petition.tracking_number, receipt.query_code) == petition
        )
    else:
        with pytest.raises(services.SubmissionError):
            services.submit_petition(data, channel="web", submission_key=key)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Petition.id))) == 0


# ---- the deadline sweep ----------------------------------------------------------------------


def _at_beijing(day: str, hour: int = 10) -> datetime:
    return datetime.combine(D(day), datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour - 8)


def test_an_overdue_received_petition_is_escalated_once(frozen_now):
    petition, _ = make_petition()  # procedural reply due Monday 30 November
    assert petition.ack_due_on == D("2026-11-30")
    with clock.frozen(_at_beijing("2026-11-30", 23)):  # due today: not overdue yet
        assert services.sweep_deadlines().escalated == 0
        db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Escalation.id))) == 0

    with clock.frozen(_at_beijing("2026-12-01", 0)):
        result = services.sweep_deadlines()
        db.session.commit()
        assert result.escalated == 1
        again = services.sweep_deadlines()
        db.session.commit()
    with clock.frozen(_at_beijing("2026-12-05")):
        assert services.sweep_deadlines().escalated == 0
        db.session.commit()
    assert again.escalated == 0
    [escalation] = db.session.scalars(sa.select(Escalation)).all()
    assert (escalation.petition_id, escalation.deadline, escalation.due_on) == (
        petition.id,
        "acknowledgment",
        D("2026-11-30"),
    )
    [event] = events_for(petition, "petition.overdue_escalated")
    assert event.actor_kind == "system" and event.actor_id is None
    assert petition.status == State.RECEIVED  # escalation is not a transition


def test_each_missed_reply_deadline_is_escalated_once(staff, frozen_now):
    petition = drive_to(State.IN_PROGRESS, staff)
    assert petition.reply_due_on == D("2027-02-23")
    with clock.frozen(_at_beijing("2027-02-24")):
        assert services.sweep_deadlines().escalated == 1
        db.session.commit()
        assert services.sweep_deadlines().escalated == 0
        # A late progress reply sets the next deadline a month later ...
        workflow.draft_reply(petition, staff.handler, kind="progress", body=PROGRESS_TEXT)
        workflow.approve(petition, staff.leader)
        db.session.commit()
    assert petition.reply_due_on == D("2027-03-24")
    # ... and missing that one is a new escalation.
    with clock.frozen(_at_beijing("2027-03-25")):
        assert services.sweep_deadlines().escalated == 1
        db.session.commit()
        assert services.sweep_deadlines().escalated == 0
    escalations = db.session.scalars(sa.select(Escalation).order_by(Escalation.id)).all()
    assert [(e.deadline, e.due_on) for e in escalations] == [
        ("reply", D("2027-02-23")),
        ("reply", D("2027-03-24")),
    ]
    assert len(events_for(petition, "petition.overdue_escalated")) == 2


def test_an_answered_petition_is_closed_by_the_system_after_the_quiet_period(
    app, staff, frozen_now
):
    petition = drive_to(State.ANSWERED, staff)
    sent = clock.as_utc(petition.latest_sent_reply.sent_at)
    quiet = timedelta(days=app.config["AUTO_CLOSE_DAYS"])
    with clock.frozen(sent + quiet - timedelta(minutes=1)):
        assert services.sweep_deadlines().auto_closed == 0
        db.session.commit()
    assert petition.status == State.ANSWERED and petition.closed_at is None
    with clock.frozen(sent + quiet + timedelta(minutes=1)):
        assert services.sweep_deadlines().auto_closed == 1
        db.session.commit()
        assert services.sweep_deadlines().auto_closed == 0
    assert petition.status == State.CLOSED and petition.closed_at is not None
    [event] = events_for(petition, "petition.auto_closed")
    assert event.actor_kind == "system" and event.actor_id is None
    assert (event.from_state, event.to_state) == ("answered", "closed")


def test_the_quiet_period_comes_from_configuration(app, monkeypatch, staff, frozen_now):
    monkeypatch.setitem(app.config, "AUTO_CLOSE_DAYS", 3)
    petition = drive_to(State.ANSWERED, staff)
    with clock.frozen(frozen_now + timedelta(days=2)):
        assert services.sweep_deadlines().auto_closed == 0
    with clock.frozen(frozen_now + timedelta(days=3, minutes=1)):
        assert services.sweep_deadlines().auto_closed == 1
        db.session.commit()
    assert petition.status == State.CLOSED


def test_an_objected_petition_is_not_closed_by_the_sweep(staff, frozen_now):
    petition = drive_to(State.UNDER_REVIEW, staff)
    with clock.frozen(frozen_now + timedelta(days=60)):
        assert services.sweep_deadlines().auto_closed == 0
        db.session.commit()
    assert petition.status == State.UNDER_REVIEW


def test_the_quiet_period_counts_from_the_latest_reply(app, staff, frozen_now):
    """Selected in SQL (workflow.quiet_sql), judged by auto_close_if_quiet: an answer that drew
    an objection and was answered again is quiet only AUTO_CLOSE_DAYS after the new answer."""
    quiet = timedelta(days=app.config["AUTO_CLOSE_DAYS"])
    answered_once = drive_to(State.ANSWERED, staff)
    answered_again = drive_to(State.UNDER_REVIEW, staff)
    with clock.frozen(frozen_now + timedelta(days=5)):
        workflow.start_review(answered_again, staff.leader, handler=staff.other_handler)
        workflow.draft_reply(answered_again, staff.other_handler, kind="result", body=RESULT_TEXT)
        workflow.approve(answered_again, staff.leader)
        db.session.commit()
    with clock.frozen(frozen_now + quiet):  # exactly the quiet period after the first answers
        assert services.sweep_deadlines().auto_closed == 1
    assert (answered_once.status, answered_again.status) == (State.CLOSED, State.ANSWERED)
    with clock.frozen(frozen_now + timedelta(days=5) + quiet):
        assert services.sweep_deadlines().auto_closed == 1
    assert answered_again.status == State.CLOSED
    assert len(events_for(answered_again, "petition.auto_closed")) == 1


def sweep_together(app, sweeps: int) -> list[services.SweepResult]:
    """`sweeps` sweeps started at the same moment, each in its own thread with its own app
    context, session and database connection, as cron on several hosts would start them."""
    start, results, failures = threading.Barrier(sweeps), [], []

    def one_sweep():
        with app.app_context():
            start.wait()
            try:
                results.append(services.sweep_deadlines())
            except Exception as failure:  # noqa: BLE001  (reported below, with the others)
                failures.append(failure)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one_sweep) for _ in range(sweeps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    db.session.expire_all()
    return results


@pytest.mark.parametrize("attempt", range(5))
def test_sweeps_started_together_escalate_each_missed_deadline_once(
    app, monkeypatch, frozen_now, attempt
):
    monkeypatch.setitem(app.config, "SWEEP_BATCH_SIZE", 3)  # many small batches to interleave
    missed = [new_petition(received_on=D("2026-11-10")) for _ in range(12)]  # due 17 November
    db.session.commit()
    results = sweep_together(app, sweeps=4)
    assert sum(result.escalated for result in results) == len(missed)  # each told the truth
    for petition in missed:
        assert [(e.deadline, e.due_on) for e in escalations_of(petition)] == [
            ("acknowledgment", D("2026-11-17"))
        ]
        assert len(events_for(petition, "petition.overdue_escalated")) == 1


@pytest.mark.parametrize("attempt", range(5))
def test_sweeps_started_together_close_each_quiet_petition_once(
    app, monkeypatch, staff, frozen_now, attempt
):
    monkeypatch.setitem(app.config, "SWEEP_BATCH_SIZE", 3)
    answered = [drive_to(State.ANSWERED, staff) for _ in range(12)]
    db.session.commit()
    with clock.frozen(frozen_now + timedelta(days=app.config["AUTO_CLOSE_DAYS"], minutes=1)):
        results = sweep_together(app, sweeps=4)
    assert sum(result.auto_closed for result in results) == len(answered)
    assert sum(result.escalated for result in results) == 0
    for petition in answered:
        assert petition.status == State.CLOSED
        assert len(events_for(petition, "petition.auto_closed")) == 1


def test_a_deadline_escalated_meanwhile_is_neither_recorded_nor_audited_again(frozen_now):
    """What another sweep recorded a moment ago is not an error: the insert does nothing, says
    so, and the transaction goes on (on PostgreSQL a failed INSERT would end it)."""
    petition = new_petition(received_on=D("2026-11-10"))
    db.session.commit()
    assert services.escalate([petition]) == 1
    assert services.escalate([petition]) == 0
    db.session.commit()
    assert len(escalations_of(petition)) == 1
    assert len(events_for(petition, "petition.overdue_escalated")) == 1


def escalations_of(petition):
    return db.session.scalars(
        sa.select(Escalation).where(Escalation.petition_id == petition.id)
    ).all()


# ---- the petitioner's lookup -----------------------------------------------------------------


def _fail(number, times):
    for _ in range(times):
        assert services.find_for_petitioner(number, "WRONGCODE234") is None
        db.session.commit()


def test_lookup_with_the_right_code(frozen_now):
    petition, code = make_petition()
    assert services.find_for_petitioner(petition.tracking_number, code) == petition
    # As typed from paper: lower case, dashes, spaces.
    typed_number = " " + petition.tracking_number.lower() + " "
    assert (
        services.find_for_petitioner(typed_number, services.format_code(code).lower()) == petition
    )


def test_wrong_code_and_unknown_number_give_the_same_answer(frozen_now):
    petition, code = make_petition()
    assert services.find_for_petitioner(petition.tracking_number, "WRONGCODE234") is None
    assert services.find_for_petitioner("XF2026-999999", code) is None
    assert services.find_for_petitioner("XF2026-999999", "WRONGCODE234") is None
    assert services.find_for_petitioner(petition.tracking_number, "") is None


def test_repeated_failures_lock_the_number_even_for_the_right_code(app, frozen_now):
    petition, code = make_petition()
    limit = app.config["LOOKUP_MAX_FAILURES"]
    _fail(petition.tracking_number, limit)
    with pytest.raises(services.LookupLocked):
        services.find_for_petitioner(petition.tracking_number, code)
    # Another number is not affected.
    other, other_code = make_petition()
    assert services.find_for_petitioner(other.tracking_number, other_code) == other


def test_fewer_failures_than_the_limit_do_not_lock_and_success_resets(app, frozen_now):
    petition, code = make_petition()
    limit = app.config["LOOKUP_MAX_FAILURES"]
    _fail(petition.tracking_number, limit - 1)
    assert services.find_for_petitioner(petition.tracking_number, code) == petition
    db.session.commit()
    _fail(petition.tracking_number, limit - 1)
    assert services.find_for_petitioner(petition.tracking_number, code) == petition


def test_unknown_numbers_are_locked_too(app, frozen_now):
    limit = app.config["LOOKUP_MAX_FAILURES"]
    _fail("XF2026-000777", limit)
    with pytest.raises(services.LookupLocked):
        services.find_for_petitioner("XF2026-000777", "WRONGCODE234")
    # Whatever code, however the number is typed.
    with pytest.raises(services.LookupLocked):
        services.find_for_petitioner("xf2026-000777", "ANYCODE23456")


def test_a_long_unknown_number_is_locked_like_any_other(app, frozen_now):
    """The lookup form accepts up to 30 characters; the lock must work (and not crash) for a
    number longer than a real one."""
    limit = app.config["LOOKUP_MAX_FAILURES"]
    number = "XF2026-000001-000000000"  # 23 characters
    _fail(number, limit)
    with pytest.raises(services.LookupLocked):
        services.find_for_petitioner(number, "WRONGCODE234")


def test_the_lock_expires(app, frozen_now):
    """The counts live in the rate-limit store, which expires them in real time
    (portal/core/throttle.py); the whole rule, client by client, is in
    tests/core/test_throttling.py."""
    petition, code = make_petition()
    limit, minutes = app.config["LOOKUP_MAX_FAILURES"], app.config["LOOKUP_LOCK_MINUTES"]
    _fail(petition.tracking_number, limit)
    with later(minutes * 60 - 5), pytest.raises(services.LookupLocked):
        services.find_for_petitioner(petition.tracking_number, code)
    with later(minutes * 60 + 1):
        assert services.find_for_petitioner(petition.tracking_number, code) == petition
        db.session.commit()


def test_failures_outside_the_window_start_a_new_count(app, frozen_now):
    petition, code = make_petition()
    limit, minutes = app.config["LOOKUP_MAX_FAILURES"], app.config["LOOKUP_LOCK_MINUTES"]
    _fail(petition.tracking_number, limit - 1)
    with later(minutes * 60 + 1):  # 2 × (limit - 1) failures, but in two windows
        _fail(petition.tracking_number, limit - 1)
        assert services.find_for_petitioner(petition.tracking_number, code) == petition


# ---- two people, always (DESIGN §2) ------------------------------------------------------------


def in_english(refusal) -> str:
    with force_locale("en"):
        return str(refusal)


def test_a_leader_never_approves_a_reply_of_their_own(staff):
    petition = drive_to(State.IN_PROGRESS, staff)
    workflow.draft_reply(petition, staff.leader, kind="result", body=RESULT_TEXT)
    db.session.flush()
    assert Action.APPROVE_RESULT not in workflow.allowed_actions(petition, staff.leader)
    with pytest.raises(InvalidTransition) as refused:
        workflow.approve(petition, staff.leader)
    assert refused.value.forbidden
    assert "another leader must approve it" in in_english(refused.value)
    assert petition.status == State.AWAITING_APPROVAL
    workflow.approve(petition, staff.approver)
    assert petition.status == State.ANSWERED
    reply = petition.latest_sent_reply
    assert (reply.drafted_by_id, reply.approved_by_id) == (staff.leader.id, staff.approver.id)


@pytest.mark.parametrize("part", ["drafted", "approved"])
def test_whoever_gave_the_answer_objected_to_never_reviews_it(staff, part):
    petition = drive_to(State.IN_PROGRESS, staff)
    drafter = staff.leader if part == "drafted" else staff.handler
    workflow.draft_reply(petition, drafter, kind="result", body=RESULT_TEXT)
    approver = staff.approver if part == "drafted" else staff.leader
    workflow.approve(petition, approver)
    workflow.object_to_reply(petition, objection="答复没有回应我的请求。")
    db.session.flush()
    assert Action.START_REVIEW not in workflow.allowed_actions(petition, staff.leader)
    with pytest.raises(InvalidTransition) as refused:
        workflow.start_review(petition, staff.leader, handler=staff.other_handler)
    assert refused.value.forbidden and "another leader must review" in in_english(refused.value)
    other_leader = staff.approver if part == "approved" else None
    if other_leader is None:  # the approver was the second leader: a third one reviews
        other_leader = make_user(Role.LEADER)
    workflow.start_review(petition, other_leader, handler=staff.other_handler)
    assert petition.status == State.IN_PROGRESS


def test_the_review_never_goes_to_the_handler_who_drafted_the_answer(staff):
    petition = drive_to(State.UNDER_REVIEW, staff)  # drafted by staff.handler
    with pytest.raises(InvalidTransition) as refused:
        workflow.start_review(petition, staff.leader, handler=staff.handler)
    assert refused.value.field == "handler_id"
    assert "choose another handler" in in_english(refused.value)
    assert staff.handler.name in str(refused.value)
    assert petition.status == State.UNDER_REVIEW
    workflow.start_review(petition, staff.leader, handler=staff.other_handler)
    assert petition.assigned_to_id == staff.other_handler.id
