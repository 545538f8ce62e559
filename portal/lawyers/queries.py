"""Read-side lists of lawyer services: accounts and bindings for review, a lawyer's own
bindings, the categories excluded from online reading. Nothing here changes anything; the
rules are in services.py (accounts), bindings.py (bindings, file reading) and workflow.py
(which state may follow which)."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.lawyers.models import (
    BindingStatus,
    CaseBinding,
    LawyerAccount,
    ReadingExclusion,
    Verification,
)

BINDINGS_SHOWN = 200


def lawyers_for_review() -> list[LawyerAccount]:
    """Every account, those waiting for verification first, then the newest."""
    waiting_first = sa.case({Verification.PENDING.value: 0}, value=LawyerAccount.status, else_=1)
    return db.session.scalars(
        sa.select(LawyerAccount).order_by(waiting_first, LawyerAccount.created_at.desc())
    ).all()


def count_bindings_waiting() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(CaseBinding.id)).where(
            CaseBinding.status == BindingStatus.REQUESTED
        )
    )


def bindings_for_review() -> list[CaseBinding]:
    """The latest BINDINGS_SHOWN bindings, those waiting for a decision first."""
    waiting_first = sa.case({BindingStatus.REQUESTED.value: 0}, value=CaseBinding.status, else_=1)
    return db.session.scalars(
        sa.select(CaseBinding)
        .order_by(waiting_first, CaseBinding.requested_at.desc())
        .limit(BINDINGS_SHOWN)
    ).all()


def bindings_of_lawyer(lawyer_id: int) -> list[CaseBinding]:
    """A lawyer's bindings, newest first (their account page and the staff's page on them)."""
    return db.session.scalars(
        sa.select(CaseBinding)
        .where(CaseBinding.lawyer_id == lawyer_id)
        .order_by(CaseBinding.requested_at.desc(), CaseBinding.id.desc())
    ).all()


def listed_exclusions() -> list[ReadingExclusion]:
    """The categories an administrator excluded (those excluded by law are not rows)."""
    return db.session.scalars(sa.select(ReadingExclusion).order_by(ReadingExclusion.category)).all()
