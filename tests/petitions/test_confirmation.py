"""Nothing reaches the petitioner before staff have seen it (issue 17): a reply or a request is
previewed as the petitioner will read it (progress page, written notice, SMS, e-mail), and sent
only by the confirmation, which is bound to exactly what was previewed (petitions/previews.py)."""

from __future__ import annotations

import sqlalchemy as sa

from portal.core import outbox
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import previews, workflow
from portal.petitions.models import Petition, Reply
from tests.factories import confirm_preview, login, make_petition, make_user
from tests.web import ClientRequest


def as_user(app, user) -> ClientRequest:
    client = app.test_client()
    client.set_cookie("portal_locale", "en")
    login(client, user)
    return ClientRequest(client)


def queued() -> list[outbox.OutboxMessage]:
    return db.session.scalars(
        sa.select(outbox.OutboxMessage).order_by(outbox.OutboxMessage.id)
    ).all()


def petition_with_contacts():
    petition, _ = make_petition(
        mobile="13800000009", email="liu@example.com", notify_by_sms=True, notify_by_email=True
    )
    db.session.execute(sa.delete(outbox.OutboxMessage))  # the receipt's messages
    db.session.commit()
    return petition


def preview(staff, number, action, data, **expected):
    return staff.post(
        "backoffice.act_on_petition",
        number=number,
        action=action,
        _data=data,
        _expected_status=expected.pop("_expected_status", 200),
    )


NOTICE = "经审查，本院决定受理你的控告。请保持电话畅通。"


def test_the_preview_shows_what_the_petitioner_reads_and_sends_nothing(app, frozen_now):
    petition = petition_with_contacts()
    staff = as_user(app, make_user(Role.CLERK))
    page = preview(staff, petition.tracking_number, "acknowledge", {"acknowledge-notice": NOTICE})
    text = page.get_text()
    assert "Nothing has been sent yet" in text
    # The reply as the progress page shows it, the written notice, the SMS and the e-mail.
    assert page.select_one(".reply--preview .reply-body").get_text() == NOTICE
    assert NOTICE in page.select_one(".letter-preview").get_text()
    assert "SMS to 13800000009" in text and "E-mail to liu@example.com" in text
    db.session.expire_all()
    assert petition.status == "received" and petition.replies == []
    assert queued() == []

    confirm_preview(
        staff,
        page,
        _expected_redirect="backoffice.show_petition",
        _redirect_values={"number": petition.tracking_number},
    )
    db.session.expire_all()
    assert petition.status == "accepted" and petition.replies[0].body == NOTICE
    sent = queued()
    shown = [body.get_text() for body in page.select("#messages-title ~ .reply-body")]
    assert sorted(message.body for message in sent) == sorted(shown)
    assert {message.channel for message in sent} == {"sms", "email"}


def test_a_confirmation_of_other_text_than_previewed_is_refused(app, frozen_now):
    petition = petition_with_contacts()
    staff = as_user(app, make_user(Role.CLERK))
    page = preview(staff, petition.tracking_number, "acknowledge", {"acknowledge-notice": NOTICE})
    page.select_one("input[name='acknowledge-notice']")["value"] = NOTICE + "（另加一句）"
    refused = confirm_preview(staff, page, _expected_status=409)
    assert "Not sent: what would be sent has changed" in refused.get_text()
    # The new preview shows the text that would now be sent; nothing went out.
    assert refused.select_one(".reply--preview .reply-body").get_text().endswith("（另加一句）")
    db.session.expire_all()
    assert petition.status == "received" and queued() == []
    # Confirming that new preview sends it.
    confirm_preview(staff, refused, _expected_status=302)
    db.session.expire_all()
    assert petition.replies[0].body.endswith("（另加一句）")


def test_a_draft_changed_after_the_leaders_preview_is_not_sent(app, frozen_now):
    clerk, handler = make_user(Role.CLERK), make_user(Role.HANDLER)
    approver, other_leader = make_user(Role.LEADER), make_user(Role.LEADER)
    petition, _ = make_petition()
    workflow.acknowledge(petition, clerk, notice="已受理。")
    workflow.assign(petition, clerk, handler=handler)
    workflow.draft_reply(petition, handler, kind="result", body="第一稿。")
    db.session.commit()
    staff = as_user(app, approver)
    page = preview(staff, petition.tracking_number, "approve", {})
    assert page.select_one(".reply--preview .reply-body").get_text() == "第一稿。"
    # Meanwhile the draft is returned and written again.
    workflow.return_draft(petition, other_leader, comment="请补充依据。")
    workflow.draft_reply(petition, handler, kind="result", body="第二稿，补充了依据。")
    db.session.commit()
    refused = confirm_preview(staff, page, _expected_status=409)
    assert refused.select_one(".reply--preview .reply-body").get_text() == "第二稿，补充了依据。"
    db.session.expire_all()
    assert petition.status == "awaiting_approval"
    assert [reply.sent_at for reply in petition.replies] == [
        petition.replies[0].sent_at,
        None,
        None,
    ]


