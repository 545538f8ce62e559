"""The petitioner hears of every step by the channels chosen at intake, in the language they
filed in, in the transaction of the change, and never with the query code; leaders hear of a
petition escalated to them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.core import sms
from portal.core.outbox import OutboxMessage
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import services, workflow
from portal.petitions.models import Petition
from tests.factories import PETITION_FORM, make_petition, make_user, submit_form, url

MOBILE, EMAIL = "13912345678", "citizen@test.example"


def messages(channel=None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if channel:
        query = query.where(OutboxMessage.channel == channel)
    return list(db.session.scalars(query))


def kinds(channel="sms") -> list[str]:
    return [m.subject for m in messages(channel)]


@pytest.fixture
def team():
    return {role: make_user(role) for role in (Role.CLERK, Role.HANDLER, Role.LEADER)}


def petition_with_both(**fields):
    return make_petition(
        mobile=MOBILE, email=EMAIL, notify_by_sms=True, notify_by_email=True, **fields
    )


def assert_no_query_code(code: str):
    for message in messages():
        text = f"{message.subject}\n{message.body}\n{message.parameters or ''}"
        for form in (code, services.format_code(code), code.lower()):
            assert form not in text, message.subject


def test_every_step_of_a_whole_journey_is_told_by_sms_and_e_mail(team):
    clerk, handler, leader = team[Role.CLERK], team[Role.HANDLER], team[Role.LEADER]
    petition, code = petition_with_both()
    workflow.acknowledge(petition, clerk, notice="您的信访事项已受理，请补充报案回执。")
    db.session.commit()
    workflow.assign(petition, clerk, handler=handler)
    workflow.draft_reply(petition, handler, kind="progress", body="正在调取案卷。")
    db.session.commit()
    workflow.approve(petition, leader)
    workflow.draft_reply(petition, handler, kind="result", body="经审查，已通知公安机关立案。")
    db.session.commit()
    workflow.approve(petition, leader)
    db.session.commit()
    workflow.object_to_reply(petition, objection="立案后仍未侦查。")
    db.session.commit()
    reviewer, second_handler = make_user(Role.LEADER), make_user(Role.HANDLER)
    workflow.start_review(petition, reviewer, handler=second_handler)
    workflow.draft_reply(petition, second_handler, kind="result", body="复查后维持原答复。")
    db.session.commit()
    workflow.approve(petition, leader)
    workflow.close(petition, leader, reason="复查完毕。")
    db.session.commit()

    told = [
        "received",
        "accepted",
        "progress_reply_sent",
        "reply_sent",
        "objection_received",
        "review_result",
        "reply_sent",
        "closed",
    ]
    assert kinds("sms") == told  # assignment and drafts are not the petitioner's news
    assert len(messages("email")) == len(told)
    assert {m.recipient for m in messages("sms")} == {MOBILE}
    assert {m.recipient for m in messages("email")} == {EMAIL}
    sms_texts = [m.body for m in messages("sms")]
    assert all(petition.tracking_number in text for text in sms_texts)
    assert all("/progress" in text for text in sms_texts)
    mails = [m.body for m in messages("email")]
    assert "请补充报案回执" in mails[1]  # the notice itself is in the e-mail
    assert "正在调取案卷" in mails[2] and "已通知公安机关立案" in mails[3]
    assert "复查后维持原答复" in mails[6]
    assert_no_query_code(code)


def test_a_transfer_says_where_to_and_a_refusal_says_why(team):
    moved, moved_code = petition_with_both()
    refused, refused_code = petition_with_both()
    workflow.transfer(
        moved, team[Role.CLERK], authority="某区人民法院", notice="已转送某区人民法院。"
    )
    workflow.not_accept(refused, team[Role.CLERK], reason="不属于检察机关管辖，请向法院起诉。")
    db.session.commit()
    transfer_sms, refusal_sms = [m for m in messages("sms") if m.subject != "received"]
    assert "某区人民法院" in transfer_sms.body
    assert '"authority": "某区人民法院"' in transfer_sms.parameters
    assert "不属于检察机关管辖" in refusal_sms.body and "reason" in refusal_sms.parameters
    assert "请向法院起诉" in messages("email")[-1].body
    assert_no_query_code(moved_code)
    assert_no_query_code(refused_code)


def test_the_petitioner_of_a_merged_petition_is_told_when_the_earlier_one_is_answered(team):
    """Found by the simulated year (portal/simulation): the earlier petition answers for the
    repeat merged into it, and its reply shows on the repeat's progress page; the repeat's
    petitioner, who chose e-mail, must hear of it too, under their own number."""
    clerk, handler, leader = team[Role.CLERK], team[Role.HANDLER], team[Role.LEADER]
    earlier, _ = make_petition(mobile="13900000010", notify_by_sms=False)
    repeat, _ = make_petition(mobile="13900000011", email=EMAIL, notify_by_sms=False)
    workflow.acknowledge(earlier, clerk, notice="已受理。")
    workflow.merge(repeat, clerk, into=earlier, notice="已并入前次信访一并办理。")
    workflow.assign(earlier, clerk, handler=handler)
    workflow.draft_reply(earlier, handler, kind="progress", body="正在调取案卷。")
    db.session.commit()
    workflow.approve(earlier, leader)
    workflow.draft_reply(earlier, handler, kind="result", body="经审查，已通知公安机关立案。")
    db.session.commit()
    workflow.approve(earlier, leader)
    db.session.commit()

    to_repeat = [m for m in messages("email") if m.recipient == EMAIL]
    assert len(to_repeat) == 4  # received, merged, then the earlier petition's two replies
    progress, result = to_repeat[2:]
    assert repeat.tracking_number in progress.subject and "正在调取案卷" in progress.body
    assert repeat.tracking_number in result.subject and "已通知公安机关立案" in result.body
    assert earlier.tracking_number not in result.body


def test_only_the_chosen_channels_are_used(team):
    sms_only, _ = make_petition(
        mobile=MOBILE, email=EMAIL, notify_by_sms=True, notify_by_email=False
    )
    mail_only, _ = make_petition(mobile="13900000002", email="b@test.example", notify_by_sms=False)
    neither, _ = make_petition(mobile="13900000003", notify_by_sms=False)
    letter, _ = make_petition(
        mobile=None, address="某市某路1号", notify_by_sms=True, channel="letter"
    )
    for petition in (sms_only, mail_only, neither, letter):
        workflow.acknowledge(petition, team[Role.CLERK], notice="已受理")
    db.session.commit()
    assert {(m.channel, m.recipient) for m in messages()} == {
        ("sms", MOBILE),
        ("email", "b@test.example"),
    }


def test_messages_are_in_the_language_the_petitioner_filed_in(team):
    petition, code = petition_with_both(locale="en")
    workflow.acknowledge(petition, team[Role.CLERK], notice="Accepted.")
    db.session.commit()
    received_sms, accepted_sms = messages("sms")
    assert "Your petition" in accepted_sms.body and "accepted" in accepted_sms.body
    assert accepted_sms.template == "accepted.en"
    assert "Example City People's Procuratorate" in messages("email")[0].subject
    assert_no_query_code(code)


def test_a_change_that_is_rolled_back_tells_nobody(team):
    petition, _ = petition_with_both()
    before = len(messages())
    workflow.acknowledge(petition, team[Role.CLERK], notice="已受理")
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert len(messages()) == before


def test_a_petition_whose_intake_rolls_back_sends_no_receipt():
    make_petition(mobile=MOBILE, notify_by_sms=True, commit=False)
    db.session.rollback()
    db.session.commit()
    assert messages() == []


def test_material_requested_says_what_is_asked_and_the_petitioners_own_material_is_not_echoed(
    team,
):
    petition, code = petition_with_both()
    workflow.acknowledge(petition, team[Role.CLERK], notice="已受理")
    db.session.commit()
    workflow.request_material(petition, team[Role.CLERK], body="请补充报案回执的复印件。")
    db.session.commit()
    services.add_material(
        petition,
        services.MaterialData(body="已补充报案回执。", uploads=[]),
        submission_key="material-1",
    )
    db.session.commit()
    asked = messages("sms")[-1]
    assert asked.subject == "material_requested"
    assert "请补充报案回执的复印件" in asked.body
    assert kinds("sms") == ["received", "accepted", "material_requested"]
    assert "请补充报案回执的复印件" in messages("email")[-1].body
    assert_no_query_code(code)


def test_an_anonymous_report_is_told_only_through_a_contact_it_chose_to_leave(team):
    silent, _ = make_petition(kind="report", is_anonymous=True, name=None, mobile=MOBILE)
    told, _ = make_petition(
        kind="report", is_anonymous=True, name=None, mobile="13900000009", notify_by_sms=True
    )
    assert silent.mobile is None and told.mobile == "13900000009"
    for petition in (silent, told):
        workflow.acknowledge(petition, team[Role.CLERK], notice="已受理")
    db.session.commit()
    assert {m.recipient for m in messages()} == {"13900000009"}


def test_leaders_are_e_mailed_when_a_petition_is_escalated(team):
    petition, code = petition_with_both()
    services.escalate([petition])
    db.session.commit()
    [to_leader] = [m for m in messages("email") if m.recipient == team[Role.LEADER].email]
    assert petition.tracking_number in to_leader.subject
    assert "/staff/petitions/" in to_leader.body
    assert_no_query_code(code)


def test_the_online_form_records_the_channels_and_the_language(client, sms_gateway):
    client.set_cookie("portal_locale", "en")
    form = {**PETITION_FORM, "mobile": MOBILE, "notify_by_sms": "y"}
    response = submit_form(client, url("petitions.new_petition"), form)
    assert response.status_code == 200
    petition = db.session.scalar(sa.select(Petition))
    assert petition.notify_by_sms and not petition.notify_by_email and petition.locale == "en"
    sms.deliver_pending()
    [text] = sms_gateway.received
    assert text["TemplateCode"] == "SMS_2001"  # the English template of "received"
    assert text["TemplateParam"]["number"] == petition.tracking_number
    query_code = response.get_data(as_text=True).split('id="query-code">')[1].split("<")[0]
    assert query_code not in str(text) and query_code.replace("-", "") not in str(text)


def test_the_public_form_offers_sms_ticked(client_request):
    page = client_request.get("petitions.new_petition")
    assert page.find("input", {"name": "notify_by_sms"}).has_attr("checked")
