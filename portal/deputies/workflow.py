"""The two state machines of deputies' liaison, in the one idiom of portal/core/workflow.py.

A deputy's account (`DeputyAccount.status`, states `models.Verification`):

    pending ──verify (staff checked the congress's or committee's roster)──▶ verified
       └─────reject (with the reason the person reads)─────────────────────▶ rejected

Accounts that staff register start verified ("deputy.registered_by_staff"): staff register
from the roster itself.

A suggestion, criticism or opinion (`Suggestion.status`, states `models.SuggestionState`):

    received ──draft answer──▶ awaiting_approval ──approve (a leader, not the drafter)──▶ answered
        ▲                              │
        └────return (with a comment)───┘

The two-person rule of petitions' replies (DESIGN §2) holds here too: the leader who approves an
answer never drafted it (the guard below, and a CHECK constraint on the table), so that no
answer reaches a deputy on one person's word. Rating the answer is not a transition: the deputy
rates an answered suggestion once (services.rate_answer).
"""

from __future__ import annotations

import enum

from portal.core import audit
from portal.core.audit import EventType
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition, Transition, Workflow
from portal.deputies.models import SuggestionState, Verification

audit.register_event_types(
    {
        "deputy.verified": EventType(_l("Deputy verified")),
        "deputy.rejected": EventType(_l("Deputy not verified")),
        "deputy_suggestion.answer_drafted": EventType(_l("Answer to a deputy drafted")),
        "deputy_suggestion.answer_returned": EventType(_l("Answer to a deputy returned")),
        "deputy_suggestion.answered": EventType(_l("Answer to a deputy approved and sent")),
    }
)

# Who checks deputies' registrations against the rosters (the liaison office's clerks and
# handlers); leaders look.
DECIDERS = (Role.CLERK, Role.HANDLER)
# Who drafts answers; leaders approve them.
DRAFTERS = (Role.HANDLER, Role.LEADER)
APPROVERS = (Role.LEADER,)


class AccountAction(enum.StrEnum):
    VERIFY = "verify"
    REJECT = "reject"

    @property
    def label(self):
        return (
            _l("verify this deputy") if self is AccountAction.VERIFY else _l("reject this deputy")
        )


ACCOUNT_DECIDED = _l("This account has been decided already.")

ACCOUNT = Workflow(
    states=Verification,
    transitions={
        AccountAction.VERIFY: Transition.of(
            [Verification.PENDING],
            Verification.VERIFIED,
            DECIDERS,
            "deputy.verified",
            refusal=ACCOUNT_DECIDED,
        ),
        AccountAction.REJECT: Transition.of(
            [Verification.PENDING],
            Verification.REJECTED,
            DECIDERS,
            "deputy.rejected",
            refusal=ACCOUNT_DECIDED,
        ),
    },
)


class SuggestionAction(enum.StrEnum):
    DRAFT = "draft"
    RETURN = "return"
    APPROVE = "approve"

    @property
    def label(self):
        return SUGGESTION_ACTION_LABELS[self]


SUGGESTION_ACTION_LABELS = {
    SuggestionAction.DRAFT: _l("draft the answer"),
    SuggestionAction.RETURN: _l("return the draft for revision"),
    SuggestionAction.APPROVE: _l("approve and send the answer"),
}


def two_people(suggestion, action, actor) -> None:
    """The approver of an answer, and the leader who returns it, is never its drafter."""
    if action in (SuggestionAction.APPROVE, SuggestionAction.RETURN) and (
        suggestion.drafted_by_id == getattr(actor, "id", None)
    ):
        raise InvalidTransition(
            _l("You drafted this answer, so another leader must approve it."), forbidden=True
        )


SUGGESTION = Workflow(
    states=SuggestionState,
    transitions={
        SuggestionAction.DRAFT: Transition.of(
            [SuggestionState.RECEIVED],
            SuggestionState.AWAITING_APPROVAL,
            DRAFTERS,
            "deputy_suggestion.answer_drafted",
        ),
        SuggestionAction.RETURN: Transition.of(
            [SuggestionState.AWAITING_APPROVAL],
            SuggestionState.RECEIVED,
            APPROVERS,
            "deputy_suggestion.answer_returned",
        ),
        SuggestionAction.APPROVE: Transition.of(
            [SuggestionState.AWAITING_APPROVAL],
            SuggestionState.ANSWERED,
            APPROVERS,
            "deputy_suggestion.answered",
        ),
    },
    guards=(two_people,),
)
