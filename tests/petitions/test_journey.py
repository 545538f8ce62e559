"""A whole petition's life through the web pages, as citizen and staff click it."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.core import audit
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions.models import Petition
from tests.factories import csrf_token, login, make_user, submit_form

CITIZEN_FORM = {
    "kind": "complaint",
    "name": "刘某某",
    "mobile": "13800000001",
    "subject": "反映派出所不予立案",
    "body": "本人报案后派出所至今未予立案，请求监督。",
    "declaration": "y",
}


def staff_act(app, user, number, action, data):
    client = app.test_client()
    login(client, user)
    page = client.get(f"/staff/petitions/{number}")
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    fields = {f"{action}-{name}": value for name, value in data.items()}
    response = client.post(
        f"/staff/petitions/{number}/{action}", data={"csrf_token": token, **fields}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return client


def citizen_page(app, number, code):
    client = app.test_client()
    response = submit_form(client, "/progress", {"tracking_number": number, "query_code": code})
    assert response.status_code == 302
    return client, client.get(response.location).get_data(as_text=True)


def test_submit_to_close_with_an_objection_and_a_second_answer(app):
    clerk, handler, leader = make_user(Role.CLERK), make_user(Role.HANDLER), make_user(Role.LEADER)
    citizen = app.test_client()
    receipt = submit_form(citizen, "/petitions/new", CITIZEN_FORM).get_data(as_text=True)
    number = re.search(r'id="tracking-number">([^<]+)<', receipt).group(1)
    code = re.search(r'id="query-code">([^<]+)<', receipt).group(1)

    staff_act(app, clerk, number, "acknowledge", {"notice": "您的控告已受理。"})
    staff_act(app, clerk, number, "assign", {"handler_id": handler.id})
    staff_act(
        app, handler, number, "draft-reply", {"kind": "result", "body": "经审查，派出所已立案。"}
    )
    _client, page = citizen_page(app, number, code)
    assert "经审查，派出所已立案。" not in page  # a draft is internal until approved
    staff_act(app, leader, number, "approve", {})

    client, page = citizen_page(app, number, code)
    assert "您的控告已受理。" in page and "经审查，派出所已立案。" in page
    client.post(
        f"/progress/{number}/objection",
        data={"csrf_token": csrf_token(page), "objection": "立案后没有任何进展"},
    )

    staff_act(app, leader, number, "start-review", {"handler_id": handler.id})
    staff_act(app, handler, number, "draft-reply", {"kind": "result", "body": "复查后已督促侦查。"})
    staff_act(app, leader, number, "approve", {})
    client, page = citizen_page(app, number, code)
    assert "复查后已督促侦查。" in page
    client.post(f"/progress/{number}/satisfied", data={"csrf_token": csrf_token(page)})

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
        ("petition.review_started", "under_review", "in_progress", "staff", leader.id),
        ("petition.reply_drafted", "in_progress", "awaiting_approval", "staff", handler.id),
        ("petition.reply_sent", "awaiting_approval", "answered", "staff", leader.id),
        ("petition.satisfied", "answered", "closed", "petitioner", None),
    ]
    # The petitioner's timeline shows public steps only.
    assert "Reply drafted" not in page and "已起草" not in page


def test_a_refused_action_explains_itself_and_changes_nothing(app):
    clerk = make_user(Role.CLERK)
    citizen = app.test_client()
    receipt = submit_form(citizen, "/petitions/new", CITIZEN_FORM).get_data(as_text=True)
    number = re.search(r'id="tracking-number">([^<]+)<', receipt).group(1)
    client = app.test_client()
    client.set_cookie("portal_locale", "en")
    login(client, clerk)
    token = csrf_token(client.get(f"/staff/petitions/{number}").get_data(as_text=True))
    response = client.post(f"/staff/petitions/{number}/approve", data={"csrf_token": token})
    assert response.status_code == 409
    assert "it cannot approve and send the reply now" in response.get_data(as_text=True)
    empty = client.post(
        f"/staff/petitions/{number}/acknowledge",
        data={"csrf_token": token, "acknowledge-notice": ""},
    )
    assert empty.status_code == 400
    assert "Write the notice of acceptance." in empty.get_data(as_text=True)
    petition = db.session.scalar(sa.select(Petition).where(Petition.tracking_number == number))
    assert petition.status == "received"
    assert len(audit.history(petition)) == 1
