"""Which slots exist and which are free: computed from opening hours, the working-day calendar,
closures and the slot counters. Read-side only: the rules that refuse a slot when someone books
it are services.resolve_slot, and places are taken and released in slots.py.

Rules (each configurable in portal/config.py):
- the lawyers' services have slots on working days by their opening hours (portal.calendar:
  public holidays off, make-up working days on; a make-up working day on a weekend follows
  Monday's hours);
- the reception day has slots only on the days of its published rota (ReceptionRotaDay), which
  staff set date by date: a chief procurator's reception day is not every weekday;
- a slot can be booked from BOOKING_MIN_NOTICE_MINUTES before it starts, and at most
  BOOKING_HORIZON_DAYS days ahead (counted in local days from today); a past slot or one too
  soon is never offered;
- a slot in a closure is not offered.

People pick a day first (`free_places_by_day`, shown as a month, `month_weeks`) and then one of
that day's free times (`bookable`), so a phone shows one month and one day, never every slot.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from portal.appointments.models import (
    Closure,
    OpeningHours,
    Place,
    ReceptionRotaDay,
    Service,
    Slot,
)
from portal.calendar.services import WorkCalendar, load_calendar
from portal.core import clock
from portal.extensions import db

MAKE_UP_DAY_FOLLOWS = 0  # Monday


@dataclass(frozen=True)
class SlotTime:
    """A slot as the opening hours define it (whether or not a Slot row exists yet)."""

    place_id: int
    service: str
    starts_at: datetime  # aware UTC
    ends_at: datetime
    capacity: int

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(clock.zone())

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(clock.zone())

    @property
    def key(self) -> str:
        """The value a booking form posts: local start, e.g. "2026-11-24T09:00"."""
        return self.local_start.strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class SlotView:
    slot: SlotTime
    booked: int
    is_closed: bool
    is_bookable: bool  # within notice and horizon, not closed, not full

    @property
    def free(self) -> int:
        return 0 if self.is_closed else max(self.slot.capacity - self.booked, 0)


def weekday_rule_for(day: date, calendar: WorkCalendar) -> int | None:
    """Whose weekday's hours apply on `day`: None when it is not a working day."""
    if not calendar.is_working_day(day):
        return None
    return day.weekday() if day.weekday() < 5 else MAKE_UP_DAY_FOLLOWS


def local_moment(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=clock.zone()).astimezone(UTC)


def slots_from_hours(day: date, hours: OpeningHours | ReceptionRotaDay) -> list[SlotTime]:
    """The slots a rule makes on `day`; a last stretch shorter than a slot makes none."""
    slots = []
    moment = datetime.combine(day, hours.start_time)
    end = datetime.combine(day, hours.end_time)
    step = timedelta(minutes=hours.slot_minutes)
    while moment + step <= end:
        slots.append(
            SlotTime(
                place_id=hours.place_id,
                service=hours.service,
                starts_at=local_moment(day, moment.time()),
                ends_at=local_moment(day, (moment + step).time()),
                capacity=hours.capacity,
            )
        )
        moment += step
    return slots


Rule = OpeningHours | ReceptionRotaDay


def rules_for(
    place_id: int | None, service: str | None, first_day: date, last_day: date
) -> list[Rule]:
    """What makes the slots of [first_day, last_day]: the opening hours of the lawyers'
    services, the standing rota days of the reception day (opening hours for the reception
    day, from before it had a rota, are not read)."""
    rules: list[Rule] = []
    if service != Service.RECEPTION_DAY:
        query = (
            sa.select(OpeningHours)
            .join(Place)
            .where(Place.is_active.is_(True), OpeningHours.service != Service.RECEPTION_DAY.value)
        )
        if place_id is not None:
            query = query.where(OpeningHours.place_id == place_id)
        if service is not None:
            query = query.where(OpeningHours.service == service)
        rules += db.session.scalars(query.order_by(OpeningHours.start_time))
    if service in (None, Service.RECEPTION_DAY):
        rules += rota_days(first_day, last_day, place_id)
    return rules


def rota_days(first_day: date, last_day: date, place_id: int | None = None):
    """The standing rota days of [first_day, last_day] at active places, in date order."""
    query = (
        sa.select(ReceptionRotaDay)
        .join(Place)
        .where(
            Place.is_active.is_(True),
            ReceptionRotaDay.cancelled_at.is_(None),
            ReceptionRotaDay.day >= first_day,
            ReceptionRotaDay.day <= last_day,
        )
        .order_by(ReceptionRotaDay.day, ReceptionRotaDay.start_time)
    )
    if place_id is not None:
        query = query.where(ReceptionRotaDay.place_id == place_id)
    return db.session.scalars(query).all()


def applies_on(rule: Rule, day: date, weekday: int | None) -> bool:
    """A rota day applies on its date (whatever the working-day calendar: staff chose it);
    opening hours on working days whose hours follow their weekday."""
    if isinstance(rule, ReceptionRotaDay):
        return rule.day == day
    return weekday is not None and rule.weekday == weekday


def slots_on(
    day: date,
    calendar: WorkCalendar,
    hours: list[Rule],
    place_id: int | None = None,
    service: str | None = None,
) -> list[SlotTime]:
    weekday = weekday_rule_for(day, calendar)
    found = {}
    for rule in hours:
        if not applies_on(rule, day, weekday):
            continue
        if (place_id is not None and rule.place_id != place_id) or (
            service is not None and rule.service != service
        ):
            continue
        for slot in slots_from_hours(day, rule):
            # Two overlapping rules offering the same start: the first one defines the slot.
            found.setdefault((slot.place_id, slot.service, slot.starts_at), slot)
    return sorted(found.values(), key=lambda s: (s.starts_at, s.place_id, s.service))


