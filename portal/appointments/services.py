"""The rules of appointments: booking (lawyers, reception-day visitors), cancelling, moving,
staff decisions (confirm, decline, check in, no-show), closures, and the places and opening
hours administrators set up.

Each function checks the rules that need more than a booking's state and the actor's role (the
booking window, the change cut-off, a reason to give, one booking per case, service and day,
one lawyer in one appointment at a time),
then changes the records: a status only through `workflow.apply` (the transition table, one
audit event per transition), a slot's places only through slots.py (the capacity argument is
there). Functions flush and write their audit events; the view commits once, so a change and
its audit row succeed or fail together.

Refusals raise `core.workflow.InvalidTransition`, the exception the transition table raises
too, so a view catches one thing: its message is for the person who tried, `field` names the
form field it belongs to, and `forbidden` is true when who they are is the reason (403).

Elsewhere: the state machine in workflow.py, slot computation and the booking window's settings
in availability.py, the lawyer's e-mails in notices.py, read-side lists in queries.py.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from portal.appointments import availability, notices, queries, slots, workflow
from portal.appointments.availability import SlotTime
from portal.appointments.models import (
    Booking,
    BookingState,
    Closure,
    OpeningHours,
    Place,
    ReceptionRotaDay,
    Service,
    Slot,
)
from portal.appointments.workflow import Action
from portal.cases import queries as cases_queries
from portal.core import audit, clock, codes, i18n
from portal.core.audit import EventType
from portal.core.forms import submission_key_hash
from portal.core.i18n import lazy_gettext as _l
from portal.core.lookups import guarded_lookup
from portal.core.workflow import SYSTEM, InvalidTransition
from portal.extensions import db

audit.register_subject_kinds(
    {
        "place": audit.SubjectKind(_l("Reception place")),
        "closure": audit.SubjectKind(_l("Closure")),
        "rota_day": audit.SubjectKind(_l("Reception day")),
        "booking": audit.SubjectKind(_l("Booking"), BookingState),
    }
)
audit.register_event_types(
    {
        "appointments.closure_created": EventType(_l("Closure set")),
        "appointments.place_saved": EventType(_l("Appointment place saved")),
        "appointments.hours_added": EventType(_l("Opening hours added")),
        "appointments.hours_removed": EventType(_l("Opening hours removed")),
        "appointments.rota_day_published": EventType(_l("Reception day published")),
        "appointments.rota_day_cancelled": EventType(_l("Reception day cancelled")),
    }
)

DUPLICATE_LAWYER = _l(
    "You already have a booking for this case and service on that day. Change that booking "
    "instead, or choose another day."
)
DUPLICATE_VISITOR = _l("This mobile number already has a reception-day visit on that day.")


# ---- which slot ------------------------------------------------------------------------------


def resolve_slot(place_id: int | None, service: Service | str, starts_at: datetime | None):
    """The offered, bookable-now slot, or InvalidTransition saying what is wrong with it: the
    place, the opening hours and the calendar, the minimum notice, the horizon, a closure.
    (Whether a place is still free is decided by the UPDATE in slots.take_place.)"""
    service = Service(service)
    if starts_at is None:
        raise InvalidTransition(_l("Choose a free slot in the calendar."), field="slot")
    place = queries.get_place(place_id) if place_id else None
    if place is None or not place.is_active:
        raise InvalidTransition(_l("Choose a place."), field="place")
    window = availability.Window.now()
    if starts_at < clock.now():
        raise InvalidTransition(_l("This slot is in the past. Choose a later one."), field="slot")
    slot = availability.find_slot(place.id, service, starts_at)
    if slot is None:
        raise InvalidTransition(
            _l(
                "We do not receive at this time on that day (it may be a holiday). Choose a "
                "free slot in the calendar."
            ),
            field="slot",
        )
    if slot.starts_at < window.earliest:
        raise InvalidTransition(
            _l(
                "Book at least %(n)s minutes before the slot starts. Choose a later one.",
                n=current_app.config["BOOKING_MIN_NOTICE_MINUTES"],
            ),
            field="slot",
        )
    if clock.local_date(slot.starts_at) > window.last_day:
        raise InvalidTransition(
            _l(
                "Slots can be booked at most %(n)s days ahead. Choose an earlier one.",
                n=current_app.config["BOOKING_HORIZON_DAYS"],
            ),
            field="slot",
        )
    if availability.is_closed(
        slot, availability.closures_over(place.id, service, slot.starts_at, slot.ends_at)
    ):
        raise InvalidTransition(_l("This slot is closed. Choose another one."), field="slot")
    return slot


def lawyer_key(lawyer_id: int, case_number: str, service: str, slot: SlotTime) -> str:
    """The `active_key` of a lawyer's booking: one per lawyer, case, service and local day."""
    return f"L{lawyer_id}|{service}|{clock.local_date(slot.starts_at).isoformat()}|{case_number}"


