"""A whole petition's life through the web pages, as citizen and staff click it."""

from __future__ import annotations

import sqlalchemy as sa

from portal.core import audit
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions.models import Petition
from tests.factories import grade_reply, login, make_user, take_action
from tests.web import ClientRequest

CITIZEN_FORM = {
    "kind": "complaint",
    "name": "刘某某",
    "mobile": "13800000001",
    "subject": "反映派出所不予立案",
    "body": "本人报案后派出所至今未予立案，请求监督。",
    "declaration": "y",
}


def browser(app, *, english=False) -> ClientRequest:
    """A fresh browser (its own cookies and session)."""
    client_request = ClientRequest(app.test_client())
    if english:
        client_request.client.set_cookie("portal_locale", "en")
    return client_request


def submit_petition(app) -> tuple[str, str]:
    """File CITIZEN_FORM online; the tracking number and query code from the receipt."""
    citizen = browser(app)
    receipt = citizen.post(
        "petitions.new_petition",
        _data={**citizen.form_fields("petitions.new_petition"), **CITIZEN_FORM},
        _expected_status=200,
    )
    return (
        receipt.select_one("#tracking-number").get_text(strip=True),
        receipt.select_one("#query-code").get_text(strip=True),
    )


def staff_act(app, user, number, action, data):
    """As `user`, open the petition page and take `action` with the fields of its form."""
    staff = browser(app)
    login(staff.client, user)
    staff.get("backoffice.show_petition", number=number)
    take_action(
        staff,
        number,
        action,
        {f"{action}-{name}": value for name, value in data.items()},
        _expected_redirect="backoffice.show_petition",
        _redirect_values={"number": number},
    )
    return staff


def citizen_page(app, number, code):
    """A fresh browser that gives the number and code and opens the progress page."""
    citizen = browser(app)
    citizen.post(
        "petitions.lookup",
        _data={"tracking_number": number, "query_code": code},
        _expected_redirect="petitions.progress",
        _redirect_values={"number": number},
    )
    return citizen, citizen.get("petitions.progress", number=number).get_text()


def test_submit_to_close_with_an_objection_and_a_second_answer(app):
    clerk, handler, leader = make_user(Role.CLERK), make_user(Role.HANDLER), make_user(Role.LEADER)
    number, code = submit_petition(app)

    staff_act(app, clerk, number, "acknowledge", {"notice": "您的控告已受理。"})
    staff_act(app, clerk, number, "assign", {"handler_id": handler.id})
    staff_act(
        app, handler, number, "draft-reply", {"kind": "result", "body": "经审查，派出所已立案。"}
    )
    _citizen, page = citizen_page(app, number, code)
    assert "经审查，派出所已立案。" not in page  # a draft is internal until approved
    staff_act(app, leader, number, "approve", {})

    citizen, page = citizen_page(app, number, code)
    assert "您的控告已受理。" in page and "经审查，派出所已立案。" in page
    grade_reply(citizen, number, "dissatisfied", "立案后没有任何进展")

    # Two people, always: the review goes to a leader and a handler who gave no part of the
    # answer objected to.
    reviewer, second_handler = make_user(Role.LEADER), make_user(Role.HANDLER)
    staff_act(app, reviewer, number, "start-review", {"handler_id": second_handler.id})
    staff_act(
        app, second_handler, number, "draft-reply", {"kind": "result", "body": "复查后已督促侦查。"}
    )
    staff_act(app, leader, number, "approve", {})
    citizen, page = citizen_page(app, number, code)
    assert "复查后已督促侦查。" in page
    grade_reply(citizen, number, "basically_satisfied")

    petition = db.session.scalar(sa.select(Petition).where(Petition.tracking_number == number))
    assert petition.status == "closed"
    trail = [
        (e.code, e.from_state, e.to_state, e.actor_kind, e.actor_id)
        for e in audit.history(petition)
        if e.code != "petition.progress_viewed"
    ]
    assert trail == [
        ("petition.received", None, "received", "petitioner", None),
        ("petition.acknowledged", "received", "accepted", "staff", clerk.id),
        ("petition.assigned", "accepted", "in_progress", "staff", clerk.id),
        ("petition.reply_drafted", "in_progress", "awaiting_approval", "staff", handler.id),
        ("petition.reply_sent", "awaiting_approval", "answered", "staff", leader.id),
        ("petition.objected", "answered", "under_review", "petitioner", None),
        ("petition.review_started", "under_review", "in_progress", "staff", reviewer.id),
        ("petition.reply_drafted", "in_progress", "awaiting_approval", "staff", second_handler.id),
        ("petition.reply_sent", "awaiting_approval", "answered", "staff", leader.id),
        ("petition.satisfied", "answered", "closed", "petitioner", None),
    ]
    # The petitioner's timeline shows public steps only.
    assert "Reply drafted" not in page and "已起草" not in page


def test_a_refused_action_explains_itself_and_changes_nothing(app):
    clerk = make_user(Role.CLERK)
    number, _code = submit_petition(app)
    staff = browser(app, english=True)
    login(staff.client, clerk)
    refused = staff.post(
        "backoffice.act_on_petition", number=number, action="approve", _expected_status=409
    )
    assert "it cannot approve and send the reply now" in refused.get_text()
    empty = staff.post(
        "backoffice.act_on_petition",
        number=number,
        action="acknowledge",
        _data={"acknowledge-notice": ""},
        _expected_status=400,
    )
    assert "Write the notice of acceptance." in empty.get_text()
    petition = db.session.scalar(sa.select(Petition).where(Petition.tracking_number == number))
    assert petition.status == "received"
    assert len(audit.history(petition)) == 1
