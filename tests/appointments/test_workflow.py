"""The booking transition table, checked against the rules written out here by hand.

The rules, as the appointments service works:
- staff who run appointments (intake clerks and handlers) confirm a requested booking, decline
  a requested or confirmed one, and check in or record a no-show for a confirmed one; leaders
  may look but not act; publishers and administrators have nothing to do with bookings;
- the lawyer who booked may cancel or move (reschedule) a requested or confirmed booking, and
  nobody else's; a moved booking is requested again;
- the reception-day visitor who booked (proved by the cancel code) may cancel it, not move it;
- a closure (the system) cancels requested and confirmed bookings;
- nothing leaves checked_in, no_show, cancelled or declined.

These tests call the workflow directly, on bookings that are never stored.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.accounts.models import User
from portal.appointments import workflow
from portal.appointments.models import Booking
from portal.core import audit
from portal.core.workflow import SYSTEM, InvalidTransition
from portal.extensions import db
from portal.lawyers.models import LawyerAccount

STATES = ("requested", "confirmed", "checked_in", "no_show", "cancelled", "declined")
OPEN = {"requested", "confirmed"}
RUNS_APPOINTMENTS = {"clerk", "handler"}

# action: (the states it may start from, who may take it, the state it leads to, its audit code)
RULES = {
    "confirm": ({"requested"}, RUNS_APPOINTMENTS, "confirmed", "booking.confirmed"),
    "decline": (OPEN, RUNS_APPOINTMENTS, "declined", "booking.declined"),
    "check_in": ({"confirmed"}, RUNS_APPOINTMENTS, "checked_in", "booking.checked_in"),
    "no_show": ({"confirmed"}, RUNS_APPOINTMENTS, "no_show", "booking.no_show"),
    "cancel": (
        OPEN,
        {"the lawyer who booked", "the visitor who booked"},
        "cancelled",
        "booking.cancelled",
    ),
    "cancel_by_closure": (OPEN, {"the system"}, "cancelled", "booking.cancelled_by_closure"),
    "reschedule": (OPEN, {"the lawyer who booked"}, "requested", "booking.rescheduled"),
}

LAWYER_ID, OTHER_LAWYER_ID = 7, 8


def _lawyer(lawyer_id):
    return LawyerAccount(id=lawyer_id, name="律师", email=f"l{lawyer_id}@test.example")


def _staff(role):
    return User(id=1, role=role, name="工作人员", email=f"{role}@test.example")


# Who tries, and on which kind of booking: a lawyer's booking or a reception-day visit.
ACTORS = {
    "clerk": (lambda: _staff("clerk"), "lawyer's"),
    "handler": (lambda: _staff("handler"), "lawyer's"),
    "leader": (lambda: _staff("leader"), "lawyer's"),
    "publisher": (lambda: _staff("publisher"), "lawyer's"),
    "admin": (lambda: _staff("admin"), "lawyer's"),
    "the lawyer who booked": (lambda: _lawyer(LAWYER_ID), "lawyer's"),
    "another lawyer": (lambda: _lawyer(OTHER_LAWYER_ID), "lawyer's"),
    "the visitor who booked": (lambda: workflow.VISITOR, "visit"),
    "a visitor, on a lawyer's booking": (lambda: workflow.VISITOR, "lawyer's"),
    "a lawyer, on a reception visit": (lambda: _lawyer(LAWYER_ID), "visit"),
    "the system": (lambda: SYSTEM, "lawyer's"),
}


def _booking(status, kind):
    if kind == "visit":
        return Booking(id=41, status=status, service="reception_day", lawyer_id=None)
    return Booking(id=42, status=status, service="file_reading", lawyer_id=LAWYER_ID)


def test_the_actions_are_the_ones_the_rules_name():
    assert {str(action) for action in workflow.Action} == set(RULES)


def test_who_may_take_which_action_from_which_state():
    """Every action, from every state, by everyone: allowed exactly when the rules say so."""
    wrong = []
    for action, (sources, who, _target, _code) in RULES.items():
        for state in STATES:
            for actor_name, (make_actor, kind) in ACTORS.items():
                booking = _booking(state, kind)
                expected = state in sources and actor_name in who
                allowed = workflow.BOOKINGS.can(
                    booking, workflow.Action(action), workflow.as_actor(make_actor())
                )
                offered = workflow.Action(action) in workflow.allowed_actions(booking, make_actor())
                if allowed != expected or offered != expected:
                    wrong.append((action, state, actor_name, allowed, offered))
    assert wrong == []


def test_the_allowed_actions_of_each_party_in_each_state_written_out():
    """The same rules, as the pages see them: what each one is offered."""
    lawyer, clerk, leader = _lawyer(LAWYER_ID), _staff("clerk"), _staff("leader")
    offered = {
        state: (
            sorted(workflow.allowed_actions(_booking(state, "lawyer's"), lawyer)),
            sorted(workflow.allowed_actions(_booking(state, "lawyer's"), clerk)),
            sorted(workflow.allowed_actions(_booking(state, "lawyer's"), leader)),
            sorted(workflow.allowed_actions(_booking(state, "visit"), workflow.VISITOR)),
        )
        for state in STATES
    }
    assert offered == {
        "requested": (["cancel", "reschedule"], ["confirm", "decline"], [], ["cancel"]),
        "confirmed": (["cancel", "reschedule"], ["check_in", "decline", "no_show"], [], ["cancel"]),
        "checked_in": ([], [], [], []),
        "no_show": ([], [], [], []),
        "cancelled": ([], [], [], []),
        "declined": ([], [], [], []),
    }


@pytest.mark.parametrize("action", sorted(RULES))
def test_each_action_leads_to_its_state_with_one_audit_event(action):
    sources, who, target, code = RULES[action]
    actor_name = sorted(who)[0]
    make_actor, kind = ACTORS[actor_name]
    booking = _booking(sorted(sources)[0], kind)
    from_state = booking.status
    before = set(db.session.new)
    workflow.apply(booking, workflow.Action(action), make_actor(), detail={"reason": "why"})
    assert booking.status == target
    [event] = [row for row in set(db.session.new) - before if isinstance(row, audit.AuditEvent)]
    assert (event.code, event.from_state, event.to_state) == (code, from_state, target)
    assert (event.subject_kind, event.subject_id) == ("booking", str(booking.id))
    db.session.expunge_all()


def test_the_audit_event_names_who_acted():
    """Staff by account; a lawyer or a visitor by kind, with who in the detail (the actor id is
    for staff accounts only); a closure as the system."""
    cases = [
        (_staff("handler"), "lawyer's", "confirm", ("staff", 1, {})),
        (
            _lawyer(LAWYER_ID),
            "lawyer's",
            "cancel",
            ("lawyer", None, {"lawyer": str(LAWYER_ID), "reason": "why"}),
        ),
        (
            workflow.VISITOR,
            "visit",
            "cancel",
            ("petitioner", None, {"holder": "visitor", "reason": "why"}),
        ),
        (SYSTEM, "lawyer's", "cancel_by_closure", ("system", None, {"reason": "why"})),
    ]
    for actor, kind, action, expected in cases:
        booking = _booking("requested", kind)
        event_detail = None if action == "confirm" else {"reason": "why"}
        before = set(db.session.new)
        workflow.apply(booking, workflow.Action(action), actor, detail=event_detail)
        [event] = [r for r in set(db.session.new) - before if isinstance(r, audit.AuditEvent)]
        assert (event.actor_kind, event.actor_id, event.details) == expected, action
        db.session.expunge_all()


def test_refusals_say_why_and_whether_it_is_who_you_are():
    confirmed = _booking("confirmed", "lawyer's")
    with force_locale("en"):
        with pytest.raises(InvalidTransition) as refused:
            workflow.check(confirmed, workflow.Action.CHECK_IN, _staff("leader"))
        assert refused.value.forbidden is True
        assert str(refused.value) == "You cannot check in this booking."
        with pytest.raises(InvalidTransition) as refused:
            workflow.check(confirmed, workflow.Action.CONFIRM, _staff("clerk"))
        assert refused.value.forbidden is False
        assert str(refused.value) == "This booking is “Confirmed”: it cannot confirm now."
        with pytest.raises(InvalidTransition) as refused:
            workflow.check(confirmed, workflow.Action.CANCEL, _lawyer(OTHER_LAWYER_ID))
        assert refused.value.forbidden is True
    assert confirmed.status == "confirmed"


def test_the_status_check_constraint_is_the_enum():
    """The CHECK comes from BookingState and says what migration 0004 created (no migration)."""
    [check] = [
        c
        for c in Booking.__table__.constraints
        if isinstance(c, sa.CheckConstraint) and c.name.endswith("status")
    ]
    assert str(check.sqltext) == (
        "status IN ('requested', 'confirmed', 'checked_in', 'no_show', 'cancelled', 'declined')"
    )