def visitor_key(mobile: str, slot: SlotTime) -> str:
    """The `active_key` of a reception visit: one per mobile number and local day."""
    return f"V|{clock.local_date(slot.starts_at).isoformat()}|{mobile}"


def new_reference() -> str:
    return "YY-" + codes.format_code(codes.new_code(8))


def normalise_reference(typed: str) -> str:
    raw = codes.normalise_code(typed)
    raw = raw.removeprefix("YY")
    return "YY-" + codes.format_code(raw) if raw else ""


def format_key(slot) -> str:
    """A slot row's local start as the key a form posts, e.g. "2026-11-24T09:00"."""
    return clock.as_utc(slot.starts_at).astimezone(clock.zone()).strftime("%Y-%m-%dT%H:%M")


# ---- booking ---------------------------------------------------------------------------------


def _hold(booking: Booking, slot: SlotTime, duplicate_message) -> Booking:
    """Take the place and write the booking (slots.hold); a new booking's first audit event."""
    stored = slots.hold(booking, slot, duplicate_message)
    if stored is booking:
        workflow.record_request(booking, detail={"slot": slot.key, "place": slot.place_id})
    return stored


def book_for_lawyer(
    lawyer,
    *,
    place_id: int | None,
    service: Service | str,
    starts_at: datetime | None,
    case_number: str,
    note: str | None,
    submission_key: str,
    accepts_late_change: bool = False,
) -> Booking:
    """A verified lawyer books a slot. Returns the earlier booking when the same form was
    submitted before. Raises InvalidTransition (with the form field it concerns); a slot inside
    the online change cut-off only with `accepts_late_change` (see `require_late_acceptance`)."""
    if getattr(lawyer, "is_lawyer", False):
        _lock_lawyer(lawyer.id)  # first: the checks below then see every earlier booking
    earlier = queries.booking_by_submission_key(submission_key)
    if earlier is not None:
        if earlier.lawyer_id != getattr(lawyer, "id", None):
            raise InvalidTransition(_l("This form was used by another account."), forbidden=True)
        return earlier
    if not getattr(lawyer, "is_lawyer", False) or not lawyer.is_verified:
        raise InvalidTransition(
            _l("Only lawyers whom our staff have verified can book."), forbidden=True
        )
    service = Service(service)
    if not service.is_for_lawyers:
        raise InvalidTransition(_l("Choose a lawyer service."), field="service")
    slot = resolve_slot(place_id, service, starts_at)
    require_late_acceptance(slot, accepts_late_change)
    key = lawyer_key(lawyer.id, case_number, service, slot)
    if queries.is_active_key_held(key):
        raise InvalidTransition(DUPLICATE_LAWYER, field="slot")
    _refuse_overlap(lawyer.id, slot)
    case = cases_queries.find_case(case_number)
    booking = Booking(
        reference=new_reference(),
        submission_key_hash=submission_key_hash(submission_key),
        service=service.value,
        status=BookingState.REQUESTED.value,
        lawyer_id=lawyer.id,
        case_number=case_number,
        case_id=case.id if case is not None else None,
        active_key=key,
        note=(note or "").strip() or None,
        created_at=clock.now(),
    )
    return _hold(booking, slot, DUPLICATE_LAWYER)


# ---- one lawyer, one appointment at a time ----------------------------------------------------
#
# Two bookings of the same lawyer whose times overlap are refused, whatever their services and
# places: a lawyer cannot read a file in one office while meeting a prosecutor in another.
# Checked on booking and on moving a booking. A check followed by an insert races with a
# parallel request of the same lawyer, so both run under a lock on the lawyer's account row,
# taken first in the transaction: on PostgreSQL by SELECT ... FOR UPDATE, which makes the
# second request wait until the first commits and then see its booking; on SQLite every
# writing transaction already begins with BEGIN IMMEDIATE (core/database.py), which
# serialises writers, and FOR UPDATE is left out of the SQL. No schema change is needed.


