"""Cases handled by the procuratorate, as far as the portal needs them: their procedural
information (案件程序性信息) for parties and lawyers, and what lawyer services bind to.

A case's `stage` is its state (`Stage`, whose CHECK constraint comes from the enum); any stage
may follow any other, so there is no transition table: the rules of a stage change (not the
same stage again, no date before the current stage or in the future) are in
services.change_stage. Other domains reach cases through queries.py and services.py only.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import codes
from portal.core.database import enum_check
from portal.core.i18n import lazy_gettext as _l
from portal.core.workflow import StateEnum
from portal.extensions import db


class Stage(StateEnum):
    """The procedural stage of a case, as the parties see it (services.change_stage)."""

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

    @property
    def label(self):
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.ORDINARY: _l("Ordinary case"),
    Category.JUVENILE: _l("Juvenile case"),
    Category.STATE_SECRETS: _l("Case involving state secrets"),
    Category.OTHER_RESTRICTED: _l("Other restricted case"),
}


class Case(db.Model):
    __tablename__ = "cases"
    audit_kind = "case"  # names it in the audit trail
    __table_args__ = (
        Stage.check_constraint("stage", name="stage"),
        enum_check("category", Category),
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

    stage_changes = relationship(
        "CaseStageChange",
        back_populates="case",
        order_by="(CaseStageChange.changed_on, CaseStageChange.id)",
    )
    grants = relationship("CaseQueryGrant", back_populates="case", order_by="CaseQueryGrant.id")

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @property
    def category_enum(self) -> Category:
        return Category(self.category)


class CaseStageChange(db.Model):
    """One step of the case's procedure, as the parties see it on the query page. The case's
    `stage` is the latest of these; both change together in services.change_stage."""

    __tablename__ = "case_stage_changes"
    __table_args__ = (Stage.check_constraint("stage", name="stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    stage: Mapped[str] = mapped_column(sa.String(40))
    # The day the case entered the stage (a date on the file, not when it was typed in).
    changed_on: Mapped[date] = mapped_column(sa.Date)
    # Shown to the parties with the stage: never evidence or personal data.
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case = relationship("Case", back_populates="stage_changes")

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)


class Relationship(enum.StrEnum):
    """Who may query a case's procedural information (and nobody else)."""

    PARTY = "party"  # 当事人
    LEGAL_REPRESENTATIVE = "legal_representative"  # 法定代理人
    CLOSE_RELATIVE = "close_relative"  # 近亲属
    DEFENDER = "defender"  # 辩护人
    AGENT = "agent"  # 诉讼代理人

    @property
    def label(self):
        return RELATIONSHIP_LABELS[self]


RELATIONSHIP_LABELS = {
    Relationship.PARTY: _l("Party to the case"),
    Relationship.LEGAL_REPRESENTATIVE: _l("Legal representative"),
    Relationship.CLOSE_RELATIVE: _l("Close relative"),
    Relationship.DEFENDER: _l("Defender"),
    Relationship.AGENT: _l("Agent ad litem"),
}


class Verification(enum.StrEnum):
    """How staff checked the person before issuing a query code."""

    ID_CARD = "id_card"
    LAWYER_PAPERS = "lawyer_papers"
    POWER_OF_ATTORNEY = "power_of_attorney"
    RELATIONSHIP_PROOF = "relationship_proof"
    OTHER = "other"

    @property
    def label(self):
        return VERIFICATION_LABELS[self]


VERIFICATION_LABELS = {
    Verification.ID_CARD: _l("Resident ID card, seen in person"),
    Verification.LAWYER_PAPERS: _l(
        "Lawyer's practising certificate with the letter of authorisation or legal aid letter"
    ),
    Verification.POWER_OF_ATTORNEY: _l("ID card and power of attorney"),
    Verification.RELATIONSHIP_PROOF: _l("ID card and proof of the family relationship"),
    Verification.OTHER: _l("Other (described in the note)"),
}


class CaseQueryGrant(db.Model):
    """A per-person query code for one case, issued after staff verified who the person is.

    The code is stored only as a keyed hash (core/codes.py). Its first TAG_LENGTH characters are also stored
    in the clear (`code_tag`): the lookup then verifies one hash (or a dummy one) whatever the
    number of people who hold codes for the case, so its timing tells nothing; the remaining
    characters alone still carry more than 50 bits. A revoked grant stays, for the record.
    """

    __tablename__ = "case_query_grants"
    audit_kind = "grant"  # names it in the audit trail
    __table_args__ = (
        enum_check("relation", Relationship),
        enum_check("verification", Verification),
        sa.CheckConstraint(
            "revoked_at IS NULL OR revoked_by_id IS NOT NULL", name="revoked_has_actor"
        ),
        # Codes still with a legacy hash (core/codes.py), found with one probe.
        sa.Index(
            "ix_case_query_grants_legacy_code_hash",
            "id",
            sqlite_where=codes.legacy_condition("code_hash"),
            postgresql_where=codes.legacy_condition("code_hash"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    # Personal data: shown to case staff only, never on the public page or in logs.
    person_name: Mapped[str] = mapped_column(sa.String(100))
    # How the person relates to the case (Relationship).
    relation: Mapped[str] = mapped_column(sa.String(30))
    verification: Mapped[str] = mapped_column(sa.String(30))
    verification_note: Mapped[str | None] = mapped_column(sa.String(300))
    code_tag: Mapped[str] = mapped_column(sa.String(4))
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    # The one-time key of the issuing form (hashed): a double-click issues one code, not two.
    submission_key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case = relationship("Case", back_populates="grants")
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def relation_enum(self) -> Relationship:
        return Relationship(self.relation)

    @property
    def verification_enum(self) -> Verification:
        return Verification(self.verification)
