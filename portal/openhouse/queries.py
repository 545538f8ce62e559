"""Read-side lists of the open procuratorate: what the public sees (coming open days and
hearings, past hearings with their outcomes) and staff's list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.openhouse.models import (
    Gathering,
    GatheringKind,
    GatheringState,
    Registration,
    RegistrationState,
)

# What the public sees: not a gathering cancelled (its registrants are told; a cancelled one
# stays readable at its address, saying so).
LISTED = (GatheringState.ANNOUNCED, GatheringState.ALLOCATED)


def coming(kind: GatheringKind, now: datetime) -> list[Gathering]:
    """Open days or hearings still to come, soonest first."""
    return list(
        db.session.scalars(
            sa.select(Gathering)
            .where(
                Gathering.kind == kind.value,
                Gathering.status.in_([s.value for s in LISTED]),
                Gathering.ends_at > now,
            )
            .order_by(Gathering.starts_at, Gathering.id)
        )
    )


PAST_HEARINGS_SHOWN = 50


def past_hearings(now: datetime) -> list[Gathering]:
    """The latest hearings held, latest first, with their outcomes where published."""
    query = (
        sa.select(Gathering)
        .where(
            Gathering.kind == GatheringKind.HEARING.value,
            Gathering.status.in_(
                [GatheringState.ANNOUNCED, GatheringState.ALLOCATED, GatheringState.CONCLUDED]
            ),
            Gathering.starts_at <= now,
        )
        .order_by(Gathering.starts_at.desc(), Gathering.id.desc())
        .limit(PAST_HEARINGS_SHOWN)
    )
    return list(db.session.scalars(query))


def public_gathering(gathering_id: int) -> Gathering | None:
    return db.session.get(Gathering, gathering_id)


def for_staff(kind: GatheringKind | None = None) -> list[Gathering]:
    query = sa.select(Gathering).options(selectinload(Gathering.registrations))
    if kind is not None:
        query = query.where(Gathering.kind == kind.value)
    return list(db.session.scalars(query.order_by(Gathering.starts_at.desc(), Gathering.id)))


@dataclass(frozen=True)
class Tally:
    """The registrations of one gathering by state, in registrations and in people."""

    registrations: dict[str, int]
    people: dict[str, int]

    def of(self, state: RegistrationState) -> int:
        return self.registrations.get(state.value, 0)

    def people_of(self, state: RegistrationState) -> int:
        return self.people.get(state.value, 0)


def tally(gathering: Gathering) -> Tally:
    registrations, people = {}, {}
    for registration in gathering.registrations:
        registrations[registration.status] = registrations.get(registration.status, 0) + 1
        people[registration.status] = people.get(registration.status, 0) + registration.party_size
    return Tally(registrations, people)


def registrations_in_order(gathering: Gathering) -> list[Registration]:
    """Confirmed first, by confirmation number; then the rest by registration."""
    return sorted(
        gathering.registrations,
        key=lambda r: (r.confirmation_number is None, r.confirmation_number or "", r.id),
    )
