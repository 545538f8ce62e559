"""Lists handed to staff as files: CSV and XLSX, one way for every export of the portal.

What every export does, so that no caller has to remember it:
- Headers are the columns' labels in the reader's language; dates stay dates (ISO in CSV, date
  cells in XLSX), times are shown in the procuratorate's local time, numbers stay numbers.
- CSV is UTF-8 with a BOM: without it Excel in China reads the file as GBK and shows Chinese as
  mojibake. Written with the csv module (quoting, line breaks inside cells).
- Formula injection is neutralised for the whole class (OWASP "CSV injection"): a text cell that a
  spreadsheet would read as a formula or a DDE call, i.e. one starting with = + - @ or a tab,
  carriage return or line feed, also after leading spaces, and the full-width ＝＋－＠ that Excel
  with a Chinese input method accepts as well, gets a leading apostrophe, in CSV and XLSX alike
  (an XLSX cell edited and confirmed in Excel is read again). Text cells of the XLSX are written
  as strings, never as formulas. Real numbers are not text and stay numbers: -5 is a number,
  "-5 days" is text and is neutralised.
- Personal data: a column marked `personal` is left out unless the caller passes
  personal_data=True, having decided that the reader's role needs it.
- Every export is in the audit trail (who, what, filters, rows, format, whether personal data
  was in it), committed before the file is handed over; the file goes out as an attachment that
  no browser or proxy keeps (no-store) and is never stored by the portal, so there is no link to
  it that could be opened again: exports are answers to a POST (CSRF), not GET links.
  (openpyxl streams a sheet through a temporary file of its own while it writes, and removes it
  as soon as the workbook is saved; nothing outlives the request.)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import Response
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from portal.core import audit, clock
from portal.core.forms import PortalForm
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db

FORMATS = ("csv", "xlsx")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The first character of a text a spreadsheet evaluates (after any leading spaces), and the
# characters that make it evaluate from the very start.
FORMULA_STARTS = frozenset("=+-@＝＋－＠")
FORMULA_LEADING_CONTROLS = frozenset("\t\r\n")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
FORMAT_LABELS = {"csv": _l("CSV (opens in Excel and WPS)"), "xlsx": _l("Excel workbook (XLSX)")}
YES_NO = {"yes": _l("Yes"), "no": _l("No")}

# What `respond` adds to the detail of every export event, whichever domain's it is.
audit.register_detail_keys(
    [""],
    {
        "rows": audit.DetailKey(_l("Rows")),
        "format": audit.DetailKey(_l("Format"), lambda code: FORMAT_LABELS[code]),
        "personal_data": audit.DetailKey(_l("With personal data"), lambda code: YES_NO[code]),
    },
)


@dataclass(frozen=True)
class Column:
    key: str  # key into each row mapping
    label: object  # header, a lazy translation, rendered in the reader's language
    personal: bool = False  # personal data: left out unless respond(personal_data=True)


@dataclass(frozen=True)
class Table:
    name: str  # ASCII file-name stem, e.g. "petition-statistics"
    columns: Sequence[Column]
    rows: Iterable[Mapping[str, object]]  # str, int, float, Decimal, date, datetime, None


def is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def neutralise(text: str) -> str:
    """The text as a spreadsheet shows it without evaluating it (see the module docstring)."""
    if text and (text[0] in FORMULA_LEADING_CONTROLS or text.lstrip()[:1] in FORMULA_STARTS):
        return "'" + text
    return text


def _local(moment: datetime) -> datetime:
    """A stored (UTC) time as the procuratorate's wall-clock time, without a zone (spreadsheets
    have none)."""
    return clock.as_utc(moment).astimezone(clock.zone()).replace(tzinfo=None, microsecond=0)


def _text(value) -> str:
    return neutralise(str(value))


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if is_number(value):
        return str(value)
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return _text(value)


def _xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or is_number(value):
        return value
    cell = WriteOnlyCell(sheet)
    if isinstance(value, datetime):
        cell.value, cell.number_format = _local(value), DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value, cell.number_format = value, DATE_FORMAT
    else:
        # Characters XML cannot carry are dropped; the type is set after the value, because
        # openpyxl types a text starting with "=" as a formula.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", _text(value))
        cell.data_type = "s"
    return cell


def _csv_bytes(columns: Sequence[Column], rows: list[Mapping]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(_text(column.label) for column in columns)
    for row in rows:
        writer.writerow(_csv_cell(row.get(column.key)) for column in columns)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_bytes(columns: Sequence[Column], rows: list[Mapping]) -> bytes:
    # openpyxl is imported by the first export, not by every worker at start.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    header = []
    for column in columns:
        cell = _xlsx_cell(sheet, str(column.label))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, row.get(column.key)) for column in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


WRITERS = {"csv": _csv_bytes, "xlsx": _xlsx_bytes}


def render(table: Table, fmt: str, *, personal_data: bool = False) -> tuple[bytes, int]:
    """The file's bytes and how many rows it holds. ValueError for a format not in FORMATS."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    columns = [column for column in table.columns if personal_data or not column.personal]
    rows = list(table.rows)
    return WRITERS[fmt](columns, rows), len(rows)


def respond(
    table: Table,
    fmt: str,
    *,
    actor,
    audit_code: str,
    detail: Mapping[str, object],
    personal_data: bool = False,
) -> Response:
    """The export as a download. Records `audit_code` (registered by the calling domain) with
    `actor` and `detail` (what and with which filters), to which the row count, the format and
    whether personal data was included are added, and commits it before handing the file over.
    Call it from a POST view (CSRF), never from a GET link someone could open again."""
    content, count = render(table, fmt, personal_data=personal_data)
    audit.record(
        audit_code,
        actor=actor,
        detail={
            **detail,
            "rows": count,
            "format": fmt,
            "personal_data": "yes" if personal_data else "no",
        },
    )
    db.session.commit()
    response = Response(content, content_type=MIMETYPES[fmt])
    filename = f"{table.name}-{clock.local_today().isoformat()}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


class ExportForm(PortalForm):
    """The download button of a list: which file format. A domain's form adds the list's
    filters as hidden fields, which its view checks as the list checks its query string."""

    file_format = RadioField(
        _l("File format"),
        choices=[SelectChoice(fmt, FORMAT_LABELS[fmt]) for fmt in FORMATS],
        default="csv",
        validators=[DataRequired(_l("Choose the file format."))],
    )
