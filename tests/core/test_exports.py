"""core/exports.py: what every export guarantees, read back the way a spreadsheet reads it
(the csv module for CSV, openpyxl for XLSX)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from portal.core import exports
from portal.core.exports import Column, Table

# Every way a cell can start a formula or a DDE call, in ASCII and in full width, at the start
# and after leading spaces; each must come back as text beginning with an apostrophe.
HOSTILE = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    '   =HYPERLINK("http://evil.example","点我")',
    "\u3000=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "  ＝cmd|' /C calc'!A0",
    "-5 days",
    "=cmd|' /C calc'!A0",
]
HARMLESS = ["张三", "a=b", "1-2", "XF2026-000001", "", "100%"]


def table(rows, columns=None) -> Table:
    return Table(
        name="test-list",
        columns=columns or [Column("text", _l("Subject")), Column("other", _l("Kind"))],
        rows=rows,
    )


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, so that Excel reads Chinese"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def read_xlsx(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_is_neutralised_in_csv(app, text):
    content, _count = exports.render(table([{"text": text, "other": "x"}]), "csv")
    [_header, [cell, _other]] = read_csv(content)
    assert cell == "'" + text


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_is_neutralised_in_xlsx_and_stored_as_text(app, text):
    content, _count = exports.render(table([{"text": text, "other": "x"}]), "xlsx")
    sheet, _rows = read_xlsx(content)
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.value == "'" + text


def test_xlsx_never_stores_a_formula(app):
    """openpyxl reads a stored formula back as text starting with "="; none is there."""
    content, _ = exports.render(table([{"text": t, "other": t} for t in HOSTILE]), "xlsx")
    sheet, rows = read_xlsx(content)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type == "s" and cell.value.startswith("'")
    with io.BytesIO(content) as raw:
        import zipfile

        sheet_xml = zipfile.ZipFile(raw).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_as_written(app, text):
    csv_content, _ = exports.render(table([{"text": text, "other": "x"}]), "csv")
    assert read_csv(csv_content)[1][0] == text
    xlsx_content, _ = exports.render(table([{"text": text, "other": "x"}]), "xlsx")
    assert read_xlsx(xlsx_content)[1][1][0] == (text or None)


def test_numbers_dates_and_times_keep_their_type(app):
    columns = [Column(key, key) for key in ("int", "neg", "float", "dec", "day", "at", "none")]
    row = {
        "int": 7,
        "neg": -5,
        "float": 2.5,
        "dec": Decimal("99.8"),
        "day": date(2026, 3, 1),
        # 02:00 UTC is 10:00 in Beijing, the procuratorate's time
        "at": datetime(2026, 3, 1, 2, 0, tzinfo=UTC),
        "none": None,
    }
    csv_content, _ = exports.render(table([row], columns), "csv")
    assert read_csv(csv_content)[1] == [
        "7",
        "-5",
        "2.5",
        "99.8",
        "2026-03-01",
        "2026-03-01 10:00",
        "",
    ]
    xlsx_content, _ = exports.render(table([row], columns), "xlsx")
    sheet, rows = read_xlsx(xlsx_content)
    assert rows[1][:4] == [7, -5, 2.5, 99.8]
    assert rows[1][4] == datetime(2026, 3, 1) and sheet["E2"].is_date
    assert rows[1][5] == datetime(2026, 3, 1, 10, 0) and sheet["F2"].is_date
    assert rows[1][6] is None


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_headers_are_in_the_readers_language(app, fmt):
    with force_locale("en"):
        english, _ = exports.render(table([]), fmt)
    with force_locale("zh_Hans_CN"):
        chinese, _ = exports.render(table([]), fmt)
    read = read_csv if fmt == "csv" else (lambda content: read_xlsx(content)[1])
    assert read(english)[0] == ["Subject", "Kind"]
    assert read(chinese)[0] == ["标题", "类别"]


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_personal_columns_only_when_asked_for(app, fmt):
    columns = [Column("number", "No."), Column("name", "Name", personal=True)]
    rows = [{"number": "XF2026-000001", "name": "刘某某"}]
    read = read_csv if fmt == "csv" else (lambda content: read_xlsx(content)[1])
    without, count = exports.render(table(rows, columns), fmt)
    assert read(without) == [["No."], ["XF2026-000001"]] and count == 1
    with_names, _ = exports.render(table(rows, columns), fmt, personal_data=True)
    assert read(with_names) == [["No.", "Name"], ["XF2026-000001", "刘某某"]]


def test_an_unknown_format_is_a_programming_error(app):
    with pytest.raises(ValueError):
        exports.render(table([]), "pdf")
