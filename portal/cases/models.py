"""Cases handled by the procuratorate, as far as the portal needs them: their procedural
information (案件程序性信息) for parties and lawyers, and what lawyer services bind to."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class Stage(enum.StrEnum):
    RECEIVED = "received"
    ARREST_REVIEW = "arrest_review"
    PROSECUTION_REVIEW = "prosecution_review"
    SUPPLEMENTARY_INVESTIGATION = "supplementary_investigation"
    INDICTED = "indicted"
    NOT_PROSECUTED = "not_prosecuted"
    PROTEST = "protest"
    APPEAL_REVIEW = "appeal_review"
    CLOSED = "closed"

    @property
    def label(self):
        return STAGE_LABELS[self]


STAGE_LABELS = {
    Stage.RECEIVED: _l("Received"),
    Stage.ARREST_REVIEW: _l("Arrest review"),
    Stage.PROSECUTION_REVIEW: _l("Review for prosecution"),
    Stage.SUPPLEMENTARY_INVESTIGATION: _l("Returned for supplementary investigation"),
    Stage.INDICTED: _l("Indicted"),
    Stage.NOT_PROSECUTED: _l("Not prosecuted"),
    Stage.PROTEST: _l("Protest filed"),
    Stage.APPEAL_REVIEW: _l("Appeal review"),
    Stage.CLOSED: _l("Closed"),
}


class Category(enum.StrEnum):
    """Kinds of case that matter for disclosure and online file reading."""

    ORDINARY = "ordinary"
    JUVENILE = "juvenile"
    STATE_SECRETS = "state_secrets"
    OTHER_RESTRICTED = "other_restricted"


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint(
            "stage IN (" + ", ".join(f"'{s.value}'" for s in Stage) + ")", name="stage"
        ),
        sa.CheckConstraint(
            "category IN (" + ", ".join(f"'{c.value}'" for c in Category) + ")", name="category"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The procuratorate's case number, e.g. 示检刑诉受〔2026〕1号
    case_number: Mapped[str] = mapped_column(sa.String(60), unique=True)
    cause_of_action: Mapped[str] = mapped_column(sa.String(200))
    procuratorate: Mapped[str] = mapped_column(sa.String(100))
    department: Mapped[str] = mapped_column(sa.String(100))
    accepted_on: Mapped[date] = mapped_column(sa.Date)
    time_limit_on: Mapped[date | None] = mapped_column(sa.Date)
    stage: Mapped[str] = mapped_column(sa.String(40))
    category: Mapped[str] = mapped_column(sa.String(30), default=Category.ORDINARY.value)
    result: Mapped[str | None] = mapped_column(sa.Text)
    coercive_measures: Mapped[str | None] = mapped_column(sa.Text)
    seized_property: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)
