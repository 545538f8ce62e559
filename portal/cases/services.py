"""Rules for case procedural information: entry and CSV import by staff, stage changes,
per-person query codes, and the query that parties and their representatives make.

Only parties, their legal representatives, close relatives, defenders and agents may query a
case: staff check the person and issue them their own code (issue_query_code). The public query
(find_for_query) gives the same answer for an unknown case number and a wrong code, costs the
same time for both, and locks a number after repeated failures (portal/core/lookups.py).

Services change the session and flush; the view commits once, so a change and its audit event
are stored together or not at all. CaseError messages are shown to the user as they are.
`actor` is always the staff member acting (an account of portal.accounts, read for its id).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale, format_date
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from portal.cases.models import (
    Case,
    CaseQueryGrant,
    CaseStageChange,
    Category,
    Relationship,
    Stage,
    Verification,
)
from portal.core import audit, clock, codes, csvimport
from portal.core.audit import DetailKey, EventType
from portal.core.casenumbers import normalise_case_number
from portal.core.csvimport import ImportFailed  # noqa: F401  (raised to the views)
from portal.core.forms import submission_key_hash
from portal.core.i18n import format_list
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.lookups import LookupLocked, guarded_lookup  # noqa: F401  (raised to the views)
from portal.extensions import db

audit.register_subject_kinds(
    {
        "case": audit.SubjectKind(_l("Case"), Stage),
        "grant": audit.SubjectKind(_l("Case query grant")),
    }
)
audit.register_event_types({
    "case.created": EventType(_l("Case entered")),
    "case.imported": EventType(_l("Cases imported from a CSV file")),
    "case.updated": EventType(_l("Case details changed")),
    "case.stage_changed": EventType(_l("Case stage changed")),
    "case.query_code_issued": EventType(_l("Case query code issued")),
    "case.query_code_revoked": EventType(_l("Case query code revoked")),
    "case.queried": EventType(_l("Case information viewed with a query code")),
})  # fmt: skip

LOOKUP_SCOPE = "case_query"
# 14 characters: the first TAG_LENGTH are stored in the clear to find the one hash to verify
# (see CaseQueryGrant); the other 12 carry 29**12 ≈ 2**58 possibilities, above the 50 bits
# required.
CODE_LENGTH = 14
TAG_LENGTH = 2


class CaseError(ValueError):
    """A rule refused the change. `field` names the form field the message belongs to."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


# ---- entering and editing cases --------------------------------------------------------------


@dataclass
class CaseData:
    """A case's details as staff enter or import them (already validated by CaseForm)."""

    case_number: str
    cause_of_action: str
    procuratorate: str
    department: str
    accepted_on: date
    time_limit_on: date | None = None
    stage: str = Stage.RECEIVED.value
    category: str = Category.ORDINARY.value
    result: str | None = None
    coercive_measures: str | None = None
    seized_property: str | None = None

    @classmethod
    def from_form(cls, form) -> CaseData:
        values = {}
        for item in fields(cls):
            field = getattr(form, item.name, None)
            if field is None:
                continue
            value = field.data
            if isinstance(value, str):
                value = value.strip() or None
            values[item.name] = value
        return cls(**values)


def _number_taken(number: str, *, other_than: Case | None = None) -> bool:
    query = sa.select(Case.id).where(Case.case_number == number)
    if other_than is not None:
        query = query.where(Case.id != other_than.id)
    return db.session.scalar(query) is not None


def _taken_error(number: str) -> CaseError:
    return CaseError(
        _l("A case with the number %(number)s is already recorded.", number=number),
        field="case_number",
    )


def _new_case(data: CaseData, actor) -> Case:
    now = clock.now()
    case = Case(
        **{item.name: getattr(data, item.name) for item in fields(CaseData)},
        created_at=now,
        updated_at=now,
    )
    case.stage_changes.append(
        CaseStageChange(
            stage=data.stage, changed_on=data.accepted_on, recorded_at=now, recorded_by_id=actor.id
        )
    )
    return case


def create_case(data: CaseData, actor) -> Case:
    """Record a new case at its first stage. Raises CaseError when the number is taken."""
    if _number_taken(data.case_number):
        raise _taken_error(data.case_number)
    case = _new_case(data, actor)
    try:
        with db.session.begin_nested():
            db.session.add(case)
            db.session.flush()
    except IntegrityError:  # entered at the same moment by someone else
        raise _taken_error(data.case_number) from None
    audit.record("case.created", actor=actor, subject=case, to_state=case.stage)
    return case


