"""The state machine of legal documents and case releases: who may move them, from which state,
and the audit event each move writes. Both follow the same table (core.workflow's idiom):

    draft ──review──▶ reviewed ──publish──▶ published ──withdraw──▶ withdrawn
      ▲                  │
      └──────reopen──────┘  (any change to the text, the redactions, the people or the minors' flag)

Only a publisher moves either (Role.PUBLISHER). One guard adds the two-person rule: whoever
reviewed the redactions does not publish them, so two people see everything before it is public
(the database backs it for releases: CHECK `reviewer_does_not_publish`).

Where the other rules live:
- services.py: what each move does besides the state (fixing the redacted text at review,
  indexing at publication, the withdrawal reason), the publisher's redaction decisions, and what
  publishing needs beyond this table (`publication_problems`: the gate, the minors' rule,
  indictments only once the judgment is in force, never an internal working document);
- models.py: the states (`DocumentState`, `ReleaseState`) and the CHECK constraints built from them;
- redaction/: the engine that proposes what to redact.
"""

from __future__ import annotations

import dataclasses
import enum

from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition, Transition, Workflow
from portal.disclosure.models import DocumentState, Release, ReleaseState

# Every refusal of a disclosure rule, the workflow's or a service's: the message is shown to the
# publisher as is. The name callers have always caught.
DisclosureRefused = InvalidTransition

PUBLISHERS = frozenset({Role.PUBLISHER})
ONLY_PUBLISHERS = _l("Only a publisher may do this.")


class Action(enum.StrEnum):
    REVIEW = "review"
    PUBLISH = "publish"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"


def reviewer_does_not_publish(record, action: Action, actor) -> None:
    """The two-person rule: the publisher who reviewed the redactions may not publish them.
    (A release reviewed by migration 0005 has no reviewer: any publisher may publish it.)"""
    if (
        action is Action.PUBLISH
        and record.reviewed_by_id is not None
        and record.reviewed_by_id == getattr(actor, "id", None)
    ):
        raise InvalidTransition(
            _l(
                "You reviewed the redactions, so another publisher must check and publish it: "
                "two people see everything before it is published."
            ),
            forbidden=True,
        )


def _workflow(states, kind: str) -> Workflow:
    """Documents and releases share one table; only the state enum and the event codes'
    prefix (`document.reviewed`, `release.reviewed`, ...) differ."""
    return Workflow(
        states=states,
        transitions={
            Action.REVIEW: Transition.of(
                {states.DRAFT}, states.REVIEWED, PUBLISHERS, f"{kind}.reviewed",
                refusal=_l("Only a draft can be reviewed."),
            ),
            Action.PUBLISH: Transition.of(
                {states.REVIEWED}, states.PUBLISHED, PUBLISHERS, f"{kind}.published",
                refusal=_l("Review the redactions before publishing: only a reviewed item can be published."),
            ),
            Action.WITHDRAW: Transition.of(
                {states.PUBLISHED}, states.WITHDRAWN, PUBLISHERS, f"{kind}.withdrawn",
                refusal=_l("Only a published item can be withdrawn."),
            ),
            Action.REOPEN: Transition.of(
                {states.REVIEWED}, states.DRAFT, PUBLISHERS, f"{kind}.reopened",
                refusal=_l("Only a reviewed item can be reopened."),
            ),
        },
        guards=(reviewer_does_not_publish,),
        role_refusal=lambda _action: ONLY_PUBLISHERS,
    )  # fmt: skip


DOCUMENTS = _workflow(DocumentState, "document")
RELEASES = _workflow(ReleaseState, "release")

# The states in which the publisher's decisions (terms, drops, people, the minors' flag, a
# release's text) may still change; a change to a reviewed record reopens it. (A release's
# states have the same values as a document's.)
EDITABLE_STATES = frozenset({DocumentState.DRAFT, DocumentState.REVIEWED})


def of(record) -> Workflow:
    return RELEASES if isinstance(record, Release) else DOCUMENTS


def apply(record, action: Action, actor, *, detail: dict | None = None) -> Transition:
    """Check the move, set the new state and write its one audit event (InvalidTransition,
    i.e. DisclosureRefused, with the message for the publisher when refused)."""
    return of(record).apply(record, action, actor, detail=detail)


def check(record, action: Action, actor) -> Transition:
    return of(record).check(record, action, actor)


def refusals(record, action: Action, actor) -> list[str]:
    """Every reason the table refuses `action` now, for a page that lists all problems at once:
    the state's refusal, else the role's, else each guard's (empty: it would pass)."""
    workflow = of(record)
    try:
        dataclasses.replace(workflow, guards=()).check(record, action, actor)
    except InvalidTransition as refusal:
        return [str(refusal)]
    found = []
    for guard in workflow.guards:
        try:
            guard(record, action, actor)
        except InvalidTransition as refusal:
            found.append(str(refusal))
    return found


def offered_actions(record, actor) -> list[Action]:
    """The actions the publisher's page offers: those the state and the role allow. The guards
    are left out on purpose: the reviewer still sees the publish box, where the two-person rule
    is listed among the problems (services.publication_problems), rather than no button."""
    return dataclasses.replace(of(record), guards=()).allowed_actions(record, actor)


def require_publisher(actor) -> None:
    """For what is not a move in the table (creating, editing the decisions): publishers only."""
    if actor is None or getattr(actor, "role", None) not in PUBLISHERS:
        raise InvalidTransition(ONLY_PUBLISHERS, forbidden=True)


def require_editable(record, actor) -> None:
    """The publisher's decisions can change only before publication."""
    require_publisher(actor)
    if record.status not in EDITABLE_STATES:
        raise InvalidTransition(
            _l("Once published it can no longer be changed: withdraw it and publish a new version.")
        )


def is_editable(record) -> bool:
    return record.status in EDITABLE_STATES
