"""The booking state machine, and the one place where slots' places are taken and released.

    requested ──confirm──▶ confirmed ──check in──▶ checked_in
        │                     └──────no show──────▶ no_show
        ├──cancel (lawyer or visitor, with a reason; or a closure)──▶ cancelled
        └──decline (staff, with a reason)──────────────────────────▶ declined
    requested | confirmed ──reschedule (lawyer)──▶ requested, in the new slot

**Capacity.** A slot's `booked` counter is changed only here, by one conditional UPDATE
(`SET booked = booked + 1 WHERE id = :slot AND booked < capacity AND closed_at IS NULL`) in the
transaction that inserts or moves the booking; a rowcount of 0 means the slot is full or closed.
On PostgreSQL the UPDATE takes the row lock, and a concurrent one re-checks its WHERE clause
against the committed row when the lock is released; on SQLite the transaction holds the write
lock from BEGIN IMMEDIATE. Either way a slot never holds more than its capacity, however many
requests race for it; a CHECK constraint (booked <= capacity) backs the rule.

**One booking per case, service and day.** `Booking.active_key` is UNIQUE and set only while a
booking holds a place; a parallel duplicate fails on the constraint, not on a check made first.

Functions flush and record one audit event each; the caller commits once.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from portal.appointments import availability
from portal.appointments.availability import SlotTime
from portal.appointments.models import Booking, BookingState, Closure, Place, Service, Slot
from portal.cases import queries as cases_queries
from portal.core import audit, clock, codes, mail
from portal.core.audit import EventType
from portal.core.permissions import Role
from portal.core.urls import public_url
from portal.extensions import db

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
        "appointments.closure_created": EventType(_l("Closure set")),
    }
)

# Staff who run appointments: intake clerks and handlers. Leaders may look, not act.
BOOKING_STAFF = (Role.CLERK, Role.HANDLER)
SCHEDULE_VIEWERS = (Role.CLERK, Role.HANDLER, Role.LEADER)

HELD_STATES = frozenset(s for s in BookingState if s.holds_place)
OPEN_STATES = frozenset({BookingState.REQUESTED, BookingState.CONFIRMED})


class BookingRefused(Exception):
    """Refused: the message says why, for the person who tried. `forbidden` when who they are
    is the reason (HTTP 403), otherwise the state of things is (409 or a form error)."""

    def __init__(self, message, *, field: str | None = None, forbidden: bool = False):
        super().__init__(message)
        self.field = field
        self.forbidden = forbidden


class Action(enum.StrEnum):
    CONFIRM = "confirm"
    DECLINE = "decline"
    CHECK_IN = "check_in"
    NO_SHOW = "no_show"
    CANCEL = "cancel"
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
    Action.RESCHEDULE: _l("move"),
}

STAFF, OWNER, SYSTEM = "staff", "owner", "system"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[BookingState]
    target: BookingState
    actors: frozenset[str]
    audit_code: str


TRANSITIONS: dict[Action, Transition] = {
    Action.CONFIRM: Transition(
        frozenset({BookingState.REQUESTED}),
        BookingState.CONFIRMED,
        frozenset({STAFF}),
        "booking.confirmed",
    ),
    Action.DECLINE: Transition(
        OPEN_STATES, BookingState.DECLINED, frozenset({STAFF}), "booking.declined"
    ),
    Action.CHECK_IN: Transition(
        frozenset({BookingState.CONFIRMED}),
        BookingState.CHECKED_IN,
        frozenset({STAFF}),
        "booking.checked_in",
    ),
    Action.NO_SHOW: Transition(
        frozenset({BookingState.CONFIRMED}),
        BookingState.NO_SHOW,
        frozenset({STAFF}),
        "booking.no_show",
    ),
    Action.CANCEL: Transition(
        OPEN_STATES, BookingState.CANCELLED, frozenset({OWNER, SYSTEM}), "booking.cancelled"
    ),
    Action.RESCHEDULE: Transition(
        OPEN_STATES, BookingState.REQUESTED, frozenset({OWNER}), "booking.rescheduled"
    ),
}


def actor_kind(actor) -> str:
    """STAFF for appointment staff, OWNER for the lawyer who holds the booking (or the visitor,
    passed as OWNER after the code was checked), SYSTEM for None."""
    if actor is None:
        return SYSTEM
    if actor == OWNER:
        return OWNER
    if getattr(actor, "is_lawyer", False):
        return OWNER
    if getattr(actor, "role", None) in BOOKING_STAFF:
        return STAFF
    return "other"


def check(booking: Booking, action: Action, actor) -> Transition:
    transition = TRANSITIONS[action]
    kind = actor_kind(actor)
    if kind not in transition.actors or (
        kind == OWNER and getattr(actor, "is_lawyer", False) and actor.id != booking.lawyer_id
    ):
        raise BookingRefused(
            _l("You cannot %(action)s this booking.", action=action.label), forbidden=True
        )
    if booking.state not in transition.sources:
        raise BookingRefused(
            _l(
                "This booking is “%(state)s”: it cannot %(action)s now.",
                state=booking.state.label,
                action=action.label,
            )
        )
    return transition


def allowed_actions(booking: Booking, actor) -> list[Action]:
    allowed = []
    for action in TRANSITIONS:
        try:
            check(booking, action, actor)
        except BookingRefused:
            continue
        allowed.append(action)
    return allowed


def _apply(booking: Booking, action: Action, actor, *, detail: str | None = None, code=None):
    transition = check(booking, action, actor)
    from_state = booking.status
    booking.status = transition.target.value
    _audit(code or transition.audit_code, booking, actor, from_state, transition.target, detail)
    return transition


def _public_actor_kind(booking) -> str:
    """A lawyer acts on their own booking; a reception-day visitor is a member of the public."""
    return audit.ACTOR_LAWYER if booking.lawyer_id else audit.ACTOR_PETITIONER


def _audit(code, booking, actor, from_state, to_state, detail=None):
    kind = actor_kind(actor)
    who = None
    if kind == OWNER:
        who = f"lawyer:{booking.lawyer_id}" if booking.lawyer_id else "visitor"
    audit.record(
        code,
        actor=actor if kind == STAFF else None,
        actor_kind=audit.ACTOR_STAFF
        if kind == STAFF
        else _public_actor_kind(booking)
        if kind == OWNER
        else audit.ACTOR_SYSTEM,
        subject=booking,
        from_state=from_state,
        to_state=to_state,
        detail="; ".join(part for part in (who, detail) if part) or None,
    )


# ---- the slot counter ------------------------------------------------------------------------


def _insert(table):
    return (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(table)


def slot_row(slot: SlotTime) -> int:
    """The id of the Slot row for `slot`, written now if it is the slot's first booking or
    closure. Safe under concurrency: INSERT ... ON CONFLICT DO NOTHING, then read."""
    db.session.execute(
        _insert(Slot)
        .values(
            place_id=slot.place_id,
            service=slot.service,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            capacity=slot.capacity,
            booked=0,
        )
        .on_conflict_do_nothing(index_elements=["place_id", "service", "starts_at"])
    )
    return db.session.execute(
        sa.select(Slot.id).where(
            Slot.place_id == slot.place_id,
            Slot.service == slot.service,
            Slot.starts_at == slot.starts_at,
        )
    ).scalar_one()


def take_place(slot_id: int) -> None:
    """Take one place in the slot, or raise BookingRefused when it is full or closed."""
    result = db.session.execute(
        sa.update(Slot)
        .where(Slot.id == slot_id, Slot.booked < Slot.capacity, Slot.closed_at.is_(None))
        .values(booked=Slot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        closed = db.session.scalar(sa.select(Slot.closed_at).where(Slot.id == slot_id))
        if closed is not None:
            raise BookingRefused(_l("This slot is closed. Choose another one."), field="slot")
        raise BookingRefused(_l("This slot has just been taken. Choose another one."), field="slot")


def release_place(slot_id: int) -> None:
    db.session.execute(
        sa.update(Slot)
        .where(Slot.id == slot_id, Slot.booked > 0)
        .values(booked=Slot.booked - 1)
        .execution_options(synchronize_session=False)
    )


# ---- making a booking ------------------------------------------------------------------------


def _key_hash(submission_key: str) -> str:
    return hashlib.sha256(submission_key.encode()).hexdigest()


def find_by_submission_key(submission_key: str) -> Booking | None:
    return db.session.scalar(
        sa.select(Booking).where(Booking.submission_key_hash == _key_hash(submission_key))
    )


def new_reference() -> str:
    return "YY-" + codes.format_code(codes.new_code(8))


def resolve_slot(place_id: int, service: Service | str, starts_at: datetime | None) -> SlotTime:
    """The offered, bookable-now slot, or BookingRefused saying what is wrong with it."""
    service = Service(service)
    if starts_at is None:
        raise BookingRefused(_l("Choose a free slot in the calendar."), field="slot")
    place = db.session.get(Place, place_id) if place_id else None
    if place is None or not place.is_active:
        raise BookingRefused(_l("Choose a place."), field="place")
    window = availability.Window.now()
    if starts_at < clock.now():
        raise BookingRefused(_l("This slot is in the past. Choose a later one."), field="slot")
    slot = availability.find_slot(place.id, service, starts_at)
    if slot is None:
        raise BookingRefused(
            _l(
                "We do not receive at this time on that day (it may be a holiday). Choose a "
                "free slot in the calendar."
            ),
            field="slot",
        )
    if slot.starts_at < window.earliest:
        raise BookingRefused(
            _l(
                "Book at least %(n)s minutes before the slot starts. Choose a later one.",
                n=current_app.config["BOOKING_MIN_NOTICE_MINUTES"],
            ),
            field="slot",
        )
    if clock.local_date(slot.starts_at) > window.last_day:
        raise BookingRefused(
            _l(
                "Slots can be booked at most %(n)s days ahead. Choose an earlier one.",
                n=current_app.config["BOOKING_HORIZON_DAYS"],
            ),
            field="slot",
        )
    if availability.is_closed(
        slot, availability.closures_over(place.id, service, slot.starts_at, slot.ends_at)
    ):
        raise BookingRefused(_l("This slot is closed. Choose another one."), field="slot")
    return slot


def lawyer_key(lawyer_id: int, case_number: str, service: str, slot: SlotTime) -> str:
    return f"L{lawyer_id}|{service}|{clock.local_date(slot.starts_at).isoformat()}|{case_number}"


def visitor_key(mobile: str, slot: SlotTime) -> str:
    return f"V|{clock.local_date(slot.starts_at).isoformat()}|{mobile}"


def _holder_conflict(active_key: str, excluding: int | None = None) -> bool:
    query = sa.select(Booking.id).where(Booking.active_key == active_key)
    if excluding is not None:
        query = query.where(Booking.id != excluding)
    return db.session.scalar(query) is not None


DUPLICATE_LAWYER = _l(
    "You already have a booking for this case and service on that day. Change that booking "
    "instead, or choose another day."
)
DUPLICATE_VISITOR = _l("This mobile number already has a reception-day visit on that day.")


def _insert_booking(booking: Booking, slot: SlotTime, duplicate_message) -> Booking:
    """Take the place and insert the booking in one savepoint: both happen or neither."""
    slot_id = slot_row(slot)
    booking.slot_id = slot_id
    try:
        with db.session.begin_nested():
            take_place(slot_id)
            db.session.add(booking)
            db.session.flush()
    except IntegrityError:
        earlier = find_by_submission_key_hash(booking.submission_key_hash)
        if earlier is not None:
            return earlier  # the same form posted in parallel: the other request booked it
        raise BookingRefused(duplicate_message, field="slot") from None
    _audit(
        "booking.requested",
        booking,
        OWNER,
        None,
        BookingState.REQUESTED,
        detail=f"slot {slot.key} place {slot.place_id}",
    )
    return booking


def find_by_submission_key_hash(key_hash: str) -> Booking | None:
    return db.session.scalar(sa.select(Booking).where(Booking.submission_key_hash == key_hash))


def book_for_lawyer(
    lawyer,
    *,
    place_id: int,
    service: Service | str,
    starts_at: datetime | None,
    case_number: str,
    note: str | None,
    submission_key: str,
) -> Booking:
    """A verified lawyer books a slot. Returns the earlier booking when the same form was
    submitted before. Raises BookingRefused (with the form field it concerns)."""
    earlier = find_by_submission_key(submission_key)
    if earlier is not None:
        if earlier.lawyer_id != getattr(lawyer, "id", None):
            raise BookingRefused(_l("This form was used by another account."), forbidden=True)
        return earlier
    if not getattr(lawyer, "is_lawyer", False) or not lawyer.is_verified:
        raise BookingRefused(
            _l("Only lawyers whom our staff have verified can book."), forbidden=True
        )
    service = Service(service)
    if not service.is_for_lawyers:
        raise BookingRefused(_l("Choose a lawyer service."), field="service")
    slot = resolve_slot(place_id, service, starts_at)
    key = lawyer_key(lawyer.id, case_number, service, slot)
    if _holder_conflict(key):
        raise BookingRefused(DUPLICATE_LAWYER, field="slot")
    case = cases_queries.find_case(case_number)
    case_id = case.id if case is not None else None
    booking = Booking(
        reference=new_reference(),
        submission_key_hash=_key_hash(submission_key),
        service=service.value,
        status=BookingState.REQUESTED.value,
        lawyer_id=lawyer.id,
        case_number=case_number,
        case_id=case_id,
        active_key=key,
        note=(note or "").strip() or None,
        created_at=clock.now(),
    )
    return _insert_booking(booking, slot, DUPLICATE_LAWYER)


# ---- reception day ---------------------------------------------------------------------------


def cancel_code_for(submission_key: str) -> str:
    """The visitor's cancel code, derived from the form's one-time key with the app's secret,
    so a repeated post of the same form shows the same code; only its hash is stored."""
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(),
        b"reception-cancel:" + submission_key.encode(),
        hashlib.sha256,
    ).digest()
    return codes.code_from_int(int.from_bytes(digest, "big"))


@dataclass(frozen=True)
class VisitReceipt:
    booking: Booking
    cancel_code: str
    is_repeat: bool


def book_reception_visit(
    *,
    place_id: int,
    starts_at: datetime | None,
    name: str,
    mobile: str,
    subject: str,
    submission_key: str,
) -> VisitReceipt:
    """A citizen reserves a reception-day visit without an account."""
    code = cancel_code_for(submission_key)
    code_hash = codes.hasher.hash(code)  # slow on purpose: before the first query takes the lock
    earlier = find_by_submission_key(submission_key)
    if earlier is not None:
        return VisitReceipt(earlier, code, is_repeat=True)
    slot = resolve_slot(place_id, Service.RECEPTION_DAY, starts_at)
    key = visitor_key(mobile, slot)
    if _holder_conflict(key):
        raise BookingRefused(DUPLICATE_VISITOR, field="slot")
    booking = Booking(
        reference=new_reference(),
        submission_key_hash=_key_hash(submission_key),
        service=Service.RECEPTION_DAY.value,
        status=BookingState.REQUESTED.value,
        visitor_name=name.strip(),
        visitor_mobile=mobile,
        subject=subject.strip(),
        cancel_code_hash=code_hash,
        active_key=key,
        created_at=clock.now(),
    )
    stored = _insert_booking(booking, slot, DUPLICATE_VISITOR)
    return VisitReceipt(stored, code, is_repeat=stored is not booking)


def find_visit_for_cancel(reference: str, code: str) -> Booking | None:
    """The reception visit for a matching reference and cancel code, else None (the same answer
    for an unknown reference); failures count towards the lookup lock (portal.core.lookups)."""
    from portal.core.lookups import guarded_lookup

    reference = normalise_reference(reference)

    def attempt():
        booking = db.session.scalar(
            sa.select(Booking).where(
                Booking.reference == reference, Booking.service == Service.RECEPTION_DAY
            )
        )
        stored_hash = booking.cancel_code_hash if booking is not None else codes.DUMMY_HASH
        matches = codes.code_matches(stored_hash, codes.normalise_code(code))
        return booking if booking is not None and matches else None

    return guarded_lookup("reception_visit", reference, attempt)


def normalise_reference(typed: str) -> str:
    raw = codes.normalise_code(typed)
    raw = raw.removeprefix("YY")
    return "YY-" + codes.format_code(raw) if raw else ""


# ---- changes ---------------------------------------------------------------------------------


def _require_before_cutoff(booking: Booking) -> None:
    hours = current_app.config["BOOKING_CHANGE_CUTOFF_HOURS"]
    if clock.now() > clock.as_utc(booking.slot.starts_at) - timedelta(hours=hours):
        raise BookingRefused(
            _l(
                "Bookings can be changed or cancelled online until %(n)s hours before the slot. "
                "Call us if you cannot come.",
                n=hours,
            )
        )


def cancel(booking: Booking, actor, *, reason: str) -> None:
    """The lawyer (before the cut-off) or the visitor (until the slot starts) cancels."""
    reason = (reason or "").strip()
    is_visitor = actor == OWNER and booking.is_reception_visit
    if not reason and not is_visitor:
        raise BookingRefused(_l("Give the reason for cancelling."), field="reason")
    check(booking, Action.CANCEL, actor)
    if is_visitor:
        if clock.now() >= clock.as_utc(booking.slot.starts_at):
            raise BookingRefused(_l("This visit has already started or passed."))
    else:
        _require_before_cutoff(booking)
    _release(booking)
    booking.cancelled_at, booking.cancelled_by = clock.now(), "visitor" if is_visitor else "lawyer"
    booking.cancel_reason = reason
    _apply(booking, Action.CANCEL, actor, detail=reason or None)


def _release(booking: Booking) -> None:
    release_place(booking.slot_id)
    booking.active_key = None


def reschedule(booking: Booking, actor, *, starts_at: datetime | None) -> None:
    """Move the booking to another slot of the same place and service, in one transaction: the
    new place is taken first (so a full slot leaves the booking where it was), then the old one
    is released. The moved booking waits for staff confirmation again."""
    check(booking, Action.RESCHEDULE, actor)
    _require_before_cutoff(booking)
    old_slot = booking.slot
    slot = resolve_slot(old_slot.place_id, booking.service, starts_at)
    if slot.starts_at == clock.as_utc(old_slot.starts_at):
        raise BookingRefused(_l("Choose a slot other than the one you have."), field="slot")
    key = lawyer_key(booking.lawyer_id, booking.case_number, booking.service, slot)
    if _holder_conflict(key, excluding=booking.id):
        raise BookingRefused(DUPLICATE_LAWYER, field="slot")
    new_slot_id = slot_row(slot)
    old_key, old_id = booking.active_key, booking.slot_id
    try:
        with db.session.begin_nested():
            take_place(new_slot_id)
            release_place(old_id)
            booking.slot_id, booking.active_key = new_slot_id, key
            booking.rescheduled_at = clock.now()
            booking.confirmed_at = booking.confirmed_by_id = None
            db.session.flush()
    except IntegrityError:
        booking.slot_id, booking.active_key = old_id, old_key
        raise BookingRefused(DUPLICATE_LAWYER, field="slot") from None
    db.session.refresh(booking, ["slot"])
    _apply(
        booking,
        Action.RESCHEDULE,
        actor,
        detail=f"from {format_key(old_slot)} to {slot.key}",
    )


def format_key(slot: Slot) -> str:
    return clock.as_utc(slot.starts_at).astimezone(clock.zone()).strftime("%Y-%m-%dT%H:%M")


def confirm(booking: Booking, staff) -> None:
    _apply(booking, Action.CONFIRM, staff)
    booking.confirmed_at, booking.confirmed_by_id = clock.now(), staff.id
    _tell_lawyer(booking)


def decline(booking: Booking, staff, *, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise BookingRefused(_l("Give the reason the lawyer or visitor will read."), field="reason")
    check(booking, Action.DECLINE, staff)
    _release(booking)
    booking.declined_at, booking.declined_by_id, booking.decline_reason = (
        clock.now(),
        staff.id,
        reason,
    )
    _apply(booking, Action.DECLINE, staff, detail=reason)
    _tell_lawyer(booking)


def check_in(booking: Booking, staff) -> None:
    _apply(booking, Action.CHECK_IN, staff)
    booking.checked_in_at, booking.checked_in_by_id = clock.now(), staff.id


def record_no_show(booking: Booking, staff) -> None:
    if clock.now() < clock.as_utc(booking.slot.starts_at):
        raise BookingRefused(_l("The slot has not started yet."))
    _apply(booking, Action.NO_SHOW, staff)
    booking.no_show_at, booking.no_show_by_id = clock.now(), staff.id


# ---- closures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosureResult:
    closure: Closure
    cancelled: list[Booking]

    @property
    def visitors_to_call(self) -> list[Booking]:
        """Reception-day visitors leave a mobile, not an e-mail: staff call them."""
        return [b for b in self.cancelled if b.is_reception_visit]


def close(
    staff,
    *,
    place_id: int | None,
    service: Service | str | None,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
) -> ClosureResult:
    """Close a period: no slot in it is offered, every booking in it is cancelled with the
    reason, and each lawyer who booked is e-mailed (through the outbox, in this transaction).

    The slot rows of the period are marked closed with one UPDATE, which serialises with any
    booking racing for the same slots (see the module docstring), and only then are the
    bookings read: none can slip in between.
    """
    reason = (reason or "").strip()
    if not reason:
        raise BookingRefused(_l("Give the reason the people who booked will read."), field="reason")
    if ends_at <= starts_at:
        raise BookingRefused(_l("The closure must end after it starts."), field="day_to")
    service = Service(service).value if service else None
    closure = Closure(
        place_id=place_id or None,
        service=service,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        created_at=clock.now(),
        created_by_id=staff.id,
    )
    db.session.add(closure)
    db.session.flush()
    # Materialise the offered slots of the period, so that marking them closed covers them.
    day, last = clock.local_date(starts_at), clock.local_date(ends_at - timedelta(seconds=1))
    calendar = availability.load_calendar(day, days=(last - day).days + 1)
    hours = availability.hours_for(place_id or None, service)
    while day <= last:
        for slot in availability.slots_on(day, calendar, hours, place_id or None, service):
            if slot.starts_at < ends_at and slot.ends_at > starts_at:
                slot_row(slot)
        day += timedelta(days=1)
    in_period = [Slot.starts_at < ends_at, Slot.ends_at > starts_at, Slot.closed_at.is_(None)]
    if place_id:
        in_period.append(Slot.place_id == place_id)
    if service:
        in_period.append(Slot.service == service)
    db.session.execute(
        sa.update(Slot)
        .where(*in_period)
        .values(closed_at=clock.now(), closure_id=closure.id)
        .execution_options(synchronize_session=False)
    )
    affected = db.session.scalars(
        sa.select(Booking)
        .join(Slot, Booking.slot_id == Slot.id)
        .where(
            Slot.closure_id == closure.id,
            Booking.status.in_([s.value for s in OPEN_STATES]),
        )
        .order_by(Slot.starts_at, Booking.id)
    ).all()
    audit.record(
        "appointments.closure_created",
        actor=staff,
        subject=closure,
        detail=f"{len(affected)} booking(s) cancelled; {reason}",
    )
    for booking in affected:
        # The slot is closed; its counter still drops, so the day's figures stay true.
        release_place(booking.slot_id)
        booking.cancelled_at, booking.cancelled_by = clock.now(), "closure"
        booking.cancel_reason, booking.closure_id = reason, closure.id
        booking.active_key = None
        _apply(
            booking,
            Action.CANCEL,
            None,
            code="booking.cancelled_by_closure",
            detail=f"closure:{closure.id}",
        )
        _tell_lawyer(booking)
    db.session.flush()
    return ClosureResult(closure, affected)


# ---- telling the lawyer ----------------------------------------------------------------------


def _tell_lawyer(booking: Booking) -> None:
    """E-mail the lawyer when staff decide or a closure cancels (visitors have no e-mail)."""
    if booking.lawyer is None:
        return
    config = current_app.config
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        when = format_datetime(clock.as_utc(booking.slot.starts_at), "medium")
        values = {
            "name": booking.lawyer.name,
            "reference": booking.reference,
            "service": Service(booking.service).label,
            "when": when,
            "url": public_url("appointments.show_booking", booking_id=booking.id),
        }
        state = booking.state
        if state is BookingState.CONFIRMED:
            subject = _("Appointment %(reference)s confirmed", reference=booking.reference)
            body = _(
                "Dear %(name)s,\n\nyour appointment %(reference)s (%(service)s, %(when)s) is "
                "confirmed. Bring your practising certificate.\n\nDetails: %(url)s\n",
                **values,
            )
        elif state is BookingState.DECLINED:
            subject = _("Appointment %(reference)s declined", reference=booking.reference)
            body = _(
                "Dear %(name)s,\n\nyour appointment %(reference)s (%(service)s, %(when)s) was "
                "declined, for this reason:\n\n%(reason)s\n\nDetails: %(url)s\n",
                reason=booking.decline_reason,
                **values,
            )
        else:
            subject = _("Appointment %(reference)s cancelled", reference=booking.reference)
            body = _(
                "Dear %(name)s,\n\nyour appointment %(reference)s (%(service)s, %(when)s) is "
                "cancelled because we cannot receive you then:\n\n%(reason)s\n\nPlease book "
                "another slot: %(url)s\n",
                reason=booking.cancel_reason,
                **values,
            )
    mail.enqueue(booking.lawyer.email, subject, body)
