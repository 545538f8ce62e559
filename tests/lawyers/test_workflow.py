"""The two state machines of lawyer services (portal/lawyers/workflow.py), checked against the
rules as written here by hand: every state, every action, every role.

    account:  pending ──verify (clerk, handler; e-mail confirmed)──▶ verified
              pending ──reject (clerk, handler)────────────────────▶ rejected
    binding:  requested ──approve (clerk, handler)──▶ approved
              requested ──reject (clerk, handler)───▶ rejected
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from portal.core.audit import AuditEvent, history
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from portal.lawyers import bindings, services
from portal.lawyers.models import BindingStatus, CaseBinding, LawyerAccount, Verification
from portal.lawyers.workflow import ACCOUNT, BINDING, AccountAction, BindingAction
from tests.factories import make_user
from tests.lawyers.factories import make_case, make_lawyer

EVERY_ROLE = ["clerk", "handler", "leader", "publisher", "admin", "lawyer"]

# (action, from state, to state, who may, audit code): the rules, as the module docstring says.
ACCOUNT_RULES = [
    ("verify", "pending", "verified", {"clerk", "handler"}, "lawyer.verified"),
    ("reject", "pending", "rejected", {"clerk", "handler"}, "lawyer.rejected"),
]
ACCOUNT_STATES = ["pending", "verified", "rejected"]

BINDING_RULES = [
    ("approve", "requested", "approved", {"clerk", "handler"}, "binding.approved"),
    ("reject", "requested", "rejected", {"clerk", "handler"}, "binding.rejected"),
]
BINDING_STATES = ["requested", "approved", "rejected"]


def _actor(role):
    return SimpleNamespace(role=role, id=1)


def test_the_states_are_exactly_those_of_the_rules():
    assert [state.value for state in Verification] == ACCOUNT_STATES
    assert [state.value for state in BindingStatus] == BINDING_STATES
    assert [action.value for action in AccountAction] == ["verify", "reject"]
    assert [action.value for action in BindingAction] == ["approve", "reject"]


@pytest.mark.parametrize("state", ACCOUNT_STATES)
@pytest.mark.parametrize("role", EVERY_ROLE)
@pytest.mark.parametrize("confirmed", [True, False])
def test_account_transitions(state, role, confirmed):
    lawyer = SimpleNamespace(status=state, email_confirmed_at="2026-11-23" if confirmed else None)
    allowed = []
    for action, source, _target, who, _code in ACCOUNT_RULES:
        if state == source and role in who and (action != "verify" or confirmed):
            allowed.append(action)
    assert ACCOUNT.allowed_actions(lawyer, _actor(role)) == allowed


@pytest.mark.parametrize("state", BINDING_STATES)
@pytest.mark.parametrize("role", EVERY_ROLE)
def test_binding_transitions(state, role):
    binding = SimpleNamespace(status=state)
    allowed = [
        action for action, source, _target, who, _code in BINDING_RULES
        if state == source and role in who
    ]  # fmt: skip
    assert BINDING.allowed_actions(binding, _actor(role)) == allowed


@pytest.mark.parametrize(
    ("workflow", "rules"), [(ACCOUNT, ACCOUNT_RULES), (BINDING, BINDING_RULES)]
)
def test_each_transition_has_its_target_and_audit_code(workflow, rules):
    table = {
        str(action): (transition.target.value, transition.audit_code)
        for action, transition in workflow.transitions.items()
    }
    assert table == {action: (target, code) for action, _s, target, _w, code in rules}


def test_refusals_say_why():
    clerk, leader = _actor("clerk"), _actor("leader")
    with force_locale("en"):
        decided = SimpleNamespace(status="verified", email_confirmed_at="x")
        with pytest.raises(InvalidTransition, match="decided already") as refused:
            ACCOUNT.check(decided, AccountAction.REJECT, clerk)
        assert not refused.value.forbidden
        unconfirmed = SimpleNamespace(status="pending", email_confirmed_at=None)
        with pytest.raises(InvalidTransition, match="not confirmed the e-mail address"):
            ACCOUNT.check(unconfirmed, AccountAction.VERIFY, clerk)
        with pytest.raises(InvalidTransition) as refused:
            ACCOUNT.check(unconfirmed, AccountAction.REJECT, leader)
        assert refused.value.forbidden
        with pytest.raises(InvalidTransition, match="This request has been decided already."):
            BINDING.check(SimpleNamespace(status="rejected"), BindingAction.APPROVE, clerk)


# ---- the services apply the transitions: state, facts, one audit event -----------------------


def test_verifying_writes_one_event_and_the_facts():
    lawyer = make_lawyer(verified=False)
    clerk = make_user(Role.CLERK)
    before = len(history(lawyer))
    services.verify_lawyer(lawyer, clerk)
    db.session.flush()
    [event] = history(lawyer)[before:]
    assert (event.code, event.from_state, event.to_state) == (
        "lawyer.verified",
        "pending",
        "verified",
    )
    assert event.actor_id == clerk.id
    assert lawyer.status == "verified" and lawyer.verified_by_id == clerk.id
    assert lawyer.verified_at is not None


def test_rejecting_writes_one_event_with_the_reason():
    lawyer = make_lawyer(verified=False)
    handler = make_user(Role.HANDLER)
    before = len(history(lawyer))
    services.reject_lawyer(lawyer, handler, " 执业证号不符 ")
    db.session.flush()
    [event] = history(lawyer)[before:]
    assert (event.code, event.from_state, event.to_state, event.details) == (
        "lawyer.rejected",
        "pending",
        "rejected",
        {"reason": "执业证号不符"},
    )
    assert lawyer.rejection_reason == "执业证号不符" and lawyer.rejected_by_id == handler.id


def test_a_refused_decision_changes_nothing():
    lawyer = make_lawyer(verified=False, confirmed=False)
    clerk = make_user(Role.CLERK)
    with force_locale("en"):
        with pytest.raises(InvalidTransition, match="not confirmed"):
            services.verify_lawyer(lawyer, clerk)
        with pytest.raises(InvalidTransition, match="Give the reason") as refused:
            services.reject_lawyer(lawyer, clerk, "  ")
    assert refused.value.field == "reason"
    assert lawyer.status == "pending" and lawyer.verified_at is None
    codes = db.session.scalars(sa.select(AuditEvent.code)).all()
    assert "lawyer.verified" not in codes and "lawyer.rejected" not in codes


def _binding(lawyer, case) -> CaseBinding:
    binding = CaseBinding(
        lawyer_id=lawyer.id,
        case_id=case.id,
        active_key=f"{lawyer.id}:{case.id}",
        client_name="赵某",
        relation="defender",
        mandate="power_of_attorney",
        status="requested",
        requested_at=lawyer.created_at,
    )
    db.session.add(binding)
    db.session.flush()
    return binding


def test_approving_and_rejecting_a_binding_write_one_event_each():
    lawyer, clerk = make_lawyer(), make_user(Role.CLERK)
    approved, rejected = _binding(lawyer, make_case()), _binding(lawyer, make_case())
    bindings.approve_binding(approved, clerk)
    bindings.reject_binding(rejected, clerk, "委托书缺少签名")
    db.session.flush()
    assert [(e.code, e.from_state, e.to_state) for e in history(approved)] == [
        ("binding.approved", "requested", "approved")
    ]
    assert [(e.code, e.from_state, e.to_state, e.details) for e in history(rejected)] == [
        ("binding.rejected", "requested", "rejected", {"reason": "委托书缺少签名"})
    ]
    assert approved.decided_by_id == clerk.id and approved.active_key is not None
    assert rejected.active_key is None  # the lawyer may ask again
    with force_locale("en"), pytest.raises(bindings.BindingRefused, match="Give the reason"):
        bindings.reject_binding(_binding(lawyer, make_case()), clerk, "")


def test_the_database_holds_the_states_of_the_enum():
    """The CHECK constraints come from the enums (StateEnum.check_constraint), under the names
    the migrations gave them."""
    assert str(Verification.check_constraint("status", name="status").sqltext) == (
        "status IN ('pending', 'verified', 'rejected')"
    )
    assert str(BindingStatus.check_constraint("status", name="status").sqltext) == (
        "status IN ('requested', 'approved', 'rejected')"
    )
    lawyer = make_lawyer()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(
                sa.update(LawyerAccount)
                .where(LawyerAccount.id == lawyer.id)
                .values(status="suspended")
            )
    db.session.rollback()
