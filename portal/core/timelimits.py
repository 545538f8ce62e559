"""Counting time limits on the working-day calendar, for every domain that has one.

Counting follows the Criminal Procedure Law, Art. 105, as the procuratorate counts every limit:
the day a limit starts on is not counted, and a limit that ends on a holiday ends on the next
working day. A limit in months ends on the same day of the month, or on the month's last day
when it has no such day (received 30 November, due by the end of February).

Pure functions of dates and a calendar: any object with `is_working_day(day)` (the calendar
domain's `WorkCalendar`), so that core knows no domain. Petitions (portal/petitions/deadlines.py)
and deputies' suggestions (portal/deputies/services.py) both count with these.
"""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, timedelta
from typing import Protocol


class WorkingDays(Protocol):
    def is_working_day(self, day: date) -> bool: ...


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = month_calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def roll_to_working_day(day: date, work_calendar: WorkingDays) -> date:
    while not work_calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int, work_calendar: WorkingDays) -> date:
    """The `count`-th working day after `day` (which itself is not counted)."""
    while count > 0:
        day += timedelta(days=1)
        if work_calendar.is_working_day(day):
            count -= 1
    return day


def months_on_working_days(start: date, months: int, work_calendar: WorkingDays) -> date:
    """A limit of `months` from `start`, moved to the next working day when it ends on a
    holiday."""
    return roll_to_working_day(add_months(start, months), work_calendar)
