"""The back office: queues by deadline, staff intake, the petition page, attachments, the sweep."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.core import clock
from portal.core.audit import AuditEvent
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import services, workflow
from portal.petitions.models import Attachment, Petition
from tests.factories import csrf_token, form_tokens, login, make_petition, make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 50


@pytest.fixture
def clerk_client(client):
    clerk = make_user(Role.CLERK)
    client.set_cookie("portal_locale", "en")
    login(client, clerk)
    client.user = clerk
    return client


def numbers_in(html: str) -> list[str]:
    return re.findall(r">(XF\d{4}-\d{6})</a>", html)


def test_queues_follow_the_deadlines(clerk_client, frozen_now):
    today = clock.local_today()
    fresh, _ = make_petition(received_on=today)
    late, _ = make_petition(received_on=today - timedelta(days=10))
    soon, _ = make_petition(received_on=today - timedelta(days=6))
    new = numbers_in(clerk_client.get("/staff/petitions?queue=new").get_data(as_text=True))
    assert new == [
        late.tracking_number,
        soon.tracking_number,
        fresh.tracking_number,
    ]  # most urgent first
    overdue = numbers_in(clerk_client.get("/staff/petitions?queue=overdue").get_data(as_text=True))
    assert overdue == [late.tracking_number]
    due_soon = numbers_in(
        clerk_client.get("/staff/petitions?queue=due_soon").get_data(as_text=True)
    )
    assert due_soon == [soon.tracking_number]
    html = clerk_client.get("/staff/petitions?queue=new").get_data(as_text=True)
    assert "3 days overdue" in html  # days left shown per row


def test_queue_filters_and_unknown_queue(clerk_client):
    make_petition(kind="complaint")
    report, _ = make_petition(kind="report", is_anonymous=True)
    html = clerk_client.get("/staff/petitions?queue=all&kind=report").get_data(as_text=True)
    assert numbers_in(html) == [report.tracking_number]
    assert clerk_client.get("/staff/petitions?queue=bogus").status_code == 404
    assert clerk_client.get("/staff/petitions?queue=all&kind=bogus").status_code == 200  # ignored


def test_mine_awaiting_approval_and_follow_up_queues(client, frozen_now):
    clerk, handler, leader = make_user(Role.CLERK), make_user(Role.HANDLER), make_user(Role.LEADER)
    petition, _ = make_petition(received_on=clock.local_today() - timedelta(days=100))
    workflow.acknowledge(petition, clerk, notice="已受理")
    workflow.assign(petition, clerk, handler=handler)
    db.session.commit()
    login(client, handler)
    assert numbers_in(client.get("/staff/petitions?queue=mine").get_data(as_text=True)) == [
        petition.tracking_number
    ]
    workflow.draft_reply(petition, handler, kind="progress", body="正在调查")
    db.session.commit()
    assert numbers_in(
        client.get("/staff/petitions?queue=awaiting_approval").get_data(as_text=True)
    ) == [petition.tracking_number]
    workflow.approve(petition, leader)
    db.session.commit()
    assert petition.reply_due_on == date(2026, 12, 23)  # a month after the progress reply
    with clock.frozen(frozen_now + timedelta(days=29)):
        html = client.get("/staff/petitions?queue=follow_up").get_data(as_text=True)
    assert numbers_in(html) == [petition.tracking_number]


def test_a_clerk_registers_a_letter_with_its_date_of_receipt(clerk_client, frozen_now):
    data = {
        **form_tokens(clerk_client, "/staff/petitions/new"),
        "channel": "letter",
        "received_on": "2026-11-20",
        "kind": "civil_appeal",
        "name": "赵某",
        "address": "某市某区某路1号",
        "subject": "不服民事判决",
        "body": "来信称不服某法院民事判决，请求监督。",
        "attachments": [(io.BytesIO(PNG), "scan.png")],
    }
    response = clerk_client.post(
        "/staff/petitions/new", data=data, content_type="multipart/form-data"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[-2000:]
    number = re.search(r'id="tracking-number">([^<]+)<', html).group(1)
    petition = db.session.scalar(sa.select(Petition).where(Petition.tracking_number == number))
    assert petition.channel == "letter" and petition.received_on == date(2026, 11, 20)
    assert petition.ack_due_on == date(2026, 11, 27)
    assert petition.registered_by_id == clerk_client.user.id
    assert petition.mobile is None  # a letter may give only an address


def test_staff_intake_refuses_a_future_date_and_a_missing_contact(clerk_client, frozen_now):
    tokens = form_tokens(clerk_client, "/staff/petitions/new")
    base = {
        "channel": "phone",
        "kind": "complaint",
        "name": "赵某",
        "subject": "来电反映",
        "body": "来电反映某事，请求处理。",
    }
    future = clerk_client.post(
        "/staff/petitions/new",
        data={**tokens, **base, "mobile": "13800000009", "received_on": "2026-12-01"},
    )
    assert future.status_code == 400
    assert "cannot be in the future" in future.get_data(as_text=True)
    tokens = form_tokens(clerk_client, "/staff/petitions/new")
    no_contact = clerk_client.post(
        "/staff/petitions/new", data={**tokens, **base, "received_on": "2026-11-23"}
    )
    assert no_contact.status_code == 400
    assert "Enter a mobile number, an e-mail or a postal address." in no_contact.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count(Petition.id))) == 0


def test_the_petition_page_shows_personal_data_and_deadline_rule_to_staff(clerk_client):
    petition, _ = make_petition(id_number="11010519491231002X")
    html = clerk_client.get(f"/staff/petitions/{petition.tracking_number}").get_data(as_text=True)
    assert "11010519491231002X" in html and "13800000001" in html
    assert "procedural reply within 7 days" in html
    assert clerk_client.get("/staff/petitions/XF2026-999999").status_code == 404


def test_attachments_download_as_files_never_inline(clerk_client):
    petition, _ = make_petition(
        uploads=[services.uploads.CheckedUpload("a<b>.png", "image/png", PNG)]
    )
    attachment = db.session.scalar(sa.select(Attachment))
    response = clerk_client.get(
        f"/staff/petitions/{petition.tracking_number}/attachments/{attachment.id}"
    )
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.code == "petition.attachment_downloaded"
            )
        )
        == 1
    )
    other, _ = make_petition()
    assert (
        clerk_client.get(
            f"/staff/petitions/{other.tracking_number}/attachments/{attachment.id}"
        ).status_code
        == 404
    )


def test_a_leader_takes_a_petition_personally(client):
    leader = make_user(Role.LEADER)
    petition, _ = make_petition()
    login(client, leader)
    token = csrf_token(
        client.get(f"/staff/petitions/{petition.tracking_number}").get_data(as_text=True)
    )
    assert (
        client.post(
            f"/staff/petitions/{petition.tracking_number}/take-charge", data={"csrf_token": token}
        ).status_code
        == 302
    )
    db.session.refresh(petition)
    assert petition.lead_leader_id == leader.id
    assert petition.tracking_number in client.get("/staff/petitions?queue=mine").get_data(
        as_text=True
    )


def test_a_handler_cannot_take_charge_or_approve(client):
    handler = make_user(Role.HANDLER)
    petition, _ = make_petition()
    login(client, handler)
    token = csrf_token(
        client.get(f"/staff/petitions/{petition.tracking_number}").get_data(as_text=True)
    )
    assert (
        client.post(
            f"/staff/petitions/{petition.tracking_number}/take-charge", data={"csrf_token": token}
        ).status_code
        == 403
    )
    assert client.post(
        f"/staff/petitions/{petition.tracking_number}/approve", data={"csrf_token": token}
    ).status_code in (403, 409)


def test_notes_stay_internal_and_are_audited(clerk_client):
    petition, _ = make_petition()
    token = csrf_token(
        clerk_client.get(f"/staff/petitions/{petition.tracking_number}").get_data(as_text=True)
    )
    clerk_client.post(
        f"/staff/petitions/{petition.tracking_number}/note",
        data={"csrf_token": token, "note-body": "<b>需要核实身份</b>"},
    )
    html = clerk_client.get(f"/staff/petitions/{petition.tracking_number}").get_data(as_text=True)
    assert "&lt;b&gt;需要核实身份&lt;/b&gt;" in html


def test_sweep_command_escalates_once_and_is_idempotent(app, frozen_now):
    make_user(Role.LEADER)
    make_petition(received_on=clock.local_today() - timedelta(days=10))  # due Friday 20th
    runner = app.test_cli_runner()
    first = runner.invoke(args=["sweep-deadlines"])
    second = runner.invoke(args=["sweep-deadlines"])
    assert first.exit_code == second.exit_code == 0
    assert "Escalated 1" in first.output and "Escalated 0" in second.output


def test_escalated_queue_lists_what_the_sweep_reported(client, frozen_now):
    leader = make_user(Role.LEADER)
    today = clock.local_today()
    # Today is Monday 23 November; acknowledgments due Friday 20 and Thursday 19.
    missed_yesterday, _ = make_petition(received_on=today - timedelta(days=10))
    missed_earlier, _ = make_petition(received_on=today - timedelta(days=11))
    services.sweep_deadlines(today=today - timedelta(days=3))  # Friday's sweep
    db.session.commit()
    login(client, leader)
    html = client.get("/staff/petitions?queue=escalated").get_data(as_text=True)
    assert numbers_in(html) == [missed_earlier.tracking_number]
    services.sweep_deadlines()
    db.session.commit()
    html = client.get("/staff/petitions?queue=escalated").get_data(as_text=True)
    assert sorted(numbers_in(html)) == sorted(
        [missed_yesterday.tracking_number, missed_earlier.tracking_number]
    )


def test_dashboard_counts(clerk_client):
    make_petition()
    html = clerk_client.get("/staff/").get_data(as_text=True)
    assert re.search(r'queue-count">1<', html)
