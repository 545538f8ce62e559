"""Lists that stay fast however long they grow: counts that stop counting, and pages that start
after a row instead of after N rows.

A back office with a million petitions cannot count a queue of 900,000 on every page view, and
`OFFSET 20000` reads and throws away 20,000 rows. So a count stops at a cap and says "1,000+"
(what a clerk needs to know: more than one can work through today), and a list pages by keyset:
the next page starts after the last row shown (its id in the URL), the previous page ends before
the first; each page costs what the first does.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import format_number

from portal.core.i18n import gettext as _
from portal.extensions import db

COUNT_CAP = 1000


@dataclass(frozen=True)
class CappedCount:
    """How many rows, up to `cap`; past it only that there are more than `cap`."""

    count: int
    cap: int

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    def capped_at(self, cap: int) -> CappedCount:
        """The same count as a lower cap shows it (a count taken for another purpose)."""
        return CappedCount(min(self.count, cap + 1), cap)

    def __bool__(self) -> bool:
        return self.count > 0

    def __str__(self) -> str:
        """As the page shows it, in the reader's language: "37", "1,000+"."""
        if self.is_capped:
            return _("%(num)s+", num=format_number(self.cap))
        return format_number(self.count)


def capped_count(statement: sa.Select, cap: int | None = None) -> CappedCount:
    """The rows `statement` selects, counted up to cap + 1 (COUNT_CAP by default): the database
    stops reading there."""
    cap = cap or COUNT_CAP
    limited = (
        statement.with_only_columns(sa.literal(1), maintain_column_froms=True)
        .order_by(None)
        .limit(cap + 1)
        .subquery()
    )
    return CappedCount(db.session.scalar(sa.select(sa.func.count()).select_from(limited)), cap)


@dataclass(frozen=True)
class KeysetPage:
    """One page of a keyset-paged list: its rows, and the row ids the links start from."""

    items: list
    total: CappedCount
    after: int | None  # the id to start the next page after; None on the last page
    before: int | None  # the id to end the previous page before; None on the first page

    @property
    def has_next(self) -> bool:
        return self.after is not None

    @property
    def has_prev(self) -> bool:
        return self.before is not None


def after_key(columns, values):
    """Rows whose (columns) come after (values) in ascending order, as a condition both
    databases can serve from an index on those columns: the first column's range, then the
    ties broken column by column."""
    first, *rest = columns
    head, *tail = values
    if not rest:
        return first > head
    return sa.and_(
        first >= head, sa.or_(first > head, sa.and_(first == head, after_key(rest, tail)))
    )


def before_key(columns, values):
    """Rows whose (columns) come before (values) in ascending order (see `after_key`)."""
    first, *rest = columns
    head, *tail = values
    if not rest:
        return first < head
    return sa.and_(
        first <= head, sa.or_(first < head, sa.and_(first == head, before_key(rest, tail)))
    )