EDITABLE = [item.name for item in fields(CaseData) if item.name != "stage"]
FIELD_LABELS = {
    "case_number": _l("Case number"),
    "cause_of_action": _l("Cause of action"),
    "procuratorate": _l("Procuratorate"),
    "department": _l("Department"),
    "accepted_on": _l("Accepted on"),
    "time_limit_on": _l("Time limit"),
    "category": _l("Category"),
    "result": _l("Result"),
    "coercive_measures": _l("Coercive measures"),
    "seized_property": _l("Seized property"),
}


def _field_labels(names: str) -> str:
    return format_list(FIELD_LABELS.get(name, name) for name in names.split(","))


audit.register_detail_keys(
    ["case"],
    {
        "fields": DetailKey(_l("Fields changed"), _field_labels),
        "changed_on": DetailKey(_l("Changed on"), lambda day: format_date(date.fromisoformat(day))),
        "source": DetailKey(_l("Source"), lambda code: {"csv": _l("CSV import")}[code]),
        "cases": DetailKey(_l("Cases")),
        "grant": DetailKey(_l("Query code no.")),
        "relation": DetailKey(_l("Relationship"), lambda code: Relationship(code).label),
        "verification": DetailKey(_l("Identity checked by"), lambda code: Verification(code).label),
    },
)


def update_case(case: Case, data: CaseData, actor) -> list[str]:
    """Change a case's details (not its stage: see change_stage). Returns the names of the
    fields that changed, recorded in the audit event; nothing is recorded when none did."""
    if data.case_number != case.case_number and _number_taken(data.case_number, other_than=case):
        raise _taken_error(data.case_number)
    changed = [name for name in EDITABLE if getattr(case, name) != getattr(data, name)]
    if not changed:
        return []
    try:
        # Changed inside the savepoint: begin_nested() flushes what is pending before it starts,
        # and a unique violation there would end the whole transaction, not just the savepoint.
        with db.session.begin_nested():
            for name in changed:
                setattr(case, name, getattr(data, name))
            case.updated_at = clock.now()
            db.session.flush()
    except IntegrityError:  # renamed at the same moment by someone else
        raise _taken_error(data.case_number) from None
    audit.record("case.updated", actor=actor, subject=case, detail={"fields": ",".join(changed)})
    return changed


def change_stage(
    case: Case, actor, *, stage: str, changed_on: date, note: str | None = None
) -> CaseStageChange:
    """Move the case to `stage` from `changed_on`, keeping the earlier stages as its timeline.

    Procedure does not run in a straight line (a case returns from supplementary investigation
    to review, a not-prosecuted case meets an appeal), so any stage may follow any other; but not
    the same stage again, and not dated before the stage it follows or in the future.
    """
    stage = Stage(stage)
    if stage == case.stage:
        raise CaseError(_l("The case is already at this stage."), field="stage")
    if changed_on > clock.local_today():
        raise CaseError(_l("The date cannot be in the future."), field="changed_on")
    latest = max((change.changed_on for change in case.stage_changes), default=case.accepted_on)
    if changed_on < latest:
        raise CaseError(
            _l(
                "The date cannot be before %(date)s, when the current stage began.",
                date=format_date(latest),
            ),
            field="changed_on",
        )
    now = clock.now()
    change = CaseStageChange(
        case=case,
        stage=stage.value,
        changed_on=changed_on,
        note=(note or "").strip() or None,
        recorded_at=now,
        recorded_by_id=actor.id,
    )
    db.session.add(change)
    previous, case.stage, case.updated_at = case.stage, stage.value, now
    db.session.flush()
    audit.record(
        "case.stage_changed",
        actor=actor,
        subject=case,
        from_state=previous,
        to_state=stage.value,
        detail={"changed_on": changed_on.isoformat()},
    )
    return change


