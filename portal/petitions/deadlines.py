"""The time limits every petition runs on.

The rules, as the Supreme People's Procuratorate set them in its 2019 commitment that every
letter from the public gets a reply (群众来信件件有回复):

    "7日内程序性回复，3个月内办理过程或者结果答复"
    — a procedural reply within 7 days of receipt (受理告知: accepted, what is missing, or where
      it was transferred), and a reply with the progress or the result within 3 months;
    and a petition not concluded by then is owed a reply on its progress every month after.

Counting follows the Criminal Procedure Law, Art. 105: "期间开始的时和日不算在期间以内 ……
期间的最后一日为节假日的，以节假日后的第一日为期满日期" — the day of receipt is not counted, and a
limit that ends on a holiday ends on the next working day instead. A limit in months ends on the
same day of the month, or on the month's last day when it has no such day (received 30 November,
answer due by the end of February).

Provinces differ on whether the 7 days are calendar or working days (ACK_DAY_KIND); the day and
month counts come from configuration too. The rule in force is written on each petition at receipt
(`deadline_rule`), with the due dates, so that a later change of rule or calendar does not move the
deadlines of petitions already received. All functions here are pure: they take the dates and the
calendar and return dates.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from portal.calendar.services import WorkCalendar


@dataclass(frozen=True)
class DeadlineRule:
    ack_days: int = 7
    ack_day_kind: str = "calendar"  # or "working"
    answer_months: int = 3
    follow_up_months: int = 1

    @classmethod
    def from_config(cls, config) -> DeadlineRule:
        return cls(
            ack_days=config["ACK_DAYS"],
            ack_day_kind=config["ACK_DAY_KIND"],
            answer_months=config["ANSWER_MONTHS"],
            follow_up_months=config["FOLLOW_UP_MONTHS"],
        )

    @property
    def code(self) -> str:
        """Stored on the petition, e.g. "calendar-7d/3m/1m"."""
        return (
            f"{self.ack_day_kind}-{self.ack_days}d/{self.answer_months}m/{self.follow_up_months}m"
        )

    @classmethod
    def from_code(cls, code: str) -> DeadlineRule:
        kind, _, rest = code.partition("-")
        days, months, follow_up = rest.split("/")
        return cls(int(days[:-1]), kind, int(months[:-1]), int(follow_up[:-1]))

    def describe(self):
        if self.ack_day_kind == "working":
            ack = _l("procedural reply within %(n)s working days", n=self.ack_days)
        else:
            ack = _l("procedural reply within %(n)s days", n=self.ack_days)
        return _l(
            "%(ack)s; result or progress within %(m)s months, then progress every %(f)s month(s); "
            "a limit ending on a holiday moves to the next working day",
            ack=ack,
            m=self.answer_months,
            f=self.follow_up_months,
        )


@dataclass(frozen=True)
class ReceiptDeadlines:
    ack_due_on: date
    answer_due_on: date
    rule_code: str


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = month_calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def roll_to_working_day(day: date, work_calendar: WorkCalendar) -> date:
    while not work_calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int, work_calendar: WorkCalendar) -> date:
    """The `count`-th working day after `day` (which itself is not counted)."""
    while count > 0:
        day += timedelta(days=1)
        if work_calendar.is_working_day(day):
            count -= 1
    return day


def acknowledgment_due(received_on: date, rule: DeadlineRule, work_calendar: WorkCalendar) -> date:
    if rule.ack_day_kind == "working":
        return add_working_days(received_on, rule.ack_days, work_calendar)
    return roll_to_working_day(received_on + timedelta(days=rule.ack_days), work_calendar)


def answer_due(received_on: date, rule: DeadlineRule, work_calendar: WorkCalendar) -> date:
    return roll_to_working_day(add_months(received_on, rule.answer_months), work_calendar)


def at_receipt(
    received_on: date, rule: DeadlineRule, work_calendar: WorkCalendar
) -> ReceiptDeadlines:
    return ReceiptDeadlines(
        ack_due_on=acknowledgment_due(received_on, rule, work_calendar),
        answer_due_on=answer_due(received_on, rule, work_calendar),
        rule_code=rule.code,
    )


def next_reply_due(
    answer_due_on: date, replied_on: date, rule: DeadlineRule, work_calendar: WorkCalendar
) -> date:
    """After a progress reply on `replied_on`, the next one is due a month later, but the
    3-month answer date never moves earlier or later because of an early progress reply."""
    follow_up = roll_to_working_day(add_months(replied_on, rule.follow_up_months), work_calendar)
    return max(answer_due_on, follow_up)


def days_remaining(due_on: date, today: date) -> int:
    """Whole days left until the due date; 0 on the day itself, negative once overdue."""
    return (due_on - today).days


def is_overdue(due_on: date | None, today: date) -> bool:
    return due_on is not None and today > due_on


def is_due_soon(due_on: date | None, today: date, within_days: int) -> bool:
    return due_on is not None and 0 <= days_remaining(due_on, today) <= within_days
