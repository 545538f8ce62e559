"""The booking state machine: which action moves a booking from which state, and who may take it.

    requested ──confirm──▶ confirmed ──check in──▶ checked_in
        │                     └──────no show──────▶ no_show
        ├──cancel (the lawyer, with a reason; or the visitor)────────▶ cancelled
        ├──cancel by closure (the system, when staff close a period)─▶ cancelled
        └──decline (staff, with a reason)────────────────────────────▶ declined
    requested | confirmed ──reschedule (the lawyer)──▶ requested, in the new slot

This is the `portal.core.workflow` idiom: the `TRANSITIONS` table, one `Workflow`, and every
status change through `apply`, which checks the state and the actor against the table (raising
`InvalidTransition`, with a message for the person who tried) and writes the transition's one
audit event. Who an actor counts as on a booking (`actor_role`, the names in the table):

- "staff": intake clerks and handlers (`BOOKING_STAFF`); leaders may look but not act;
- "lawyer": the lawyer who booked it (their account, which `as_actor` wraps in a `Holder`);
  on someone else's booking a lawyer is no one here: refused, 403;
- "visitor": the reception-day visitor who booked it, once the booking code and cancel code
  have proved it (`VISITOR`);
- "system": a closure cancelling the bookings in its period (`core.workflow.SYSTEM`).

The table knows only states and roles. The rules that need the time, the input or the slots (the
change cut-off, a reason to give, a no-show only once the slot started, a free place) are in
services.py, which checks them and then calls `apply`; places are taken and released in slots.py.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from babel.dates import get_day_names
from flask_babel import get_locale

from portal.appointments.models import Booking, BookingState, Service
from portal.core import audit
from portal.core.audit import EventType
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import Role
from portal.core.workflow import SYSTEM, Transition, Workflow


def _weekday(number: str) -> str:
    return get_day_names("wide", locale=get_locale())[int(number)]


def _slot(key: str) -> str:
    """A slot's local start as stored ("2026-11-24T09:00"), as people write it."""
    return key.replace("T", " ")


_HOLDER = r"(?:(?P<holder>visitor)|lawyer:(?P<lawyer>[0-9]+))?(?:; )?"
audit.register_detail_keys(
    ["booking", "appointments"],
    {
        "holder": audit.DetailKey(_l("Booked by"), lambda code: {"visitor": _l("visitor")}[code]),
        "lawyer": audit.DetailKey(_l("Lawyer no.")),
        "slot": audit.DetailKey(_l("Slot"), _slot),
        "place": audit.DetailKey(_l("Place no.")),
        "from": audit.DetailKey(_l("Moved from"), _slot),
        "to": audit.DetailKey(_l("Moved to"), _slot),
        "closure": audit.DetailKey(_l("Closure no.")),
        "cancelled": audit.DetailKey(_l("Appointments cancelled")),
        "service": audit.DetailKey(_l("Service"), lambda code: Service(code).label),
        "weekday": audit.DetailKey(_l("Weekday"), _weekday),
        "hours": audit.DetailKey(_l("Hours")),
        "slot_minutes": audit.DetailKey(_l("Minutes per slot")),
        "capacity": audit.DetailKey(_l("Places per slot")),
        "day": audit.DetailKey(_l("Date")),
        "leader": audit.DetailKey(_l("Leader who receives")),
    },
    legacy={
        "booking.requested": _HOLDER + r"slot (?P<slot>\S+) place (?P<place>[0-9]+)",
        "booking.rescheduled": _HOLDER + r"from (?P<from>\S+) to (?P<to>\S+)",
        "booking.cancelled": _HOLDER + r"(?P<reason>.*)",
        "booking.declined": r"(?P<reason>.+)",
        "booking.cancelled_by_closure": r"closure:(?P<closure>[0-9]+)",
        "appointments.closure_created": r"(?P<cancelled>[0-9]+) booking\(s\) cancelled; (?P<reason>.*)",
        "appointments.hours_added": r"(?P<service>[a-z_]+) weekday (?P<weekday>[0-6]) (?P<hours>.+)",
        "appointments.hours_removed": r"(?P<service>[a-z_]+) weekday (?P<weekday>[0-6]) (?P<hours>.+)",
    },
)
audit.register_event_types(
    {
        "booking.requested": EventType(_l("Appointment requested")),
        "booking.confirmed": EventType(_l("Appointment confirmed")),
        "booking.declined": EventType(_l("Appointment declined")),
        "booking.cancelled": EventType(_l("Appointment cancelled")),
        "booking.cancelled_by_closure": EventType(_l("Appointment cancelled by a closure")),
        "booking.rescheduled": EventType(_l("Appointment moved to another slot")),
        "booking.checked_in": EventType(_l("Visitor checked in")),
        "booking.no_show": EventType(_l("Visitor did not come")),
    }
)

# Staff who run appointments: intake clerks and handlers. Leaders may look, not act.
BOOKING_STAFF = (Role.CLERK, Role.HANDLER)
SCHEDULE_VIEWERS = (Role.CLERK, Role.HANDLER, Role.LEADER)


class ActorRole(enum.StrEnum):
    """The names the table's `actors` use; `actor_role` says which one an actor is."""

    STAFF = "staff"
    LAWYER = "lawyer"  # the lawyer who holds this booking
    VISITOR = "visitor"  # the visitor who holds this reception visit
    SYSTEM = "system"  # core.workflow.SYSTEM: a closure


