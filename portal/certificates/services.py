"""Rules of the bribery-record inquiry (行贿犯罪档案查询): applying, the 3-working-day clock,
matching the records, certificates (issue, verify, revoke) and the records staff keep.

The time limit: the procuratorate answers an application "within 3 working days" of receipt
(its published commitment for 行贿犯罪档案查询, the same as the former national rule of the
Supreme People's Procuratorate, 《关于行贿犯罪档案查询工作规定》: "受理查询申请后三个工作日内
出具查询结果告知函"). The day of receipt is not counted, and only working days on the portal's
calendar count (public holidays off, make-up working days on): `answer_due`. The due date is
stored at receipt, so a later change of the calendar does not move it.

Matching is by the identifier alone, normalised (`normalise_identifier`): a person's resident ID
number or a company's unified social credit code. Never by name: two people share a name, and
a name typed differently must not hide a record.

Services change the session and flush; the view commits once, so a change, its audit event and
the messages the event sends (portal/certificates/notices.py) are stored together or not at all.
Refusals are InvalidTransition (core/workflow.py) with a message for the person who tried and,
where it belongs to one, the form field.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.calendar.services import WorkCalendar, load_calendar
from portal.certificates import notices  # noqa: F401  (tells the applicant of each step)
from portal.certificates.models import (
    ApplicationCounter,
    ApplicationStatus,
    BriberyRecord,
    Certificate,
    CertificateResult,
    HolderKind,
    RecordApplication,
)
from portal.certificates.workflow import APPLICATION, Action
from portal.core import audit, clock, codes, database, timelimits, uploads
from portal.core.audit import DetailKey, EventType
from portal.core.forms import is_valid_resident_id, submission_key_hash
from portal.core.i18n import lazy_gettext as _l
from portal.core.lookups import LookupLocked, guarded_lookup  # noqa: F401  (raised to the views)
from portal.core.workflow import InvalidTransition
from portal.extensions import db

audit.register_subject_kinds(
    {
        "record_application": audit.SubjectKind(_l("Bribery-record inquiry"), ApplicationStatus),
        "record_certificate": audit.SubjectKind(_l("Bribery-record certificate")),
        "bribery_record": audit.SubjectKind(_l("Bribery crime record")),
    }
)
audit.register_event_types(
    {
        "record_application.received": EventType(_l("Record inquiry received"), public=True),
        "record_application.status_viewed": EventType(
            _l("Record inquiry looked up by the applicant")
        ),
        "record_application.letter_viewed": EventType(_l("Authorisation letter viewed by staff")),
        "record_certificate.revoked": EventType(_l("Certificate revoked")),
        "bribery_record.created": EventType(_l("Bribery crime record entered")),
        "bribery_record.updated": EventType(_l("Bribery crime record corrected")),
        "bribery_record.imported": EventType(_l("Bribery crime records imported from a CSV file")),
    }
)
audit.register_detail_keys(
    ["record_application", "record_certificate"],
    {
        "certificate": DetailKey(_l("Certificate no.")),
        "result": DetailKey(_l("Result"), lambda code: CertificateResult(code).label),
    },
)
audit.register_detail_keys(
    ["bribery_record"],
    {
        "fields": DetailKey(_l("Fields changed")),
        "source": DetailKey(_l("Source"), lambda code: {"csv": _l("CSV import")}[code]),
        "records": DetailKey(_l("Records")),
    },
)

ANSWER_WORKING_DAYS = 3
APPLICATION_SERIES, APPLICATION_PREFIX = "application", "XC"
CERTIFICATE_SERIES, CERTIFICATE_PREFIX = "certificate", "XCZ"
LOOKUP_SCOPE = "record_inquiry"
VERIFY_SCOPE = "record_certificate"


# ---- identifiers -----------------------------------------------------------------------------

# GB 32100-2015: 18 characters of this alphabet (no I, O, S, V, Z); the last is a check
# character over the first 17, weighted by 3**i mod 31.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_RE = re.compile(f"[{CREDIT_CODE_ALPHABET}]{{18}}")
_CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def normalise_identifier(typed: str | None) -> str:
    """An ID number or credit code as issued: full-width characters made plain (NFKC), no
    spaces or dashes, upper case (the X of an ID number, the letters of a credit code)."""
    text = unicodedata.normalize("NFKC", typed or "")
    return re.sub(r"[\s\-]", "", text).upper()


def is_valid_credit_code(code: str) -> bool:
    """A unified social credit code with a correct check character (GB 32100-2015)."""
    if not CREDIT_CODE_RE.fullmatch(code):
        return False
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(code[:17], _CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31] == code[17]


def identifier_problem(kind: str, identifier: str):
    """Why `identifier` (normalised) is not a valid number for a holder of this kind, or None.
    The one rule for the application form, the record form and the CSV import."""
    if kind == HolderKind.PERSON:
        if not re.fullmatch(r"\d{17}[\dX]", identifier):
            return _l("Enter an ID card number of 18 characters: 17 digits and a digit or X.")
        if not is_valid_resident_id(identifier):
            return _l("This ID card number is not valid. Check it against the card and try again.")
        return None
    if not CREDIT_CODE_RE.fullmatch(identifier):
        return _l(
            "Enter the unified social credit code of 18 characters, as on the business licence "
            "(digits and capital letters, without I, O, S, V or Z)."
        )
    if not is_valid_credit_code(identifier):
        return _l(
            "This unified social credit code is not valid. Check it against the business licence."
        )
    return None


# ---- the clock -------------------------------------------------------------------------------


def answer_due(received_on: date, work_calendar: WorkCalendar) -> date:
    """The third working day after the day of receipt (see the module docstring)."""
    return timelimits.add_working_days(received_on, ANSWER_WORKING_DAYS, work_calendar)


def is_overdue(application: RecordApplication, today: date) -> bool:
    """Still waiting after its due date (due today is not overdue)."""
    return application.status == ApplicationStatus.RECEIVED and today > application.due_on


def next_number(series: str, prefix: str, year: int) -> str:
    """<prefix><year>-<6 digits>, sequential per series and year: one UPDATE, which takes a row
    lock on PostgreSQL and runs under BEGIN IMMEDIATE's lock on SQLite."""
    db.session.execute(
        database.insert(ApplicationCounter)
        .values(series=series, year=year, last_number=0)
        .on_conflict_do_nothing()
    )
    number = db.session.execute(
        sa.update(ApplicationCounter)
        .where(ApplicationCounter.series == series, ApplicationCounter.year == year)
        .values(last_number=ApplicationCounter.last_number + 1)
        .returning(ApplicationCounter.last_number)
    ).scalar_one()
    return f"{prefix}{year}-{number:06d}"