# ---- CSV import ------------------------------------------------------------------------------
# Files come from Excel in China as often as from anywhere: saved as "CSV UTF-8" (with a BOM),
# as plain "CSV" (GB18030/GBK), or as "Unicode text" (UTF-16, tab-separated); headed in Chinese
# or English, in any order; with full-width letters, digits and spaces typed by a Chinese input
# method. A column is known by its code (the template's English header of old), its label in
# English or Chinese (the catalogue's, as the template in each language writes it, with or
# without "(optional)"), or a common variant; so is a stage and a category. Errors name the line
# and the column in the reader's language.

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
MAX_ERRORS_SHOWN = 100
COLUMNS = [item.name for item in fields(CaseData)]
REQUIRED_COLUMNS = ["case_number", "cause_of_action", "department", "accepted_on", "stage"]
# The two languages whose labels a header or a stage name may be written in.
IMPORT_LOCALES = ("en", "zh_Hans_CN")
# Variants staff write beside the catalogue's labels; these are names, not translated text.
HEADER_ALIASES = {
    "案件编号": "case_number",
    "案件号": "case_number",
    "受案号": "case_number",
    "罪名": "cause_of_action",
    "办案单位": "procuratorate",
    "办案检察院": "procuratorate",
    "承办检察院": "procuratorate",
    "办案部门": "department",
    "承办单位": "department",
    "受理时间": "accepted_on",
    "受案日期": "accepted_on",
    "办案期限": "time_limit_on",
    "期限届满日期": "time_limit_on",
    "审限届满日期": "time_limit_on",
    "案件阶段": "stage",
    "当前阶段": "stage",
    "办理阶段": "stage",
    "案件类别": "category",
    "案件类型": "category",
    "办理结果": "result",
    "处理结果": "result",
    "强制措施": "coercive_measures",
    "涉案财物": "seized_property",
    "查封扣押冻结财物": "seized_property",
}
STAGE_ALIASES = {
    "受理": Stage.RECEIVED,
    "已受理": Stage.RECEIVED,
    "收案": Stage.RECEIVED,
    "审查逮捕中": Stage.ARREST_REVIEW,
    "批捕审查": Stage.ARREST_REVIEW,
    "审查起诉中": Stage.PROSECUTION_REVIEW,
    "补充侦查": Stage.SUPPLEMENTARY_INVESTIGATION,
    "退补": Stage.SUPPLEMENTARY_INVESTIGATION,
    "退回补侦": Stage.SUPPLEMENTARY_INVESTIGATION,
    "提起公诉": Stage.INDICTED,
    "已起诉": Stage.INDICTED,
    "起诉": Stage.INDICTED,
    "不起诉决定": Stage.NOT_PROSECUTED,
    "决定不起诉": Stage.NOT_PROSECUTED,
    "抗诉": Stage.PROTEST,
    "提出抗诉": Stage.PROTEST,
    "申诉": Stage.APPEAL_REVIEW,
    "办结": Stage.CLOSED,
    "结案": Stage.CLOSED,
    "已结案": Stage.CLOSED,
}
CATEGORY_ALIASES = {
    "普通": Category.ORDINARY,
    "未成年人": Category.JUVENILE,
    "涉未成年人": Category.JUVENILE,
    "涉及国家秘密": Category.STATE_SECRETS,
    "涉密": Category.STATE_SECRETS,
    "其他不公开": Category.OTHER_RESTRICTED,
}
_NOISE = csvimport.NOISE
_key = csvimport.key
_STAGE_SUFFIX = "阶段"


def column_labels() -> dict[str, object]:
    """Each column's label, as the case form shows it (lazy: rendered in the reader's
    language)."""
    from portal.cases.forms import CaseForm  # the form's labels are the columns' names

    form = CaseForm(formdata=None, meta={"csrf": False})
    return {name: form[name].label.text for name in COLUMNS}


def _names(codes_and_labels: dict[str, object], aliases: dict[str, str]) -> dict[str, str]:
    """Every accepted spelling (see _key) of each code: the code, its label in each of
    IMPORT_LOCALES, the aliases."""
    names = {_key(alias): str(code) for alias, code in aliases.items()}
    for code, label in codes_and_labels.items():
        names[_key(code)] = code
        for locale in IMPORT_LOCALES:
            with force_locale(locale):
                names[_key(str(label))] = code
    return names


def _stage_names() -> dict[str, str]:
    names = _names({stage.value: stage.label for stage in Stage}, STAGE_ALIASES)
    # "审查起诉阶段" is the stage "审查起诉"
    return {**{key + _STAGE_SUFFIX: code for key, code in names.items()}, **names}


def _category_names() -> dict[str, str]:
    return _names({category.value: category.label for category in Category}, CATEGORY_ALIASES)


def template_csv() -> bytes:
    """The header row staff fill in, in the reader's language (with a BOM, so that Excel opens
    it as UTF-8); the import reads it back in either language."""
    labels = column_labels()
    return csvimport.template(labels[name] for name in COLUMNS)