OPEN_STATES = frozenset({BookingState.REQUESTED, BookingState.CONFIRMED})


class Action(enum.StrEnum):
    CONFIRM = "confirm"
    DECLINE = "decline"
    CHECK_IN = "check_in"
    NO_SHOW = "no_show"
    CANCEL = "cancel"
    CANCEL_BY_CLOSURE = "cancel_by_closure"
    RESCHEDULE = "reschedule"

    @property
    def label(self):
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.CONFIRM: _l("confirm"),
    Action.DECLINE: _l("decline"),
    Action.CHECK_IN: _l("check in"),
    Action.NO_SHOW: _l("record a no-show"),
    Action.CANCEL: _l("cancel"),
    Action.CANCEL_BY_CLOSURE: _l("cancel"),
    Action.RESCHEDULE: _l("move"),
}

TRANSITIONS: dict[Action, Transition] = {
    Action.CONFIRM: Transition.of(
        {BookingState.REQUESTED}, BookingState.CONFIRMED, {ActorRole.STAFF}, "booking.confirmed"
    ),
    Action.DECLINE: Transition.of(
        OPEN_STATES, BookingState.DECLINED, {ActorRole.STAFF}, "booking.declined"
    ),
    Action.CHECK_IN: Transition.of(
        {BookingState.CONFIRMED}, BookingState.CHECKED_IN, {ActorRole.STAFF}, "booking.checked_in"
    ),
    Action.NO_SHOW: Transition.of(
        {BookingState.CONFIRMED}, BookingState.NO_SHOW, {ActorRole.STAFF}, "booking.no_show"
    ),
    Action.CANCEL: Transition.of(
        OPEN_STATES,
        BookingState.CANCELLED,
        {ActorRole.LAWYER, ActorRole.VISITOR},
        "booking.cancelled",
    ),
    Action.CANCEL_BY_CLOSURE: Transition.of(
        OPEN_STATES, BookingState.CANCELLED, {ActorRole.SYSTEM}, "booking.cancelled_by_closure"
    ),
    Action.RESCHEDULE: Transition.of(
        OPEN_STATES, BookingState.REQUESTED, {ActorRole.LAWYER}, "booking.rescheduled"
    ),
}


@dataclass(frozen=True)
class Holder:
    """Someone acting on a booking they hold: the lawyer who booked it (`lawyer_id`), or the
    reception-day visitor (`lawyer_id` None) once the cancel code has proved it. The audit trail
    records them by kind (a lawyer, a member of the public) and names who in the event's detail:
    its actor id is for staff accounts only."""

    lawyer_id: int | None = None
    id: None = None  # never a staff account

    @property
    def audit_actor_kind(self) -> str:
        return audit.ACTOR_LAWYER if self.lawyer_id is not None else audit.ACTOR_PETITIONER


VISITOR = Holder()


def as_actor(person):
    """The actor the table judges: a lawyer's account acts as the holder of their bookings;
    staff accounts, `VISITOR` and `SYSTEM` are themselves."""
    if getattr(person, "is_lawyer", False):
        return Holder(lawyer_id=person.id)
    return person


def actor_role(booking: Booking, actor) -> ActorRole | None:
    if isinstance(actor, Holder):
        if actor.lawyer_id is None:
            return ActorRole.VISITOR if booking.is_reception_visit else None
        return ActorRole.LAWYER if booking.lawyer_id == actor.lawyer_id else None
    if actor is SYSTEM:
        return ActorRole(SYSTEM.role)
    if getattr(actor, "role", None) in BOOKING_STAFF:
        return ActorRole.STAFF
    return None


BOOKINGS = Workflow(
    states=BookingState,
    transitions=TRANSITIONS,
    actor_role=actor_role,
    state_refusal=lambda booking, action, state: _l(
        "This booking is “%(state)s”: it cannot %(action)s now.",
        state=state.label,
        action=action.label,
    ),
    role_refusal=lambda action: _l("You cannot %(action)s this booking.", action=action.label),
)


def check(booking: Booking, action: Action, person) -> Transition:
    """The transition `person` may take now, or InvalidTransition saying why not."""
    return BOOKINGS.check(booking, action, as_actor(person))


def allowed_actions(booking: Booking, person) -> list[Action]:
    """What the pages may offer `person` on this booking (a lawyer's account, staff, ...)."""
    return BOOKINGS.allowed_actions(booking, as_actor(person))


def _detail(booking: Booking, actor, detail: dict | None) -> dict:
    """The holder named with the detail, since the audit row has no id for them."""
    who = {}
    if isinstance(actor, Holder):
        who = {"lawyer": booking.lawyer_id} if booking.lawyer_id else {"holder": "visitor"}
    return {**who, **(detail or {})}


def apply(booking: Booking, action: Action, person, *, detail: dict | None = None) -> Transition:
    """Check, set the new status and write the transition's one audit event."""
    actor = as_actor(person)
    return BOOKINGS.apply(booking, action, actor, detail=_detail(booking, actor, detail))


def record_request(booking: Booking, *, detail: dict) -> None:
    """A booking is born `requested`, by its holder: not a transition (there is no state before
    it), but its audit event is written the same way."""
    holder = Holder(lawyer_id=booking.lawyer_id)
    audit.record(
        "booking.requested",
        actor=holder,
        subject=booking,
        to_state=BookingState.REQUESTED.value,
        detail=_detail(booking, holder, detail),
    )
