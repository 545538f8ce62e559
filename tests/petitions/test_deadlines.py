"""The time limits in portal/petitions/deadlines.py: pure functions, no database; and, at the
end, its judgements (next deadline, due soon, overdue), whose SQL side is checked against the
Python side on a database.

The rules (see the module docstring): procedural reply 7 days after receipt (calendar or working
days), the answer 3 months after receipt, then a progress reply every month; the day of receipt
is not counted and a limit ending on a holiday or weekend ends on the next working day
(Criminal Procedure Law art. 105); a limit in months ends on the same day of the month or on the
month's last day.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from portal.calendar.services import WorkCalendar
from portal.core import clock
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import deadlines, workflow
from portal.petitions.deadlines import DeadlineRule
from portal.petitions.models import Petition
from tests.factories import make_petition, make_user

D = date.fromisoformat

# Weekends only: no listed holidays or make-up days.
PLAIN = WorkCalendar()
NATIONAL_DAY_HOLIDAYS = frozenset(date(2026, 10, day) for day in range(1, 8))  # Thu 1 .. Wed 7
# 2026-09-20 is a Sunday and 2026-10-10 a Saturday, both worked to make up for the holiday.
MAKE_UP_DAYS = frozenset({D("2026-09-20"), D("2026-10-10")})
NATIONAL_DAY = WorkCalendar(holidays=NATIONAL_DAY_HOLIDAYS, workdays=MAKE_UP_DAYS)
NATIONAL_DAY_NO_MAKE_UP = WorkCalendar(holidays=NATIONAL_DAY_HOLIDAYS)

CALENDAR_RULE = DeadlineRule()  # calendar-7d/3m/1m, the national default
WORKING_RULE = DeadlineRule(ack_day_kind="working")


# ---- the calendar itself ---------------------------------------------------------------------


def test_work_calendar_listed_days_override_the_week():
    assert NATIONAL_DAY.is_working_day(D("2026-09-30"))  # an ordinary Wednesday
    assert not NATIONAL_DAY.is_working_day(D("2026-10-01"))  # a holiday on a Thursday
    assert NATIONAL_DAY.is_working_day(D("2026-10-10"))  # a make-up Saturday
    assert NATIONAL_DAY.is_working_day(D("2026-09-20"))  # a make-up Sunday
    assert not NATIONAL_DAY.is_working_day(D("2026-10-11"))  # an ordinary Sunday
    assert not PLAIN.is_working_day(D("2026-10-10"))  # the same Saturday without the listing


# ---- months ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        # The month has no such day: its last day.
        ("2026-11-30", 3, "2027-02-28"),
        ("2027-11-30", 3, "2028-02-29"),  # leap year
        ("2027-11-29", 3, "2028-02-29"),
        ("2026-01-31", 1, "2026-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2026-08-31", 3, "2026-11-30"),
        ("2026-03-31", 1, "2026-04-30"),
        ("2028-02-29", 12, "2029-02-28"),
        # The same day of the month.
        ("2026-11-23", 3, "2027-02-23"),
        ("2026-05-15", 3, "2026-08-15"),
        ("2026-01-30", 1, "2026-02-28"),
        ("2026-02-28", 1, "2026-03-28"),  # not the month's end: 28 March, not 31 March
        # Across December into the next year.
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-12-31", 2, "2027-02-28"),
        ("2026-10-31", 3, "2027-01-31"),
        ("2026-11-15", 13, "2027-12-15"),
        ("2026-12-01", 12, "2027-12-01"),
        ("2026-12-31", 1, "2027-01-31"),
        ("2026-09-30", 3, "2026-12-30"),
    ],
)
def test_add_months(day, months, expected):
    assert deadlines.add_months(D(day), months) == D(expected)


def test_add_months_never_overshoots_into_the_following_month():
    day = D("2026-01-01")
    while day < D("2029-01-01"):
        for months in (1, 3, 12):
            result = deadlines.add_months(day, months)
            target_month = (day.month - 1 + months) % 12 + 1
            assert result.month == target_month, (day, months, result)
            assert result.day <= day.day
        day += timedelta(days=1)


# ---- the procedural reply, counted in calendar days ------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected", "why"),
    [
        ("2026-11-16", "2026-11-23", "Monday + 7 is a Monday; the day of receipt does not count"),
        ("2026-11-17", "2026-11-24", "Tuesday + 7"),
        ("2026-11-14", "2026-11-23", "Saturday + 7 is a Saturday: rolls to Monday"),
        ("2026-11-15", "2026-11-23", "Sunday + 7 is a Sunday: rolls to Monday"),
        ("2026-11-13", "2026-11-20", "Friday + 7 is a Friday"),
        ("2026-09-24", "2026-10-08", "ends on 1 October: rolls past the National Day week"),
        ("2026-09-30", "2026-10-08", "ends on 7 October, the last holiday"),
        ("2026-09-26", "2026-10-08", "ends on 3 October, a Saturday inside the holiday"),
        ("2026-10-03", "2026-10-10", "ends on a make-up Saturday, which is a working day"),
        ("2026-10-02", "2026-10-09", "received during the holiday, ends on a working Friday"),
    ],
)
def test_calendar_day_acknowledgment(received, expected, why):
    assert deadlines.acknowledgment_due(D(received), CALENDAR_RULE, NATIONAL_DAY) == D(expected), (
        why
    )


def test_calendar_day_acknowledgment_without_the_make_up_day_rolls_to_monday():
    assert deadlines.acknowledgment_due(
        D("2026-10-03"), CALENDAR_RULE, NATIONAL_DAY_NO_MAKE_UP
    ) == D("2026-10-12")


def test_calendar_day_acknowledgment_uses_the_configured_number_of_days():
    rule = DeadlineRule(ack_days=5)
    # Monday 16th + 5 is Saturday 21st: rolls to Monday 23rd.
    assert deadlines.acknowledgment_due(D("2026-11-16"), rule, PLAIN) == D("2026-11-23")
    assert deadlines.acknowledgment_due(D("2026-11-17"), DeadlineRule(ack_days=3), PLAIN) == D(
        "2026-11-20"
    )


def test_calendar_day_acknowledgment_always_falls_on_a_working_day_never_before_the_count():
    day = D("2026-09-01")
    while day < D("2026-12-31"):
        due = deadlines.acknowledgment_due(day, CALENDAR_RULE, NATIONAL_DAY)
        assert NATIONAL_DAY.is_working_day(due), day
        assert due >= day + timedelta(days=7), day
        # nothing between day+7 and the due date was a working day
        gap = day + timedelta(days=7)
        while gap < due:
            assert not NATIONAL_DAY.is_working_day(gap), (day, gap)
            gap += timedelta(days=1)
        day += timedelta(days=1)


# ---- the procedural reply, counted in working days -------------------------------------------


@pytest.mark.parametrize(
    ("received", "calendar", "expected"),
    [
        # Mon 16 Nov: Tue..Fri (4), Mon 23, Tue 24, Wed 25 (7).
        ("2026-11-16", PLAIN, "2026-11-25"),
        # Fri 20 Nov: Mon 23..Fri 27 (5), Mon 30 (6), Tue 1 Dec (7).
        ("2026-11-20", PLAIN, "2026-12-01"),
        # Sat 21 Nov: the weekend is not counted either.
        ("2026-11-21", PLAIN, "2026-12-01"),
        # Tue 29 Sep: Wed 30 (1), holidays 1-7 Oct, Thu 8 (2), Fri 9 (3), make-up Sat 10 (4),
        # Mon 12 (5), Tue 13 (6), Wed 14 (7).
        ("2026-09-29", NATIONAL_DAY, "2026-10-14"),
        # The same without the make-up Saturday: one day later.
        ("2026-09-29", NATIONAL_DAY_NO_MAKE_UP, "2026-10-15"),
        # Sat 19 Sep: make-up Sun 20 (1), Mon 21..Fri 25 (6), Mon 28 (7).
        ("2026-09-19", NATIONAL_DAY, "2026-09-28"),
        ("2026-09-19", PLAIN, "2026-09-29"),
        # Received during the holiday: Thu 8 (1), Fri 9 (2), make-up Sat 10 (3), Mon 12..Thu 15 (7).
        ("2026-10-02", NATIONAL_DAY, "2026-10-15"),
    ],
)
def test_working_day_acknowledgment(received, calendar, expected):
    assert deadlines.acknowledgment_due(D(received), WORKING_RULE, calendar) == D(expected)


def test_working_day_acknowledgment_counts_exactly_the_configured_working_days():
    rule = DeadlineRule(ack_days=7, ack_day_kind="working")
    day = D("2026-09-01")
    while day < D("2026-11-30"):
        due = deadlines.acknowledgment_due(day, rule, NATIONAL_DAY)
        counted = sum(
            NATIONAL_DAY.is_working_day(day + timedelta(days=n))
            for n in range(1, (due - day).days + 1)
        )
        assert counted == 7, (day, due)
        assert NATIONAL_DAY.is_working_day(due)
        day += timedelta(days=1)


def test_add_working_days_and_roll_helpers():
    assert deadlines.add_working_days(D("2026-11-20"), 1, PLAIN) == D("2026-11-23")
    assert deadlines.add_working_days(D("2026-11-20"), 0, PLAIN) == D("2026-11-20")
    assert deadlines.roll_to_working_day(D("2026-11-23"), PLAIN) == D("2026-11-23")
    assert deadlines.roll_to_working_day(D("2026-10-01"), NATIONAL_DAY) == D("2026-10-08")
    assert deadlines.roll_to_working_day(D("2026-10-10"), NATIONAL_DAY) == D("2026-10-10")
    assert deadlines.roll_to_working_day(D("2026-10-10"), PLAIN) == D("2026-10-12")


# ---- the 3-month answer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "calendar", "expected"),
    [
        ("2026-11-23", PLAIN, "2027-02-23"),
        ("2026-07-01", NATIONAL_DAY, "2026-10-08"),  # 1 October is a holiday
        ("2026-07-03", NATIONAL_DAY, "2026-10-08"),  # 3 October: a Saturday inside the holiday
        ("2026-07-10", NATIONAL_DAY, "2026-10-10"),  # a make-up Saturday is a working day
        ("2026-07-10", PLAIN, "2026-10-12"),  # the same Saturday, not listed: Monday
        ("2026-11-30", PLAIN, "2027-03-01"),  # 28 Feb 2027 is a Sunday
        ("2027-11-30", PLAIN, "2028-02-29"),  # leap day, a Tuesday
        ("2026-08-31", PLAIN, "2026-11-30"),
    ],
)
def test_answer_due(received, calendar, expected):
    assert deadlines.answer_due(D(received), CALENDAR_RULE, calendar) == D(expected)


def test_answer_due_uses_the_configured_months():
    assert deadlines.answer_due(D("2026-11-23"), DeadlineRule(answer_months=2), PLAIN) == D(
        "2027-01-25"
    )


def test_at_receipt_returns_both_dates_and_the_rule_code():
    due = deadlines.at_receipt(D("2026-09-24"), CALENDAR_RULE, NATIONAL_DAY)
    assert due.ack_due_on == D("2026-10-08")
    assert due.answer_due_on == D("2026-12-24")
    assert due.rule_code == "calendar-7d/3m/1m"
    working = deadlines.at_receipt(D("2026-09-29"), WORKING_RULE, NATIONAL_DAY)
    assert working.ack_due_on == D("2026-10-14")
    assert working.rule_code == "working-7d/3m/1m"


# ---- the monthly progress reply --------------------------------------------------------------


def test_next_reply_due_never_earlier_than_the_three_month_answer():
    answer_due_on = D("2027-02-23")
    # An early progress reply (a week after receipt) does not bring the answer date forward.
    assert (
        deadlines.next_reply_due(answer_due_on, D("2026-11-30"), CALENDAR_RULE, PLAIN)
        == answer_due_on
    )
    # Nor one whose month-later date is a day before the answer date.
    assert (
        deadlines.next_reply_due(answer_due_on, D("2027-01-22"), CALENDAR_RULE, PLAIN)
        == answer_due_on
    )
    for offset in range(0, 95):
        replied = D("2026-11-23") + timedelta(days=offset)
        assert (
            deadlines.next_reply_due(answer_due_on, replied, CALENDAR_RULE, PLAIN) >= answer_due_on
        )


def test_next_reply_due_a_month_after_a_late_progress_reply():
    answer_due_on = D("2026-10-08")
    assert deadlines.next_reply_due(answer_due_on, D("2026-10-20"), CALENDAR_RULE, PLAIN) == D(
        "2026-11-20"
    )
    # A month after 23 Feb 2027 is Tuesday 23 March.
    assert deadlines.next_reply_due(D("2027-02-23"), D("2027-02-23"), CALENDAR_RULE, PLAIN) == D(
        "2027-03-23"
    )
    # A month after 31 Jan 2027 is 28 Feb, a Sunday: Monday 1 March.
    assert deadlines.next_reply_due(D("2026-12-01"), D("2027-01-31"), CALENDAR_RULE, PLAIN) == D(
        "2027-03-01"
    )


def test_next_reply_due_rolls_off_a_holiday():
    assert deadlines.next_reply_due(
        D("2026-08-31"), D("2026-09-01"), CALENDAR_RULE, NATIONAL_DAY
    ) == D("2026-10-08")


def test_next_reply_due_uses_the_follow_up_months_of_the_rule():
    rule = DeadlineRule(follow_up_months=2)
    assert deadlines.next_reply_due(D("2026-10-08"), D("2026-10-20"), rule, PLAIN) == D(
        "2026-12-21"
    )


# ---- the rule, stored on the petition as a code ----------------------------------------------


def test_default_rule_code():
    assert DeadlineRule().code == "calendar-7d/3m/1m"


@pytest.mark.parametrize(
    "rule",
    [
        DeadlineRule(),
        DeadlineRule(ack_day_kind="working"),
        DeadlineRule(ack_days=15, ack_day_kind="working", answer_months=2, follow_up_months=1),
        DeadlineRule(ack_days=10, ack_day_kind="calendar", answer_months=12, follow_up_months=3),
    ],
)
def test_rule_code_round_trip(rule):
    assert DeadlineRule.from_code(rule.code) == rule
    assert DeadlineRule.from_code(rule.code).code == rule.code


def test_rule_from_config():
    rule = DeadlineRule.from_config(
        {"ACK_DAYS": 5, "ACK_DAY_KIND": "working", "ANSWER_MONTHS": 2, "FOLLOW_UP_MONTHS": 1}
    )
    assert rule == DeadlineRule(
        ack_days=5, ack_day_kind="working", answer_months=2, follow_up_months=1
    )
    assert rule.code == "working-5d/2m/1m"


# ---- due, due soon, overdue ------------------------------------------------------------------


def test_days_remaining():
    due = D("2026-11-30")
    assert deadlines.days_remaining(due, D("2026-11-30")) == 0
    assert deadlines.days_remaining(due, D("2026-11-29")) == 1
    assert deadlines.days_remaining(due, D("2026-12-01")) == -1
    assert deadlines.days_remaining(due, D("2026-11-23")) == 7


def test_is_overdue_only_after_the_due_day():
    due = D("2026-11-30")
    assert not deadlines.is_overdue(due, D("2026-11-29"))
    assert not deadlines.is_overdue(due, due)  # due today is not overdue
    assert deadlines.is_overdue(due, D("2026-12-01"))
    assert not deadlines.is_overdue(None, D("2026-12-01"))


def test_is_due_soon_boundaries():
    due = D("2026-11-30")
    assert deadlines.is_due_soon(due, due, 2)  # due today
    assert deadlines.is_due_soon(due, D("2026-11-29"), 2)
    assert deadlines.is_due_soon(due, D("2026-11-28"), 2)  # exactly within_days ahead
    assert not deadlines.is_due_soon(due, D("2026-11-27"), 2)
    assert not deadlines.is_due_soon(due, D("2026-12-01"), 2)  # overdue is not "due soon"
    assert not deadlines.is_due_soon(None, due, 2)
    assert deadlines.is_due_soon(due, due, 0)
    assert not deadlines.is_due_soon(due, D("2026-11-29"), 0)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("received", deadlines.Deadline("acknowledgment", D("2026-11-30"))),
        ("accepted", deadlines.Deadline("reply", D("2027-02-23"))),
        ("in_progress", deadlines.Deadline("reply", D("2027-02-23"))),
        ("awaiting_approval", deadlines.Deadline("reply", D("2027-02-23"))),
        ("under_review", deadlines.Deadline("reply", D("2027-02-23"))),
        ("answered", None),
        ("closed", None),
        ("merged", None),
    ],
)
def test_the_next_deadline_follows_the_state(status, expected):
    petition = SimpleNamespace(
        status=status, ack_due_on=D("2026-11-30"), reply_due_on=D("2027-02-23")
    )
    assert deadlines.next_deadline(petition) == expected


def test_due_status_is_what_the_pages_show():
    received = SimpleNamespace(status="received", ack_due_on=D("2026-11-30"), reply_due_on=None)
    late = deadlines.due_status(received, D("2026-12-03"))
    assert (late.due_on, late.days_left, late.is_overdue, late.days_overdue) == (
        D("2026-11-30"),
        -3,
        True,
        3,
    )
    today = deadlines.due_status(received, D("2026-11-30"))
    assert (today.days_left, today.is_overdue, today.days_overdue) == (0, False, 0)
    answered = SimpleNamespace(status="answered", ack_due_on=D("2026-11-30"), reply_due_on=None)
    assert deadlines.due_status(answered, D("2026-12-03")) is None


def test_the_sql_side_gives_the_same_answers_as_the_python_side(frozen_now):
    """The queues and the sweep select in SQL what the pages judge in Python: both sides of
    deadlines.py must agree, for every state and around every due date."""
    clerk, handler = make_user(Role.CLERK), make_user(Role.HANDLER)
    today = clock.local_today()  # Monday 23 November 2026
    received, _ = make_petition()  # procedural reply due 30 November
    late, _ = make_petition(received_on=today - timedelta(days=10))  # due Friday 20 November
    accepted, _ = make_petition()
    workflow.acknowledge(accepted, clerk, notice="已受理")  # next reply due 23 February
    in_progress, _ = make_petition()
    workflow.acknowledge(in_progress, clerk, notice="已受理")
    workflow.assign(in_progress, clerk, handler=handler)
    answered, _ = make_petition()
    workflow.not_accept(answered, clerk, reason="不属于本院管辖。")
    db.session.commit()
    petitions = [received, late, accepted, in_progress, answered]

    def sql_ids(condition):
        return set(db.session.scalars(sa.select(Petition.id).where(condition)))

    def due_dates():
        return {p.id: (d.due_on if (d := deadlines.next_deadline(p)) else None) for p in petitions}

    next_due = dict(db.session.execute(sa.select(Petition.id, deadlines.next_due_on_sql())).all())
    assert next_due == due_dates()
    days = ["2026-11-18", "2026-11-20", "2026-11-21", "2026-11-28", "2026-11-30", "2026-12-01"]
    days += ["2027-02-20", "2027-02-23", "2027-02-24"]
    for day in map(D, days):
        overdue = {pid for pid, due in due_dates().items() if deadlines.is_overdue(due, day)}
        assert sql_ids(deadlines.overdue_sql(day)) == overdue, day
        for within in (0, 2):
            soon = {
                pid for pid, due in due_dates().items() if deadlines.is_due_soon(due, day, within)
            }
            assert sql_ids(deadlines.due_soon_sql(day, within)) == soon, (day, within)
    # And the answers are the ones the rule gives, not merely the same on both sides.
    assert sql_ids(deadlines.overdue_sql(D("2026-11-30"))) == {late.id}
    assert sql_ids(deadlines.overdue_sql(D("2026-12-01"))) == {late.id, received.id}
    assert sql_ids(deadlines.overdue_sql(D("2027-02-24"))) == {
        late.id,
        received.id,
        accepted.id,
        in_progress.id,
    }
    assert sql_ids(deadlines.due_soon_sql(D("2026-11-28"), 2)) == {received.id}