def normalise_number(typed: str | None) -> str:
    return "".join((typed or "").split()).upper().replace("—", "-").replace("－", "-")[:30]


# ---- applying --------------------------------------------------------------------------------


@dataclass
class ApplicationData:
    holder_kind: str
    holder_name: str
    identifier: str
    purpose: str
    project_name: str | None
    tendering_party: str | None
    contact_name: str
    mobile: str
    email: str | None
    letter: uploads.CheckedUpload
    locale: str


@dataclass(frozen=True)
class Receipt:
    application: RecordApplication
    query_code: str
    is_repeat: bool  # the same form was sent before: this is the first submission's receipt


def _by_submission_key(submission_key: str) -> RecordApplication | None:
    return db.session.scalar(
        sa.select(RecordApplication).where(
            RecordApplication.submission_key_hash == submission_key_hash(submission_key)
        )
    )


def submit_application(data: ApplicationData, *, submission_key: str) -> Receipt:
    """Record an application with its authorisation letter, or return the earlier receipt when
    this form (same submission key) was sent already. Flushes; the caller commits."""
    query_code = codes.derived_code("record-inquiry", submission_key)
    earlier = _by_submission_key(submission_key)
    if earlier is not None:
        return Receipt(earlier, query_code, is_repeat=True)
    kind = HolderKind(data.holder_kind)
    identifier = normalise_identifier(data.identifier)
    problem = identifier_problem(kind, identifier)
    if problem:
        raise InvalidTransition(problem, field="identifier")
    now = clock.now()
    received_on = clock.local_date(now)
    letter = data.letter
    application = RecordApplication(
        number=next_number(APPLICATION_SERIES, APPLICATION_PREFIX, received_on.year),
        status=ApplicationStatus.RECEIVED.value,
        holder_kind=kind.value,
        holder_name=data.holder_name.strip(),
        identifier=identifier,
        purpose=data.purpose.strip(),
        project_name=(data.project_name or "").strip() or None,
        tendering_party=(data.tendering_party or "").strip() or None,
        contact_name=data.contact_name.strip(),
        mobile=data.mobile,
        email=data.email or None,
        locale=data.locale,
        letter_filename=letter.filename,
        letter_content_type=letter.content_type,
        letter_size=letter.size,
        letter_sha256=letter.sha256,
        storage_key=uploads.store(db.session, letter),
        submission_key_hash=submission_key_hash(submission_key),
        query_code_hash=codes.hash_code(query_code),
        received_at=now,
        received_on=received_on,
        due_on=answer_due(received_on, load_calendar(received_on)),
    )
    try:
        # The savepoint exists before the row enters the session, so that a parallel post of
        # the same form rolls back only the savepoint (and the letter's file written in it).
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
    except IntegrityError:
        earlier = _by_submission_key(submission_key)
        if earlier is None:
            raise
        return Receipt(earlier, query_code, is_repeat=True)
    audit.record(
        "record_application.received",
        actor_kind=audit.ACTOR_PETITIONER,
        subject=application,
        to_state=ApplicationStatus.RECEIVED,
    )
    db.session.flush()
    return Receipt(application, query_code, is_repeat=False)


