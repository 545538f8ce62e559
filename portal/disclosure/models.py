"""Important case releases, legal documents and the search index over what is published.

A legal document keeps its original text (internal: never on a public page or in the API) and,
from review on, the redacted text that is published. A release likewise keeps its original title
and body (internal) and, from review on, the redacted `public_title` and `public_body`: the only
release text any public route shows. The publisher's redaction decisions (terms added, proposals
dropped, people and their roles) are stored as data, so the proposal can be recomputed at any
time.

States change only through workflow.py (the table of moves, called by services.py); the CHECK
constraints on `status` are built from the state enums themselves, so the database and the code
list the same states.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.database import enum_check, sql_in
from portal.core.i18n import lazy_gettext as _l
from portal.core.workflow import StateEnum
from portal.extensions import db


class DocumentType(enum.StrEnum):
    INDICTMENT = "indictment"  # 起诉书: published once the judgment is in force
    NON_PROSECUTION = "non_prosecution"  # 不起诉决定书
    APPEAL_REVIEW = "appeal_review"  # 刑事申诉复查决定书
    PROTEST = "protest"  # 抗诉书
    REVIEW_REPORT = "review_report"  # 审查报告: internal working document
    INTERNAL_MEMO = "internal_memo"  # other internal working documents

    @property
    def label(self):
        return DOCUMENT_TYPE_LABELS[self]

    @property
    def zh(self) -> str:
        """The Chinese name printed on the document, also indexed for search."""
        return DOCUMENT_TYPE_ZH[self]

    @property
    def is_publishable(self) -> bool:
        return self in PUBLISHABLE_TYPES


DOCUMENT_TYPE_LABELS = {
    DocumentType.INDICTMENT: _l("Indictment"),
    DocumentType.NON_PROSECUTION: _l("Non-prosecution decision"),
    DocumentType.APPEAL_REVIEW: _l("Criminal appeal review decision"),
    DocumentType.PROTEST: _l("Protest"),
    DocumentType.REVIEW_REPORT: _l("Case review report (internal)"),
    DocumentType.INTERNAL_MEMO: _l("Internal working document"),
}
DOCUMENT_TYPE_ZH = {
    DocumentType.INDICTMENT: "起诉书",
    DocumentType.NON_PROSECUTION: "不起诉决定书",
    DocumentType.APPEAL_REVIEW: "刑事申诉复查决定书",
    DocumentType.PROTEST: "抗诉书",
    DocumentType.REVIEW_REPORT: "审查报告",
    DocumentType.INTERNAL_MEMO: "内部工作文书",
}
# The public pages that show published documents and releases (portal/core/pagecache.py):
# a change to any of the models below makes them stale.
TOPIC = "disclosure"

PUBLISHABLE_TYPES = frozenset(
    {
        DocumentType.INDICTMENT,
        DocumentType.NON_PROSECUTION,
        DocumentType.APPEAL_REVIEW,
        DocumentType.PROTEST,
    }
)


class DocumentState(StateEnum):
    """The states of a legal document; the moves between them are in workflow.py."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"

    @property
    def label(self):
        return DOCUMENT_STATE_LABELS[self]


DOCUMENT_STATE_LABELS = {
    DocumentState.DRAFT: _l("Draft"),
    DocumentState.REVIEWED: _l("Reviewed, ready to publish"),
    DocumentState.PUBLISHED: _l("Published"),
    DocumentState.WITHDRAWN: _l("Withdrawn"),
}


class ReleaseCategory(enum.StrEnum):
    CASE_PROGRESS = "case_progress"  # 重要案件进展
    TYPICAL_CASE = "typical_case"  # 典型案例
    PUBLIC_INTEREST = "public_interest"  # 公益诉讼
    JUVENILE = "juvenile"  # 未成年人检察
    OTHER = "other"

    @property
    def label(self):
        return RELEASE_CATEGORY_LABELS[self]


RELEASE_CATEGORY_LABELS = {
    ReleaseCategory.CASE_PROGRESS: _l("Progress of important cases"),
    ReleaseCategory.TYPICAL_CASE: _l("Typical cases"),
    ReleaseCategory.PUBLIC_INTEREST: _l("Public interest litigation"),
    ReleaseCategory.JUVENILE: _l("Juvenile procuratorial work"),
    ReleaseCategory.OTHER: _l("Other case information"),
}


