"""The back-office queue downloaded as CSV or XLSX: the list's filters, every page, names and
contacts only when asked for by a role that may have them, every download in the audit trail,
and nothing a spreadsheet would run."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portal.core.audit import AuditEvent
from portal.core.permissions import PETITIONER_DATA_ROLES, Role
from portal.extensions import db
from portal.petitions import workflow
from tests.factories import login, make_petition, make_user
from tests.web import ClientRequest

HOSTILE_SUBJECT = '=HYPERLINK("http://evil.example","详情")'
HOSTILE_NAME = "－2+3"


@pytest.fixture
def english(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


def staff(client_request, role) -> ClientRequest:
    login(client_request.client, make_user(role))
    return client_request


def rows_of(response, fmt) -> list[list]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return [["" if cell.value is None else cell.value for cell in row] for row in sheet.iter_rows()]


def export(client_request, fmt="csv", *, queue="all", personal=False, **filters):
    data = {
        "queue": queue,
        "file_format": fmt,
        "csrf_token": client_request.csrf_token(),
        **filters,
    }
    if personal:
        data["personal_data"] = "y"
    return client_request.client.post("/staff/petitions/export", data=data)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_list_downloads_with_its_filters_and_without_names_by_default(english, fmt):
    staff(english, Role.CLERK)
    make_petition(subject="一般事项", name="王某")
    make_petition(kind="report", is_anonymous=True, name=None, mobile=None)
    response = export(english, fmt, kind="complaint")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="petitions-all-'
    )
    rows = rows_of(response, fmt)
    header = rows[0]
    assert header[:4] == ["Tracking number", "Kind", "Channel", "Status"]
    assert "Petitioner" not in header and "Mobile number" not in header and "Subject" not in header
    assert len(rows) == 2 and rows[1][1] == "Complaint (控告)"  # the report is filtered out
    assert "王某" not in str(rows) and "13800000001" not in str(rows)


@pytest.mark.parametrize("role", sorted(PETITIONER_DATA_ROLES))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_petition_staff_get_names_and_contacts_when_they_ask(english, role, fmt):
    staff(english, role)
    make_petition(name="王某", mobile="13900000002", email="wang@test.example")
    rows = rows_of(export(english, fmt, personal=True), fmt)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Petitioner"] == "王某" and record["Mobile number"] == "13900000002"
    assert record["E-mail address"] == "wang@test.example"
    assert "ID card number" not in rows[0]  # no list needs it


@pytest.mark.parametrize("role", [Role.PUBLISHER, Role.ADMIN])
def test_other_roles_cannot_download_the_list(english, role):
    staff(english, role)
    make_petition()
    assert export(english, "csv").status_code == 403
    assert export(english, "csv", personal=True).status_code == 403
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.code == "petition.list_exported"
            )
        )
        == 0
    )


def test_without_login_or_csrf_nothing_is_handed_over(english):
    make_petition()
    response = export(english, "csv")
    assert response.status_code == 302 and "/login" in response.location
    staff(english, Role.HANDLER)
    response = english.client.post(
        "/staff/petitions/export", data={"queue": "all", "file_format": "csv"}
    )
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert english.client.get("/staff/petitions/export").status_code in (404, 405)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.code == "petition.list_exported"
            )
        )
        == 0
    )


def test_every_download_is_in_the_audit_trail(english):
    staff(english, Role.LEADER)
    for _ in range(3):
        make_petition()
    export(english, "xlsx", personal=True, channel="web")
    export(english, "csv", queue="new")
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.code == "petition.list_exported")
        .order_by(AuditEvent.id)
    ).all()
    assert [event.detail for event in events] == [
        "queue=all; channel=web; rows=3; format=xlsx; personal_data=yes",
        "queue=new; rows=3; format=csv; personal_data=no",
    ]
    assert all(event.actor.role == Role.LEADER for event in events)


def test_the_handlers_own_queue_holds_only_their_petitions(english):
    handler = make_user(Role.HANDLER)
    leader = make_user(Role.LEADER)
    login(english.client, handler)
    mine, _ = make_petition()
    make_petition()
    clerk = make_user(Role.CLERK)
    workflow.acknowledge(mine, clerk, notice="已受理")
    workflow.assign(mine, leader, handler=handler)
    db.session.commit()
    rows = rows_of(export(english, "csv", queue="mine"), "csv")
    assert [row[0] for row in rows[1:]] == [mine.tracking_number]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_text_a_spreadsheet_would_run_is_neutralised(english, fmt):
    staff(english, Role.HANDLER)
    make_petition(subject=HOSTILE_SUBJECT, name=HOSTILE_NAME)
    response = export(english, fmt, personal=True)
    rows = rows_of(response, fmt)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Subject"] == "'" + HOSTILE_SUBJECT
    assert record["Petitioner"] == "'" + HOSTILE_NAME
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.get_data())).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_queue_page_offers_the_download(english):
    staff(english, Role.CLERK)
    make_petition()
    page = english.get("backoffice.list_petitions", queue="all", kind="complaint")
    form = page.select_one("form[action$='/petitions/export']")
    assert form is not None and form["method"] == "post"
    hidden = {i["name"]: i.get("value") for i in form.select("input[type=hidden]")}
    assert hidden["queue"] == "all" and hidden["kind"] == "complaint" and hidden["csrf_token"]
    assert form.select_one("input[name=personal_data]") is not None