def find_for_applicant(number: str, code: str) -> RecordApplication | None:
    """The application for a matching number and query code, else None: the same answer
    whether the number exists or not. Repeated failures raise LookupLocked for this client
    (core/lookups.py). The caller commits the audit event of a success."""
    number, code = normalise_number(number), codes.normalise_code(code)

    def attempt():
        application = db.session.scalar(
            sa.select(RecordApplication).where(RecordApplication.number == number)
        )
        check = codes.check_code(application.query_code_hash if application else None, code)
        return (application, check) if check.matches else None

    found = guarded_lookup(LOOKUP_SCOPE, number, attempt)
    if found is None:
        return None
    application, check = found
    if check.upgraded_hash:
        application.query_code_hash = check.upgraded_hash
    audit.record(
        "record_application.status_viewed",
        actor_kind=audit.ACTOR_PETITIONER,
        subject=application,
        detail=check.audit_detail,
    )
    return application


def code_mark(application: RecordApplication) -> str:
    """A fingerprint of the stored code hash, kept by a status session (it reveals nothing)."""
    return hashlib.sha256(application.query_code_hash.encode()).hexdigest()[:16]


def application_numbered(number: str) -> RecordApplication | None:
    return db.session.scalar(
        sa.select(RecordApplication).where(RecordApplication.number == normalise_number(number))
    )


def record_letter_view(application: RecordApplication, staff) -> None:
    """Staff opened the authorisation letter: personal data, so every view is logged."""
    audit.record("record_application.letter_viewed", actor=staff, subject=application)


# ---- answering -------------------------------------------------------------------------------


def matching_records(identifier: str) -> list[BriberyRecord]:
    """The records of this ID number or credit code (normalised), by judgment date."""
    return list(
        db.session.scalars(
            sa.select(BriberyRecord)
            .where(BriberyRecord.identifier == normalise_identifier(identifier))
            .order_by(BriberyRecord.judgment_on, BriberyRecord.id)
        )
    )


def _snapshot(record: BriberyRecord) -> dict:
    return {
        "name": record.name,
        "identifier": record.identifier,
        "judgment_number": record.judgment_number,
        "court": record.court,
        "judgment_on": record.judgment_on.isoformat(),
        "offence": record.offence,
        "sentence": record.sentence,
    }


def verification_code(certificate: Certificate) -> str:
    """The code printed on the certificate (derived again from its number, see core/codes.py)."""
    return codes.derived_code("record-certificate", certificate.number)