def _lock_lawyer(lawyer_id: int) -> None:
    """Lock the lawyer's account row until the transaction ends (found through the booking's
    `lawyer` relationship: appointments does not import the lawyers' models)."""
    accounts = Booking.lawyer.property.mapper.local_table
    db.session.execute(sa.select(accounts.c.id).where(accounts.c.id == lawyer_id).with_for_update())


def _refuse_overlap(lawyer_id: int, slot: SlotTime, *, excluding: int | None = None) -> None:
    """InvalidTransition when another booking of the lawyer that holds its place (requested,
    confirmed, checked in) overlaps `slot`. Call with the lawyer's row locked."""
    query = (
        sa.select(Booking)
        .join(Slot, Booking.slot_id == Slot.id)
        .where(
            Booking.lawyer_id == lawyer_id,
            Booking.active_key.is_not(None),
            Slot.starts_at < slot.ends_at,
            Slot.ends_at > slot.starts_at,
        )
        .order_by(Slot.starts_at)
        .limit(1)
    )
    if excluding is not None:
        query = query.where(Booking.id != excluding)
    other = db.session.scalar(query)
    if other is not None:
        raise InvalidTransition(
            _l(
                "You already have a booking at an overlapping time (%(when)s, booking code "
                "%(reference)s). You cannot be at two appointments at once: choose another "
                "time, or move or cancel that booking first.",
                when=i18n.TimeRange(other.slot.starts_at, other.slot.ends_at),
                reference=other.reference,
            ),
            field="slot",
        )


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
    place_id: int | None,
    starts_at: datetime | None,
    name: str,
    mobile: str,
    subject: str,
    submission_key: str,
) -> VisitReceipt:
    """A citizen reserves a reception-day visit without an account. The receipt carries the
    cancel code to show once (the same code again when the same form is posted again)."""
    code = cancel_code_for(submission_key)
    earlier = queries.booking_by_submission_key(submission_key)
    if earlier is not None:
        return VisitReceipt(earlier, code, is_repeat=True)
    slot = resolve_slot(place_id, Service.RECEPTION_DAY, starts_at)
    key = visitor_key(mobile, slot)
    if queries.is_active_key_held(key):
        raise InvalidTransition(DUPLICATE_VISITOR, field="slot")
    booking = Booking(
        reference=new_reference(),
        submission_key_hash=submission_key_hash(submission_key),
        service=Service.RECEPTION_DAY.value,
        status=BookingState.REQUESTED.value,
        visitor_name=name.strip(),
        visitor_mobile=mobile,
        subject=subject.strip(),
        cancel_code_hash=codes.hash_code(code),
        active_key=key,
        created_at=clock.now(),
    )
    stored = _hold(booking, slot, DUPLICATE_VISITOR)
    return VisitReceipt(stored, code, is_repeat=stored is not booking)


def find_visit_for_cancel(reference: str, code: str) -> Booking | None:
    """The reception visit for a matching reference and cancel code, else None (the same answer
    for an unknown reference); failures count towards the lookup lock (portal.core.lookups), so
    the caller commits also when nothing is found, and with a match the code's hash under the
    current key when it was stored under an old one (core/codes.py). Raises LookupLocked when
    locked."""
    reference = normalise_reference(reference)

    def attempt():
        booking = queries.reception_visit(reference)
        check = codes.check_code(
            booking.cancel_code_hash if booking is not None else None,
            codes.normalise_code(code),
            legacy_column=Booking.cancel_code_hash,
        )
        if not check.matches:
            return None
        if check.upgraded_hash:
            booking.cancel_code_hash = check.upgraded_hash
        return booking

    return guarded_lookup("reception_visit", reference, attempt)


# ---- the change cut-off ----------------------------------------------------------------------
#
# A lawyer's booking can be changed or cancelled online until BOOKING_CHANGE_CUTOFF_HOURS before
# it starts; after that only by phone (the service centre's number, SERVICE_CENTRE_PHONE), when
# staff can still give the place to someone else. A slot that starts sooner than that is still
# offered, because short-notice appointments are real needs (a deadline for opinions, a meeting
# the prosecutor asked for), but marked, and booked only when the lawyer has ticked that they
# know they must phone to change it: refusing it would send them to the phone anyway, and
# offering it silently is what left people unable to cancel without warning.


def require_late_acceptance(slot: SlotTime, accepted: bool) -> None:
    """InvalidTransition (field "accept_late") when `slot` is inside the cut-off and the person
    has not accepted that it cannot be changed or cancelled online."""
    cutoff = current_app.config["BOOKING_CHANGE_CUTOFF_HOURS"]
    if not accepted and availability.is_inside_change_cutoff(slot.starts_at, clock.now(), cutoff):
        raise InvalidTransition(
            _l(
                "This time starts in less than %(n)s hours, so it cannot be changed or cancelled "
                "online. Tick the box to confirm you know this, or choose a later time.",
                n=cutoff,
            ),
            field="accept_late",
        )


