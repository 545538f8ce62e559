"""The moves of documents and releases (portal/disclosure/workflow.py), called directly.

The rules are written out below by hand, as the publishing rules state them, and the workflow is
checked against them: never the other way round, so a wrong entry in the code's table fails here.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.core import audit
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.disclosure import services, workflow
from portal.disclosure.models import DocumentState, LegalDocument, Release, ReleaseState
from portal.extensions import db
from tests.disclosure import samples
from tests.disclosure.factories import make_document
from tests.factories import make_user

STATES = ["draft", "reviewed", "published", "withdrawn"]

# action: (the one state it starts from, the state it leads to, the audit event's code without
# the kind, what a publisher is told who tries it in any other state)
MOVES = {
    "review": ("draft", "reviewed", "reviewed", "Only a draft can be reviewed."),
    "publish": (
        "reviewed",
        "published",
        "published",
        "Review the redactions before publishing: only a reviewed item can be published.",
    ),
    "withdraw": ("published", "withdrawn", "withdrawn", "Only a published item can be withdrawn."),
    "reopen": ("reviewed", "draft", "reopened", "Only a reviewed item can be reopened."),
}

# What the publisher's page offers a publisher in each state (reopening is never a button of
# its own: any change to a reviewed record reopens it).
OFFERED = {
    "draft": ["review"],
    "reviewed": ["publish", "reopen"],
    "published": ["withdraw"],
    "withdrawn": [],
}

ONLY_PUBLISHERS = "Only a publisher may do this."
TWO_PEOPLE = (
    "You reviewed the redactions, so another publisher must check and publish it: "
    "two people see everything before it is published."
)
NOT_PUBLISHERS = ["clerk", "handler", "leader", "admin"]
KINDS = {"document": LegalDocument, "release": Release}


def record_in(kind: str, state: str, *, reviewed_by=None):
    """A record in `state`, never stored: the workflow needs only its state, its reviewer and
    its id (the audit subject)."""
    return KINDS[kind](id=4242, status=state, reviewed_by_id=reviewed_by and reviewed_by.id)


def trail(record) -> list[tuple]:
    return [
        (event.code, event.from_state, event.to_state, event.actor_id)
        for event in audit.history(record)
    ]


def test_the_actions_are_exactly_these():
    assert [action.value for action in workflow.Action] == list(MOVES)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", MOVES)
@pytest.mark.parametrize("state", STATES)
def test_each_move_from_each_state(kind, action, state):
    source, target, code, refusal = MOVES[action]
    publisher = make_user(Role.PUBLISHER)
    record = record_in(kind, state)
    if state == source:
        workflow.apply(record, workflow.Action(action), publisher)
        assert record.status == target
        assert trail(record) == [(f"{kind}.{code}", source, target, publisher.id)]
    else:
        with pytest.raises(InvalidTransition) as refused:
            workflow.apply(record, workflow.Action(action), publisher)
        assert str(refused.value) == refusal
        assert not refused.value.forbidden
        assert record.status == state
        assert trail(record) == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", MOVES)
@pytest.mark.parametrize("role", NOT_PUBLISHERS)
def test_only_publishers_move_documents_and_releases(kind, action, role):
    source = MOVES[action][0]
    record = record_in(kind, source)
    with pytest.raises(InvalidTransition) as refused:
        workflow.apply(record, workflow.Action(action), make_user(role))
    assert str(refused.value) == ONLY_PUBLISHERS and refused.value.forbidden
    assert record.status == source and trail(record) == []


@pytest.mark.parametrize("kind", KINDS)
def test_no_one_at_all_moves_anything(kind):
    record = record_in(kind, "draft")
    with pytest.raises(InvalidTransition, match=ONLY_PUBLISHERS):
        workflow.apply(record, workflow.Action.REVIEW, None)


@pytest.mark.parametrize("kind", KINDS)
def test_the_reviewer_cannot_publish_but_another_publisher_can(kind):
    reviewer, other = make_user(Role.PUBLISHER), make_user(Role.PUBLISHER)
    record = record_in(kind, "reviewed", reviewed_by=reviewer)
    with pytest.raises(InvalidTransition) as refused:
        workflow.apply(record, workflow.Action.PUBLISH, reviewer)
    assert str(refused.value) == TWO_PEOPLE and refused.value.forbidden
    assert record.status == "reviewed" and trail(record) == []
    workflow.apply(record, workflow.Action.PUBLISH, other)
    assert trail(record) == [(f"{kind}.published", "reviewed", "published", other.id)]


@pytest.mark.parametrize("kind", KINDS)
def test_the_reviewer_may_still_reopen(kind):
    reviewer = make_user(Role.PUBLISHER)
    record = record_in(kind, "reviewed", reviewed_by=reviewer)
    workflow.apply(record, workflow.Action.REOPEN, reviewer)
    assert record.status == "draft"


def test_a_release_redacted_by_the_migration_has_no_reviewer_to_exclude():
    record = record_in("release", "reviewed", reviewed_by=None)
    workflow.apply(record, workflow.Action.PUBLISH, make_user(Role.PUBLISHER))
    assert record.status == "published"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("state", STATES)
def test_the_page_offers_what_the_state_allows(kind, state):
    publisher = make_user(Role.PUBLISHER)
    assert workflow.offered_actions(record_in(kind, state), publisher) == OFFERED[state]
    assert workflow.offered_actions(record_in(kind, state), make_user(Role.ADMIN)) == []


@pytest.mark.parametrize("kind", KINDS)
def test_the_reviewer_is_offered_publishing_and_told_why_not(kind):
    """The publish box stays for the reviewer, with the two-person rule among its problems,
    although the move itself is refused."""
    reviewer, other = make_user(Role.PUBLISHER), make_user(Role.PUBLISHER)
    record = record_in(kind, "reviewed", reviewed_by=reviewer)
    assert workflow.offered_actions(record, reviewer) == ["publish", "reopen"]
    assert not workflow.of(record).can(record, workflow.Action.PUBLISH, reviewer)
    assert workflow.refusals(record, workflow.Action.PUBLISH, reviewer) == [TWO_PEOPLE]
    assert workflow.refusals(record, workflow.Action.PUBLISH, other) == []
    draft = record_in(kind, "draft")
    assert workflow.refusals(draft, workflow.Action.PUBLISH, other) == [MOVES["publish"][3]]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("state", "editable"),
    [("draft", True), ("reviewed", True), ("published", False), ("withdrawn", False)],
)
def test_decisions_change_only_before_publication(kind, state, editable):
    record = record_in(kind, state)
    assert workflow.is_editable(record) is editable
    if editable:
        workflow.require_editable(record, make_user(Role.PUBLISHER))
    else:
        with pytest.raises(InvalidTransition, match="Once published it can no longer be changed"):
            workflow.require_editable(record, make_user(Role.PUBLISHER))
    with pytest.raises(InvalidTransition, match=ONLY_PUBLISHERS):
        workflow.require_editable(record, make_user(Role.HANDLER))


def test_callers_of_disclosure_refused_catch_every_refusal():
    assert services.DisclosureRefused is InvalidTransition
    document = make_document(text=samples.NON_PROSECUTION)
    with pytest.raises(services.DisclosureRefused, match="Only a draft"):
        workflow.apply(
            record_in("document", "published"), workflow.Action.REVIEW, make_user(Role.PUBLISHER)
        )
    with pytest.raises(InvalidTransition, match="Only a published item"):
        services.withdraw_document(document, make_user(Role.PUBLISHER), reason="有误")


# ---- the states in the database --------------------------------------------------------------


@pytest.mark.parametrize("enum", [DocumentState, ReleaseState])
def test_the_states_are_these(enum):
    assert [state.value for state in enum] == STATES


@pytest.mark.parametrize(
    ("table", "name"),
    [
        ("legal_documents", "ck_legal_documents_status"),
        ("case_releases", "ck_case_releases_status"),
    ],
)
def test_the_status_check_lists_the_same_states(table, name):
    (check,) = [
        constraint
        for constraint in db.metadata.tables[table].constraints
        if isinstance(constraint, sa.CheckConstraint) and constraint.name == name
    ]
    assert str(check.sqltext) == "status IN ('draft', 'reviewed', 'published', 'withdrawn')"


def test_the_database_refuses_a_state_outside_the_list():
    document = make_document(text=samples.NON_PROSECUTION)
    document.status = "archived"
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
