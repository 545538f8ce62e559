"""Bookings for appointments tests, made through the service as a lawyer's form would.

Places, opening hours and lawyers come from tests/lawyers/factories.py."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from portal.appointments import availability, services
from portal.extensions import db

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 23 November 2026, 10:00 in Beijing
CASE = "示检刑诉受〔2026〕1号"


def at(key: str) -> datetime:
    """A slot key as the form posts it ("2026-11-24T09:00", local time), as a UTC moment."""
    return availability.parse_slot_key(key)


def book(lawyer, place, key, *, case=CASE, service="file_reading", submission_key=None):
    """A committed booking of the slot starting at `key`."""
    booking = services.book_for_lawyer(
        lawyer,
        place_id=place.id,
        service=service,
        starts_at=at(key),
        case_number=case,
        note=None,
        submission_key=submission_key or secrets.token_urlsafe(32),
    )
    db.session.commit()
    return booking
