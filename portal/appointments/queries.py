"""Read-side lists of appointments, for the back office and for other domains."""

from __future__ import annotations

import sqlalchemy as sa

from portal.appointments.models import Booking
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