def _columns(header: list[str], labels: dict[str, object]) -> list[str]:
    names = _names(labels, HEADER_ALIASES)
    columns, errors = [], []
    for cell in header:
        name = names.get(_key(cell))
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
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            errors.append(_("Line 1: the column “%(column)s” is missing.", column=labels[name]))
    if errors:
        raise ImportFailed(errors)
    return columns


# Cells holding a code, a date or a name from a list: read after NFKC (full-width digits and
# dashes are the plain ones) and without marks at their ends.
_STRUCTURED = {"accepted_on", "time_limit_on", "stage", "category"}


@dataclass(frozen=True)
class _Names:
    """The spellings of stages and categories (see _key), worked out once per file."""

    stages: dict[str, str]
    categories: dict[str, str]


def _row_values(
    columns: list[str], cells: list[str], default_procuratorate: str, names: _Names
) -> dict:
    values = dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True))
    for name in _STRUCTURED & set(values):
        values[name] = unicodedata.normalize("NFKC", values[name]).strip(_NOISE)
    values["procuratorate"] = values.get("procuratorate") or default_procuratorate
    values["category"] = values.get("category") or Category.ORDINARY.value
    values["stage"] = names.stages.get(_key(values["stage"]), values["stage"])
    values["category"] = names.categories.get(_key(values["category"]), values["category"])
    return values


def parse_import(raw: bytes, *, default_procuratorate: str) -> list[CaseData]:
    """Every case in the file, or ImportFailed listing every problem with its line number."""
    from portal.cases.forms import CaseForm  # the same rules and messages as typing a case in

    rows = csvimport.read_rows(*csvimport.decode(raw, MAX_IMPORT_BYTES))
    if not rows or not any(rows[0][1]):
        raise ImportFailed([_("Line 1: the header row is missing. Start from the template.")])
    labels = column_labels()
    columns = _columns(rows[0][1], labels)
    names = _Names(_stage_names(), _category_names())
    rows = [(line, cells) for line, cells in rows[1:] if any(cells)]
    if not rows:
        raise ImportFailed([_("The file has no cases under its header row.")])
    if len(rows) > MAX_IMPORT_ROWS:
        raise ImportFailed([
            _("The file has more than %(max)s cases. Split it into smaller files.",
              max=MAX_IMPORT_ROWS)
        ])  # fmt: skip
    errors: list[tuple[int, str]] = []  # (line, message), sorted by line at the end
    cases: list[CaseData] = []
    first_line: dict[str, int] = {}
    for line, cells in rows:
        if len(cells) > len(columns):
            message = _(
                "Line %(line)s has %(cells)s cells, more than the %(columns)s columns of the "
                "header row.",
                line=line,
                cells=len(cells),
                columns=len(columns),
            )
            errors.append((line, message))
            continue
        form = CaseForm(
            formdata=MultiDict(_row_values(columns, cells, default_procuratorate, names)),
            meta={"csrf": False},
        )
        if not form.validate():
            errors.extend(
                (
                    line,
                    _(
                        "Line %(line)s, column “%(column)s”: %(message)s",
                        line=line,
                        column=labels[field.name],
                        message=message,
                    ),
                )
                for field in form.error_fields
                for message in field.errors
            )
            continue
        data = CaseData.from_form(form)
        if data.case_number in first_line:
            message = _(
                "Line %(line)s: the case number %(number)s is already on line %(first)s.",
                line=line,
                number=data.case_number,
                first=first_line[data.case_number],
            )
            errors.append((line, message))
            continue
        first_line[data.case_number] = line
        cases.append(data)
    known = set(
        db.session.scalars(sa.select(Case.case_number).where(Case.case_number.in_(first_line)))
    )
    errors.extend(
        (
            line,
            _(
                "Line %(line)s: a case with the number %(number)s is already recorded.",
                line=line,
                number=number,
            ),
        )
        for number, line in first_line.items()
        if number in known
    )
    if errors:
        raise ImportFailed([message for _line, message in sorted(errors, key=lambda e: e[0])])
    return cases


def import_cases(raw: bytes, actor, *, default_procuratorate: str) -> list[Case]:
    """All the cases of a CSV file, or none of them: ImportFailed lists every problem."""
    cases = [
        _new_case(data, actor)
        for data in parse_import(raw, default_procuratorate=default_procuratorate)
    ]
    try:
        with db.session.begin_nested():
            db.session.add_all(cases)
            db.session.flush()
    except IntegrityError:
        raise ImportFailed([
            _("Some of these case numbers were entered meanwhile. Import the file again to see "
              "which.")
        ]) from None  # fmt: skip
    for case in cases:
        audit.record(
            "case.created", actor=actor, subject=case, to_state=case.stage,
            detail={"source": "csv"},
        )  # fmt: skip
    audit.record("case.imported", actor=actor, detail={"cases": len(cases)})
    return cases


