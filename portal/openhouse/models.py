"""The open procuratorate (检务开放): open days (检察开放日) and public hearings (检察听证) the public
may come to, and the registrations of visitors and observers.

An open day and a hearing are one model, `Gathering`, told apart by `kind`: both are announced
with a date, a place and a number of seats, take registrations in a window and admit them by
`admission` (a fair draw once the window closes, or first come, first served). One model and one
registration table mean one draw and one capacity rule for both, as the issue asks; the fields
only a hearing has (the hearing officers, whether observers are admitted, the outcome) stay
empty for an open day.

The states (`GatheringState`, `RegistrationState`) are declared here with the CHECK constraints
they generate; which state follows which, and who moves it, is in portal/openhouse/workflow.py,
the only code that assigns a `status`.

Personal data is kept to what the door needs: the visitor's name, a mobile for the messages and
for one registration per person, the party's size and, if they wish, an e-mail address. No ID
number is asked online: visitors show their identity card at the entrance, where the
confirmation number and the name on the list are checked (so a copy of this table holds no ID
numbers at all).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.core.database import enum_check
from portal.core.i18n import lazy_gettext as _l
from portal.core.workflow import StateEnum
from portal.extensions import db


class GatheringKind(enum.StrEnum):
    OPEN_DAY = "open_day"  # 检察开放日
    HEARING = "hearing"  # 检察听证

    @property
    def label(self):
        return KIND_LABELS[self]


KIND_LABELS = {
    GatheringKind.OPEN_DAY: _l("Procuratorate open day"),
    GatheringKind.HEARING: _l("Public hearing"),
}


class Admission(enum.StrEnum):
    """How registrations become places."""

    DRAW = "draw"  # all who register in the window take part in a draw once it closes
    FIRST_COME = "first_come"  # confirmed at once while seats remain

    @property
    def label(self):
        return ADMISSION_LABELS[self]


ADMISSION_LABELS = {
    Admission.DRAW: _l("A draw after registration closes, if more register than there are seats"),
    Admission.FIRST_COME: _l("First come, first served"),
}


class GatheringState(StateEnum):
    """Where an open day or a hearing stands (portal/openhouse/workflow.py: GATHERING)."""

    ANNOUNCED = "announced"  # public; registration opens and closes by its window
    ALLOCATED = "allocated"  # the places are given: drawn, or all confirmed
    CONCLUDED = "concluded"  # a hearing held, its outcome published
    CANCELLED = "cancelled"  # with the reason registrants read

    @property
    def label(self):
        return GATHERING_STATE_LABELS[self]


GATHERING_STATE_LABELS = {
    GatheringState.ANNOUNCED: _l("Announced"),
    GatheringState.ALLOCATED: _l("Places allocated"),
    GatheringState.CONCLUDED: _l("Held, outcome published"),
    GatheringState.CANCELLED: _l("Cancelled"),
}


class Gathering(db.Model):
    __tablename__ = "openhouse_gatherings"
    audit_kind = "openhouse_gathering"
    __table_args__ = (
        GatheringState.check_constraint("status", name="status"),
        enum_check("kind", GatheringKind),
        enum_check("admission", Admission),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("max_party_size BETWEEN 1 AND 10", name="party_size_range"),
        sa.CheckConstraint(
            "registration_opens_at < registration_closes_at", name="window_in_order"
        ),
        sa.CheckConstraint("registration_closes_at <= starts_at", name="window_before_start"),
        sa.CheckConstraint(
            "status != 'cancelled' OR cancellation_reason IS NOT NULL", name="cancelled_has_reason"
        ),
        sa.CheckConstraint(
            "status != 'concluded' OR outcome IS NOT NULL", name="concluded_has_outcome"
        ),
        sa.Index("ix_openhouse_gatherings_kind_starts", "kind", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default=GatheringState.ANNOUNCED.value)
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    place: Mapped[str] = mapped_column(sa.String(200))
    # An open day: what visitors will see. A hearing: the case in brief, without personal data.
    description: Mapped[str] = mapped_column(sa.Text)
    # Who may register (e.g. "年满18周岁的公民"); registrants declare that they qualify.
    eligibility: Mapped[str] = mapped_column(sa.String(500))
    notes: Mapped[str | None] = mapped_column(sa.Text)  # what to bring, how to get there
    # Seats for visitors or observers, counted in persons (a party of three takes three).
    capacity: Mapped[int]
    max_party_size: Mapped[int] = mapped_column(default=1)
    admission: Mapped[str] = mapped_column(sa.String(20), default=Admission.DRAW.value)
    registration_opens_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    registration_closes_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # A hearing's officers (听证员), by name and capacity, as published in the notice.
    hearing_officers: Mapped[str | None] = mapped_column(sa.Text)
    # A hearing can be closed to observers (minors, privacy): then no one registers.
    is_open_to_observers: Mapped[bool] = mapped_column(default=True)
    # The hearing's outcome as published (services.publish_outcome).
    outcome: Mapped[str | None] = mapped_column(sa.Text)
    outcome_published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The draw: its seed (random, recorded before the order is computed, so that anyone with the
    # list can compute the same order again), when and by whom it was run.
    draw_seed: Mapped[str | None] = mapped_column(sa.String(64))
    allocated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    allocated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancellation_reason: Mapped[str | None] = mapped_column(sa.Text)  # registrants read it
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    registrations = relationship(
        "Registration", back_populates="gathering", order_by="Registration.id"
    )

    @property
    def kind_enum(self) -> GatheringKind:
        return GatheringKind(self.kind)

    @property
    def status_enum(self) -> GatheringState:
        return GatheringState(self.status)

    @property
    def admission_enum(self) -> Admission:
        return Admission(self.admission)

    @property
    def is_hearing(self) -> bool:
        return self.kind == GatheringKind.HEARING


class RegistrationState(StateEnum):
    """Where a registration stands (portal/openhouse/workflow.py: REGISTRATION)."""

    APPLIED = "applied"  # in the draw, which runs when registration closes
    CONFIRMED = "confirmed"  # a place: drawn, first come, or all fitted
    NOT_DRAWN = "not_drawn"  # more registered than there were seats, and this one was not drawn
    CANCELLED = "cancelled"  # by the registrant, or with the gathering

    @property
    def label(self):
        return REGISTRATION_STATE_LABELS[self]


REGISTRATION_STATE_LABELS = {
    RegistrationState.APPLIED: _l("Registered, waiting for the draw"),
    RegistrationState.CONFIRMED: _l("Place confirmed"),
    RegistrationState.NOT_DRAWN: _l("Not drawn"),
    RegistrationState.CANCELLED: _l("Cancelled"),
}
# Registrations that hold or may get a place: these count against the seats and the one per
# mobile rule, and are told when the gathering changes.
ACTIVE_STATES = (RegistrationState.APPLIED, RegistrationState.CONFIRMED)


class Registration(db.Model):
    __tablename__ = "openhouse_registrations"
    audit_kind = "openhouse_registration"
    __table_args__ = (
        RegistrationState.check_constraint("status", name="status"),
        sa.CheckConstraint("party_size BETWEEN 1 AND 10", name="party_size_range"),
        sa.CheckConstraint(
            "status != 'confirmed' OR confirmation_number IS NOT NULL", name="confirmed_numbered"
        ),
        # One registration per mobile per gathering, held by the database: a second try with
        # the same mobile, however fast, gets no second ticket in the draw.
        sa.UniqueConstraint(
            "gathering_id", "mobile", name="uq_openhouse_registrations_one_per_mobile"
        ),
        sa.UniqueConstraint(
            "gathering_id", "confirmation_number", name="uq_openhouse_registrations_confirmation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gathering_id: Mapped[int] = mapped_column(sa.ForeignKey("openhouse_gatherings.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=RegistrationState.APPLIED.value)
    # Hash of the form's one-time key: a repeat of the same form registers once (DESIGN §5).
    submission_key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    query_code_hash: Mapped[str] = mapped_column(sa.String(255))
    name: Mapped[str] = mapped_column(sa.String(100))
    mobile: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    party_size: Mapped[int] = mapped_column(default=1)
    locale: Mapped[str | None] = mapped_column(sa.String(20))  # the language of its messages
    registered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # Given with the place (the gathering's id and the place's order: 7-003), shown at the door.
    confirmation_number: Mapped[str | None] = mapped_column(sa.String(20))
    confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    gathering = relationship("Gathering", back_populates="registrations")

    @property
    def number(self) -> str:
        """Readable and unique: the year of registration and the row's number (KF2026-000012),
        given with the code to look the registration up and cancel it."""
        return f"KF{clock.local_date(self.registered_at).year}-{self.id:06d}"

    @property
    def status_enum(self) -> RegistrationState:
        return RegistrationState(self.status)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATES
