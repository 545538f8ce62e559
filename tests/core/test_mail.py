"""Replies reach petitioners by e-mail through the outbox, over real SMTP (a local server)."""

from __future__ import annotations

import socket
from email.header import decode_header, make_header

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from portal.core import mail
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import workflow
from tests.factories import make_petition, make_user


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    controller.stop()
    app.config.update(MAIL_SERVER=None, MAIL_PORT=25)


def test_a_sent_reply_is_mailed_once_without_the_query_code(app, smtp_server):
    petition, code = make_petition(email="citizen@test.example")
    clerk = make_user(Role.CLERK)
    workflow.acknowledge(petition, clerk, notice="您的信访事项已受理。")
    db.session.commit()
    assert mail.deliver_pending() == (1, 0)
    assert mail.deliver_pending() == (0, 0)  # never sent twice
    [message] = smtp_server.messages
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
    assert len(smtp_server.messages) == 1
    workflow.approve(petition, leader)
    db.session.commit()
    mail.deliver_pending()
    assert len(smtp_server.messages) == 2
    assert "答复正文" in smtp_server.messages[1].get_payload(decode=True).decode()


def test_an_unreachable_server_keeps_the_message_for_a_retry(app):
    petition, _ = make_petition(email="citizen@test.example")
    workflow.acknowledge(petition, make_user(Role.CLERK), notice="已受理")
    db.session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    try:
        assert mail.deliver_pending() == (0, 1)
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    message = db.session.scalar(sa.select(mail.OutboxMessage))
    assert message.sent_at is None and message.attempts == 1 and message.last_error


def test_send_mail_command_says_when_smtp_is_not_configured(app):
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output
