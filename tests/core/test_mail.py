"""Replies reach petitioners by e-mail through the outbox, over real SMTP (a local server): each
exactly once however many senders run, through outages of days, and never given up without an
administrator seeing it and being able to send it again."""

from __future__ import annotations

import dataclasses
import logging
import threading
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import pytest
import sqlalchemy as sa

from portal.core import audit, clock, mail, outbox
from portal.core.outbox import DeliveryReport, OutboxMessage, OutboxState
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import workflow
from tests.factories import login, make_petition, make_user
from tests.smtp_server import free_port
from tests.web import url

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_a_sent_reply_is_mailed_once_without_the_query_code(app, smtp_server):
    petition, code = make_petition(email="citizen@test.example")
    clerk = make_user(Role.CLERK)
    workflow.acknowledge(petition, clerk, notice="您的信访事项已受理。")
    db.session.commit()
    assert mail.deliver_pending() == DeliveryReport(sent=2)  # the receipt, the acknowledgment
    assert mail.deliver_pending() == DeliveryReport()  # never sent twice
    [_receipt, message] = smtp_server.messages
    assert message["To"] == "citizen@test.example"
    assert petition.tracking_number in str(make_header(decode_header(message["Subject"])))
    body = message.get_payload(decode=True).decode()
    assert "您的信访事项已受理。" in body
    assert code not in body


def test_no_mail_is_queued_for_a_petition_without_an_address():
    petition, _ = make_petition()
    workflow.acknowledge(petition, make_user(Role.CLERK), notice="已受理")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(mail.OutboxMessage.id))) == 0


def test_a_draft_is_not_mailed_until_approved(smtp_server):
    petition, _ = make_petition(email="citizen@test.example")
    clerk, handler, leader = make_user(Role.CLERK), make_user(Role.HANDLER), make_user(Role.LEADER)
    workflow.acknowledge(petition, clerk, notice="已受理")
    workflow.assign(petition, clerk, handler=handler)
    workflow.draft_reply(petition, handler, kind="result", body="答复正文")
    db.session.commit()
    mail.deliver_pending()
    assert len(smtp_server.messages) == 2  # the receipt and the acknowledgment
    workflow.approve(petition, leader)
    db.session.commit()
    mail.deliver_pending()
    assert len(smtp_server.messages) == 3
    assert "答复正文" in smtp_server.messages[2].get_payload(decode=True).decode()


def test_an_unreachable_server_keeps_the_message_for_a_retry(app):
    mail.enqueue("citizen@test.example", "受理告知", "已受理")
    db.session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    try:
        assert mail.deliver_pending() == DeliveryReport(failed=1)
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    message = db.session.scalar(sa.select(mail.OutboxMessage))
    assert message.status == OutboxState.PENDING and message.sent_at is None
    assert message.attempts == 1 and message.last_error


def test_send_mail_command_says_when_smtp_is_not_configured(app):
    mail.enqueue("citizen@test.example", "受理告知", "已受理")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 2 and "MAIL_SERVER is not set" in result.output
    message = db.session.scalar(sa.select(mail.OutboxMessage))
    assert message.status == OutboxState.PENDING and message.attempts == 0


# ---- several senders -------------------------------------------------------------------------


def run_senders_together(app, count: int) -> list[DeliveryReport]:
    """`count` senders started at the same moment, each in its own thread, app context and
    database session, as cron on several hosts would start them."""
    start = threading.Barrier(count)
    reports, errors = [], []

    def sender():
        with app.app_context():
            start.wait()
            try:
                reports.append(mail.deliver_pending())
            except Exception as error:  # noqa: BLE001  (reported by the test below)
                errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return reports


def test_two_senders_started_together_send_each_message_exactly_once(app, smtp_server):
    for round_number in range(15):
        subjects = [f"回复 {round_number}-{n}" for n in range(6)]
        for subject in subjects:
            mail.enqueue(f"citizen{round_number}@test.example", subject, "正文")
        db.session.commit()
        smtp_server.messages.clear()

        reports = run_senders_together(app, 2)

        assert sorted(smtp_server.subjects()) == sorted(subjects), f"round {round_number}"
        assert sum(report.sent for report in reports) == len(subjects)
        assert not any(report.failed for report in reports)
    db.session.expire_all()
    statuses = db.session.scalars(sa.select(OutboxMessage.status)).all()
    assert set(statuses) == {OutboxState.SENT}


