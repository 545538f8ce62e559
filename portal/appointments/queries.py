"""Read-side lists and look-ups of appointments, for the pages and for other domains.

Nothing here changes anything. Other domains reach appointments only through this module (e.g.
the lawyer's account page lists `bookings_of_lawyer`). Which slots are offered and free is
computed in availability.py.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from portal.appointments.models import (
    Booking,
    Closure,
    OpeningHours,
    Place,
    ReceptionRotaDay,
    Service,
    Slot,
)
from portal.core import clock
from portal.core.forms import submission_key_hash
from portal.extensions import db


def bookings_of_lawyer(lawyer_id: int) -> list[Booking]:
    """A lawyer's bookings, newest first (the lawyer's own account page)."""
    return list(
        db.session.scalars(
            sa.select(Booking)
            .where(Booking.lawyer_id == lawyer_id)
            .order_by(Booking.created_at.desc(), Booking.id.desc())
        )
    )


def get_booking(booking_id: int) -> Booking | None:
    return db.session.get(Booking, booking_id)


def lawyers_booking(lawyer_id: int, booking_id: int) -> Booking | None:
    """The lawyer's own booking; someone else's is None, as if it did not exist."""
    booking = db.session.get(Booking, booking_id)
    return booking if booking is not None and booking.lawyer_id == lawyer_id else None


def reception_visit(reference: str) -> Booking | None:
    """The reception-day visit with this booking code (normalised), if any. Only after the
    cancel code matched may it be shown: see services.find_visit_for_cancel."""
    return db.session.scalar(
        sa.select(Booking).where(
            Booking.reference == reference, Booking.service == Service.RECEPTION_DAY
        )
    )


def booking_by_submission_key_hash(key_hash: str) -> Booking | None:
    return db.session.scalar(sa.select(Booking).where(Booking.submission_key_hash == key_hash))


def booking_by_submission_key(submission_key: str) -> Booking | None:
    """The booking an earlier post of the same form made, if any."""
    return booking_by_submission_key_hash(submission_key_hash(submission_key))


def is_active_key_held(active_key: str, *, excluding: int | None = None) -> bool:
    """Whether a booking (other than `excluding`) holds this case/service/day or mobile/day."""
    query = sa.select(Booking.id).where(Booking.active_key == active_key)
    if excluding is not None:
        query = query.where(Booking.id != excluding)
    return db.session.scalar(query) is not None


def bookings_between(
    place: Place | None, first: date, last: date, service: str | None = None
) -> list[Booking]:
    """Bookings at the place whose slot starts on a local day in [first, last], by time: the
    day's and week's schedules and the reception-day list."""
    if place is None:
        return []
    query = (
        sa.select(Booking)
        .join(Slot, Booking.slot_id == Slot.id)
        .where(
            Slot.place_id == place.id,
            Slot.starts_at >= clock.start_of_local_day(first),
            Slot.starts_at < clock.start_of_local_day(last + timedelta(days=1)),
        )
        .order_by(Slot.starts_at, Booking.status, Booking.id)
    )
    if service:
        query = query.where(Booking.service == service)
    return list(db.session.scalars(query))


def open_bookings_of_closure(closure_id: int, states) -> list[Booking]:
    """The bookings in `states` whose slot the closure has marked closed, by time."""
    return list(
        db.session.scalars(
            sa.select(Booking)
            .join(Slot, Booking.slot_id == Slot.id)
            .where(
                Slot.closure_id == closure_id,
                Booking.status.in_([s.value for s in states]),
            )
            .order_by(Slot.starts_at, Booking.id)
        )
    )


def recent_closures(days: int = 30) -> list[Closure]:
    """Closures that ended at most `days` days ago, or have not ended, latest start first."""
    return list(
        db.session.scalars(
            sa.select(Closure)
            .where(Closure.ends_at >= clock.now() - timedelta(days=days))
            .order_by(Closure.starts_at.desc())
        )
    )


def all_places() -> list[Place]:
    """Every place, also those closed for bookings, by name."""
    return list(db.session.scalars(sa.select(Place).order_by(Place.name)))


def get_place(place_id: int) -> Place | None:
    return db.session.get(Place, place_id)


def place_named(name: str) -> Place | None:
    return db.session.scalar(sa.select(Place).where(Place.name == name))


def get_opening_hours(hours_id: int) -> OpeningHours | None:
    return db.session.get(OpeningHours, hours_id)


def standing_rota_day(place_id: int, day) -> ReceptionRotaDay | None:
    return db.session.scalar(
        sa.select(ReceptionRotaDay).where(
            ReceptionRotaDay.place_id == place_id,
            ReceptionRotaDay.day == day,
            ReceptionRotaDay.cancelled_at.is_(None),
        )
    )


def get_rota_day(rota_day_id: int) -> ReceptionRotaDay | None:
    return db.session.get(ReceptionRotaDay, rota_day_id)


def rota_from(first_day, *, limit: int = 200) -> list[ReceptionRotaDay]:
    """The rota from `first_day` on, cancelled days included (staff see what they withdrew)."""
    return db.session.scalars(
        sa.select(ReceptionRotaDay)
        .where(ReceptionRotaDay.day >= first_day)
        .order_by(ReceptionRotaDay.day, ReceptionRotaDay.place_id)
        .limit(limit)
    ).all()
