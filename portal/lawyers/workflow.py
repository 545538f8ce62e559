"""The two state machines of lawyer services, in the one idiom of portal/core/workflow.py.

A lawyer account's verification (`LawyerAccount.status`, states `models.Verification`):

    pending ──verify (only once the lawyer confirmed the e-mail address)──▶ verified
       └─────reject (with the reason the lawyer reads)────────────────────▶ rejected

A case binding (`CaseBinding.status`, states `models.BindingStatus`):

    requested ──approve──────────────────────────────▶ approved
        └───────reject (with the reason the lawyer reads)──▶ rejected

Intake clerks and handlers decide both (DECIDERS; the back-office routes carry the same roles).
Both end states are final: a rejected lawyer registers again, a rejected binding is asked for
again as a new binding (bindings.request_binding).

Where each kind of rule lives:
- the states and their CHECK constraints: portal/lawyers/models.py;
- which action moves which state, who may take it, its audit code and the refusal message:
  the tables below; rules that need more than state and role: the guards below;
- what happens besides the state (who decided and when, the reason, the e-mail to the lawyer,
  freeing the binding's `active_key`): the services, portal/lawyers/services.py (accounts) and
  portal/lawyers/bindings.py (bindings), which call `ACCOUNT.apply` / `BINDING.apply`.

Creating an account or a binding is not a transition: `register_lawyer` and `request_binding`
write their first state and the "lawyer.registered" / "binding.requested" event themselves.
Every refusal is a `core.workflow.InvalidTransition` with a message for the person who tried.
"""

from __future__ import annotations

import enum

from portal.core import audit
from portal.core.audit import EventType
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition, Transition, Workflow
from portal.lawyers.models import BindingStatus, Verification

audit.register_event_types(
    {
        "lawyer.verified": EventType(_l("Lawyer verified")),
        "lawyer.rejected": EventType(_l("Lawyer not verified")),
        "binding.approved": EventType(_l("Case binding approved")),
        "binding.rejected": EventType(_l("Case binding rejected")),
    }
)

# Who decides on lawyers' accounts and bindings; leaders may look (portal/lawyers/admin.py).
DECIDERS = (Role.CLERK, Role.HANDLER)


def _decision(waiting, outcomes: dict, *, decided, audit_prefix: str, guards=()) -> Workflow:
    """Both machines are one decision by staff: from the `waiting` state each action leads to
    its outcome, and a decided request stays decided. The audit code is the prefix and the
    outcome ("lawyer.verified")."""
    return Workflow(
        states=type(waiting),
        transitions={
            action: Transition.of(
                [waiting], target, DECIDERS, f"{audit_prefix}.{target}", refusal=decided
            )
            for action, target in outcomes.items()
        },
        guards=guards,
    )


# ---- lawyer accounts -------------------------------------------------------------------------


class AccountAction(enum.StrEnum):
    VERIFY = "verify"
    REJECT = "reject"

    @property
    def label(self):
        return (
            _l("verify this lawyer") if self is AccountAction.VERIFY else _l("reject this lawyer")
        )


ACCOUNT_DECIDED = _l("This account has been decided already.")
EMAIL_NOT_CONFIRMED = _l("The lawyer has not confirmed the e-mail address yet; verify after that.")


def _email_confirmed_before_verification(lawyer, action, _actor) -> None:
    """Staff verify only an address the lawyer proved is theirs: the decision is mailed there."""
    if action is AccountAction.VERIFY and lawyer.email_confirmed_at is None:
        raise InvalidTransition(EMAIL_NOT_CONFIRMED)


ACCOUNT = _decision(
    Verification.PENDING,
    {AccountAction.VERIFY: Verification.VERIFIED, AccountAction.REJECT: Verification.REJECTED},
    decided=ACCOUNT_DECIDED,
    audit_prefix="lawyer",
    guards=(_email_confirmed_before_verification,),
)


# ---- case bindings ---------------------------------------------------------------------------


class BindingAction(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"

    @property
    def label(self):
        return (
            _l("approve this binding")
            if self is BindingAction.APPROVE
            else _l("reject this binding")
        )


BINDING_DECIDED = _l("This request has been decided already.")

BINDING = _decision(
    BindingStatus.REQUESTED,
    {BindingAction.APPROVE: BindingStatus.APPROVED, BindingAction.REJECT: BindingStatus.REJECTED},
    decided=BINDING_DECIDED,
    audit_prefix="binding",
)
