"""Plain keyword factories for cases and their query codes."""

from __future__ import annotations

import secrets
from datetime import date
from itertools import count

from portal.cases import services
from portal.core.permissions import Role
from portal.extensions import db
from tests.factories import make_user

_serial = count(1)


def make_case(*, actor=None, commit=True, **fields):
    """Enter a case through the service; returns it."""
    actor = actor or make_user(Role.CLERK)
    data = services.CaseData(
        case_number=fields.pop("case_number", f"示检刑诉受〔2026〕{next(_serial)}号"),
        cause_of_action=fields.pop("cause_of_action", "盗窃罪"),
        procuratorate=fields.pop("procuratorate", "示例市人民检察院"),
        department=fields.pop("department", "第一检察部"),
        accepted_on=fields.pop("accepted_on", date(2026, 3, 2)),
        **fields,
    )
    case = services.create_case(data, actor)
    if commit:
        db.session.commit()
    return case


def make_grant(case, *, actor=None, person_name="张某某", relation="party", commit=True):
    """Issue a query code for `case`; returns (grant, code)."""
    actor = actor or make_user(Role.CLERK)
    issued = services.issue_query_code(
        case,
        actor,
        person_name=person_name,
        relation=relation,
        verification="id_card",
        verification_note=None,
        submission_key=secrets.token_urlsafe(32),
    )
    if commit:
        db.session.commit()
    return issued.grant, issued.code