def find_slot(place_id: int, service: str, starts_at: datetime) -> SlotTime | None:
    """The offered slot starting at `starts_at` (aware), or None if the hours offer none."""
    day = clock.local_date(starts_at)
    calendar = load_calendar(day, days=1)
    rules = rules_for(place_id, service, day, day)
    for slot in slots_on(day, calendar, rules, place_id, service):
        if slot.starts_at == starts_at.astimezone(UTC):
            return slot
    return None


def closures_over(place_id: int | None, service: str | None, start: datetime, end: datetime):
    query = sa.select(Closure).where(Closure.starts_at < end, Closure.ends_at > start)
    if place_id is not None:
        query = query.where(sa.or_(Closure.place_id.is_(None), Closure.place_id == place_id))
    if service is not None:
        query = query.where(sa.or_(Closure.service.is_(None), Closure.service == service))
    return db.session.scalars(query).all()


def is_closed(slot: SlotTime, closures) -> bool:
    return any(
        (c.place_id is None or c.place_id == slot.place_id)
        and (c.service is None or c.service == slot.service)
        and clock.as_utc(c.starts_at) < slot.ends_at
        and clock.as_utc(c.ends_at) > slot.starts_at
        for c in closures
    )


@dataclass(frozen=True)
class Window:
    """When bookings may be made, from the configuration and the time now."""

    earliest: datetime
    last_day: date

    @classmethod
    def now(cls) -> Window:
        config = current_app.config
        now = clock.now()
        return cls(
            earliest=now + timedelta(minutes=config["BOOKING_MIN_NOTICE_MINUTES"]),
            last_day=clock.local_date(now) + timedelta(days=config["BOOKING_HORIZON_DAYS"]),
        )

    def admits(self, slot: SlotTime) -> bool:
        return slot.starts_at >= self.earliest and clock.local_date(slot.starts_at) <= self.last_day


def availability(place_id: int, service: str, first_day: date, days: int) -> dict[date, list]:
    """Every offered slot of the place and service in [first_day, first_day + days), with how
    many places are free and whether it can be booked now."""
    last_day = first_day + timedelta(days=days)
    calendar = load_calendar(first_day, days=days)
    hours = rules_for(place_id, service, first_day, last_day)
    start, end = clock.start_of_local_day(first_day), clock.start_of_local_day(last_day)
    rows = {
        clock.as_utc(row.starts_at): row
        for row in db.session.scalars(
            sa.select(Slot).where(
                Slot.place_id == place_id,
                Slot.service == service,
                Slot.starts_at >= start,
                Slot.starts_at < end,
            )
        )
    }
    closures = closures_over(place_id, service, start, end)
    window = Window.now()
    result = {}
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        views = []
        for slot in slots_on(day, calendar, hours, place_id, service):
            row = rows.get(slot.starts_at)
            booked = row.booked if row else 0
            capacity = row.capacity if row else slot.capacity
            if row and row.capacity != slot.capacity:
                slot = SlotTime(slot.place_id, slot.service, slot.starts_at, slot.ends_at, capacity)
            closed = bool(row and row.closed_at) or is_closed(slot, closures)
            views.append(
                SlotView(
                    slot=slot,
                    booked=booked,
                    is_closed=closed,
                    is_bookable=not closed and booked < capacity and window.admits(slot),
                )
            )
        result[day] = views
    return result


def free_places_by_day(days: dict[date, list[SlotView]]) -> dict[date, int]:
    """How many places can be booked now on each day: the calendar a person picks a day from."""
    return {day: sum(view.free for view in bookable(views)) for day, views in days.items()}


def bookable(views: list[SlotView]) -> list[SlotView]:
    """The slots a person can choose: free, not closed, not past, not too soon, not too far."""
    return [view for view in views if view.is_bookable]


def month_weeks(month: date) -> list[list[date | None]]:
    """The month of `month` as weeks from Monday to Sunday; None before its first and after its
    last day."""
    return [
        [day if day.month == month.month else None for day in week]
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(
            month.year, month.month
        )
    ]


def is_inside_change_cutoff(starts_at: datetime, now: datetime, cutoff_hours: int) -> bool:
    """True when a booking of this slot, made `now`, could no longer be changed or cancelled
    online (BOOKING_CHANGE_CUTOFF_HOURS): whoever books it must phone to cancel."""
    return now > starts_at - timedelta(hours=cutoff_hours)


def places_offering(service: Service | str) -> list[Place]:
    """Active places where the service can be booked: opening hours for a lawyer service, a
    standing rota day from today on for the reception day."""
    if Service(service) is Service.RECEPTION_DAY:
        offering = sa.select(ReceptionRotaDay.place_id).where(
            ReceptionRotaDay.cancelled_at.is_(None),
            ReceptionRotaDay.day >= clock.local_today(),
        )
    else:
        offering = sa.select(OpeningHours.place_id).where(OpeningHours.service == str(service))
    return db.session.scalars(
        sa.select(Place)
        .where(Place.is_active.is_(True), Place.id.in_(offering))
        .order_by(Place.name)
    ).all()


def parse_slot_key(key: str | None) -> datetime | None:
    """A posted slot key ("2026-11-24T09:00", local time) as an aware UTC moment, or None."""
    raw = (key or "").strip()
    if len(raw) != 16:
        return None
    try:
        day, at = date.fromisoformat(raw[:10]), time.fromisoformat(raw[11:])
    except ValueError:
        return None
    return local_moment(day, at) if raw[10] == "T" else None
