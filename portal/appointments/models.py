"""Appointment slots and bookings: lawyer services and reception days.

Staff configure *opening hours* (per place, service and weekday, with a slot length and a
capacity per slot). Slots are computed from them on working days (portal.calendar); a `Slot` row
is written the first time a slot is booked or closed, and from then on carries the count of
places taken. That counter is the capacity rule: a booking takes a place with one conditional
UPDATE (`booked < capacity`) in the transaction that inserts the booking (see slots.py), and
a CHECK constraint backs it. Closures mark the slot rows they cover, so a booking and a closure
of the same slot are serialised by the database, not by a check made beforehand.

Where the rest lives: the booking state machine in workflow.py, the rules of booking, changing,
closures and the places and hours in services.py, slot computation in availability.py, the
lawyer's e-mails in notices.py, read-side lists in queries.py.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import codes
from portal.core.database import enum_check, sql_in
from portal.core.i18n import lazy_gettext as _l
from portal.core.workflow import StateEnum
from portal.extensions import db


class Service(enum.StrEnum):
    FILE_READING = "file_reading"  # 阅卷
    MEETING = "meeting"  # 约见检察官
    OPINIONS = "opinions"  # 提交辩护/代理意见
    RECEPTION_DAY = "reception_day"  # 检察长接待日 (citizens, no account)

    @property
    def label(self):
        return SERVICE_LABELS[self]

    @property
    def is_for_lawyers(self) -> bool:
        return self is not Service.RECEPTION_DAY


SERVICE_LABELS = {
    Service.FILE_READING: _l("Reading case files (阅卷)"),
    Service.MEETING: _l("Meeting the prosecutor in charge"),
    Service.OPINIONS: _l("Submitting defence or agency opinions"),
    Service.RECEPTION_DAY: _l("Chief procurator's reception day (检察长接待日)"),
}
LAWYER_SERVICES = tuple(s for s in Service if s.is_for_lawyers)


class Place(db.Model):
    __tablename__ = "appointment_places"
    audit_kind = "place"  # names it in the audit trail

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    address: Mapped[str] = mapped_column(sa.String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    hours = relationship(
        "OpeningHours",
        back_populates="place",
        order_by="(OpeningHours.service, OpeningHours.weekday, OpeningHours.start_time)",
    )


class OpeningHours(db.Model):
    """On `weekday` (0 = Monday) the place offers `service` from `start_time` to `end_time`
    (local time) in slots of `slot_minutes`, each for `capacity` bookings. Only working days
    count; a make-up working day on a weekend (调休) follows Monday's hours."""

    __tablename__ = "opening_hours"
    __table_args__ = (
        enum_check("service", Service),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        sa.CheckConstraint("end_time > start_time", name="ends_after_start"),
        sa.CheckConstraint("slot_minutes BETWEEN 5 AND 480", name="slot_minutes"),
        sa.CheckConstraint("capacity BETWEEN 1 AND 500", name="capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment_places.id"), index=True)
    service: Mapped[str] = mapped_column(sa.String(20))
    weekday: Mapped[int]
    start_time: Mapped[time] = mapped_column(sa.Time)
    end_time: Mapped[time] = mapped_column(sa.Time)
    slot_minutes: Mapped[int]
    capacity: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    place = relationship("Place", back_populates="hours")

    @property
    def service_enum(self) -> Service:
        return Service(self.service)


class ReceptionRotaDay(db.Model):
    """A published day of the chief procurator's reception (检察长接待日): which leader receives
    on `day` at the place, from `start_time` to `end_time` (local time) in slots of
    `slot_minutes`, each for `capacity` visitors. Citizens can book only on these days, which
    staff publish ahead; the opening hours of the other services do not apply to it.

    Cancelling one (`cancelled_at` set, with the reason the visitors read) closes its slots
    through a Closure (`closure_id`), which cancels the visits booked and tells each visitor.
    One day that still stands per place and date (the partial unique index)."""

    __tablename__ = "reception_rota_days"
    audit_kind = "rota_day"  # names it in the audit trail
    __table_args__ = (
        sa.CheckConstraint("end_time > start_time", name="ends_after_start"),
        sa.CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="slot_minutes"),
        sa.CheckConstraint("capacity BETWEEN 1 AND 100", name="capacity"),
        sa.CheckConstraint(
            "(cancelled_at IS NULL) = (cancel_reason IS NULL)", name="cancelled_has_reason"
        ),
        sa.Index(
            "uq_reception_rota_days_standing",
            "place_id",
            "day",
            unique=True,
            sqlite_where=sa.text("cancelled_at IS NULL"),
            postgresql_where=sa.text("cancelled_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment_places.id"), index=True)
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    # Shown to the public as written, e.g. "张明" and "检察长" / "副检察长".
    leader_name: Mapped[str] = mapped_column(sa.String(50))
    leader_title: Mapped[str] = mapped_column(sa.String(50))
    start_time: Mapped[time] = mapped_column(sa.Time)
    end_time: Mapped[time] = mapped_column(sa.Time)
    slot_minutes: Mapped[int]
    capacity: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    closure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appointment_closures.id"))

    place = relationship("Place")

    # A rota day is the reception day's rule for slots, as opening hours are the other
    # services' (availability.slots_from_hours reads both).
    service = Service.RECEPTION_DAY.value

    @property
    def is_standing(self) -> bool:
        return self.cancelled_at is None