# ---- query codes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedCode:
    grant: CaseQueryGrant
    code: str | None  # None for a repeat of the same form: the code was shown once already
    is_repeat: bool


def issue_query_code(
    case: Case,
    actor,
    *,
    person_name: str,
    relation: str,
    verification: str,
    verification_note: str | None,
    submission_key: str,
) -> IssuedCode:
    """A fresh code for one verified person. The same form posted twice issues one code; the
    repeat learns only that it was issued (the code is shown once and not stored)."""
    code = codes.new_code(CODE_LENGTH)
    key_hash = submission_key_hash(submission_key)

    def earlier():
        return db.session.scalar(
            sa.select(CaseQueryGrant).where(CaseQueryGrant.submission_key_hash == key_hash)
        )

    found = earlier()
    if found is not None:
        return IssuedCode(found, None, is_repeat=True)
    grant = CaseQueryGrant(
        person_name=person_name.strip(),
        relation=relation,
        verification=verification,
        verification_note=(verification_note or "").strip() or None,
        code_tag=code[:TAG_LENGTH],
        code_hash=codes.hash_code(code),
        submission_key_hash=key_hash,
        issued_at=clock.now(),
        issued_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(grant)
            grant.case = case  # only now: begin_nested() flushes, and grant must be added first
            db.session.flush()
    except IntegrityError:  # the same form, posted in parallel, got there first
        found = earlier()
        if found is None:
            raise
        return IssuedCode(found, None, is_repeat=True)
    audit.record(
        "case.query_code_issued",
        actor=actor,
        subject=case,
        detail={"grant": grant.id, "relation": relation, "verification": verification},
    )
    return IssuedCode(grant, code, is_repeat=False)


def revoke_grant(grant: CaseQueryGrant, actor) -> None:
    """The code stops working at once, also for a browser that already opened the case."""
    if grant.revoked_at is not None:
        raise CaseError(_l("This query code was already revoked."))
    grant.revoked_at, grant.revoked_by_id = clock.now(), actor.id
    db.session.flush()
    audit.record(
        "case.query_code_revoked",
        actor=actor,
        subject=grant.case,
        detail={"grant": grant.id},
    )


# ---- the public query ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryAccess:
    case: Case
    grant: CaseQueryGrant
    check: codes.CodeCheck


def find_for_query(case_number: str, code: str) -> QueryAccess | None:
    """The case and the grant for a matching case number and active code, else None: the same
    answer, after the same work, whether the case exists or not. Repeated failures lock the
    number (known or not) for a while for the client that made them: raises LookupLocked then
    (portal/core/lookups.py). The caller commits (the audit event of a success)."""
    number, code = normalise_case_number(case_number), codes.normalise_code(code)

    def attempt() -> QueryAccess | None:
        case = db.session.scalar(sa.select(Case).where(Case.case_number == number))
        candidates = []
        if case is not None and len(code) == CODE_LENGTH:
            candidates = db.session.scalars(
                sa.select(CaseQueryGrant).where(
                    CaseQueryGrant.case_id == case.id,
                    CaseQueryGrant.revoked_at.is_(None),
                    CaseQueryGrant.code_tag == code[:TAG_LENGTH],
                )
            ).all()
        for grant in candidates or [None]:  # none: the same work on no hash, as for a match
            check = codes.check_code(
                grant.code_hash if grant is not None else None,
                code,
                legacy_column=CaseQueryGrant.code_hash,
            )
            if check.matches:
                return QueryAccess(case, grant, check)
        return None

    access = guarded_lookup(LOOKUP_SCOPE, number, attempt)
    if access is not None:
        if access.check.upgraded_hash:
            access.grant.code_hash = access.check.upgraded_hash
        audit.record(
            "case.queried",
            actor_kind=audit.ACTOR_PETITIONER,
            subject=access.case,
            detail={"grant": access.grant.id, **access.check.audit_detail},
        )
    return access


def active_grant(case_id: int, grant_id: int) -> CaseQueryGrant | None:
    """The grant a browser's session holds for this case, if it still works."""
    grant = db.session.get(CaseQueryGrant, grant_id)
    if grant is None or grant.case_id != case_id or grant.revoked_at is not None:
        return None
    return grant