def is_changeable_online(booking: Booking) -> bool:
    """Whether the lawyer can still move or cancel the booking online (before the cut-off)."""
    cutoff = current_app.config["BOOKING_CHANGE_CUTOFF_HOURS"]
    return not availability.is_inside_change_cutoff(
        clock.as_utc(booking.slot.starts_at), clock.now(), cutoff
    )


def _require_before_cutoff(booking: Booking) -> None:
    if not is_changeable_online(booking):
        raise InvalidTransition(
            _l(
                "Bookings can be changed or cancelled online until %(n)s hours before the slot. "
                "If you cannot come, call %(phone)s.",
                n=current_app.config["BOOKING_CHANGE_CUTOFF_HOURS"],
                phone=current_app.config["SERVICE_CENTRE_PHONE"],
            )
        )


# ---- the holder changes ----------------------------------------------------------------------


def cancel(booking: Booking, actor, *, reason: str) -> None:
    """The lawyer (before the cut-off, with a reason) or the visitor (`workflow.VISITOR`, until
    the slot starts, the reason optional) cancels; the place is given back."""
    reason = (reason or "").strip()
    is_visitor = actor == workflow.VISITOR and booking.is_reception_visit
    if not reason and not is_visitor:
        raise InvalidTransition(_l("Give the reason for cancelling."), field="reason")
    workflow.check(booking, Action.CANCEL, actor)
    if is_visitor:
        if clock.now() >= clock.as_utc(booking.slot.starts_at):
            raise InvalidTransition(_l("This visit has already started or passed."))
    else:
        _require_before_cutoff(booking)
    slots.release(booking)
    booking.cancelled_at, booking.cancelled_by = clock.now(), "visitor" if is_visitor else "lawyer"
    booking.cancel_reason = reason
    workflow.apply(booking, Action.CANCEL, actor, detail={"reason": reason})


def reschedule(
    booking: Booking, actor, *, starts_at: datetime | None, accepts_late_change: bool = False
) -> None:
    """The lawyer moves the booking to another slot of the same place and service, before the
    cut-off, in one transaction (slots.move). The moved booking waits for staff again; a new
    slot inside the cut-off only with `accepts_late_change`."""
    if booking.lawyer_id is not None:
        _lock_lawyer(booking.lawyer_id)
    workflow.check(booking, Action.RESCHEDULE, actor)
    _require_before_cutoff(booking)
    old_slot = booking.slot
    slot = resolve_slot(old_slot.place_id, booking.service, starts_at)
    if slot.starts_at == clock.as_utc(old_slot.starts_at):
        raise InvalidTransition(_l("Choose a slot other than the one you have."), field="slot")
    require_late_acceptance(slot, accepts_late_change)
    key = lawyer_key(booking.lawyer_id, booking.case_number, booking.service, slot)
    if queries.is_active_key_held(key, excluding=booking.id):
        raise InvalidTransition(DUPLICATE_LAWYER, field="slot")
    if booking.lawyer_id is not None:
        _refuse_overlap(booking.lawyer_id, slot, excluding=booking.id)
    slots.move(booking, slot, key, DUPLICATE_LAWYER)
    workflow.apply(
        booking, Action.RESCHEDULE, actor, detail={"from": format_key(old_slot), "to": slot.key}
    )


# ---- staff decide ----------------------------------------------------------------------------


def confirm(booking: Booking, staff) -> None:
    """Staff confirm a requested booking; the lawyer is e-mailed."""
    workflow.apply(booking, Action.CONFIRM, staff)
    booking.confirmed_at, booking.confirmed_by_id = clock.now(), staff.id
    notices.tell_lawyer(booking)


