"""The figures the transparency page, its API and CSV, and the staff statistics show.

Each figure is read from the running totals (models.PetitionTally, a few thousand rows a year
whatever the number of petitions) and, for what changes with the date alone (overdue now, late
and still without the reply), from a live count of the late petitions alone, found by index
ranges on their due dates (petitions.queries.open_deadline_counts). Nothing here reads every
petition, nor every open one. The definitions are
services.py's, printed on the page (templates/statistics/_definitions.html).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from portal.accounts import queries as accounts
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import queries as petitions
from portal.statistics import services
from portal.statistics.models import COUNTERS, PetitionTally

REACHABLE, ANONYMOUS, UNREACHABLE = petitions.REACHABLE, petitions.ANONYMOUS, petitions.UNREACHABLE
REACH_LABELS = {
    REACHABLE: _l("Petitioners who can be answered"),
    ANONYMOUS: _l("Anonymous"),
    UNREACHABLE: _l("Petitioner unreachable"),
}


def _rate(part: int, whole: int) -> float | None:
    """A share in percent, one decimal; None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Figures:
    """The counters of a group of petitions and the rates derived from them."""

    received: int = 0
    acknowledged_in_time: int = 0
    acknowledged_late: int = 0
    answered_in_time: int = 0
    answered_late: int = 0
    merged: int = 0
    days_to_answer: int = 0
    graded_satisfied: int = 0
    graded_basically_satisfied: int = 0
    graded_dissatisfied: int = 0
    # Counted live (today).
    overdue_now: int = 0
    ack_overdue: int = 0
    answer_overdue: int = 0
    by_channel: dict = field(default_factory=lambda: defaultdict(int))

    def add_totals(self, values: dict, channel: str | None = None) -> None:
        for name in COUNTERS:
            setattr(self, name, getattr(self, name) + (values[name] or 0))
        if channel is not None:
            self.by_channel[channel] += values["received"] or 0

    def add_live(self, live: petitions.DeadlineCounts) -> None:
        self.overdue_now += live.overdue_now
        self.ack_overdue += live.ack_overdue
        self.answer_overdue += live.answer_overdue

    def add(self, other: Figures) -> None:
        for name in (*COUNTERS, "overdue_now", "ack_overdue", "answer_overdue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for channel, n in other.by_channel.items():
            self.by_channel[channel] += n

    # The procedural reply within 7 days.
    @property
    def acknowledged_known(self) -> int:
        return self.acknowledged_in_time + self.acknowledged_late + self.ack_overdue

    @property
    def acknowledged_pending(self) -> int:
        return self.received - self.acknowledged_known

    @property
    def acknowledged_rate(self) -> float | None:
        return _rate(self.acknowledged_in_time, self.acknowledged_known)

    # The answer within 3 months.
    @property
    def answered(self) -> int:
        return self.answered_in_time + self.answered_late

    @property
    def answered_known(self) -> int:
        return self.answered + self.answer_overdue

    @property
    def answered_pending(self) -> int:
        return self.received - self.merged - self.answered_known

    @property
    def answered_rate(self) -> float | None:
        return _rate(self.answered_in_time, self.answered_known)

    @property
    def average_days_to_answer(self) -> float | None:
        return round(self.days_to_answer / self.answered, 1) if self.answered else None

    # Satisfaction.
    @property
    def graded(self) -> int:
        return self.graded_satisfied + self.graded_basically_satisfied + self.graded_dissatisfied

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.graded_satisfied + self.graded_basically_satisfied, self.graded)


@dataclass(frozen=True)
class Scope:
    """Which petitions: received in the months `first_month` to `last_month` (first days), and
    optionally of one kind, channel and handler (0: no handler yet)."""

    first_month: date
    last_month: date
    kind: str | None = None
    channel: str | None = None
    handler_id: int | None = None

    @property
    def last_day(self) -> date:
        return add_months(self.last_month, 1) - timedelta(days=1)

    @property
    def months(self) -> list[date]:
        months, month = [], self.first_month
        while month <= self.last_month:
            months.append(month)
            month = add_months(month, 1)
        return months


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _tally_rows(scope: Scope, dimensions: tuple[str, ...]):
    """The sums of the running totals over `scope`, grouped by `dimensions` and reach."""
    columns = [PetitionTally.__table__.c[name] for name in dimensions]
    query = (
        sa.select(
            *columns,
            PetitionTally.reach,
            *(sa.func.sum(PetitionTally.__table__.c[name]).label(name) for name in COUNTERS),
        )
        .where(PetitionTally.month.between(scope.first_month, scope.last_month))
        .group_by(*columns, PetitionTally.reach)
    )
    if scope.kind:
        query = query.where(PetitionTally.kind == scope.kind)
    if scope.channel:
        query = query.where(PetitionTally.channel == scope.channel)
    if scope.handler_id is not None:
        query = query.where(PetitionTally.handler_id == scope.handler_id)
    elif "handler_id" in dimensions:
        query = query.where(PetitionTally.handler_id != services.ALL_HANDLERS)
    else:
        query = query.where(PetitionTally.handler_id == services.ALL_HANDLERS)
    return db.session.execute(query).mappings()


def _live_rows(scope: Scope, today: date):
    return petitions.open_deadline_counts(
        today,
        received_from=scope.first_month,
        received_until=scope.last_day,
        kind=scope.kind,
        channel=scope.channel,
        handler=scope.handler_id,
    )


@dataclass
class Breakdown:
    """Figures by one or two dimensions, each split by reach class."""

    groups: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(Figures)))

    def figures(self, group, reach: str) -> Figures:
        return self.groups[group][reach]

    def all_classes(self, group) -> Figures:
        total = Figures()
        for figures in self.groups[group].values():
            total.add(figures)
        return total