def test_the_two_person_rule_refuses_before_any_preview(app, frozen_now):
    clerk, leader = make_user(Role.CLERK), make_user(Role.LEADER)
    petition, _ = make_petition()
    workflow.acknowledge(petition, clerk, notice="已受理。")
    workflow.assign(petition, clerk, handler=leader)
    workflow.draft_reply(petition, leader, kind="result", body="自己起草。")
    db.session.commit()
    page = preview(
        as_user(app, leader), petition.tracking_number, "approve", {}, _expected_status=403
    )
    assert "another leader must approve it" in page.get_text()
    assert page.select_one("form.confirm-actions") is None


def test_someone_else_acting_first_makes_the_confirmation_fail_with_the_reason(app, frozen_now):
    petition = petition_with_contacts()
    first, second = make_user(Role.CLERK), make_user(Role.CLERK)
    staff = as_user(app, first)
    page = preview(staff, petition.tracking_number, "acknowledge", {"acknowledge-notice": NOTICE})
    workflow.not_accept(petition, second, reason="不属于本院管辖。")
    db.session.commit()
    refused = confirm_preview(staff, page, _expected_status=409)
    assert "cannot accept for handling now" in refused.get_text()
    db.session.expire_all()
    assert [reply.body for reply in petition.replies] == ["不属于本院管辖。"]


def test_back_to_edit_keeps_what_was_typed(app, frozen_now):
    petition = petition_with_contacts()
    staff = as_user(app, make_user(Role.CLERK))
    typed = "本院决定受理。\n请补充身份证复印件。"
    page = preview(
        staff,
        petition.tracking_number,
        "transfer",
        {
            "transfer-authority": "示例市公安局",
            "transfer-notice": typed,
        },
    )
    form = page.select_one("form.confirm-actions")
    data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    back = staff.client.post(
        form.select_one("button[name=back]")["formaction"], data={**data, "back": "1"}
    )
    edit = staff._check(back, 200, None, None)
    assert (
        edit.select_one("textarea[name='transfer-notice']").get_text().removeprefix("\r\n") == typed
    )
    assert edit.select_one("input[name='transfer-authority']")["value"] == "示例市公安局"
    db.session.expire_all()
    assert petition.status == "received" and queued() == []


def test_a_material_request_is_previewed_too(app, frozen_now):
    petition = petition_with_contacts()
    staff = as_user(app, make_user(Role.CLERK))
    page = preview(
        staff,
        petition.tracking_number,
        "request-material",
        {"request-material-body": "请补充报案回执。"},
    )
    assert page.select_one(".reply--preview .reply-body").get_text() == "请补充报案回执。"
    assert page.select(".letter-preview") == []
    db.session.expire_all()
    assert petition.material_requests == [] and queued() == []
    confirm_preview(staff, page)
    db.session.expire_all()
    assert [request.body for request in petition.material_requests] == ["请补充报案回执。"]


def test_a_preview_made_and_rolled_back_leaves_nothing(app, frozen_now):
    petition = petition_with_contacts()
    clerk = make_user(Role.CLERK)
    with app.test_request_context():
        shown = previews.make_and_show(lambda: workflow.acknowledge(petition, clerk, notice=NOTICE))
        db.session.rollback()
        again = previews.make_and_show(lambda: workflow.acknowledge(petition, clerk, notice=NOTICE))
        db.session.rollback()
        other = previews.make_and_show(
            lambda: workflow.acknowledge(petition, clerk, notice=NOTICE + "。")
        )
        db.session.rollback()
    assert shown.digest == again.digest != other.digest
    assert [message.channel for message in shown.messages] == ["sms", "email"]
    assert db.session.scalar(sa.select(sa.func.count(Reply.id))) == 0
    assert db.session.get(Petition, petition.id).status == "received"
    assert queued() == []
