"""Read-side queries: cases by number, for the back office and for other domains."""

from __future__ import annotations

import sqlalchemy as sa

from portal.cases.models import Case
from portal.core.casenumbers import normalise_case_number
from portal.extensions import db

PER_PAGE = 25


def find_case(case_number: str) -> Case | None:
    """The case with this (normalised) number, or None: how other domains find a case."""
    return db.session.scalar(sa.select(Case).where(Case.case_number == case_number))


def search_cases(query: str | None, *, stage: str | None = None, page: int = 1):
    """Cases whose number contains what was typed (brackets and digits typed any way)."""
    statement = sa.select(Case).order_by(Case.accepted_on.desc(), Case.id.desc())
    typed = (query or "").strip()
    if typed:
        # Brackets and digits as stored; a fragment such as "[2026]12" gets no 号 added.
        fragment = normalise_case_number(typed)
        if not typed.endswith("号"):
            fragment = fragment.removesuffix("号")
        statement = statement.where(
            sa.or_(
                Case.case_number.contains(fragment, autoescape=True),
                Case.case_number.contains(typed, autoescape=True),
            )
        )
    if stage:
        statement = statement.where(Case.stage == stage)
    return db.paginate(statement, page=max(page, 1), per_page=PER_PAGE, error_out=False)
