"""The bribery-record inquiry (行贿犯罪档案查询): applications, the records they are checked
against, and the certificates that answer them.

Facts are stored (when an application was received, its due date set at receipt, who decided
and when, when a certificate was revoked and why); "overdue" is derived from the due date and
today (services.is_overdue). The states of an application (`ApplicationStatus`) are declared
here with the CHECK constraint they generate; portal/certificates/workflow.py is the only code
that assigns `status`.
"""

from __future__ import annotations

import enum
import json
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.database import enum_check
from portal.core.i18n import lazy_gettext as _l
from portal.core.workflow import StateEnum
from portal.extensions import db


class HolderKind(enum.StrEnum):
    """Who an application, or a record, is about: a company (by its unified social credit code,
    统一社会信用代码) or a person (by the resident ID number)."""

    COMPANY = "company"
    PERSON = "person"

    @property
    def label(self):
        return _l("Company or organisation") if self is HolderKind.COMPANY else _l("Person")


class ApplicationStatus(StateEnum):
    """Where an application stands (portal/certificates/workflow.py: APPLICATION)."""

    RECEIVED = "received"  # waiting for staff to check the records
    ANSWERED = "answered"  # a certificate was issued (no record found, or the records found)
    REFUSED = "refused"  # with a reason the applicant reads (e.g. the authorisation is missing)

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ApplicationStatus.RECEIVED: _l("Received: the records are being checked"),
    ApplicationStatus.ANSWERED: _l("Answered: the certificate is ready"),
    ApplicationStatus.REFUSED: _l("Refused"),
}


class CertificateResult(enum.StrEnum):
    NO_RECORD = "no_record"
    RECORDS_FOUND = "records_found"

    @property
    def label(self):
        return (
            _l("No record of bribery crime found")
            if self is CertificateResult.NO_RECORD
            else _l("Records of bribery crime found")
        )


class RecordApplication(db.Model):
    """One application for a certificate (查询申请)."""

    __tablename__ = "record_applications"
    audit_kind = "record_application"
    __table_args__ = (
        ApplicationStatus.check_constraint("status", name="status"),
        enum_check("holder_kind", HolderKind),
        sa.CheckConstraint(
            "status != 'refused' OR refusal_reason IS NOT NULL", name="refused_has_reason"
        ),
        sa.CheckConstraint(
            "status = 'received' OR (decided_at IS NOT NULL AND decided_by_id IS NOT NULL)",
            name="decided_has_decider",
        ),
        # The queue reads open applications by due date.
        sa.Index("ix_record_applications_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "XC2026-000001": sequential per year, printed on the receipt and the certificate.
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=ApplicationStatus.RECEIVED.value)
    holder_kind: Mapped[str] = mapped_column(sa.String(20))
    # Personal data: shown to the applicant and to the staff who answer.
    holder_name: Mapped[str] = mapped_column(sa.String(200))
    # The resident ID number or the credit code, normalised (services.normalise_identifier):
    # what the records are matched on, never the name.
    identifier: Mapped[str] = mapped_column(sa.String(18), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(500))
    project_name: Mapped[str | None] = mapped_column(sa.String(200))
    tendering_party: Mapped[str | None] = mapped_column(sa.String(200))
    contact_name: Mapped[str] = mapped_column(sa.String(100))
    mobile: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    locale: Mapped[str] = mapped_column(sa.String(20))  # the language the applicant is told in
    # The authorisation letter (授权委托书), checked by content like every upload.
    letter_filename: Mapped[str] = mapped_column(sa.String(200))
    letter_content_type: Mapped[str] = mapped_column(sa.String(100))
    letter_size: Mapped[int]
    letter_sha256: Mapped[str] = mapped_column(sa.String(64))
    # The letter's file (core/uploads.py); named as in every table with files, so that
    # `flask check-files` (core/filecheck.py) finds it.
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    submission_key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    query_code_hash: Mapped[str] = mapped_column(sa.String(255))
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    received_on: Mapped[date]
    # Three working days after receipt on the working-day calendar, set at receipt
    # (services.answer_due): a later change of the calendar does not move it.
    due_on: Mapped[date]
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    refusal_reason: Mapped[str | None] = mapped_column(sa.Text)

    decided_by = relationship("User")
    certificate = relationship("Certificate", back_populates="application", uselist=False)

    @property
    def status_enum(self) -> ApplicationStatus:
        return ApplicationStatus(self.status)

    @property
    def holder_kind_enum(self) -> HolderKind:
        return HolderKind(self.holder_kind)

    # The file interface core/uploads.private_download reads.
    @property
    def filename(self) -> str:
        return self.letter_filename

    @property
    def content_type(self) -> str:
        return self.letter_content_type


class ApplicationCounter(db.Model):
    """The last number issued per series ("application", "certificate") and year; incremented
    with one UPDATE under a row lock."""

    __tablename__ = "record_inquiry_counters"

    series: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class BriberyRecord(db.Model):
    """A conviction for a bribery crime (行贿犯罪档案), from a judgment, kept by staff."""

    __tablename__ = "bribery_records"
    audit_kind = "bribery_record"
    __table_args__ = (
        enum_check("holder_kind", HolderKind),
        # One entry per judgment and convicted party: a second import of a file is refused.
        sa.UniqueConstraint("identifier", "judgment_number", name="one_entry_per_judgment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(200))
    # Normalised as an application's (services.normalise_identifier): what matching compares
    # (through the unique constraint's index, which leads with it).
    identifier: Mapped[str] = mapped_column(sa.String(18))
    judgment_number: Mapped[str] = mapped_column(sa.String(100))  # 判决书文号
    court: Mapped[str] = mapped_column(sa.String(200))
    judgment_on: Mapped[date]
    offence: Mapped[str] = mapped_column(sa.String(200))  # e.g. 行贿罪, 单位行贿罪
    sentence: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    @property
    def holder_kind_enum(self) -> HolderKind:
        return HolderKind(self.holder_kind)


class Certificate(db.Model):
    """The answer to an application (查询结果告知函): its number, the result, and the records
    found as they stood when it was issued (`found_records`, a JSON list), so that a later
    correction of a record does not change a certificate already given. The verification code
    printed on it is kept only as a hash."""

    __tablename__ = "record_certificates"
    audit_kind = "record_certificate"
    __table_args__ = (
        enum_check("result", CertificateResult),
        sa.CheckConstraint(
            "revoked_at IS NULL OR (revocation_reason IS NOT NULL AND revoked_by_id IS NOT NULL)",
            name="revoked_has_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("record_applications.id"), unique=True
    )
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)  # "XCZ2026-000001"
    verification_code_hash: Mapped[str] = mapped_column(sa.String(255))
    result: Mapped[str] = mapped_column(sa.String(20))
    found_records: Mapped[str] = mapped_column(sa.Text, default="[]")
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revocation_reason: Mapped[str | None] = mapped_column(sa.Text)

    application = relationship("RecordApplication", back_populates="certificate")

    @property
    def result_enum(self) -> CertificateResult:
        return CertificateResult(self.result)

    @property
    def records(self) -> list[dict]:
        return json.loads(self.found_records or "[]")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