def test_a_sender_killed_while_sending_leaves_the_message_to_the_next_one(smtp_server):
    """The claim is a lease: while it runs, no other sender takes the message; once it ran out
    (its sender died), the next run sends it."""
    with clock.frozen(T0):
        mail.enqueue("citizen@test.example", "受理告知", "已受理")
        db.session.commit()

    def killed(_message):
        raise KeyboardInterrupt  # the process ends mid-send, before anything is recorded

    with clock.frozen(T0), pytest.raises(KeyboardInterrupt):
        outbox.deliver(dataclasses.replace(mail.EMAIL, send=killed))
    with clock.frozen(T0 + timedelta(minutes=1)):
        assert mail.deliver_pending() == DeliveryReport()  # still claimed by the dead sender
    with clock.frozen(T0 + outbox.CLAIM_LEASE):
        assert mail.deliver_pending() == DeliveryReport(sent=1)
    assert smtp_server.subjects() == ["受理告知"]


# ---- outages -------------------------------------------------------------------------------


def send_mail_at(app, moment: datetime):
    with clock.frozen(moment):
        return app.test_cli_runner().invoke(args=["send-mail"])


def test_an_outage_longer_than_the_old_five_attempts_loses_nothing(app, smtp_server, caplog):
    with clock.frozen(T0):
        for n in range(3):
            mail.enqueue(f"citizen{n}@test.example", f"告知 {n}", "正文")
        db.session.commit()
    smtp_server.refusing = True
    # The server refuses for a whole day; send-mail runs every ten minutes meanwhile.
    outage = [T0 + timedelta(minutes=10 * step) for step in range(6 * 24)]
    for moment in outage:
        with clock.frozen(moment):
            mail.deliver_pending()
    db.session.expire_all()
    messages = db.session.scalars(sa.select(OutboxMessage)).all()
    assert all(m.status == OutboxState.PENDING and m.attempts > 5 for m in messages)
    assert all("451" in m.last_error for m in messages)

    # What an operator reads meanwhile: the truth, and a failing exit status.
    caplog.set_level(logging.WARNING)
    result = send_mail_at(app, outage[-1] + timedelta(minutes=10))
    assert result.exit_code == 1
    assert "Sent 0." in result.output
    assert "3 waiting, next attempt from 2026-11-2" in result.output
    assert "3 of them for longer than 60 minutes (stuck)" in result.output
    assert "3 outbox message(s) waiting longer than 60 minutes" in caplog.text

    smtp_server.refusing = False
    result = send_mail_at(app, outage[-1] + timedelta(hours=1, minutes=10))
    assert result.exit_code == 0, result.output
    assert result.output == "Sent 3.\n"
    assert sorted(smtp_server.subjects()) == ["告知 0", "告知 1", "告知 2"]
    send_mail_at(app, outage[-1] + timedelta(hours=2))
    assert len(smtp_server.messages) == 3  # never twice


