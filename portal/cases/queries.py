"""Read-side queries: cases by number, for the back office and for other domains, and the case
categories other domains name.

Other domains reach cases only through this module and portal/cases/services.py (see
tests/test_architecture.py): they get `Case` rows from `find_case` and read their attributes,
and name categories by the codes below, never through portal/cases/models.py.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.cases.models import Case, Category
from portal.core.casenumbers import normalise_case_number
from portal.extensions import db

PER_PAGE = 25

# The categories whose files the law keeps from online reading (lawyers' BUILT_IN_EXCLUSIONS):
# juvenile cases, whose records are sealed (Criminal Procedure Law art. 286), and cases
# involving state secrets. Codes as stored in `cases.category`.
JUVENILE_CATEGORY = Category.JUVENILE.value
STATE_SECRETS_CATEGORY = Category.STATE_SECRETS.value


def category_choices() -> list[tuple[str, object]]:
    """Every case category as (code, translated label), in the order staff know them."""
    return [(category.value, category.label) for category in Category]


def is_category(code: str | None) -> bool:
    return code in {category.value for category in Category}


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