def decline(booking: Booking, staff, *, reason: str) -> None:
    """Staff decline a booking with a reason the lawyer or visitor reads; the place is freed."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition(
            _l("Give the reason the lawyer or visitor will read."), field="reason"
        )
    workflow.check(booking, Action.DECLINE, staff)
    slots.release(booking)
    booking.declined_at, booking.declined_by_id, booking.decline_reason = (
        clock.now(),
        staff.id,
        reason,
    )
    workflow.apply(booking, Action.DECLINE, staff, detail={"reason": reason})
    notices.tell_lawyer(booking)


def check_in(booking: Booking, staff) -> None:
    workflow.apply(booking, Action.CHECK_IN, staff)
    booking.checked_in_at, booking.checked_in_by_id = clock.now(), staff.id


def record_no_show(booking: Booking, staff) -> None:
    """Only once the slot has started: before that the visitor may still come."""
    if clock.now() < clock.as_utc(booking.slot.starts_at):
        raise InvalidTransition(_l("The slot has not started yet."))
    workflow.apply(booking, Action.NO_SHOW, staff)
    booking.no_show_at, booking.no_show_by_id = clock.now(), staff.id


# ---- closures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosureResult:
    closure: Closure
    cancelled: list[Booking]

    @property
    def visitors_to_call(self) -> list[Booking]:
        """Reception-day visitors, who are sent an SMS: staff call those it cannot reach."""
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
    reason, and each lawyer who booked is e-mailed, each reception-day visitor sent an SMS
    (through the outbox, in this transaction).

    The slot rows are marked closed first (slots.close_slots, one UPDATE that serialises with
    any booking racing for them), and only then are the bookings read: none can slip in between.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition(
            _l("Give the reason the people who booked will read."), field="reason"
        )
    if ends_at <= starts_at:
        raise InvalidTransition(_l("The closure must end after it starts."), field="day_to")
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
    slots.close_slots(
        closure, place_id=place_id or None, service=service, starts_at=starts_at, ends_at=ends_at
    )
    affected = queries.open_bookings_of_closure(closure.id, workflow.OPEN_STATES)
    audit.record(
        "appointments.closure_created",
        actor=staff,
        subject=closure,
        detail={"cancelled": len(affected), "reason": reason},
    )
    for booking in affected:
        # The slot is closed; its counter still drops, so the day's figures stay true.
        slots.release(booking)
        booking.cancelled_at, booking.cancelled_by = clock.now(), "closure"
        booking.cancel_reason, booking.closure_id = reason, closure.id
        workflow.apply(booking, Action.CANCEL_BY_CLOSURE, SYSTEM, detail={"closure": closure.id})
        notices.tell_lawyer(booking)
        notices.tell_visitor_cancelled(booking)
    db.session.flush()
    return ClosureResult(closure, affected)


def closure_period(day_from, day_to, time_from: time | None, time_to: time | None):
    """The (starts_at, ends_at) of a closure from the form: from `time_from` (or the start of
    the day) on the first day to `time_to` (or the end of the day) on the last."""
    starts_at = availability.local_moment(day_from, time_from or time.min)
    if time_to:
        ends_at = availability.local_moment(day_to, time_to)
    else:
        ends_at = clock.start_of_local_day(day_to + timedelta(days=1))
    return starts_at, ends_at


# ---- the reception rota ----------------------------------------------------------------------
#
# A chief procurator's reception day (检察长接待日) is not every weekday: the procuratorate
# publishes which leader receives on which dates, and citizens book only those days. Staff who
# run appointments publish a day (place, date, leader, hours, visitors per slot) and cancel one
# with a reason. Cancelling a day that has visits booked does not refuse: a leader called away
# cannot receive whatever the bookings say, so the day's slots are closed through a Closure,
# which cancels every visit on it and sends each visitor an SMS with the reason and the number
# to call (notices.tell_visitor_cancelled); the staff page then lists them to call as well.


def publish_rota_day(
    staff,
    *,
    place_id: int | None,
    day,
    leader_name: str,
    leader_title: str,
    start_time: time,
    end_time: time,
    slot_minutes: int,
    capacity: int,
) -> ReceptionRotaDay:
    """Publish a reception day; citizens can book it at once. InvalidTransition (with its
    field) for a place that is not open, a day already past, hours that end before they start,
    or a place that already has a reception day on that date."""
    place = queries.get_place(place_id) if place_id else None
    if place is None or not place.is_active:
        raise InvalidTransition(_l("Choose a place that is open for bookings."), field="place")
    if day < clock.local_today():
        raise InvalidTransition(_l("Choose today or a later day."), field="day")
    if end_time <= start_time:
        raise InvalidTransition(_l("The reception must end after it starts."), field="end_time")
    if queries.standing_rota_day(place.id, day) is not None:
        raise InvalidTransition(
            _l("This place already has a reception day on that date."), field="day"
        )
    rota_day = ReceptionRotaDay(
        place_id=place.id,
        day=day,
        leader_name=leader_name.strip(),
        leader_title=leader_title.strip(),
        start_time=start_time,
        end_time=end_time,
        slot_minutes=slot_minutes,
        capacity=capacity,
        created_at=clock.now(),
        created_by_id=staff.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(rota_day)
            db.session.flush()
    except sa.exc.IntegrityError:  # the same day published in parallel
        raise InvalidTransition(
            _l("This place already has a reception day on that date."), field="day"
        ) from None
    audit.record(
        "appointments.rota_day_published",
        actor=staff,
        subject=rota_day,
        detail={
            "day": day.isoformat(),
            "leader": f"{rota_day.leader_title} {rota_day.leader_name}",
            "hours": f"{start_time:%H:%M}-{end_time:%H:%M}",
            "slot_minutes": slot_minutes,
            "capacity": capacity,
        },
    )
    return rota_day


def cancel_rota_day(rota_day: ReceptionRotaDay, staff, *, reason: str) -> ClosureResult:
    """Withdraw a published reception day: its slots close, each visit booked on it is
    cancelled and the visitor sent an SMS with the reason (see the note above)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition(_l("Give the reason the visitors will read."), field="reason")
    if not rota_day.is_standing:
        raise InvalidTransition(_l("This reception day is already cancelled."))
    if rota_day.day < clock.local_today():
        raise InvalidTransition(_l("This reception day is over."))
    rota_day.cancelled_at, rota_day.cancelled_by_id = clock.now(), staff.id
    rota_day.cancel_reason = reason
    db.session.flush()
    result = close(
        staff,
        place_id=rota_day.place_id,
        service=Service.RECEPTION_DAY,
        starts_at=availability.local_moment(rota_day.day, rota_day.start_time),
        ends_at=availability.local_moment(rota_day.day, rota_day.end_time),
        reason=reason,
    )
    rota_day.closure_id = result.closure.id
    audit.record(
        "appointments.rota_day_cancelled",
        actor=staff,
        subject=rota_day,
        detail={"cancelled": len(result.cancelled), "reason": reason},
    )
    return result


