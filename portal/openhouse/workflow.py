"""The state machines of the open procuratorate, in the one idiom of portal/core/workflow.py.

An open day or a hearing (GATHERING):

    announced ──allocate (the draw, or all confirmed)──▶ allocated
        │  └─────────────conclude (a hearing's outcome published)──────────┐
        │                      allocated ──conclude──────────────────────▶ concluded
        └──cancel (with the reason registrants read)──▶ cancelled ◀──cancel── allocated

A registration (REGISTRATION):

    applied ──confirm (drawn, first come, or all fit)──▶ confirmed
       ├─────pass over (not drawn)──▶ not_drawn
       └─────withdraw (the registrant) / cancel with the gathering──▶ cancelled ◀── confirmed

Who organises: publishers (ORGANISERS). Open days and hearing notices are announcements to the
public, the publisher's work beside releases and documents, and the publisher is who checks
visitors in at the door, so the one role that needs registrants' names and mobiles. Leaders
read the gatherings and the draw's result without the personal data (READERS); administrators
run accounts and the system, not events, and never need a list of visitors.
"""

from __future__ import annotations

import enum

from portal.core import audit, clock
from portal.core.audit import EventType
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import Role
from portal.core.workflow import PETITIONER, InvalidTransition, Transition, Workflow
from portal.openhouse import rules
from portal.openhouse.models import GatheringState, RegistrationState

audit.register_event_types(
    {
        "openhouse_gathering.announced": EventType(_l("Open day or hearing announced")),
        "openhouse_gathering.changed": EventType(_l("Open day or hearing changed")),
        "openhouse_gathering.allocated": EventType(_l("Places allocated")),
        "openhouse_gathering.concluded": EventType(_l("Hearing outcome published")),
        "openhouse_gathering.cancelled": EventType(_l("Open day or hearing cancelled")),
        "openhouse_gathering.exported": EventType(_l("Registrations exported")),
        "openhouse_registration.received": EventType(_l("Registration received"), public=True),
        "openhouse_registration.confirmed": EventType(_l("Place confirmed"), public=True),
        "openhouse_registration.not_drawn": EventType(_l("Not drawn"), public=True),
        "openhouse_registration.withdrawn": EventType(
            _l("Registration cancelled by the registrant"), public=True
        ),
        "openhouse_registration.cancelled": EventType(
            _l("Registration cancelled with the open day or hearing"), public=True
        ),
        "openhouse_registration.viewed": EventType(_l("Registration looked up by the registrant")),
        "openhouse_registration.already_registered": EventType(
            _l("A second registration with the same mobile refused")
        ),
    }
)
audit.register_subject_kinds(
    {
        "openhouse_gathering": audit.SubjectKind(_l("Open day or hearing"), GatheringState),
        "openhouse_registration": audit.SubjectKind(
            _l("Open day or hearing registration"), RegistrationState
        ),
    }
)

# Who announces, edits, cancels, draws, publishes outcomes and exports the lists (see above).
ORGANISERS = (Role.PUBLISHER,)
# Who may read the gatherings and the result of the draw, without personal data.
READERS = (Role.PUBLISHER, Role.LEADER)
# Who sees and exports registrants' names and mobiles: those who check visitors in.
PERSONAL_DATA_ROLES = ORGANISERS


def sees_personal_data(user) -> bool:
    return getattr(user, "role", None) in PERSONAL_DATA_ROLES


class GatheringAction(enum.StrEnum):
    ALLOCATE = "allocate"
    CONCLUDE = "conclude"
    CANCEL = "cancel"

    @property
    def label(self):
        return {
            GatheringAction.ALLOCATE: _l("allocate the places of"),
            GatheringAction.CONCLUDE: _l("publish the outcome of"),
            GatheringAction.CANCEL: _l("cancel"),
        }[self]


def _hearing_held(gathering, action, _actor) -> None:
    """Only a hearing has an outcome, and only once it has begun."""
    if action is GatheringAction.CONCLUDE:
        if not gathering.is_hearing:
            raise InvalidTransition(_l("Only a hearing has an outcome to publish."))
        if not rules.has_started(gathering, clock.now()):
            raise InvalidTransition(
                _l("Publish the outcome once the hearing has been held."), field="outcome"
            )


def _registration_closed(gathering, action, _actor) -> None:
    """The draw runs on the whole list: never while people may still register."""
    if action is GatheringAction.ALLOCATE and rules.is_registration_open(gathering, clock.now()):
        raise InvalidTransition(
            _l("Registration is still open: allocate the places once it has closed.")
        )


OVER = _l("This has been cancelled or held already.")

GATHERING = Workflow(
    states=GatheringState,
    transitions={
        GatheringAction.ALLOCATE: Transition.of(
            [GatheringState.ANNOUNCED],
            GatheringState.ALLOCATED,
            ORGANISERS,
            "openhouse_gathering.allocated",
            refusal=_l("The places have been allocated already, or this is over."),
        ),
        GatheringAction.CONCLUDE: Transition.of(
            [GatheringState.ANNOUNCED, GatheringState.ALLOCATED],
            GatheringState.CONCLUDED,
            ORGANISERS,
            "openhouse_gathering.concluded",
            refusal=OVER,
        ),
        GatheringAction.CANCEL: Transition.of(
            [GatheringState.ANNOUNCED, GatheringState.ALLOCATED],
            GatheringState.CANCELLED,
            ORGANISERS,
            "openhouse_gathering.cancelled",
            refusal=OVER,
        ),
    },
    guards=(_hearing_held, _registration_closed),
)


class RegistrationAction(enum.StrEnum):
    CONFIRM = "confirm"
    DECLINE_UNDRAWN = "not_drawn"
    WITHDRAW = "withdraw"
    CANCEL = "cancel"

    @property
    def label(self):
        return {
            RegistrationAction.CONFIRM: _l("confirm"),
            RegistrationAction.DECLINE_UNDRAWN: _l("mark as not drawn"),
            RegistrationAction.WITHDRAW: _l("cancel"),
            RegistrationAction.CANCEL: _l("cancel"),
        }[self]


ACTIVE = [RegistrationState.APPLIED, RegistrationState.CONFIRMED]

REGISTRATION = Workflow(
    states=RegistrationState,
    transitions={
        # The draw confirms (an organiser); first come confirms at once (the registrant).
        RegistrationAction.CONFIRM: Transition.of(
            [RegistrationState.APPLIED],
            RegistrationState.CONFIRMED,
            [*ORGANISERS, PETITIONER.role],
            "openhouse_registration.confirmed",
        ),
        RegistrationAction.DECLINE_UNDRAWN: Transition.of(
            [RegistrationState.APPLIED],
            RegistrationState.NOT_DRAWN,
            ORGANISERS,
            "openhouse_registration.not_drawn",
        ),
        RegistrationAction.WITHDRAW: Transition.of(
            ACTIVE,
            RegistrationState.CANCELLED,
            [PETITIONER.role],
            "openhouse_registration.withdrawn",
            refusal=_l("This registration holds no place to cancel."),
        ),
        RegistrationAction.CANCEL: Transition.of(
            ACTIVE,
            RegistrationState.CANCELLED,
            ORGANISERS,
            "openhouse_registration.cancelled",
        ),
    },
)
