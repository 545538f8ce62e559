"""Applications and records for the bribery-record inquiry tests, made through the services."""

from __future__ import annotations

import io
import secrets
from datetime import date

from portal.certificates import services
from portal.core.uploads import check_file
from portal.extensions import db
from tests.factories import PDF

# Valid numbers (their check characters are right): a company's credit code, a person's ID.
COMPANY_CODE = "91350100M000100Y43"
PERSON_ID = "11010519491231002X"
BAD_COMPANY_CODE = "91110000100000000A"  # its check character is wrong


def letter_upload():
    return check_file("授权委托书.pdf", PDF)


def letter_file(name="授权委托书.pdf"):
    return (io.BytesIO(PDF), name)


APPLICATION_FORM = {
    "holder_kind": "company",
    "holder_name": "示例建设有限公司",
    "identifier": COMPANY_CODE,
    "purpose": "参加工程投标",
    "project_name": "示例市第一中学教学楼工程",
    "tendering_party": "示例市教育局",
    "contact_name": "陈经办",
    "mobile": "13800000002",
    "email": "applicant@example.com",
}


def make_application(*, commit=True, **changes):
    """(application, query code), through the service as the form would."""
    values = {**APPLICATION_FORM, **changes}
    data = services.ApplicationData(
        **{name: values[name] for name in APPLICATION_FORM},
        letter=letter_upload(),
        locale="zh_Hans_CN",
    )
    receipt = services.submit_application(data, submission_key=secrets.token_urlsafe(32))
    if commit:
        db.session.commit()
    return receipt.application, receipt.query_code


def make_record(
    staff, *, identifier=COMPANY_CODE, judgment_number="（2024）示刑初字第7号", **changes
):
    data = services.RecordData(
        holder_kind=changes.pop("holder_kind", "company"),
        name=changes.pop("name", "示例建设有限公司"),
        identifier=identifier,
        judgment_number=judgment_number,
        court=changes.pop("court", "示例市中级人民法院"),
        judgment_on=changes.pop("judgment_on", date(2024, 5, 20)),
        offence=changes.pop("offence", "单位行贿罪"),
        sentence=changes.pop("sentence", "罚金人民币五十万元"),
    )
    record = services.create_record(data, staff)
    db.session.commit()
    return record