# ---- places and opening hours (administrators) -----------------------------------------------


def _require_unique_name(name: str, place: Place | None = None) -> None:
    holder = queries.place_named(name)
    if holder is not None and holder is not place:
        raise InvalidTransition(_l("A place with this name exists already."), field="name")


def add_place(staff, *, name: str, address: str, is_active: bool) -> Place:
    name = name.strip()
    _require_unique_name(name)
    place = Place(name=name, address=address.strip(), is_active=is_active, created_at=clock.now())
    db.session.add(place)
    db.session.flush()
    audit.record("appointments.place_saved", actor=staff, subject=place)
    return place


def update_place(place: Place, staff, *, name: str, address: str, is_active: bool) -> None:
    """A place closed for bookings (`is_active` off) offers no new slots; bookings stay."""
    name = name.strip()
    _require_unique_name(name, place)
    place.name, place.address, place.is_active = name, address.strip(), is_active
    db.session.flush()
    audit.record("appointments.place_saved", actor=staff, subject=place)


def add_hours(
    place: Place,
    staff,
    *,
    service: Service | str,
    weekday: int,
    start_time: time,
    end_time: time,
    slot_minutes: int,
    capacity: int,
) -> OpeningHours:
    hours = OpeningHours(
        place_id=place.id,
        service=Service(service).value,
        weekday=int(weekday),
        start_time=start_time,
        end_time=end_time,
        slot_minutes=slot_minutes,
        capacity=capacity,
        created_at=clock.now(),
    )
    db.session.add(hours)
    db.session.flush()
    audit.record(
        "appointments.hours_added",
        actor=staff,
        subject=place,
        detail={
            "service": hours.service,
            "weekday": hours.weekday,
            "hours": f"{hours.start_time:%H:%M}-{hours.end_time:%H:%M}",
            "slot_minutes": hours.slot_minutes,
            "capacity": hours.capacity,
        },
    )
    return hours


def remove_hours(hours: OpeningHours, staff) -> int:
    """Bookings already made keep their slots; new slots from these hours are no longer offered.
    Returns the place's id."""
    place_id = hours.place_id
    db.session.delete(hours)
    db.session.flush()
    audit.record(
        "appointments.hours_removed",
        actor=staff,
        subject=("place", place_id),
        detail={
            "service": hours.service,
            "weekday": hours.weekday,
            "hours": f"{hours.start_time:%H:%M}-{hours.end_time:%H:%M}",
        },
    )
    return place_id