def test_the_waits_grow_and_are_capped(app, smtp_server):
    smtp_server.refusing = True
    with clock.frozen(T0):
        message = mail.enqueue("citizen@test.example", "告知", "正文")
        db.session.commit()
    waits = []
    moment = T0
    for _ in range(9):
        with clock.frozen(moment):
            assert mail.deliver_pending() == DeliveryReport(failed=1)
        db.session.refresh(message)
        waits.append(clock.as_utc(message.next_attempt_at) - moment)
        moment = clock.as_utc(message.next_attempt_at)
    minutes = [int(wait.total_seconds() // 60) for wait in waits]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


# ---- given up, seen and retried --------------------------------------------------------------


def refuse_until_given_up(app, smtp_server) -> datetime:
    """Queue one e-mail at T0 and refuse it, with send-mail run every hour, until it is given
    up (MAIL_RETRY_HOURS, 72 by default); returns the moment after."""
    with clock.frozen(T0):
        mail.enqueue("zhangsan@example.cn", "不予受理告知", "正文")
        db.session.commit()
    smtp_server.refusing = True
    for hour in range(app.config["MAIL_RETRY_HOURS"] + 1):
        with clock.frozen(T0 + timedelta(hours=hour)):
            mail.deliver_pending()
    return T0 + timedelta(hours=app.config["MAIL_RETRY_HOURS"] + 1)


def test_a_message_is_given_up_only_after_the_retry_time_and_loudly(app, smtp_server, caplog):
    with clock.frozen(T0):
        mail.enqueue("zhangsan@example.cn", "不予受理告知", "正文")
        db.session.commit()
    smtp_server.refusing = True
    with clock.frozen(T0 + timedelta(hours=71, minutes=59)):
        assert mail.deliver_pending() == DeliveryReport(failed=1)
    caplog.set_level(logging.ERROR)
    with clock.frozen(T0 + timedelta(hours=72)):
        report = mail.deliver_pending()
    assert (report.failed, report.given_up) == (0, 1)
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "given up after 2 attempts" in record.getMessage()
    assert "451 4.3.0" in record.getMessage() and "zhangsan" not in record.getMessage()
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status == OutboxState.DEAD
    assert [(e.code, e.actor_kind) for e in audit.history(message)] == [
        ("outbox.given_up", "system")
    ]

    result = send_mail_at(app, T0 + timedelta(hours=73))
    assert result.exit_code == 1
    assert "1 given up in all, until an administrator retries them" in result.output


def test_a_mailbox_that_does_not_exist_is_given_up_at_once(app, smtp_server, caplog):
    """A 5xx is the server's final word: retrying it for three days only hides the problem."""
    smtp_server.unknown.add("nobody@example.cn")
    with clock.frozen(T0):
        mail.enqueue("nobody@example.cn", "受理告知", "正文")
        mail.enqueue("zhangsan@example.cn", "受理告知", "正文")
        db.session.commit()
        caplog.set_level(logging.ERROR)
        assert mail.deliver_pending() == DeliveryReport(sent=1, given_up=1)
    dead = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.status == "dead"))
    assert dead.attempts == 1 and dead.last_error.startswith("550 5.1.1")
    assert any("550 5.1.1" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)
    assert len(smtp_server.messages) == 1


def test_an_administrator_sees_a_given_up_message_and_sends_it_again(
    app, client_request, smtp_server
):
    after = refuse_until_given_up(app, smtp_server)
    admin = make_user(Role.ADMIN)
    with clock.frozen(after):
        login(client_request.client, admin)
        dashboard = client_request.get("backoffice.dashboard")
        [card] = dashboard.select(".queue-card--alert a[href]")
        assert card["href"] == url("operations_admin.list_outbox")
        assert card.select_one(".queue-count").text == "1"

        page = client_request.get("operations_admin.list_outbox")
        [row] = page.select("tbody tr")
        text = row.get_text(" ", strip=True)
        assert "不予受理告知" in text and "zh***@example.cn" in text and "451" in text
        assert "zhangsan@" not in page.get_text()  # the address is masked

        smtp_server.refusing = False
        message = db.session.scalar(sa.select(OutboxMessage))
        client_request.post(
            "operations_admin.retry_message",
            message_id=message.id,
            _expected_redirect="operations_admin.list_outbox",
        )
        db.session.expire_all()
        message = db.session.get(OutboxMessage, message.id)
        assert message.status == OutboxState.PENDING and message.attempts == 0
        [retried] = [e for e in audit.history(message) if e.code == "outbox.retried"]
        assert retried.actor_id == admin.id and retried.details == {"attempts": "73"}

        assert mail.deliver_pending() == DeliveryReport(sent=1)
    assert smtp_server.subjects() == ["不予受理告知"]
    assert app.test_cli_runner().invoke(args=["send-mail"]).exit_code == 0


def test_retry_all_queues_every_given_up_message_again(app, client_request, smtp_server):
    after = refuse_until_given_up(app, smtp_server)
    with clock.frozen(after):
        mail.enqueue("lisi@example.cn", "新的告知", "正文")  # pending: not touched
        db.session.commit()
        login(client_request.client, make_user(Role.ADMIN))
        client_request.post("operations_admin.retry_all")
        smtp_server.refusing = False
        assert mail.deliver_pending() == DeliveryReport(sent=2)
    assert sorted(smtp_server.subjects()) == ["不予受理告知", "新的告知"]


def test_only_a_given_up_message_can_be_retried(client_request, smtp_server):
    mail.deliver_pending()
    message = mail.enqueue("citizen@test.example", "告知", "正文")
    db.session.commit()
    mail.deliver_pending()
    login(client_request.client, make_user(Role.ADMIN))
    client_request.post("operations_admin.retry_message", message_id=message.id)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == OutboxState.SENT
    assert len(smtp_server.messages) == 1
