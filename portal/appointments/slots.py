"""The one place where slots' places are taken and released, and slots are closed.

**Capacity.** A slot's `booked` counter is changed only here, by one conditional UPDATE
(`SET booked = booked + 1 WHERE id = :slot AND booked < capacity AND closed_at IS NULL`) in the
transaction that inserts or moves the booking; a rowcount of 0 means the slot is full or closed.
On PostgreSQL the UPDATE takes the row lock, and a concurrent one re-checks its WHERE clause
against the committed row when the lock is released; on SQLite the transaction holds the write
lock from BEGIN IMMEDIATE. Either way a slot never holds more than its capacity, however many
requests race for it; a CHECK constraint (booked <= capacity) backs the rule.

**One booking per case, service and day.** `Booking.active_key` is UNIQUE and set only while a
booking holds a place; a parallel duplicate fails on the constraint, not on a check made first.
So a place is taken and the booking written (or moved) in one savepoint: both happen or neither.

**Closures.** `close_slots` marks the period's slot rows closed with one UPDATE, which serialises
with any booking racing for the same rows (its conditional UPDATE then finds them closed), and
only then does the caller read the bookings to cancel: none can slip in between.

Which slots exist and which are free is computed in availability.py; who may book, change or
close, and when, is decided in services.py, which calls these functions. Functions flush; the
caller commits once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.appointments import availability, queries
from portal.appointments.availability import SlotTime
from portal.appointments.models import Booking, Closure, Slot
from portal.core import clock, database
from portal.core.i18n import lazy_gettext as _l
from portal.core.workflow import InvalidTransition
from portal.extensions import db


def slot_row(slot: SlotTime) -> int:
    """The id of the Slot row for `slot`, written now if it is the slot's first booking or
    closure. Safe under concurrency: INSERT ... ON CONFLICT DO NOTHING, then read."""
    db.session.execute(
        database.insert(Slot)
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
    """Take one place in the slot, or raise InvalidTransition when it is full or closed."""
    result = db.session.execute(
        sa.update(Slot)
        .where(Slot.id == slot_id, Slot.booked < Slot.capacity, Slot.closed_at.is_(None))
        .values(booked=Slot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        closed = db.session.scalar(sa.select(Slot.closed_at).where(Slot.id == slot_id))
        if closed is not None:
            raise InvalidTransition(_l("This slot is closed. Choose another one."), field="slot")
        raise InvalidTransition(
            _l("This slot has just been taken. Choose another one."), field="slot"
        )


def release_place(slot_id: int) -> None:
    db.session.execute(
        sa.update(Slot)
        .where(Slot.id == slot_id, Slot.booked > 0)
        .values(booked=Slot.booked - 1)
        .execution_options(synchronize_session=False)
    )


def hold(booking: Booking, slot: SlotTime, duplicate_message) -> Booking:
    """Take a place in `slot` and insert the new booking (its `active_key` set), in one
    savepoint. Returns the booking, or the earlier one when the same form was posted in
    parallel (its submission key is UNIQUE too); raises InvalidTransition with
    `duplicate_message` when the holder already has a booking that day."""
    slot_id = slot_row(slot)
    booking.slot_id = slot_id
    try:
        with db.session.begin_nested():
            take_place(slot_id)
            db.session.add(booking)
            db.session.flush()
    except IntegrityError:
        earlier = queries.booking_by_submission_key_hash(booking.submission_key_hash)
        if earlier is not None:
            return earlier  # the same form posted in parallel: the other request booked it
        raise InvalidTransition(duplicate_message, field="slot") from None
    return booking


def move(booking: Booking, slot: SlotTime, active_key: str, duplicate_message) -> None:
    """Move the booking into `slot` in one savepoint: the new place is taken first (so a full
    slot leaves the booking where it was), then the old one is released."""
    new_slot_id = slot_row(slot)
    old_key, old_id = booking.active_key, booking.slot_id
    try:
        with db.session.begin_nested():
            take_place(new_slot_id)
            release_place(old_id)
            booking.slot_id, booking.active_key = new_slot_id, active_key
            booking.rescheduled_at = clock.now()
            booking.confirmed_at = booking.confirmed_by_id = None
            db.session.flush()
    except IntegrityError:
        booking.slot_id, booking.active_key = old_id, old_key
        raise InvalidTransition(duplicate_message, field="slot") from None
    db.session.refresh(booking, ["slot"])


def release(booking: Booking) -> None:
    """The booking gives its place back and no longer holds its day (cancelled, declined)."""
    release_place(booking.slot_id)
    booking.active_key = None


def close_slots(
    closure: Closure,
    *,
    place_id: int | None,
    service: str | None,
    starts_at: datetime,
    ends_at: datetime,
) -> None:
    """Mark every offered slot of the period closed by `closure` (written first if it has no
    row yet, so that the one UPDATE covers it)."""
    day, last = clock.local_date(starts_at), clock.local_date(ends_at - timedelta(seconds=1))
    calendar = availability.load_calendar(day, days=(last - day).days + 1)
    hours = availability.rules_for(place_id, service, day, last)
    while day <= last:
        for slot in availability.slots_on(day, calendar, hours, place_id, service):
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