def _group_value(name: str, row) -> object:
    if name == "month":
        return row.received_on.replace(day=1)
    if name == "handler_id":
        return row.handler_id or 0
    return getattr(row, name)


@dataclass
class PublicFigures:
    scope: Scope
    by_month: Breakdown
    by_kind: Breakdown
    total: Breakdown  # one group, None

    @property
    def has_petitions(self) -> bool:
        return any(self.total.figures(None, reach).received for reach in REACH_LABELS)


def public_figures(scope: Scope, today: date) -> PublicFigures:
    """By month and by kind, each split by reach class, with received by channel: two small
    grouped reads of the totals and one live count of the late petitions."""
    by_month, by_kind, total = Breakdown(), Breakdown(), Breakdown()
    for row in _tally_rows(scope, ("month", "kind", "channel")):
        for breakdown, group in ((by_month, row["month"]), (by_kind, row["kind"]), (total, None)):
            breakdown.figures(group, row["reach"]).add_totals(row, row["channel"])
    for live in _live_rows(scope, today):
        month = live.received_on.replace(day=1)
        for breakdown, group in ((by_month, month), (by_kind, live.kind), (total, None)):
            breakdown.figures(group, live.reach).add_live(live)
    return PublicFigures(scope, by_month, by_kind, total)


# ---- the staff statistics: one dimension at a time, with filters ------------------------------

DIMENSIONS = {
    "handler": ("handler_id", _l("Handler")),
    "kind": ("kind", _l("Kind")),
    "channel": ("channel", _l("Channel")),
    "month": ("month", _l("Month of receipt")),
}
STAFF_COLUMNS = (
    ("received", _l("Petitions received")),
    ("acknowledged_in_time", _l("Procedural reply within 7 days")),
    ("answered_in_time", _l("Answered within 3 months")),
    ("answered_late", _l("Answered late")),
    ("answer_overdue", _l("Unanswered after 3 months")),
    ("overdue_now", _l("Overdue now")),
    ("average_days_to_answer", _l("Average days to answer")),
    ("answered_rate", _l("Answered within 3 months (%)")),
    ("anonymous", _l("Anonymous")),
    ("unreachable", _l("Petitioner unreachable")),
)


def staff_breakdown(scope: Scope, dimension: str, today: date) -> Breakdown:
    column = DIMENSIONS[dimension][0]
    breakdown = Breakdown()
    for row in _tally_rows(scope, (column,)):
        breakdown.figures(row[column], row["reach"]).add_totals(row)
    for live in _live_rows(scope, today):
        breakdown.figures(_group_value(column, live), live.reach).add_live(live)
    return breakdown


def handler_names() -> dict[int, str]:
    """Every account that can hold a petition, by id (inactive ones too: their old petitions
    still count under them)."""
    return {user.id: user.name for user in accounts.staff_accounts(Role.HANDLER, Role.LEADER)}


def staff_table(scope: Scope, dimension: str, today: date):
    """The staff statistics as (columns, rows): columns are (key, label) pairs, rows mappings from
    key to a value (str, int, float or None), in the shape of the export contract's Table, so that
    the same rows can be downloaded. All figures count every petition of the group; the rates
    count only those that can be answered (anonymous and unreachable ones are counted apart, in
    the last two columns)."""
    breakdown = staff_breakdown(scope, dimension, today)
    label = _group_labeller(dimension)
    columns = [("group", DIMENSIONS[dimension][1]), *STAFF_COLUMNS]
    rows = []
    for group in sorted(breakdown.groups, key=_sort_key(dimension, label)):
        everyone = breakdown.all_classes(group)
        answerable = breakdown.figures(group, REACHABLE)
        rows.append(
            {
                "group": label(group),
                "received": everyone.received,
                "acknowledged_in_time": everyone.acknowledged_in_time,
                "answered_in_time": everyone.answered_in_time,
                "answered_late": everyone.answered_late,
                "answer_overdue": everyone.answer_overdue,
                "overdue_now": everyone.overdue_now,
                "average_days_to_answer": everyone.average_days_to_answer,
                "answered_rate": answerable.answered_rate,
                "anonymous": breakdown.figures(group, ANONYMOUS).received,
                "unreachable": breakdown.figures(group, UNREACHABLE).received,
            }
        )
    return columns, rows


def _group_labeller(dimension: str):
    if dimension == "handler":
        names = handler_names()
        return lambda handler_id: (
            names.get(handler_id, f"#{handler_id}") if handler_id else str(_l("Not assigned"))
        )
    if dimension == "kind":
        labels = {kind.value: kind.label for kind in petitions.intake_kinds()}
        return lambda kind: str(labels.get(kind, kind))
    if dimension == "channel":
        labels = {channel.value: channel.label for channel in petitions.channels()}
        return lambda channel: str(labels.get(channel, channel))
    return lambda month: month.strftime("%Y-%m")


def _sort_key(dimension: str, label):
    if dimension == "month":
        return lambda month: month
    return lambda group: label(group)


# ---- the period a page shows ------------------------------------------------------------------


def first_year(today: date) -> int:
    """The earliest year with petitions counted (this year when there are none)."""
    first = db.session.scalar(sa.select(sa.func.min(PetitionTally.month)))
    return first.year if first else today.year


def last_twelve_months(today: date) -> Scope:
    this_month = today.replace(day=1)
    return Scope(add_months(this_month, -11), this_month)


def calendar_year(year: int, today: date) -> Scope:
    """January to December of `year`, or to this month for the year under way."""
    return Scope(date(year, 1, 1), min(date(year, 12, 1), today.replace(day=1)))
