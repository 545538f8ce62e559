"""The pages around the rules: a form that fails keeps what was typed and the letter already
accepted, a bad letter is refused with a message, the CSV import is all or nothing with line
numbers, and the status page shows a refusal's reason."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from portal.certificates import services
from portal.certificates.models import BriberyRecord, RecordApplication
from portal.core import audit
from portal.core.permissions import Role
from portal.extensions import db
from tests.certificates.factories import (
    APPLICATION_FORM,
    BAD_COMPANY_CODE,
    PERSON_ID,
    letter_file,
    make_application,
)
from tests.factories import login, make_user


@pytest.fixture
def english(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


def _form(page):
    return {
        name: page.select_one(f"input[name={name}]")["value"]
        for name in ("submission_key", "csrf_token")
        if page.select_one(f"input[name={name}]") is not None
    }


def test_a_form_that_fails_keeps_what_was_typed_and_the_accepted_letter(english):
    page = english.get("certificates.new_application")
    failed = english.post(
        "certificates.new_application",
        _data={**APPLICATION_FORM, **_form(page), "identifier": BAD_COMPANY_CODE,
               "letter": letter_file("委托书.pdf")},
        _expected_status=400,
    )  # fmt: skip
    assert "This unified social credit code is not valid" in failed.text
    assert failed.select_one("input[name=holder_name]")["value"] == "示例建设有限公司"
    assert "委托书.pdf" in failed.select_one(".held-files").text
    assert db.session.scalar(sa.select(sa.func.count(RecordApplication.id))) == 0
    # Sent again with the number corrected and no file chosen: the held letter is used.
    receipt = english.post(
        "certificates.new_application",
        _data={**APPLICATION_FORM, **_form(failed)},
        _expected_status=200,
    )
    number = receipt.select_one("#application-number").text.strip()
    application = services.application_numbered(number)
    assert application.letter_filename == "委托书.pdf"


def test_a_letter_is_required_and_checked_by_its_content(english):
    page = english.get("certificates.new_application")
    missing = english.post(
        "certificates.new_application", _data={**APPLICATION_FORM, **_form(page)},
        _expected_status=400,
    )  # fmt: skip
    assert "Attach the authorisation letter" in missing.text
    not_a_pdf = english.post(
        "certificates.new_application",
        _data={**APPLICATION_FORM, **_form(page),
               "letter": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "委托书.pdf")},
        _expected_status=400,
    )  # fmt: skip
    assert not_a_pdf.select_one("#letter-error") is not None
    assert not_a_pdf.select_one(".held-files") is None
    # A Remove button naming a path removes nothing and holds nothing.
    forged = english.post(
        "certificates.new_application",
        _data={**APPLICATION_FORM, **_form(page), "remove_attachment": "../../etc/passwd"},
        _expected_status=200,
    )
    assert forged.select_one(".held-files") is None


def test_a_person_applies_with_a_checked_id_number(english):
    page = english.get("certificates.new_application")
    data = {**APPLICATION_FORM, **_form(page), "holder_kind": "person", "holder_name": "王某",
            "letter": letter_file()}  # fmt: skip
    wrong = english.post(
        "certificates.new_application",
        _data={**data, "identifier": "110105194912310021"},
        _expected_status=400,
    )
    assert "This ID card number is not valid" in wrong.text
    data["letter"] = letter_file()
    english.post(
        "certificates.new_application",
        _data={**data, "identifier": PERSON_ID.lower()},
        _expected_status=200,
    )
    assert db.session.scalar(sa.select(RecordApplication.identifier)) == PERSON_ID


def test_the_applicant_reads_the_reason_of_a_refusal(english, new_client_request):
    application, code = make_application()
    staff = new_client_request()
    login(staff.client, make_user(Role.CLERK))
    empty = staff.post(
        "certificates_admin.refuse_application",
        application_id=application.id,
        _data={"refuse-reason": ""},
        _expected_status=400,
    )
    assert empty.select_one("#refuse-reason-error") is not None
    staff.post(
        "certificates_admin.refuse_application",
        application_id=application.id,
        _data={"refuse-reason": "授权委托书未加盖公章"},
        _expected_redirect="certificates_admin.show_application",
        _redirect_values={"application_id": application.id},
    )
    english.post(
        "certificates.lookup",
        _data={"number": application.number, "query_code": code},
        _expected_redirect="certificates.show_status",
        _redirect_values={"number": application.number},
    )
    status = english.get("certificates.show_status", number=application.number)
    assert status.select_one("#refusal-reason").text == "授权委托书未加盖公章"
    assert status.select_one("#certificate-number") is None


def test_a_wrong_code_opens_nothing_and_says_the_same_for_an_unknown_number(english):
    application, _code = make_application()
    for number in (application.number, "XC2026-999999"):
        page = english.post(
            "certificates.lookup",
            _data={"number": number, "query_code": "2345-6789-ABCD"},
            _expected_status=400,
        )
        assert "We found no application with this number and query code" in page.text
    english.get(
        "certificates.show_status",
        number=application.number,
        _expected_status=302,
        _expected_redirect="certificates.lookup",
    )


def test_the_verification_form_says_the_same_for_a_wrong_code_and_no_such_number(english):
    for number in ("XCZ2026-000001", "XCZ2026-999999"):
        page = english.post(
            "certificates.verify",
            _data={"number": number, "code": "2345-6789-ABCD"},
            _expected_status=200,
        )
        assert "We cannot confirm a certificate" in page.select_one("#verdict").text


# ---- the CSV import --------------------------------------------------------------------------

HEADER = "类型,名称,统一社会信用代码,判决书文号,判决法院,判决日期,罪名,判处刑罚"
GOOD = "单位,示例建设有限公司,91350100M000100Y43,（2024）示刑初字第7号,示例市中级人民法院,2024-05-20,单位行贿罪,罚金五十万元"
PERSON = (
    f"个人,王某,{PERSON_ID},（2023）示刑初字第3号,示例市中级人民法院,2023/03/01,行贿罪,有期徒刑三年"
)


def _import(staff, text, status):
    return staff.post(
        "certificates_admin.import_records",
        _data={"file": (io.BytesIO(text.encode("gb18030")), "records.csv")},
        _expected_status=status,
    )


@pytest.fixture
def clerk(english):
    login(english.client, make_user(Role.CLERK))
    return english


def test_a_file_with_any_bad_row_imports_nothing_and_names_every_line(clerk):
    bad_code = GOOD.replace("91350100M000100Y43", BAD_COMPANY_CODE)
    no_date = PERSON.replace("2023/03/01", "")
    page = _import(clerk, "\n".join([HEADER, GOOD, bad_code, no_date, GOOD]), 400)
    problems = [li.text for li in page.select("#import-problems li")]
    assert problems[0].startswith("Line 3, column “Credit code or ID card number”")
    assert problems[1].startswith("Line 4, column “Date of judgment”")
    assert problems[2].startswith("Line 5: the same judgment")
    assert db.session.scalar(sa.select(sa.func.count(BriberyRecord.id))) == 0


def test_a_good_file_imports_every_row_once(clerk):
    _import(clerk, "\n".join([HEADER, GOOD, PERSON]), 302)
    assert db.session.scalar(sa.select(sa.func.count(BriberyRecord.id))) == 2
    assert db.session.scalar(sa.select(BriberyRecord.holder_kind).where(
        BriberyRecord.identifier == PERSON_ID)) == "person"  # fmt: skip
    codes = [e.code for e in db.session.scalars(sa.select(audit.AuditEvent))]
    assert codes.count("bribery_record.created") == 2 and "bribery_record.imported" in codes
    again = _import(clerk, "\n".join([HEADER, PERSON]), 400)
    assert "Line 2: this judgment is recorded already" in again.text
    assert db.session.scalar(sa.select(sa.func.count(BriberyRecord.id))) == 2


def test_the_template_reads_back(clerk):
    clerk.get("certificates_admin.download_template")
    header = clerk.response.get_data().decode("utf-8-sig").strip()
    page = _import(clerk, header + "\n" + GOOD.replace("单位,", "company,", 1), 302)
    assert page is not None
