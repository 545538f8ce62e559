"""The rules of the bribery-record inquiry, called directly: identifiers and their check
characters, the 3-working-day clock on the calendar, matching by number only, answers,
revocation, verification, record changes in the audit trail, and what the applicant is told."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.calendar.services import WorkCalendar, set_day
from portal.certificates import services
from portal.certificates.models import ApplicationStatus, CertificateResult
from portal.core import audit, clock
from portal.core.outbox import OutboxMessage
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from tests.certificates.factories import (
    BAD_COMPANY_CODE,
    COMPANY_CODE,
    PERSON_ID,
    make_application,
    make_record,
)
from tests.factories import make_user

D = date.fromisoformat


@pytest.fixture
def handler():
    return make_user(Role.HANDLER)


def _events(code):
    return db.session.scalars(
        sa.select(audit.AuditEvent).where(audit.AuditEvent.code == code)
    ).all()


# ---- identifiers -----------------------------------------------------------------------------


def test_credit_codes_are_checked_by_their_check_character():
    assert services.is_valid_credit_code(COMPANY_CODE)
    assert services.is_valid_credit_code("91110000100000000A") is False  # a wrong check character
    assert services.is_valid_credit_code("91350100M000100Y4") is False  # 17 characters
    assert services.is_valid_credit_code("91350100O000100Y43") is False  # O is not in the alphabet


def test_identifiers_are_normalised_and_checked_for_their_kind():
    assert services.normalise_identifier(" ９１３５ 0100-m000100y43 ") == COMPANY_CODE
    assert services.identifier_problem("company", COMPANY_CODE) is None
    assert services.identifier_problem("person", PERSON_ID) is None
    assert services.identifier_problem("person", COMPANY_CODE) is not None
    assert services.identifier_problem("company", PERSON_ID) is not None
    with force_locale("en"):
        assert "not valid" in str(services.identifier_problem("company", BAD_COMPANY_CODE))
        assert "not valid" in str(services.identifier_problem("person", "110105194912310021"))


# ---- the 3-working-day clock -----------------------------------------------------------------

# The 2026 National Day holiday: 1–7 October off, Saturday 10 October worked to make up.
NATIONAL_DAY = WorkCalendar(
    holidays=frozenset(D(f"2026-10-0{n}") for n in range(1, 8)),
    workdays=frozenset({D("2026-10-10")}),
)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-11-23", "2026-11-26"),  # Monday: Tue, Wed, Thu
        ("2026-11-26", "2026-12-01"),  # Thursday: Fri, Mon, Tue
        ("2026-11-28", "2026-12-02"),  # Saturday: the day of receipt is not counted, nor Sunday
        ("2026-09-29", "2026-10-09"),  # Tuesday before the holiday: Wed 30 Sep, Thu 8, Fri 9 Oct
        ("2026-10-03", "2026-10-10"),  # in the holiday: Thu 8, Fri 9, the make-up Saturday 10
        ("2026-10-08", "2026-10-12"),  # Fri 9, the make-up Saturday 10, Mon 12
    ],
)
def test_the_answer_is_due_on_the_third_working_day_after_receipt(received, due):
    assert services.answer_due(D(received), NATIONAL_DAY) == D(due)


def test_the_due_date_is_set_at_receipt_from_the_stored_calendar_and_kept():
    admin = make_user(Role.ADMIN)
    set_day(D("2026-11-24"), "holiday", "示例假日", actor=admin)
    set_day(D("2026-11-28"), "workday", "调休上班", actor=admin)
    db.session.commit()
    # Received Monday 23 November: Tue 24 off, Wed 25, Thu 26, Fri 27.
    with clock.frozen(datetime(2026, 11, 23, 2, 0, tzinfo=UTC)):
        application, _code = make_application()
    assert application.received_on == D("2026-11-23")
    assert application.due_on == D("2026-11-27")
    # A later change of the calendar does not move it.
    set_day(D("2026-11-25"), "holiday", "另一假日", actor=admin)
    db.session.commit()
    db.session.refresh(application)
    assert application.due_on == D("2026-11-27")
    assert services.is_overdue(application, D("2026-11-27")) is False
    assert services.is_overdue(application, D("2026-11-28")) is True


# ---- answers ---------------------------------------------------------------------------------


def test_records_are_matched_by_the_number_never_by_the_name(handler):
    make_record(handler, name="另一个名字有限公司")  # the same credit code, another name
    make_record(handler, identifier="91110000100000000X".replace("X", "0"), judgment_number="x")
    application, _code = make_application(identifier="9135 0100 m000 100y 43")
    same_name, _ = make_application(identifier=PERSON_ID, holder_kind="person")
    assert [r.name for r in services.matching_records(application.identifier)] == [
        "另一个名字有限公司"
    ]
    assert services.matching_records(same_name.identifier) == []


def test_a_certificate_lists_the_records_as_they_were_at_issue(handler):
    record = make_record(handler)
    application, _code = make_application()
    certificate = services.issue_certificate(application, handler)
    db.session.commit()
    assert application.status == ApplicationStatus.ANSWERED
    assert certificate.result == CertificateResult.RECORDS_FOUND
    services.update_record(
        record,
        services.RecordData(**{**services.RecordData.from_form(_as_form(record)).__dict__,
                               "sentence": "改判"}),
        handler,
    )  # fmt: skip
    db.session.commit()
    assert certificate.records[0]["sentence"] == "罚金人民币五十万元"
    assert certificate.records[0]["judgment_number"] == "（2024）示刑初字第7号"


def _as_form(record):
    return {
        name: type("F", (), {"data": getattr(record, name)})() for name in services.RECORD_FIELDS
    }


def test_no_record_found_and_an_answered_application_stays_answered(handler):
    application, _code = make_application()
    certificate = services.issue_certificate(application, handler)
    db.session.commit()
    assert certificate.result == CertificateResult.NO_RECORD and certificate.records == []
    with pytest.raises(InvalidTransition) as refused:
        services.issue_certificate(application, handler)
    assert not refused.value.forbidden  # the state, not the role
    with pytest.raises(InvalidTransition):
        services.refuse_application(application, handler, "缺少授权委托书")
    assert application.status == ApplicationStatus.ANSWERED


def test_only_clerks_and_handlers_answer():
    application, _code = make_application()
    for role in (Role.LEADER, Role.PUBLISHER, Role.ADMIN):
        with pytest.raises(InvalidTransition) as refused:
            services.issue_certificate(application, make_user(role))
        assert refused.value.forbidden
    services.issue_certificate(application, make_user(Role.CLERK))


def test_a_refusal_needs_the_reason_the_applicant_reads(handler):
    application, _code = make_application()
    with pytest.raises(InvalidTransition) as refused:
        services.refuse_application(application, handler, "  ")
    assert refused.value.field == "reason"
    services.refuse_application(application, handler, "未上传加盖公章的授权委托书")
    db.session.commit()
    assert application.status == ApplicationStatus.REFUSED
    assert application.refusal_reason == "未上传加盖公章的授权委托书"
    (event,) = _events("record_application.refused")
    assert event.actor_id == handler.id and event.details["reason"] == "未上传加盖公章的授权委托书"


# ---- verification and revocation -------------------------------------------------------------


def test_verification_needs_the_number_and_its_code_and_shows_a_revocation(handler, frozen_now):
    application, _code = make_application()
    certificate = services.issue_certificate(application, handler)
    db.session.commit()
    code = services.verification_code(certificate)
    assert services.verify_certificate(certificate.number.lower(), code.lower()) is certificate
    # A wrong code and an unknown number get the same answer.
    assert services.verify_certificate(certificate.number, "2345-6789-ABCD") is None
    assert services.verify_certificate("XCZ2026-999999", code) is None
    with pytest.raises(InvalidTransition) as refused:
        services.revoke_certificate(certificate, handler, "")
    assert refused.value.field == "reason"
    services.revoke_certificate(certificate, handler, "申请材料虚假")
    db.session.commit()
    found = services.verify_certificate(certificate.number, code)
    assert found.is_revoked and clock.as_utc(found.revoked_at) == frozen_now
    with pytest.raises(InvalidTransition):
        services.revoke_certificate(certificate, handler, "again")
    (event,) = _events("record_certificate.revoked")
    assert event.details["reason"] == "申请材料虚假" and event.actor_id == handler.id


def test_repeated_wrong_codes_lock_the_verification_of_a_number(app, handler):
    application, _code = make_application()
    certificate = services.issue_certificate(application, handler)
    db.session.commit()
    with app.test_request_context():
        for _ in range(app.config["LOOKUP_MAX_FAILURES"]):
            assert services.verify_certificate(certificate.number, "2345-6789-ABCD") is None
        with pytest.raises(services.LookupLocked):
            services.verify_certificate(certificate.number, services.verification_code(certificate))


def test_the_applicant_finds_the_application_with_number_and_code_only():
    application, code = make_application()
    assert services.find_for_applicant(application.number, code) is application
    assert services.find_for_applicant(application.number, "2345-6789-ABCD") is None
    assert services.find_for_applicant("XC2026-999999", code) is None


def test_the_same_form_sent_twice_is_one_application():
    data = services.ApplicationData(
        holder_kind="person", holder_name="王某", identifier=PERSON_ID, purpose="入职审查",
        project_name=None, tendering_party=None, contact_name="王某", mobile="13800000003",
        email=None, letter=__import__("tests.certificates.factories", fromlist=["x"]).letter_upload(),
        locale="en",
    )  # fmt: skip
    first = services.submit_application(data, submission_key="k" * 43)
    again = services.submit_application(data, submission_key="k" * 43)
    assert again.is_repeat and again.application is first.application
    assert again.query_code == first.query_code


# ---- records ---------------------------------------------------------------------------------


def test_record_changes_are_audited_and_a_judgment_is_entered_once(handler):
    record = make_record(handler)
    with pytest.raises(InvalidTransition) as refused:
        make_record(handler)
    assert refused.value.field == "judgment_number"
    db.session.rollback()
    data = services.RecordData.from_form(_as_form(record))
    assert services.update_record(record, data, handler) == []
    data.court = "示例省高级人民法院"
    assert services.update_record(record, data, handler) == ["court"]
    db.session.commit()
    assert [e.code for e in audit.history(record)] == [
        "bribery_record.created",
        "bribery_record.updated",
    ]
    assert audit.history(record)[1].details["fields"] == "court"


# ---- telling the applicant -------------------------------------------------------------------


def _messages(channel):
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.channel == channel).order_by(OutboxMessage.id)
    ).all()


def test_the_applicant_is_told_of_receipt_answer_refusal_and_revocation(handler):
    answered, code = make_application()
    refused, _ = make_application(email=None)
    services.refuse_application(refused, handler, "缺少授权委托书")
    certificate = services.issue_certificate(answered, handler)
    db.session.commit()
    services.revoke_certificate(certificate, handler, "材料虚假")
    db.session.commit()
    assert [m.subject for m in _messages("sms")] == [
        "record_inquiry_received",
        "record_inquiry_received",
        "record_inquiry_refused",
        "record_inquiry_answered",
        "record_certificate_revoked",
    ]
    emails = _messages("email")
    assert [m.recipient for m in emails] == ["applicant@example.com"] * 3  # no address, no e-mail
    assert answered.number in emails[1].body
    for message in [*_messages("sms"), *emails]:  # never a code
        assert code not in message.body.replace("-", "")
        assert services.verification_code(certificate) not in message.body.replace("-", "")