def issue_certificate(application: RecordApplication, staff) -> Certificate:
    """Answer with a certificate of the records found now for the application's identifier (or
    of none). Refused (InvalidTransition) when answered already or `staff` may not answer."""
    APPLICATION.check(application, Action.ISSUE, staff)
    records = matching_records(application.identifier)
    now = clock.now()
    result = CertificateResult.RECORDS_FOUND if records else CertificateResult.NO_RECORD
    certificate = Certificate(
        application=application,
        number=next_number(CERTIFICATE_SERIES, CERTIFICATE_PREFIX, clock.local_date(now).year),
        result=result.value,
        found_records=json.dumps([_snapshot(r) for r in records], ensure_ascii=False),
        issued_at=now,
        issued_by_id=staff.id,
    )
    certificate.verification_code_hash = codes.hash_code(verification_code(certificate))
    db.session.add(certificate)
    application.decided_at, application.decided_by_id = now, staff.id
    APPLICATION.apply(
        application,
        Action.ISSUE,
        staff,
        detail={"certificate": certificate.number, "result": result.value},
    )
    db.session.flush()
    return certificate


def refuse_application(application: RecordApplication, staff, reason: str) -> None:
    """Refused without a reason: the applicant reads it."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition(_l("Give the reason the applicant will read."), field="reason")
    APPLICATION.apply(application, Action.REFUSE, staff, detail={"reason": reason})
    application.decided_at, application.decided_by_id = clock.now(), staff.id
    application.refusal_reason = reason


def revoke_certificate(certificate: Certificate, staff, reason: str) -> None:
    """From now on the verification page shows the certificate revoked, with the date."""
    reason = (reason or "").strip()
    if certificate.is_revoked:
        raise InvalidTransition(_l("This certificate has been revoked already."))
    if not reason:
        raise InvalidTransition(_l("Give the reason for revoking the certificate."), field="reason")
    certificate.revoked_at, certificate.revoked_by_id = clock.now(), staff.id
    certificate.revocation_reason = reason
    audit.record(
        "record_certificate.revoked",
        actor=staff,
        subject=certificate,
        detail={"reason": reason, "certificate": certificate.number},
    )


def verify_certificate(number: str, code: str) -> Certificate | None:
    """The certificate for a matching number and verification code, revoked or not; None for
    every failure alike (no such number, wrong code), so the page tells nothing about numbers
    it was not given the code of. Throttled like the applicants' lookup (LookupLocked)."""
    number, code = normalise_number(number), codes.normalise_code(code)

    def attempt():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.number == number))
        stored = certificate.verification_code_hash if certificate else None
        return certificate if codes.check_code(stored, code).matches else None

    return guarded_lookup(VERIFY_SCOPE, number, attempt)


# ---- the records -----------------------------------------------------------------------------


@dataclass
class RecordData:
    """A record as staff type it in or import it (already validated by RecordForm)."""

    holder_kind: str
    name: str
    identifier: str
    judgment_number: str
    court: str
    judgment_on: date
    offence: str
    sentence: str

    @classmethod
    def from_form(cls, form) -> RecordData:
        return cls(**{item.name: form[item.name].data for item in fields(cls)})


RECORD_FIELDS = [item.name for item in fields(RecordData)]


def _apply_record(record: BriberyRecord, data: RecordData) -> list[str]:
    """Set the record's fields; the names of those that changed."""
    changed = []
    for name in RECORD_FIELDS:
        value = getattr(data, name)
        if name == "identifier":
            value = normalise_identifier(value)
        elif isinstance(value, str):
            value = value.strip()
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


def _duplicate() -> InvalidTransition:
    return InvalidTransition(
        _l("A record of this judgment for this ID number or credit code is entered already."),
        field="judgment_number",
    )


def create_record(data: RecordData, staff, *, source: str | None = None) -> BriberyRecord:
    record = BriberyRecord(created_at=clock.now(), created_by_id=staff.id)
    _apply_record(record, data)
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        raise _duplicate() from None
    audit.record(
        "bribery_record.created",
        actor=staff,
        subject=record,
        detail={"source": source} if source else None,
    )
    return record


def update_record(record: BriberyRecord, data: RecordData, staff) -> list[str]:
    """Correct a record; the audit event names the fields that changed (not their values: the
    record's history is the trail's, its personal data stays in the record). Certificates
    issued before keep the record as it was."""
    changed = _apply_record(record, data)
    if not changed:
        return []
    record.updated_at, record.updated_by_id = clock.now(), staff.id
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise _duplicate() from None
    audit.record(
        "bribery_record.updated", actor=staff, subject=record, detail={"fields": ",".join(changed)}
    )
    return changed
