"""Read-side lists of lawyer services: accounts and bindings for review, a lawyer's own
bindings, the categories excluded from online reading. Nothing here changes anything; the
rules are in services.py (accounts), bindings.py (bindings, file reading) and workflow.py
(which state may follow which)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.core import paging
from portal.extensions import db
from portal.lawyers.models import (
    BindingStatus,
    CaseBinding,
    LawyerAccount,
    ReadingExclusion,
    Verification,
)

BINDINGS_SHOWN = 200


def _verifiable():
    return sa.and_(
        LawyerAccount.status == Verification.PENDING.value,
        LawyerAccount.email_confirmed_at.is_not(None),
    )


def lawyers_for_review(*, verifiable_only: bool = False) -> list[LawyerAccount]:
    """Every account, those waiting for verification first, then the newest; or only those
    staff can verify now (pending, the e-mail address confirmed), the longest waiting first."""
    if verifiable_only:
        return db.session.scalars(
            sa.select(LawyerAccount)
            .where(_verifiable())
            .order_by(LawyerAccount.created_at, LawyerAccount.id)
        ).all()
    waiting_first = sa.case({Verification.PENDING.value: 0}, value=LawyerAccount.status, else_=1)
    return db.session.scalars(
        sa.select(LawyerAccount).order_by(waiting_first, LawyerAccount.created_at.desc())
    ).all()


@dataclass(frozen=True)
class WaitingCounts:
    """What waits for a decision by staff, for the dashboard: accounts whose lawyer confirmed
    the e-mail address (staff can verify them now), accounts still waiting for that
    confirmation (nothing to do yet), and case bindings."""

    verifiable: paging.CappedCount
    unconfirmed: paging.CappedCount
    bindings: paging.CappedCount


def waiting_counts() -> WaitingCounts:
    pending = LawyerAccount.status == Verification.PENDING.value
    return WaitingCounts(
        verifiable=paging.capped_count(sa.select(LawyerAccount.id).where(_verifiable())),
        unconfirmed=paging.capped_count(
            sa.select(LawyerAccount.id).where(pending, LawyerAccount.email_confirmed_at.is_(None))
        ),
        bindings=paging.capped_count(
            sa.select(CaseBinding.id).where(CaseBinding.status == BindingStatus.REQUESTED.value)
        ),
    )


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
