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
deadlines of petitions already received. The functions that set due dates are pure: they take the
dates and the calendar and return dates.

The judgements "next deadline", "due soon" and "overdue" are defined once, at the end of this
module, each as a Python function and, beside it, the same rule as a SQL expression for the
queues and the sweep (queries.py, services.py). They are computed from the stored due dates and
today's date, never stored; templates only show what `due_status` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from portal.calendar.services import WorkCalendar
from portal.core.i18n import lazy_gettext as _l
from portal.core.timelimits import add_months, add_working_days, roll_to_working_day
from portal.petitions.models import OPEN_STATES, Petition, State


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


# ---- judgements: the next deadline, due soon, overdue (Python and SQL side by side) -----------
#
# A petition's next deadline is the procedural reply (`ack_due_on`) while it is `received`, the
# next substantive reply (`reply_due_on`) while it is open, and none once it is answered or
# finished. A deadline is overdue from the day after its due date (due today is not overdue), and
# due soon from `within_days` days before it up to the due date itself. Each Python function below
# has its SQL twin right after it; tests/petitions/test_deadlines.py holds the two to the same
# answers.

ACKNOWLEDGMENT = "acknowledgment"  # the names Escalation.deadline stores
REPLY = "reply"
_OPEN = sorted(state.value for state in OPEN_STATES)


@dataclass(frozen=True)
class Deadline:
    kind: str  # ACKNOWLEDGMENT or REPLY
    due_on: date


def next_deadline(petition: Petition) -> Deadline | None:
    if petition.status == State.RECEIVED:
        return Deadline(ACKNOWLEDGMENT, petition.ack_due_on)
    if petition.status in OPEN_STATES and petition.reply_due_on is not None:
        return Deadline(REPLY, petition.reply_due_on)
    return None


def next_due_on_sql():
    """`next_deadline(petition).due_on` as a SQL expression over the petitions table."""
    return sa.case(
        (Petition.status == State.RECEIVED.value, Petition.ack_due_on),
        (Petition.status.in_(_OPEN), Petition.reply_due_on),
        else_=None,
    )


def next_deadline_kind_sql():
    """`next_deadline(petition).kind` as a SQL expression (where there is a next deadline)."""
    return sa.case(
        (Petition.status == State.RECEIVED.value, ACKNOWLEDGMENT),
        (Petition.status.in_(_OPEN), REPLY),
        else_=None,
    )


def days_remaining(due_on: date, today: date) -> int:
    """Whole days left until the due date; 0 on the day itself, negative once overdue."""
    return (due_on - today).days


def is_overdue(due_on: date | None, today: date) -> bool:
    return due_on is not None and today > due_on


def overdue_sql(today: date):
    """`is_overdue(next_deadline(petition).due_on, today)` in SQL, written as one date range per
    state rather than as `next_due_on_sql() < today`: the same rule, but each half is a range of
    an index on (status, due date) (models.Petition), so the overdue queue, the sweep and the
    statistics read the late petitions only, not every open one."""
    return sa.or_(
        sa.and_(Petition.status == State.RECEIVED.value, Petition.ack_due_on < today),
        sa.and_(Petition.status.in_(_OPEN), Petition.reply_due_on < today),
    )


def is_due_soon(due_on: date | None, today: date, within_days: int) -> bool:
    return due_on is not None and 0 <= days_remaining(due_on, today) <= within_days


def due_soon_sql(today: date, within_days: int):
    """`is_due_soon(next_deadline(petition).due_on, today, within_days)` in SQL, one date range
    per state as in `overdue_sql` (index ranges, not a scan of every open petition)."""
    soon = today + timedelta(days=within_days)
    return sa.or_(
        sa.and_(Petition.status == State.RECEIVED.value, Petition.ack_due_on.between(today, soon)),
        sa.and_(Petition.status.in_(_OPEN), Petition.reply_due_on.between(today, soon)),
    )


@dataclass(frozen=True)
class DueStatus:
    """What the back-office pages show of a petition's next deadline."""

    due_on: date
    days_left: int  # negative once overdue
    is_overdue: bool

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def due_status(petition: Petition, today: date) -> DueStatus | None:
    deadline = next_deadline(petition)
    if deadline is None:
        return None
    return DueStatus(
        deadline.due_on,
        days_remaining(deadline.due_on, today),
        is_overdue(deadline.due_on, today),
    )
