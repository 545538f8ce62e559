"""Lawyer accounts, their verification and their bindings to cases.

A lawyer is not a staff member: `LawyerAccount` is its own table, its login sessions are of kind
"lawyer" (see `portal.core.credentials.load_account`), and its `role` is "lawyer", which no
staff guard admits. Facts are stored (when the e-mail was confirmed, who verified and when);
whether the lawyer may book is derived from them.

The states of an account (`Verification`) and of a binding (`BindingStatus`) are declared here,
with the CHECK constraints they generate; which state may follow which, who moves it and the
extra rules are in portal/lawyers/workflow.py, the only code that assigns a `status`.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.database import enum_check
from portal.core.i18n import lazy_gettext as _l
from portal.core.sessions import SessionAccount
from portal.core.workflow import StateEnum
from portal.extensions import db

LAWYER_ROLE = "lawyer"


class Verification(StateEnum):
    """Where a lawyer account's verification stands (portal/lawyers/workflow.py: ACCOUNT)."""

    PENDING = "pending"  # registered, waiting for staff (and for the e-mail confirmation)
    VERIFIED = "verified"
    REJECTED = "rejected"  # with a reason the lawyer reads

    @property
    def label(self):
        return VERIFICATION_LABELS[self]


VERIFICATION_LABELS = {
    Verification.PENDING: _l("Waiting for verification"),
    Verification.VERIFIED: _l("Verified"),
    Verification.REJECTED: _l("Not verified"),
}


