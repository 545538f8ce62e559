"""CSV import: every case of a good file, or none of a bad one, with each problem's line."""

from __future__ import annotations

import io
from datetime import date

import pytest

from portal.cases import services
from portal.cases.models import Case
from portal.core.audit import AuditEvent
from portal.core.permissions import Role
from portal.extensions import db
from tests.cases.factories import make_case
from tests.factories import login, make_user

HEADER = "case_number,cause_of_action,department,accepted_on,stage,coercive_measures"


@pytest.fixture
def clerk(client_request, frozen_now):
    client_request.client.set_cookie("portal_locale", "en")
    user = make_user(Role.CLERK)
    login(client_request.client, user)
    return user


def upload(client_request, content: bytes | str, filename="cases.csv", *, imported=False):
    """Post the file; `imported`: it must be taken (back to the list), else refused (400)."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    client_request.post(
        "cases_admin.import_cases",
        _data={"file": (io.BytesIO(content), filename)},
        _expected_status=302 if imported else 400,
        _expected_redirect="cases_admin.list_cases" if imported else None,
    )
    return client_request.response


def problems(response) -> list[str]:
    html = response.get_data(as_text=True)
    assert 'id="import-problems"' in html, html[:3000]
    block = html.split('id="import-problems">')[1].split("</ul>")[0]
    return [item.split("</li>")[0].strip() for item in block.split("<li>")[1:]]


def test_a_good_file_with_a_bom_is_imported(client_request, clerk):
    content = "\ufeff" + "\r\n".join([
        HEADER,
        "示检刑诉受〔2026〕1号,盗窃罪,第一检察部,2026-03-02,received,",
        '示检刑诉受〔2026〕2号,"诈骗罪",第二检察部,2026/3/5,prosecution_review,"取保候审,2026-03-06起"',
        "",
    ])  # fmt: skip
    upload(client_request, content, imported=True)
    cases = db.session.query(Case).order_by(Case.case_number).all()
    assert [c.case_number for c in cases] == ["示检刑诉受〔2026〕1号", "示检刑诉受〔2026〕2号"]
    assert cases[1].accepted_on == date(2026, 3, 5)
    assert cases[1].coercive_measures == "取保候审,2026-03-06起"
    assert cases[0].procuratorate == "示例市人民检察院" and cases[0].category == "ordinary"
    assert [c.stage for c in cases[1].stage_changes] == ["prosecution_review"]
    assert db.session.query(AuditEvent).filter_by(code="case.created").count() == 2
    [summary] = db.session.query(AuditEvent).filter_by(code="case.imported").all()
    assert summary.detail == "cases=2" and summary.actor_id == clerk.id
    assert "2 cases imported." in client_request.get("cases_admin.list_cases").text


def test_chinese_headers_and_stage_names_are_understood(client_request, clerk):
    content = "案号,案由,承办部门,受理日期,诉讼阶段,案件类别\n示检刑诉受[2026]3,抢劫罪,第一检察部,2026-03-02,审查逮捕,未成年人\n"
    upload(client_request, content, imported=True)
    case = db.session.query(Case).one()
    assert (case.case_number, case.stage, case.category) == (
        "示检刑诉受〔2026〕3号",
        "arrest_review",
        "juvenile",
    )


def test_bad_rows_are_listed_by_line_and_nothing_is_imported(client_request, clerk):
    make_case(case_number="示检刑诉受〔2026〕9号")
    content = "\n".join([
        HEADER,                                                            # line 1
        "示检刑诉受〔2026〕1号,盗窃罪,第一检察部,2026-03-02,received,",          # 2: good
        '示检刑诉受〔2026〕2号,"诈骗罪',                                       # 3: a cell over
        '多行",第一检察部,2026-03-02,received,',                               # 4: two lines
        "2026-4,盗窃罪,第一检察部,2026-03-02,received,",                       # 5: bad number
        "示检刑诉受〔2026〕5号,,第一检察部,2026-02-30,sentenced,",             # 6: three problems
        "示检刑诉受〔2026〕1号,盗窃罪,第一检察部,2026-03-02,received,",          # 7: duplicate of 2
        "示检刑诉受〔2026〕9号,盗窃罪,第一检察部,2026-03-02,received,",          # 8: already recorded
        "示检刑诉受〔2026〕8号,盗窃罪,第一检察部,2026-03-02,received,,extra",     # 9: extra cell
    ])  # fmt: skip
    response = upload(client_request, content)
    listed = problems(response)
    assert listed[0].startswith("Line 5, column case_number: Enter the case number as it is")
    assert listed[1:4] == [
        "Line 6, column cause_of_action: Enter the cause of action.",
        "Line 6, column accepted_on: Enter the date as year-month-day, like 2026-03-05.",
        "Line 6, column stage: Choose one of the listed stages.",
    ]
    assert listed[4] == "Line 7: the case number 示检刑诉受〔2026〕1号 is already on line 2."
    assert listed[5] == "Line 8: a case with the number 示检刑诉受〔2026〕9号 is already recorded."
    assert listed[6].startswith("Line 9 has 7 cells, more than the 6 columns")
    assert len(listed) == 7  # lines 2 and 3–4 are good
    html = response.get_data(as_text=True)
    assert "nothing was saved" in html and 'href="#file"' in html
    assert db.session.query(Case).count() == 1  # only the case made before
    assert db.session.query(AuditEvent).filter_by(code="case.imported").count() == 0


@pytest.mark.parametrize(
    "content, message",
    [
        ("案号,案由\n".encode("gbk"), "The file is not UTF-8 text."),
        (b"", "Line 1: the header row is missing."),
        (HEADER + "\n", "The file has no cases under its header row."),
        (HEADER + "\n\n,,,,,\n", "The file has no cases under its header row."),
        ("case_number,cause_of_action,accepted_on,stage\nx,y,z,w\n",
         "Line 1: the column “department” is missing."),
        (HEADER + ",notes\n", "Line 1: the column “notes” is not one the import knows."),
        (HEADER + ",案号\n", "Line 1: the column “案号” appears twice."),
        (HEADER + '\n"示检,\n', "could not be read as CSV"),
    ],
)  # fmt: skip
def test_files_that_cannot_be_imported_say_why(client_request, clerk, content, message):
    response = upload(client_request, content)
    assert any(message in item for item in problems(response)), problems(response)
    assert db.session.query(Case).count() == 0


def test_a_file_must_be_chosen(client_request, clerk):
    page = client_request.post("cases_admin.import_cases", _expected_status=400)
    assert "Choose a CSV file to import." in page.text


def test_a_file_too_large_is_refused(client_request, clerk, monkeypatch):
    monkeypatch.setattr(services, "MAX_IMPORT_BYTES", 100)
    response = upload(client_request, HEADER + "\n" + "x" * 200)
    assert "The file is larger than" in problems(response)[0]


def test_the_template_imports_once_filled_in(client_request, clerk):
    client_request.get("cases_admin.download_template")
    response = client_request.response
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    template = response.get_data()
    assert template.startswith("\ufeff".encode()) and b"case_number" in template
    row = "示检刑诉受〔2026〕4号,盗窃罪,示例市人民检察院,第一检察部,2026-03-02,,received,,,,\r\n"
    upload(client_request, template + row.encode(), imported=True)
    assert db.session.query(Case).count() == 1
