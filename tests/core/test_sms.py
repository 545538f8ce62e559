"""SMS reach petitioners through a gateway of the Chinese providers' shape (a local one, see
tests/sms_gateway.py): signed requests it accepts, the template and values of each kind of
message, the gateway's message id kept as the delivery status, and refusals and outages retried
as e-mail is, with the mobile number masked wherever it is shown or logged."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from portal.core import clock, sms
from portal.core.outbox import DeliveryReport, OutboxMessage, OutboxState
from portal.core.permissions import Role
from portal.extensions import db
from tests.factories import login, make_user
from tests.sms_gateway import SIGN_NAME

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
MOBILE = "13912345678"


def queue_one(**values):
    message = sms.enqueue(
        MOBILE,
        "received",
        {"number": "XF2026-000001", **values},
        "您的信访事项XF2026-000001已收到。",
    )
    db.session.commit()
    return message


def test_a_signed_message_is_accepted_and_its_gateway_id_kept(sms_gateway):
    message = queue_one(date="2026年11月23日")
    assert sms.deliver_pending() == DeliveryReport(sent=1)
    assert sms.deliver_pending() == DeliveryReport()  # never sent twice
    assert sms_gateway.bad_signatures == 0
    [received] = sms_gateway.received
    assert received == {
        "PhoneNumber": MOBILE,
        "SignName": SIGN_NAME,
        "TemplateCode": "SMS_1001",
        "TemplateParam": {"number": "XF2026-000001", "date": "2026年11月23日"},
        "OutId": str(message.id),
    }
    db.session.expire_all()
    sent = db.session.get(OutboxMessage, message.id)
    assert sent.status == OutboxState.SENT and sent.delivery_receipt == "OK biz-1"


def test_a_template_per_language_is_used_when_there_is_one(sms_gateway):
    sms.enqueue(MOBILE, "received", {"number": "XF2026-000001"}, "Received.", language="en")
    sms.enqueue(MOBILE, "closed", {"number": "XF2026-000001"}, "Closed.", language="en")
    db.session.commit()
    sms.deliver_pending()
    assert [m["TemplateCode"] for m in sms_gateway.received] == ["SMS_2001", "SMS_1011"]


def test_a_wrong_secret_is_refused_by_the_gateway_and_retried(app, sms_gateway):
    app.config["SMS_ACCESS_KEY_SECRET"] = "not-the-secret"
    with clock.frozen(T0):
        queue_one()
        assert sms.deliver_pending() == DeliveryReport(failed=1)
    assert sms_gateway.bad_signatures == 1 and sms_gateway.received == []
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status == OutboxState.PENDING and "SignatureDoesNotMatch" in message.last_error


def test_a_refusal_or_an_outage_is_retried_until_the_gateway_takes_it(app, sms_gateway):
    with clock.frozen(T0):
        queue_one()
        sms_gateway.answer = (200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"})
        assert sms.deliver_pending() == DeliveryReport(failed=1)
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.last_error == "isv.BUSINESS_LIMIT_CONTROL: 触发流控"
    with clock.frozen(T0 + timedelta(seconds=30)):
        assert sms.deliver_pending() == DeliveryReport()  # not due yet: the backoff
    sms_gateway.answer = (503, {})
    with clock.frozen(T0 + timedelta(minutes=1)):
        assert sms.deliver_pending() == DeliveryReport(failed=1)
    sms_gateway.answer = None
    with clock.frozen(T0 + timedelta(minutes=5)):
        assert sms.deliver_pending() == DeliveryReport(sent=1)
    db.session.expire_all()
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status == OutboxState.SENT and message.attempts == 3
    assert len(sms_gateway.received) == 1


def test_a_message_still_refused_when_the_retry_time_ends_is_given_up(app, sms_gateway):
    with clock.frozen(T0):
        queue_one()
    sms_gateway.answer = (200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "号码格式错误"})
    with clock.frozen(T0 + timedelta(hours=app.config["SMS_RETRY_HOURS"])):
        assert sms.deliver_pending() == DeliveryReport(given_up=1)
    assert db.session.scalar(sa.select(OutboxMessage.status)) == OutboxState.DEAD


def test_a_kind_without_a_template_waits_with_the_setting_named(app, sms_gateway):
    sms.enqueue(MOBILE, "no_such_kind", {}, "text")
    db.session.commit()
    assert sms.deliver_pending() == DeliveryReport(failed=1)
    assert "SMS_TEMPLATES" in db.session.scalar(sa.select(OutboxMessage.last_error))


def test_send_sms_says_what_is_not_configured(app):
    queue_one()
    result = app.test_cli_runner().invoke(args=["send-sms"])
    assert result.exit_code == 2 and "SMS_GATEWAY_URL is not set" in result.output


def test_the_mobile_number_is_masked_in_the_log_and_on_the_outbox_page(
    app, client, sms_gateway, caplog
):
    caplog.set_level(logging.INFO)
    with clock.frozen(T0):
        queue_one()
        sms_gateway.answer = (200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": MOBILE})
    with clock.frozen(T0 + timedelta(hours=app.config["SMS_RETRY_HOURS"])):
        sms.deliver_pending()
    sms_gateway.answer = None
    with clock.frozen(T0 + timedelta(hours=30)):
        sms.enqueue(MOBILE, "closed", {"number": "XF2026-000001"}, "已办结。")
        db.session.commit()
        sms.deliver_pending()
    assert MOBILE not in caplog.text and "139****5678" in caplog.text
    login(client, make_user(Role.ADMIN))
    for query in ("", "?show=sent"):
        page = client.get("/staff/outbox/" + query).get_data(as_text=True)
        assert MOBILE not in page and "139****5678" in page
    assert "OK biz-1" in client.get("/staff/outbox/?show=sent").get_data(as_text=True)