class LawyerAccount(SessionAccount, db.Model):
    __tablename__ = "lawyer_accounts"
    __table_args__ = (
        Verification.check_constraint("status", name="status"),
        sa.CheckConstraint(
            "status != 'verified' OR (verified_at IS NOT NULL AND email_confirmed_at IS NOT NULL)",
            name="verified_has_confirmation",
        ),
        sa.CheckConstraint(
            "status != 'rejected' OR rejection_reason IS NOT NULL", name="rejected_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # 律师执业证号: 17 digits (see forms.LICENCE_RE).
    licence_number: Mapped[str] = mapped_column(sa.String(17), unique=True)
    law_firm: Mapped[str] = mapped_column(sa.String(200))
    mobile: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # Set when the lawyer opened the link mailed to the address; staff verify only after that.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    status: Mapped[str] = mapped_column(sa.String(20), default=Verification.PENDING.value)
    verified_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    rejected_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    rejected_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Shown to the lawyer on their page.
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # No longer read or written: failed logins are counted per client by portal/core/throttle.py.
    # Kept until a migration drops them.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    verified_by = relationship("User", foreign_keys=[verified_by_id])
    rejected_by = relationship("User", foreign_keys=[rejected_by_id])

    # Flask-Login and the staff guards: a lawyer is authenticated, never staff.
    role = LAWYER_ROLE
    audit_kind = "lawyer"
    audit_actor_kind = "lawyer"
    login_kind = "lawyer"  # its login sessions (portal/core/sessions.py)
    is_lawyer = True
    is_authenticated = True
    is_anonymous = False
    is_active = True

    @property
    def status_enum(self) -> Verification:
        return Verification(self.status)

    @property
    def is_email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_verified(self) -> bool:
        return self.status == Verification.VERIFIED


class BindingRelation(enum.StrEnum):
    """What the lawyer is to the client in the case."""

    DEFENDER = "defender"  # 辩护人
    VICTIM_AGENT = "victim_agent"  # 被害人的诉讼代理人
    CIVIL_AGENT = "civil_agent"  # 附带民事诉讼的诉讼代理人

    @property
    def label(self):
        return RELATION_LABELS[self]


RELATION_LABELS = {
    BindingRelation.DEFENDER: _l("Defender of the suspect or defendant"),
    BindingRelation.VICTIM_AGENT: _l("Agent ad litem of the victim"),
    BindingRelation.CIVIL_AGENT: _l("Agent ad litem in the incidental civil action"),
}


class Mandate(enum.StrEnum):
    POWER_OF_ATTORNEY = "power_of_attorney"  # 授权委托书
    LEGAL_AID = "legal_aid"  # 法律援助公函

    @property
    def label(self):
        return (
            _l("Power of attorney") if self is Mandate.POWER_OF_ATTORNEY else _l("Legal aid letter")
        )


class BindingStatus(StateEnum):
    """Where a case binding stands (portal/lawyers/workflow.py: BINDING)."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self):
        return BINDING_STATUS_LABELS[self]


BINDING_STATUS_LABELS = {
    BindingStatus.REQUESTED: _l("Waiting for review"),
    BindingStatus.APPROVED: _l("Approved"),
    BindingStatus.REJECTED: _l("Rejected"),
}


class CaseBinding(db.Model):
    """A lawyer's request to act in a case, with the papers that prove it (律师案件绑定)."""

    __tablename__ = "case_bindings"
    audit_kind = "binding"  # names it in the audit trail
    __table_args__ = (
        BindingStatus.check_constraint("status", name="status"),
        enum_check("relation", BindingRelation),
        enum_check("mandate", Mandate),
        sa.CheckConstraint(
            "status != 'rejected' OR rejection_reason IS NOT NULL", name="rejected_has_reason"
        ),
        sa.CheckConstraint(
            "(status = 'rejected') = (active_key IS NULL)", name="active_key_while_active"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lawyer_id: Mapped[int] = mapped_column(sa.ForeignKey("lawyer_accounts.id"), index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    # "<lawyer_id>:<case_id>" while requested or approved, empty once rejected: the UNIQUE
    # constraint lets a lawyer hold one live binding per case, also under parallel requests.
    active_key: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    # Personal data of the client: shown to the lawyer and to staff who review bindings.
    client_name: Mapped[str] = mapped_column(sa.String(100))
    relation: Mapped[str] = mapped_column(sa.String(30))
    mandate: Mapped[str] = mapped_column(sa.String(30))
    status: Mapped[str] = mapped_column(sa.String(20), default=BindingStatus.REQUESTED.value)
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)

    lawyer = relationship("LawyerAccount")
    case = relationship("Case")
    decided_by = relationship("User")
    documents = relationship(
        "BindingDocument", back_populates="binding", order_by="BindingDocument.id"
    )
    deliveries = relationship(
        "CaseFileDelivery", back_populates="binding", order_by="CaseFileDelivery.id"
    )

    @property
    def status_enum(self) -> BindingStatus:
        return BindingStatus(self.status)

    @property
    def relation_enum(self) -> BindingRelation:
        return BindingRelation(self.relation)

    @property
    def mandate_enum(self) -> Mandate:
        return Mandate(self.mandate)


class DocumentKind(enum.StrEnum):
    LICENCE = "licence"  # 律师执业证
    FIRM_LETTER = "firm_letter"  # 律师事务所证明 (所函)
    MANDATE = "mandate"  # 授权委托书 or 法律援助公函

    @property
    def label(self):
        return DOCUMENT_LABELS[self]


DOCUMENT_LABELS = {
    DocumentKind.LICENCE: _l("Practising certificate"),
    DocumentKind.FIRM_LETTER: _l("Law firm's letter"),
    DocumentKind.MANDATE: _l("Power of attorney or legal aid letter"),
}


class BindingDocument(db.Model):
    __tablename__ = "binding_documents"
    __table_args__ = (enum_check("kind", DocumentKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    binding_id: Mapped[int] = mapped_column(sa.ForeignKey("case_bindings.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    binding = relationship("CaseBinding", back_populates="documents")

    @property
    def kind_enum(self) -> DocumentKind:
        return DocumentKind(self.kind)


class CaseFileDelivery(db.Model):
    """An electronic case file staff made available to a bound lawyer (互联网阅卷), until
    `available_until`. Every download is an audit event ("lawyers.case_file_downloaded")."""

    __tablename__ = "case_file_deliveries"
    audit_kind = "delivery"  # names it in the audit trail
    __table_args__ = (
        sa.CheckConstraint("available_until > delivered_at", name="period_after_delivery"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    binding_id: Mapped[int] = mapped_column(sa.ForeignKey("case_bindings.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    delivered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    delivered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    available_until: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # Staff can end access early; the record stays.
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    binding = relationship("CaseBinding", back_populates="deliveries")
    delivered_by = relationship("User", foreign_keys=[delivered_by_id])


class ReadingExclusion(db.Model):
    """A case category an administrator excluded from online file reading, with the reason the
    lawyer reads. Juvenile and state-secret cases are excluded by law whatever this table says
    (see bindings.BUILT_IN_EXCLUSIONS)."""

    __tablename__ = "reading_exclusions"

    category: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