class Slot(db.Model):
    """A slot that has been booked or closed at least once: the counter of places taken.

    `booked` counts the bookings that hold a place (requested, confirmed, checked in, no-show);
    it changes only through slots.py, in the transaction that changes the booking.
    """

    __tablename__ = "appointment_slots"
    __table_args__ = (
        sa.UniqueConstraint("place_id", "service", "starts_at"),
        enum_check("service", Service),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="within_capacity"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint(
            "(closed_at IS NULL) = (closure_id IS NULL)", name="closed_by_a_closure"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment_places.id"))
    service: Mapped[str] = mapped_column(sa.String(20))
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    capacity: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    closure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appointment_closures.id"))

    place = relationship("Place")
    closure = relationship("Closure")

    @property
    def service_enum(self) -> Service:
        return Service(self.service)


class Closure(db.Model):
    """The place (or every place) does not receive for a service (or any) in a period: the
    bookings in it are cancelled and the people who booked are told why."""

    __tablename__ = "appointment_closures"
    audit_kind = "closure"  # names it in the audit trail
    __table_args__ = (
        sa.CheckConstraint(f"service IS NULL OR service IN ({sql_in(Service)})", name="service"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Empty: every place / every service.
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appointment_places.id"))
    service: Mapped[str | None] = mapped_column(sa.String(20))
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # Told to everyone whose booking it cancels.
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    place = relationship("Place")
    created_by = relationship("User")


class BookingState(StateEnum):
    """A booking's status; the transitions between them are the table in workflow.py."""

    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    DECLINED = "declined"

    @property
    def label(self):
        return BOOKING_STATE_LABELS[self]

    @property
    def holds_place(self) -> bool:
        return self not in (BookingState.CANCELLED, BookingState.DECLINED)


BOOKING_STATE_LABELS = {
    BookingState.REQUESTED: _l("Requested, waiting for confirmation"),
    BookingState.CONFIRMED: _l("Confirmed"),
    BookingState.CHECKED_IN: _l("Checked in"),
    BookingState.NO_SHOW: _l("Did not come"),
    BookingState.CANCELLED: _l("Cancelled"),
    BookingState.DECLINED: _l("Declined"),
}


class Booking(db.Model):
    """A lawyer's booking (lawyer_id set) or a citizen's reception-day visit (visitor_* set).

    Changed only by services.py, its status only through workflow.py. `active_key` is set while a booking holds a place and emptied
    when it is cancelled or declined: its UNIQUE constraint is the rule that a lawyer holds at
    most one booking per case, service and day (and a visitor one reception visit per day),
    enforced by the database rather than by a check made beforehand.
    """

    __tablename__ = "bookings"
    audit_kind = "booking"  # names it in the audit trail
    __table_args__ = (
        BookingState.check_constraint("status"),
        enum_check("service", Service),
        sa.CheckConstraint(
            "(lawyer_id IS NOT NULL AND case_number IS NOT NULL) OR "
            "(visitor_name IS NOT NULL AND visitor_mobile IS NOT NULL AND cancel_code_hash IS NOT NULL)",
            name="lawyer_or_visitor",
        ),
        sa.CheckConstraint(
            "status != 'cancelled' OR (cancelled_at IS NOT NULL AND cancel_reason IS NOT NULL)",
            name="cancelled_has_reason",
        ),
        sa.CheckConstraint(
            "status != 'declined' OR (declined_at IS NOT NULL AND decline_reason IS NOT NULL)",
            name="declined_has_reason",
        ),
        sa.CheckConstraint(
            "(status IN ('cancelled', 'declined')) = (active_key IS NULL)",
            name="active_key_while_held",
        ),
        # Cancel codes still with a legacy hash (core/codes.py), found with one probe.
        sa.Index(
            "ix_bookings_legacy_code_hash",
            "id",
            sqlite_where=codes.legacy_condition("cancel_code_hash"),
            postgresql_where=codes.legacy_condition("cancel_code_hash"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The booking code shown on the confirmation, e.g. "YY-7K3M-9QPA": random, not secret.
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    # The one-time key of the booking form (hashed): a repeated post finds this booking.
    submission_key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment_slots.id"), index=True)
    service: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), index=True)

    lawyer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lawyer_accounts.id"), index=True)
    case_number: Mapped[str | None] = mapped_column(sa.String(60))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    active_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    # What the lawyer wants to do or discuss (optional).
    note: Mapped[str | None] = mapped_column(sa.Text)

    # Reception day: personal data of the visitor, shown to appointment staff only.
    visitor_name: Mapped[str | None] = mapped_column(sa.String(50))
    visitor_mobile: Mapped[str | None] = mapped_column(sa.String(20))
    subject: Mapped[str | None] = mapped_column(sa.String(200))
    # Keyed hash (core/codes.py) of the cancel code shown once to the visitor; the code itself
    # is never stored.
    cancel_code_hash: Mapped[str | None] = mapped_column(sa.String(255))

    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    rescheduled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    checked_in_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    no_show_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    no_show_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Who cancelled: "lawyer", "visitor", "staff" or "closure".
    cancelled_by: Mapped[str | None] = mapped_column(sa.String(10))
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    closure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appointment_closures.id"))
    declined_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    declined_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)

    slot = relationship("Slot")
    lawyer = relationship("LawyerAccount")
    case = relationship("Case")

    @property
    def state(self) -> BookingState:
        return BookingState(self.status)

    @property
    def service_enum(self) -> Service:
        return Service(self.service)

    @property
    def is_reception_visit(self) -> bool:
        return self.lawyer_id is None
