"""The running totals the transparency page and the staff statistics are read from.

One row per (month of receipt, kind, channel, handler, reach class) holds what the petitions of
that group add up to: how many came in, how many had their procedural reply and their first
substantive answer in time or late, the days it took to answer, the grades of their replies.
services.py keeps the rows in step with every change to a petition or a reply, in the same
transaction (a flush hook); `flask --app portal statistics rebuild` recounts them from the
petitions. What changes with the date alone (overdue now, late and still unanswered) is not
stored: it is counted live over the late petitions (petitions.queries.open_deadline_counts).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

# The counters of a row, in the order services.py adds them up.
# The public pages these totals are shown on (portal/core/pagecache.py).
TOPIC = "statistics"

COUNTERS = (
    "received",
    "acknowledged_in_time",
    "acknowledged_late",
    "answered_in_time",
    "answered_late",
    "merged",
    "days_to_answer",
    "graded_satisfied",
    "graded_basically_satisfied",
    "graded_dissatisfied",
)


class PetitionTally(db.Model):
    __tablename__ = "petition_tallies"
    __table_args__ = (
        sa.CheckConstraint(
            "reach IN ('reachable', 'anonymous', 'unreachable')", name="reach_class"
        ),
    )

    # The first day of the month the petition was received in (its `received_on`, a local date).
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    # The handler the petition is assigned to now; 0 while it has none (a key cannot be NULL).
    # A reassignment moves the petition's whole count to the new handler. Every petition is
    # also counted under -1 (services.ALL_HANDLERS), the sum over all handlers.
    handler_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # petitions.queries.reach_class: reachable, anonymous or unreachable.
    reach: Mapped[str] = mapped_column(sa.String(12), primary_key=True)

    received: Mapped[int] = mapped_column(default=0)
    # The procedural reply (accepted, transferred, not accepted, merged) on or before ack_due_on.
    acknowledged_in_time: Mapped[int] = mapped_column(default=0)
    acknowledged_late: Mapped[int] = mapped_column(default=0)
    # The first substantive reply on or before answer_due_on (merged petitions are not counted:
    # the earlier petition answers for them).
    answered_in_time: Mapped[int] = mapped_column(default=0)
    answered_late: Mapped[int] = mapped_column(default=0)
    merged: Mapped[int] = mapped_column(default=0)
    # Sum over answered petitions of the days from receipt to the first substantive reply.
    days_to_answer: Mapped[int] = mapped_column(default=0)
    # Replies graded by the petitioner, by grade.
    graded_satisfied: Mapped[int] = mapped_column(default=0)
    graded_basically_satisfied: Mapped[int] = mapped_column(default=0)
    graded_dissatisfied: Mapped[int] = mapped_column(default=0)
