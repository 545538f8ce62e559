"""CSV import of bribery crime records from judgments: every row is checked with the record form
(the same rules and messages as typing a record in), every problem is reported with its line
number, and nothing is imported if any row is bad (core/csvimport.py reads the file).

A column is known by its code, its label in English or Chinese, or a common variant
(HEADER_ALIASES); so is the kind of convicted party.
"""

from __future__ import annotations

from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from portal.certificates import services
from portal.certificates.models import BriberyRecord, HolderKind
from portal.core import audit, csvimport
from portal.core.csvimport import ImportFailed  # noqa: F401  (raised to the views)
from portal.core.i18n import gettext as _
from portal.core.workflow import InvalidTransition
from portal.extensions import db

MAX_IMPORT_BYTES = csvimport.DEFAULT_MAX_BYTES
MAX_IMPORT_ROWS = 5000
MAX_ERRORS_SHOWN = 100
COLUMNS = services.RECORD_FIELDS
IMPORT_LOCALES = ("en", "zh_Hans_CN")
HEADER_ALIASES = {
    "类型": "holder_kind",
    "主体类型": "holder_kind",
    "名称": "name",
    "姓名": "name",
    "单位名称": "name",
    "身份证号": "identifier",
    "身份证号码": "identifier",
    "统一社会信用代码": "identifier",
    "证件号码": "identifier",
    "判决书文号": "judgment_number",
    "案号": "judgment_number",
    "判决法院": "court",
    "审判机关": "court",
    "判决日期": "judgment_on",
    "罪名": "offence",
    "判处刑罚": "sentence",
    "刑罚": "sentence",
}
KIND_ALIASES = {
    "单位": HolderKind.COMPANY,
    "企业": HolderKind.COMPANY,
    "公司": HolderKind.COMPANY,
    "个人": HolderKind.PERSON,
    "自然人": HolderKind.PERSON,
}


def column_labels() -> dict[str, object]:
    """Each column's label, as the record form shows it."""
    from portal.certificates.forms import RecordForm  # the form's labels name the columns

    form = RecordForm(formdata=None, meta={"csrf": False})
    return {name: form[name].label.text for name in COLUMNS}


def template_csv() -> bytes:
    labels = column_labels()
    return csvimport.template(labels[name] for name in COLUMNS)


def _names(codes_and_labels: dict[str, object], aliases: dict[str, str]) -> dict[str, str]:
    names = {csvimport.key(alias): str(code) for alias, code in aliases.items()}
    for code, label in codes_and_labels.items():
        names[csvimport.key(code)] = code
        for locale in IMPORT_LOCALES:
            with force_locale(locale):
                names[csvimport.key(str(label))] = code
    return names


def _columns(header: list[str], labels: dict[str, object]) -> list[str]:
    names = _names(labels, HEADER_ALIASES)
    columns, errors = [], []
    for cell in header:
        name = names.get(csvimport.key(cell))
        if name is None:
            errors.append(
                _(
                    "Line 1: the column “%(column)s” is not one the import knows. Use the column "
                    "names of the template.",
                    column=cell,
                )
            )
        elif name in columns:
            errors.append(_("Line 1: the column “%(column)s” appears twice.", column=cell))
        columns.append(name)
    errors += [
        _("Line 1: the column “%(column)s” is missing.", column=labels[name])
        for name in COLUMNS
        if name not in columns
    ]
    if errors:
        raise ImportFailed(errors)
    return columns


def parse_import(raw: bytes) -> list[tuple[int, services.RecordData]]:
    """Every record in the file with its line, or ImportFailed listing every problem."""
    from portal.certificates.forms import RecordForm  # the same rules as typing a record in

    rows = csvimport.read_rows(*csvimport.decode(raw, MAX_IMPORT_BYTES))
    if not rows or not any(rows[0][1]):
        raise ImportFailed([_("Line 1: the header row is missing. Start from the template.")])
    labels = column_labels()
    columns = _columns(rows[0][1], labels)
    kinds = _names({kind.value: kind.label for kind in HolderKind}, KIND_ALIASES)
    rows = [(line, cells) for line, cells in rows[1:] if any(cells)]
    if not rows:
        raise ImportFailed([_("The file has no records under its header row.")])
    if len(rows) > MAX_IMPORT_ROWS:
        raise ImportFailed([
            _("The file has more than %(max)s records. Split it into smaller files.",
              max=MAX_IMPORT_ROWS)
        ])  # fmt: skip
    errors: list[tuple[int, str]] = []
    records: list[tuple[int, services.RecordData]] = []
    first_line: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        if len(cells) > len(columns):
            errors.append((line, _(
                "Line %(line)s has %(cells)s cells, more than the %(columns)s columns of the "
                "header row.", line=line, cells=len(cells), columns=len(columns),
            )))  # fmt: skip
            continue
        values = dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True))
        values["holder_kind"] = kinds.get(
            csvimport.key(values["holder_kind"]), values["holder_kind"]
        )
        form = RecordForm(formdata=MultiDict(values), meta={"csrf": False})
        if not form.validate():
            errors.extend(
                (line, _("Line %(line)s, column “%(column)s”: %(message)s", line=line,
                         column=labels[field.name], message=message))
                for field in form.error_fields
                for message in field.errors
            )  # fmt: skip
            continue
        data = services.RecordData.from_form(form)
        key = (data.identifier, data.judgment_number)
        if key in first_line:
            errors.append((line, _(
                "Line %(line)s: the same judgment for the same number is already on line "
                "%(first)s.", line=line, first=first_line[key],
            )))  # fmt: skip
            continue
        first_line[key] = line
        records.append((line, data))
    if errors:
        raise ImportFailed([message for _line, message in sorted(errors, key=lambda e: e[0])])
    return records


def import_records(raw: bytes, staff) -> list[BriberyRecord]:
    """All the records of a CSV file, or none of them: ImportFailed lists every problem, also a
    record entered already (the same judgment for the same number)."""
    created, errors = [], []
    for line, data in parse_import(raw):
        try:
            created.append(services.create_record(data, staff, source="csv"))
        except InvalidTransition:
            errors.append(
                _(
                    "Line %(line)s: this judgment is recorded already for this number.",
                    line=line,
                )
            )
    if errors:
        raise ImportFailed(errors)
    audit.record("bribery_record.imported", actor=staff, detail={"records": len(created)})
    db.session.flush()
    return created
