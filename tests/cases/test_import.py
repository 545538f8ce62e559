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
    assert listed[0].startswith("Line 5, column “Case number”: Enter the case number as it is")
    assert listed[1:4] == [
        "Line 6, column “Cause of action”: Enter the cause of action.",
        "Line 6, column “Date of acceptance”: Enter the date as year-month-day, like 2026-03-05.",
        "Line 6, column “Stage”: Choose one of the listed stages.",
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
        (b"\x81\x20\xff,x\n", "characters could not be read"),
        (b"", "Line 1: the header row is missing."),
        (HEADER + "\n", "The file has no cases under its header row."),
        (HEADER + "\n\n,,,,,\n", "The file has no cases under its header row."),
        ("case_number,cause_of_action,accepted_on,stage\nx,y,z,w\n",
         "Line 1: the column “Handling department” is missing."),
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
    assert template.startswith("\ufeff".encode()) and b"Case number," in template
    row = "示检刑诉受〔2026〕4号,盗窃罪,示例市人民检察院,第一检察部,2026-03-02,,received,,,,\r\n"
    upload(client_request, template + row.encode(), imported=True)
    assert db.session.query(Case).count() == 1


# ---- files from Excel in China -----------------------------------------------------------------

ROW = "示检刑诉受〔2026〕7号,盗窃罪,第一检察部,2026-03-02,审查起诉"


def imported_case():
    return db.session.query(Case).one()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"], ids=str)
def test_every_encoding_excel_saves_in_china_is_read(client_request, clerk, encoding):
    delimiter = "\t" if encoding == "utf-16" else ","
    text = "\r\n".join(["案件编号,案由,承办部门,受理日期,诉讼阶段", ROW]).replace(",", delimiter)
    upload(client_request, text.encode(encoding), imported=True)
    case = imported_case()
    assert (case.case_number, case.stage, case.department) == (
        "示检刑诉受〔2026〕7号",
        "prosecution_review",
        "第一检察部",
    )


def test_every_column_by_its_chinese_label_in_any_order(client_request, clerk):
    header = [
        "涉案财物（选填）",
        "强制措施（选填）",
        "处理结果（选填）",
        "类别",
        "诉讼阶段",
        "办案期限（选填）",
        "受理日期",
        "承办部门",
        "检察院",
        "案由",
        "案号",
    ]
    # The catalogue's labels, whatever they are, read back too (the template in Chinese).
    from flask_babel import force_locale

    with force_locale("zh_Hans_CN"):
        labels = [str(label) for label in services.column_labels().values()]
    row = "手机一部,取保候审,,未成年人案件,已提起公诉,2026-06-30,2026-03-02,第二检察部,示例县人民检察院,诈骗罪,示检刑诉受〔2026〕8号"
    upload(client_request, ",".join(header) + "\n" + row + "\n", imported=True)
    case = imported_case()
    assert (case.stage, case.category, case.procuratorate, case.seized_property) == (
        "indicted",
        "juvenile",
        "示例县人民检察院",
        "手机一部",
    )
    assert case.time_limit_on == date(2026, 6, 30) and case.result is None
    values = "示检刑诉受〔2026〕9号,盗窃罪,示例市人民检察院,第一检察部,2026-03-02,,退回补充侦查,普通案件,,,"
    upload(client_request, '"' + '","'.join(labels) + '"\n' + values + "\n", imported=True)
    second = db.session.query(Case).filter_by(case_number="示检刑诉受〔2026〕9号").one()
    assert second.stage == "supplementary_investigation"


@pytest.mark.parametrize(
    ("typed", "stage"),
    [
        ("审查逮捕", "arrest_review"),
        ("审查逮捕阶段", "arrest_review"),
        ("已收到", "received"),
        ("已受理", "received"),
        ("退补", "supplementary_investigation"),
        ("不起诉", "not_prosecuted"),
        ("已提出抗诉", "protest"),
        ("申诉审查", "appeal_review"),
        ("已办结", "closed"),
        ("结案", "closed"),
        ("Review for prosecution", "prosecution_review"),
        ("INDICTED", "indicted"),
        ("　审查起诉。", "prosecution_review"),
        ("ｐｒｏｓｅｃｕｔｉｏｎ＿ｒｅｖｉｅｗ", "prosecution_review"),
    ],
)
def test_stage_names_in_chinese_english_or_codes(client_request, clerk, typed, stage):
    content = f"案号,案由,承办部门,受理日期,诉讼阶段\n示检刑诉受〔2026〕7号,盗窃罪,第一检察部,2026-03-02,{typed}\n"
    upload(client_request, content, imported=True)
    assert imported_case().stage == stage


def test_full_width_spaces_and_characters_are_trimmed(client_request, clerk):
    header = "\u3000案号 ,＂案由＂,承办部门：,受理日期*,诉讼阶段\u200b"
    row = "\u3000示检刑诉受［２０２６］７号\u3000,\u3000盗窃罪\u3000,第一检察部\u3000,２０２６－０３－０２,\u3000审查起诉\u3000"
    upload(client_request, header + "\n" + row + "\n", imported=True)
    case = imported_case()
    assert (case.case_number, case.cause_of_action, case.department) == (
        "示检刑诉受〔2026〕7号",
        "盗窃罪",
        "第一检察部",
    )
    assert case.accepted_on == date(2026, 3, 2)


def test_errors_name_the_line_and_the_column_in_the_readers_language(client_request, clerk):
    content = "案号,案由,承办部门,受理日期,诉讼阶段\n示检刑诉受〔2026〕7号,盗窃罪,第一检察部,2026-02-30,侦查\n"
    listed = problems(upload(client_request, content))
    assert listed == [
        "Line 2, column “Date of acceptance”: Enter the date as year-month-day, like 2026-03-05.",
        "Line 2, column “Stage”: Choose one of the listed stages.",
    ]
    missing = problems(upload(client_request, "案号,案由,受理日期\n"))
    assert "Line 1: the column “Handling department” is missing." in missing


def test_the_template_is_in_the_readers_language_and_reads_back(client_request, clerk):
    client_request.client.set_cookie("portal_locale", "zh_Hans_CN")
    client_request.get("cases_admin.download_template")
    template = client_request.response.get_data()
    from flask_babel import force_locale

    with force_locale("zh_Hans_CN"):
        expected = str(services.column_labels()["accepted_on"])
    assert expected.encode() in template and b"accepted_on" not in template
    row = "示检刑诉受〔2026〕4号,盗窃罪,示例市人民检察院,第一检察部,2026-03-02,,审查起诉,,,,\r\n"
    upload(client_request, template + row.encode(), imported=True)
    assert imported_case().stage == "prosecution_review"