class ReleaseState(StateEnum):
    """The states of a release: the same as a document's, moved by the same table."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"

    @property
    def label(self):
        return DOCUMENT_STATE_LABELS[DocumentState(self.value)]


class LegalDocument(db.Model):
    __tablename__ = "legal_documents"
    page_topics = (TOPIC,)
    audit_kind = "document"  # names it in the audit trail
    __table_args__ = (
        # The procuratorates of the public filters, one index lookup each (queries.py).
        sa.Index("ix_legal_documents_status_procuratorate", "status", "procuratorate"),
        enum_check("doc_type", DocumentType),
        DocumentState.check_constraint("status", name="status"),
        sa.CheckConstraint(
            "status = 'draft' OR (redacted_text IS NOT NULL AND reviewed_at IS NOT NULL)",
            name="reviewed_has_redacted_text",
        ),
        sa.CheckConstraint(
            "status NOT IN ('published', 'withdrawn') OR published_at IS NOT NULL",
            name="published_has_time",
        ),
        sa.CheckConstraint(
            "status != 'withdrawn' OR (withdrawn_at IS NOT NULL AND withdrawal_reason IS NOT NULL)",
            name="withdrawn_has_reason",
        ),
        sa.CheckConstraint(
            f"status NOT IN ('published', 'withdrawn') OR doc_type IN ({sql_in(sorted(PUBLISHABLE_TYPES))})",
            name="only_publishable_types_published",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(sa.String(30), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    procuratorate: Mapped[str] = mapped_column(sa.String(100))
    # e.g. 示检刑诉〔2024〕123号
    case_number: Mapped[str] = mapped_column(sa.String(60))
    document_date: Mapped[date] = mapped_column(sa.Date)
    # Internal: the text as pasted or extracted, and the name of the uploaded file.
    original_text: Mapped[str] = mapped_column(sa.Text)
    source_filename: Mapped[str | None] = mapped_column(sa.String(200))
    # The publisher's decisions: [{"kind": ..., "text": ...}]; recomputed into the proposal.
    added_terms: Mapped[list] = mapped_column(sa.JSON, default=list)
    dropped_terms: Mapped[list] = mapped_column(sa.JSON, default=list)
    # People the publisher named or gave a role: [{"name": ..., "role": ...}] (redaction.PERSON_ROLES).
    people: Mapped[list] = mapped_column(sa.JSON, default=list)
    # A crime against a minor: set by the publisher or detected in the text; cannot be unset
    # while the text mentions a minor (services.py).
    involves_minor: Mapped[bool] = mapped_column(default=False)
    # Indictments are published only once the judgment is in force; the publisher confirms it.
    judgment_in_force_on: Mapped[date | None] = mapped_column(sa.Date)
    # Fixed at review: the redacted text (the only text ever public) and the redactions made.
    redacted_text: Mapped[str | None] = mapped_column(sa.Text)
    redactions: Mapped[list | None] = mapped_column(sa.JSON)
    # Optional, written by the publisher for readers of English (public, searched, and checked by
    # the publication gate like the text); the document itself stays as published, in Chinese.
    english_title: Mapped[str | None] = mapped_column(sa.String(300))
    english_summary: Mapped[str | None] = mapped_column(sa.Text)

    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The minors' rule: the publisher confirmed that every identifying detail is shielded.
    minor_shielding_confirmed_at: Mapped[datetime | None] = mapped_column(
        sa.DateTime(timezone=True)
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Shown to the public at the document's old address.
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)

    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def type_enum(self) -> DocumentType:
        return DocumentType(self.doc_type)

    @property
    def state(self) -> DocumentState:
        return DocumentState(self.status)

    @property
    def title(self) -> str:
        """The public title: never free text, so it cannot carry a name. 起诉书（示检刑诉〔2024〕1号）"""
        return f"{self.type_enum.zh}（{self.case_number}）"

    @property
    def year(self) -> int:
        return self.document_date.year


class Release(db.Model):
    """An important case release (重要案件信息): written for the public by a publisher."""

    __tablename__ = "case_releases"
    page_topics = (TOPIC,)
    audit_kind = "release"  # names it in the audit trail
    __table_args__ = (
        enum_check("category", ReleaseCategory),
        ReleaseState.check_constraint("status", name="status"),
        sa.CheckConstraint(
            "status = 'draft' OR (public_title IS NOT NULL AND public_body IS NOT NULL"
            " AND reviewed_at IS NOT NULL)",
            name="reviewed_has_public_text",
        ),
        sa.CheckConstraint(
            "status NOT IN ('published', 'withdrawn') OR published_at IS NOT NULL",
            name="published_has_time",
        ),
        sa.CheckConstraint(
            "status != 'withdrawn' OR (withdrawn_at IS NOT NULL AND withdrawal_reason IS NOT NULL)",
            name="withdrawn_has_reason",
        ),
        # Two people: whoever reviewed the redactions does not publish them.
        sa.CheckConstraint(
            "published_by_id IS NULL OR reviewed_by_id IS NULL OR published_by_id != reviewed_by_id",
            name="reviewer_does_not_publish",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Internal: the title and body as the publisher wrote them, never on a public route.
    original_title: Mapped[str] = mapped_column(sa.String(200))
    original_body: Mapped[str] = mapped_column(sa.Text)
    # The publisher's decisions, as for documents; recomputed into the proposal.
    added_terms: Mapped[list] = mapped_column(sa.JSON, default=list)
    dropped_terms: Mapped[list] = mapped_column(sa.JSON, default=list)
    people: Mapped[list] = mapped_column(sa.JSON, default=list)
    involves_minor: Mapped[bool] = mapped_column(default=False)
    # Fixed at review: the redacted title and body (the only release text ever public) and the
    # redactions made, as offsets in the title and body joined (redaction.analyse_fields).
    public_title: Mapped[str | None] = mapped_column(sa.String(300))
    public_body: Mapped[str | None] = mapped_column(sa.Text)
    redactions: Mapped[list | None] = mapped_column(sa.JSON)
    # Optional English title and summary, as for documents.
    english_title: Mapped[str | None] = mapped_column(sa.String(300))
    english_summary: Mapped[str | None] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.String(30), index=True)
    procuratorate: Mapped[str] = mapped_column(sa.String(100))
    released_on: Mapped[date] = mapped_column(sa.Date, index=True)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # NULL reviewer with a review time: redacted by migration 0005, not by a person.
    reviewed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def category_enum(self) -> ReleaseCategory:
        return ReleaseCategory(self.category)

    @property
    def state(self) -> ReleaseState:
        return ReleaseState(self.status)


class SearchEntry(db.Model):
    """One published document or release, as the search sees it.

    `tokens` holds the space-joined search tokens (segmenter.index_tokens). The full-text index
    over it lives outside the models, created by migration 0003: an FTS5 table `search_fts` over
    tokens and facets (external content, kept in step by triggers) on SQLite, and on PostgreSQL a
    stored generated column `search_vector` (strip(to_tsvector('simple', tokens)), migration
    0019) with a GIN index. `plain` is the normalised lowercase text, for
    exact phrase matching. `head` holds the tokens of the title, the document type and the English
    title, indexed apart (migration 0028: `search_fts_head` on SQLite, `head_vector` on
    PostgreSQL): entries whose head holds every word of a search come first. In each of the two
    tiers results are listed newest first: by id, which grows with publication.
    """

    __tablename__ = "search_entries"
    page_topics = (TOPIC,)
    __table_args__ = (
        sa.UniqueConstraint("kind", "ref_id"),
        sa.CheckConstraint("kind IN ('document', 'release')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    ref_id: Mapped[int]
    # A document type, or "release" for releases: the search's type filter.
    type_code: Mapped[str] = mapped_column(sa.String(30), index=True)
    procuratorate: Mapped[str] = mapped_column(sa.String(100), index=True)
    year: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    # The title's words, the type's (both languages) and the English title's: the first tier.
    head: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Title and published text, normalised and lowercased (snippets come from the source row).
    plain: Mapped[str] = mapped_column(sa.Text)
    tokens: Mapped[str] = mapped_column(sa.Text)
    # The filters as tokens of their own FTS5 column (search.facet_tokens), so that on SQLite a
    # filtered search is one full-text intersection rather than a lookup per matching row.
    facets: Mapped[str] = mapped_column(sa.Text)
    published_on: Mapped[date] = mapped_column(sa.Date)
