"""Reading and maintaining the working-day calendar: which days are working days
(`WorkCalendar`, `load_calendar`, what petition deadlines count with), and the administrator's
changes, each with its audit event. Changes never move deadlines already stored on petitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from portal.calendar.models import TOPIC, CalendarDay, DayKind
from portal.core import audit, pagecache
from portal.core.audit import EventType
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db

audit.register_detail_keys(
    ["calendar"],
    {"kind": audit.DetailKey(_l("Kind of day"), lambda code: DayKind(code).label)},
    legacy={"calendar.day_set": r"(?P<kind>[a-z]+)"},
)
audit.register_subject_kinds({"day": audit.SubjectKind(_l("Calendar day"))})
audit.register_event_types(
    {
        "calendar.day_set": EventType(_l("Calendar day set")),
        "calendar.day_removed": EventType(_l("Calendar day removed")),
    }
)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: the listed exceptions, else Monday to Friday."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def load_calendar(start: date, days: int = 400) -> WorkCalendar:
    """The calendar from `start` over a window long enough for any deadline we compute."""
    end = start + timedelta(days=days)
    exceptions = [(day, kind) for day, kind in _all_exceptions() if start <= day <= end]
    return WorkCalendar(
        holidays=frozenset(day for day, kind in exceptions if kind == DayKind.HOLIDAY),
        workdays=frozenset(day for day, kind in exceptions if kind == DayKind.WORKDAY),
    )


@pagecache.kept_until_changed(TOPIC)
def _all_exceptions() -> tuple[tuple[date, str], ...]:
    """Every listed day and its kind (a few dozen a year), kept by each worker until a day is
    changed: every submission computes its deadlines, and this was a query each time."""
    return tuple(map(tuple, db.session.execute(select(CalendarDay.day, CalendarDay.kind))))


def days_in_year(year: int) -> list[CalendarDay]:
    return db.session.scalars(
        select(CalendarDay)
        .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day)
    ).all()


def set_day(day: date, kind: DayKind | str, name: str, *, actor) -> CalendarDay:
    """Add or change a day. Deadlines already stored on petitions do not move."""
    entry = db.session.get(CalendarDay, day)
    if entry is None:
        entry = CalendarDay(day=day)
        db.session.add(entry)
    entry.kind, entry.name = DayKind(kind).value, name.strip()
    audit.record(
        "calendar.day_set",
        actor=actor,
        subject=("day", day.isoformat()),
        detail={"kind": entry.kind},
    )
    return entry


def remove_day(day: date, *, actor) -> None:
    entry = db.session.get(CalendarDay, day)
    if entry is not None:
        db.session.delete(entry)
        audit.record("calendar.day_removed", actor=actor, subject=("day", day.isoformat()))
