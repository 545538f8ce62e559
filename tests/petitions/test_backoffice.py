"""The back office: queues by deadline, staff intake, the petition page, attachments, the sweep.

Pages by endpoint through `client_request` (tests/web.py); who may take which action is tested in
test_workflow.py, who may open which page in tests/test_route_guards.py.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from portal.core import clock
from portal.core.audit import AuditEvent
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import services, workflow
from portal.petitions.models import Attachment, Petition
from tests.factories import login, make_petition, make_user
from tests.web import url

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 50


def log_in_as(client_request, role: Role):
    user = make_user(role)
    client_request.client.set_cookie("portal_locale", "en")
    login(client_request.client, user)
    return user


@pytest.fixture
def clerk(client_request):
    return log_in_as(client_request, Role.CLERK)


def numbers_in(page) -> list[str]:
    """The tracking numbers a queue lists, in its order."""
    return [
        link.get_text(strip=True)
        for link in page.select("table a")
        if link.get_text(strip=True).startswith("XF")
    ]


def queue(client_request, code: str, **filters) -> list[str]:
    return numbers_in(client_request.get("backoffice.list_petitions", queue=code, **filters))


def test_the_next_page_of_a_queue_keeps_the_queue_and_its_filters(client_request, clerk):
    for _ in range(51):  # one more than a page
        make_petition(kind="report", commit=False)
    db.session.commit()
    page = client_request.get("backoffice.list_petitions", queue="new", kind="report")
    first_page = numbers_in(page)
    (next_link,) = page.select("nav.pager a[rel=next]")
    target = urlsplit(next_link["href"])
    assert target.path == url("backoffice.list_petitions")
    last_shown = db.session.scalar(
        sa.select(Petition.id).where(Petition.tracking_number == first_page[-1])
    )
    assert parse_qs(target.query) == {
        "queue": ["new"],
        "kind": ["report"],
        "after": [str(last_shown)],
    }
    second = follow(client_request, next_link)
    assert len(numbers_in(second)) == 1
    assert not second.select("nav.pager a[rel=next]")
    # Back from the last page: the previous link and the first-page link show the first page.
    assert numbers_in(follow(client_request, second.select_one("nav.pager a[rel=prev]"))) == (
        first_page
    )
    assert numbers_in(follow(client_request, second.select("nav.pager a")[0])) == first_page


def follow(client_request, link):
    """The queue page a pager link leads to."""
    query = parse_qs(urlsplit(link["href"]).query)
    return client_request.get("backoffice.list_petitions", **{k: v[0] for k, v in query.items()})


def test_queues_follow_the_deadlines(client_request, clerk, frozen_now):
    today = clock.local_today()
    fresh, _ = make_petition(received_on=today)
    late, _ = make_petition(received_on=today - timedelta(days=10))
    soon, _ = make_petition(received_on=today - timedelta(days=6))
    assert queue(client_request, "new") == [
        late.tracking_number,
        soon.tracking_number,
        fresh.tracking_number,
    ]  # most urgent first
    assert queue(client_request, "overdue") == [late.tracking_number]
    assert queue(client_request, "due_soon") == [soon.tracking_number]
    page = client_request.get("backoffice.list_petitions", queue="new")
    assert [tag.get_text(strip=True) for tag in page.select("strong.overdue")] == [
        "3 days overdue"
    ]  # days left shown per row


def test_queue_filters_and_unknown_queue(client_request, clerk):
    make_petition(kind="complaint")
    report, _ = make_petition(kind="report", is_anonymous=True)
    assert queue(client_request, "all", kind="report") == [report.tracking_number]
    client_request.get("backoffice.list_petitions", queue="bogus", _expected_status=404)
    # An unknown filter value is ignored, not an error.
    assert len(queue(client_request, "all", kind="bogus")) == 2


def test_mine_awaiting_approval_and_follow_up_queues(client_request, frozen_now):
    clerk, handler, leader = make_user(Role.CLERK), make_user(Role.HANDLER), make_user(Role.LEADER)
    petition, _ = make_petition(received_on=clock.local_today() - timedelta(days=100))
    workflow.acknowledge(petition, clerk, notice="已受理")
    workflow.assign(petition, clerk, handler=handler)
    db.session.commit()
    login(client_request.client, handler)
    assert queue(client_request, "mine") == [petition.tracking_number]
    workflow.draft_reply(petition, handler, kind="progress", body="正在调查")
    db.session.commit()
    assert queue(client_request, "awaiting_approval") == [petition.tracking_number]
    workflow.approve(petition, leader)
    db.session.commit()
    assert petition.reply_due_on == date(2026, 12, 23)  # a month after the progress reply
    with clock.frozen(frozen_now + timedelta(days=29)):
        login(client_request.client, handler)  # the earlier login has long ended
        assert queue(client_request, "follow_up") == [petition.tracking_number]


def test_a_clerk_registers_a_letter_with_its_date_of_receipt(client_request, clerk, frozen_now):
    page = client_request.post(
        "backoffice.register_petition",
        _data={
            **client_request.form_fields("backoffice.register_petition"),
            "channel": "letter",
            "received_on": "2026-11-20",
            "kind": "civil_appeal",
            "name": "赵某",
            "address": "某市某区某路1号",
            "subject": "不服民事判决",
            "body": "来信称不服某法院民事判决，请求监督。",
            "attachments": [(io.BytesIO(PNG), "scan.png")],
        },
        _expected_status=200,
    )
    number = page.select_one("#tracking-number").get_text(strip=True)
    petition = db.session.scalar(sa.select(Petition).where(Petition.tracking_number == number))
    assert petition.channel == "letter" and petition.received_on == date(2026, 11, 20)
    assert petition.ack_due_on == date(2026, 11, 27)
    assert petition.registered_by_id == clerk.id
    assert petition.mobile is None  # a letter may give only an address
    assert [a.filename for a in petition.attachments] == ["scan.png"]


def test_staff_intake_refuses_a_future_date_and_a_missing_contact(
    client_request, clerk, frozen_now
):
    base = {
        "channel": "phone",
        "kind": "complaint",
        "name": "赵某",
        "subject": "来电反映",
        "body": "来电反映某事，请求处理。",
    }
    future = client_request.post(
        "backoffice.register_petition",
        _data={
            **client_request.form_fields("backoffice.register_petition"),
            **base,
            "mobile": "13800000009",
            "received_on": "2026-12-01",
        },
        _expected_status=400,
    )
    assert "cannot be in the future" in future.get_text()
    no_contact = client_request.post(
        "backoffice.register_petition",
        _data={
            **client_request.form_fields("backoffice.register_petition"),
            **base,
            "received_on": "2026-11-23",
        },
        _expected_status=400,
    )
    assert "Enter a mobile number, an e-mail or a postal address." in no_contact.get_text()
    assert db.session.scalar(sa.select(sa.func.count(Petition.id))) == 0


def test_the_petition_page_shows_personal_data_and_deadline_rule_to_staff(client_request, clerk):
    petition, _ = make_petition(id_number="11010519491231002X")
    text = client_request.get("backoffice.show_petition", number=petition.tracking_number).text
    assert "11010519491231002X" in text and "13800000001" in text
    assert "procedural reply within 7 days" in text
    client_request.get("backoffice.show_petition", number="XF2026-999999", _expected_status=404)


def test_the_petition_page_shows_the_next_deadline_and_how_late_it_is(
    client_request, clerk, frozen_now
):
    today = clock.local_today()
    late, _ = make_petition(received_on=today - timedelta(days=10))  # due Friday 20 November
    page = client_request.get("backoffice.show_petition", number=late.tracking_number)
    assert page.select_one("strong.overdue").get_text(strip=True) == "3 days overdue"
    fresh, _ = make_petition()  # due Monday 30 November
    page = client_request.get("backoffice.show_petition", number=fresh.tracking_number)
    assert page.select_one("strong.overdue") is None
    assert "7 days left" in page.get_text()


def test_attachments_download_as_files_never_inline(client_request, clerk):
    petition, _ = make_petition(
        uploads=[services.uploads.CheckedUpload("a<b>.png", "image/png", PNG)]
    )
    attachment = db.session.scalar(sa.select(Attachment))
    # A file, not a page: fetched by endpoint with the plain client (client_request parses HTML).
    response = client_request.client.get(
        url(
            "backoffice.download_attachment",
            number=petition.tracking_number,
            attachment_id=attachment.id,
        )
    )
    assert response.status_code == 200
    assert response.data == PNG
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
    client_request.get(
        "backoffice.download_attachment",
        number=other.tracking_number,
        attachment_id=attachment.id,
        _expected_status=404,
    )


def test_a_leader_takes_a_petition_personally(client_request):
    leader = log_in_as(client_request, Role.LEADER)
    petition, _ = make_petition()
    client_request.post(
        "backoffice.act_on_petition",
        number=petition.tracking_number,
        action="take-charge",
        _expected_redirect="backoffice.show_petition",
        _redirect_values={"number": petition.tracking_number},
    )
    db.session.refresh(petition)
    assert petition.lead_leader_id == leader.id
    assert queue(client_request, "mine") == [petition.tracking_number]


def test_a_handler_cannot_take_charge_or_approve(client_request):
    handler = log_in_as(client_request, Role.HANDLER)
    clerk = make_user(Role.CLERK)
    petition, _ = make_petition()
    workflow.acknowledge(petition, clerk, notice="已受理")
    workflow.assign(petition, clerk, handler=handler)
    workflow.draft_reply(petition, handler, kind="result", body="经审查，答复如下。")
    db.session.commit()
    client_request.post(
        "backoffice.act_on_petition",
        number=petition.tracking_number,
        action="take-charge",
        _expected_status=403,
    )
    # The draft awaits approval, so only the role stands in the way: a role refusal.
    page = client_request.post(
        "backoffice.act_on_petition",
        number=petition.tracking_number,
        action="approve",
        _expected_status=403,
    )
    assert "Your role cannot approve and send the reply." in page.get_text()
    db.session.refresh(petition)
    assert petition.status == "awaiting_approval" and petition.lead_leader_id is None


def test_notes_stay_internal_and_are_audited(client_request, clerk):
    petition, _ = make_petition()
    client_request.post(
        "backoffice.act_on_petition",
        number=petition.tracking_number,
        action="note",
        _data={"note-body": "<b>需要核实身份</b>"},
        _expected_redirect="backoffice.show_petition",
        _redirect_values={"number": petition.tracking_number},
    )
    page = client_request.get("backoffice.show_petition", number=petition.tracking_number)
    assert [note.get_text() for note in page.select(".notes .reply-body")] == [
        "<b>需要核实身份</b>"
    ]  # shown as text: the markup was escaped, not run
    assert page.select(".notes .reply-body b") == []
    assert [e.code for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))][
        -1
    ] == ("petition.note_added")


def test_sweep_command_escalates_once_and_is_idempotent(app, frozen_now):
    make_user(Role.LEADER)
    make_petition(received_on=clock.local_today() - timedelta(days=10))  # due Friday 20th
    runner = app.test_cli_runner()
    first = runner.invoke(args=["sweep-deadlines"])
    second = runner.invoke(args=["sweep-deadlines"])
    assert first.exit_code == second.exit_code == 0
    assert "Escalated 1" in first.output and "Escalated 0" in second.output


def test_a_sweep_stopped_by_a_database_error_says_so_and_the_next_run_finishes(
    app, monkeypatch, frozen_now
):
    monkeypatch.setitem(app.config, "SWEEP_BATCH_SIZE", 1)
    missed = [make_petition(received_on=clock.local_today() - timedelta(days=10))[0] for _ in "abc"]
    escalate = services.escalate
    calls = []

    def lose_the_database_on_the_second(batch):
        calls.append(batch)
        if len(calls) == 2:
            raise sa.exc.OperationalError(
                "INSERT INTO escalations", {}, Exception("disk I/O error")
            )
        return escalate(batch)

    monkeypatch.setattr(services, "escalate", lose_the_database_on_the_second)
    runner = app.test_cli_runner()
    stopped = runner.invoke(args=["sweep-deadlines"])
    assert stopped.exit_code == 1
    assert stopped.output.strip().splitlines() == [
        "Error: The sweep stopped on a database error: disk I/O error. Kept from before it: "
        "1 escalation(s), 0 closure(s). Run it again to finish."
    ]  # one line an operator can act on, no traceback
    monkeypatch.setattr(services, "escalate", escalate)
    finished = runner.invoke(args=["sweep-deadlines"])
    assert finished.exit_code == 0 and "Escalated 2 " in finished.output
    escalated = db.session.scalars(
        sa.select(AuditEvent.subject_id).where(AuditEvent.code == "petition.overdue_escalated")
    ).all()
    assert sorted(escalated) == sorted(str(petition.id) for petition in missed)


def test_escalated_queue_lists_what_the_sweep_reported(client_request, frozen_now):
    log_in_as(client_request, Role.LEADER)
    today = clock.local_today()
    # Today is Monday 23 November; acknowledgments due Friday 20 and Thursday 19.
    missed_yesterday, _ = make_petition(received_on=today - timedelta(days=10))
    missed_earlier, _ = make_petition(received_on=today - timedelta(days=11))
    services.sweep_deadlines(today=today - timedelta(days=3))  # Friday's sweep
    db.session.commit()
    assert queue(client_request, "escalated") == [missed_earlier.tracking_number]
    services.sweep_deadlines()
    db.session.commit()
    assert sorted(queue(client_request, "escalated")) == sorted(
        [missed_yesterday.tracking_number, missed_earlier.tracking_number]
    )


def test_dashboard_counts(client_request, clerk):
    make_petition()
    page = client_request.get("backoffice.dashboard")
    counts = {
        card.select_one(".queue-label").get_text(strip=True): card.select_one(
            ".queue-count"
        ).get_text(strip=True)
        for card in page.select(".queue-card")
    }
    assert counts["New"] == "1" and counts["All"] == "1" and counts["Overdue"] == "0"


def label_texts(page) -> list[str]:
    return [label.get_text(" ", strip=True) for label in page.select("main label, main legend")]


def test_staff_intake_speaks_to_the_clerk_and_the_public_form_to_the_petitioner(
    client_request, clerk
):
    staff_form = client_request.get("backoffice.register_petition")
    staff_labels = label_texts(staff_form)
    for words in (
        "How did the petition come in?",
        "The petitioner's details",
        "The petitioner's name",
        "The petitioner's mobile number",
        "What the petitioner reports and asks for",
    ):
        assert words in staff_labels
    assert not [text for text in staff_labels if text.startswith("Your ")]
    assert "Full name" not in staff_labels
    refused = client_request.post(
        "backoffice.register_petition",
        _data={
            **client_request.form_fields("backoffice.register_petition"),
            "channel": "visit",
            "received_on": "2026-11-20",
            "kind": "complaint",
            "subject": "来访反映",
            "body": "来访反映某事，请求处理。",
        },
        _expected_status=400,
    )
    assert "Enter the petitioner's name, or tick anonymous report." in refused.get_text()

    public_form = client_request.get("petitions.new_petition")
    public_labels = label_texts(public_form)
    assert "Your details" in public_labels and "Full name" in public_labels
    assert not [text for text in public_labels if "petitioner" in text]
