"""Bookings for appointments tests, made through the service as a lawyer's form would.

Places, opening hours and lawyers come from tests/lawyers/factories.py."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time

from portal.appointments import availability, services
from portal.appointments.models import ReceptionRotaDay
from portal.core import clock
from portal.core.permissions import Role
from portal.extensions import db
from tests.factories import make_user

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 23 November 2026, 10:00 in Beijing
CASE = "示检刑诉受〔2026〕1号"


def at(key: str) -> datetime:
    """A slot key as the form posts it ("2026-11-24T09:00", local time), as a UTC moment."""
    return availability.parse_slot_key(key)


def book(lawyer, place, key, *, case=CASE, service="file_reading", submission_key=None):
    """A committed booking of the slot starting at `key` (a time inside the online change
    cut-off booked as by a lawyer who ticked that they know it)."""
    booking = services.book_for_lawyer(
        lawyer,
        place_id=place.id,
        service=service,
        starts_at=at(key),
        case_number=case,
        note=None,
        submission_key=submission_key or secrets.token_urlsafe(32),
        accepts_late_change=True,
    )
    db.session.commit()
    return booking


def add_rota_day(
    place,
    day: date,
    *,
    start=time(14, 0),
    end=time(16, 0),
    minutes=30,
    capacity=3,
    leader=("张明", "检察长"),
) -> ReceptionRotaDay:
    """A committed day of the reception rota (written directly: the day may be in the past)."""
    rota_day = ReceptionRotaDay(
        place_id=place.id,
        day=day,
        leader_name=leader[0],
        leader_title=leader[1],
        start_time=start,
        end_time=end,
        slot_minutes=minutes,
        capacity=capacity,
        created_at=clock.now(),
        created_by_id=make_user(Role.CLERK).id,
    )
    db.session.add(rota_day)
    db.session.commit()
    return rota_day
