"""The one workflow idiom every stateful thing uses (petitions, bookings, documents, releases,
lawyer accounts, case bindings).

A domain declares, in its own `workflow.py`:

- its states as a `StateEnum` (whose `check_constraint()` is the table's CHECK, so the database
  and the code can never disagree on the list),
- its actions as a `StrEnum` with a `label` (what the refusal messages call the action),
- one `Workflow`: the transition table `{action: Transition(sources, target, actors, code)}`,
  and, where the rule needs more than state and role, guard functions.

Then every state change goes through `Workflow.apply(record, action, actor)`, which checks the
state and the actor against the table (`InvalidTransition`, with a message for the person who
tried, when refused), sets the new state and writes exactly one audit event with the from- and
to-state, in the caller's transaction. Nothing else assigns the state column. The UI offers only
`allowed_actions(record, actor)`, so a button is shown exactly when the action would pass.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from portal.core import audit
from portal.core.database import enum_check
from portal.core.i18n import lazy_gettext as _l


class StateEnum(enum.StrEnum):
    """A state column's values. Subclasses add a translated `label`."""

    @classmethod
    def check_constraint(cls, column: str = "status", *, name: str | None = None):
        """The CHECK constraint that keeps `column` within this enum, for `__table_args__`."""
        return enum_check(column, cls, name=name)


class InvalidTransition(Exception):
    """Refused: the message says why, in words for the person who tried. `forbidden` is true
    when who they are is the reason (HTTP 403), false when the record's state is (409, or a
    message on the form); `field` names the form field the message belongs to, if any."""

    def __init__(self, message, *, forbidden: bool = False, field: str | None = None):
        super().__init__(message)
        self.forbidden = forbidden
        self.field = field


@dataclass(frozen=True)
class Party:
    """Someone who acts without a staff account: the member of the public on their own matter,
    or the system (sweeps, closures). `role` is what transition tables list."""

    role: str
    audit_actor_kind: str
    id: None = None


PETITIONER = Party("petitioner", audit.ACTOR_PETITIONER)
SYSTEM = Party("system", audit.ACTOR_SYSTEM)


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: enum.StrEnum
    actors: frozenset[str]
    audit_code: str
    # What to tell someone who tries it in another state; the workflow's default when None.
    refusal: object = None

    @classmethod
    def of(cls, sources: Iterable, target, actors: Iterable, audit_code: str, *, refusal=None):
        return cls(
            frozenset(sources), target, frozenset(str(a) for a in actors), audit_code, refusal
        )


Guard = Callable[[object, enum.StrEnum, object], None]


def _role_of(_record, actor) -> str | None:
    return getattr(actor, "role", None)


def _default_state_refusal(record, action, state):
    return _l(
        "This is “%(state)s”: you cannot %(action)s it now.", state=state.label, action=action.label
    )


@dataclass
class Workflow:
    """One transition table and its guard. `actor_role(record, actor)` says which of the names
    in a transition's `actors` the actor counts as (by default the account's role; a booking
    asks whether the actor owns it). `guards` run after the state and role checks and raise
    InvalidTransition for rules that need more (e.g. only the assigned handler drafts)."""

    states: type[StateEnum]
    transitions: dict
    state_attr: str = "status"
    actor_role: Callable[[object, object], str | None] = _role_of
    guards: tuple[Guard, ...] = ()
    state_refusal: Callable = _default_state_refusal
    role_refusal: Callable = field(
        default=lambda action: _l("Your role cannot %(action)s.", action=action.label)
    )

    def state_of(self, record) -> StateEnum:
        return self.states(getattr(record, self.state_attr))

    def check(self, record, action, actor) -> Transition:
        """The transition `actor` may take now, or InvalidTransition saying why not."""
        transition = self.transitions[action]
        state = self.state_of(record)
        if state not in transition.sources:
            raise InvalidTransition(transition.refusal or self.state_refusal(record, action, state))
        if actor is None or self.actor_role(record, actor) not in transition.actors:
            raise InvalidTransition(self.role_refusal(action), forbidden=True)
        for guard in self.guards:
            guard(record, action, actor)
        return transition

    def can(self, record, action, actor) -> bool:
        try:
            self.check(record, action, actor)
        except InvalidTransition:
            return False
        return True

    def allowed_actions(self, record, actor) -> list:
        """What the UI may offer this actor on this record, in table order."""
        return [action for action in self.transitions if self.can(record, action, actor)]

    def apply(self, record, action, actor, *, detail: dict | None = None) -> Transition:
        """Check, move to the target state, and write the one audit event of this transition."""
        transition = self.check(record, action, actor)
        from_state = getattr(record, self.state_attr)
        setattr(record, self.state_attr, transition.target.value)
        audit.record(
            transition.audit_code,
            actor=actor,
            subject=record,
            from_state=from_state,
            to_state=transition.target.value,
            detail=detail,
        )
        return transition
