"""The whole loop through the pages: a verified deputy sends a suggestion with a file, a handler
drafts the answer, a leader approves it, the deputy reads and rates it; an invitation is
accepted. Pages are reached by endpoint (tests/web.py) and their words checked in English."""

from __future__ import annotations

import io

import sqlalchemy as sa

from portal.core.outbox import OutboxMessage
from portal.core.permissions import Role
from portal.deputies.models import Suggestion
from portal.extensions import db
from tests.deputies.factories import login_deputy, make_deputy, make_event
from tests.factories import PDF, form_tokens, login, make_user, url


def _english(client):
    client.get(url("site.switch_language", locale="en", next="/"))


def test_a_suggestion_is_sent_answered_with_approval_and_rated(app, new_client_request):
    deputy = make_deputy()
    handler, leader = make_user(Role.HANDLER), make_user(Role.LEADER)
    as_deputy, as_handler, as_leader = (new_client_request() for _ in range(3))
    for browser in (as_deputy, as_handler, as_leader):
        _english(browser.client)
    login_deputy(as_deputy.client, deputy)
    login(as_handler.client, handler)
    login(as_leader.client, leader)

    new = url("deputies.new_suggestion")
    response = as_deputy.client.post(
        new,
        data={
            **form_tokens(as_deputy.client, new),
            "kind": "suggestion",
            "subject": "关于加强社区矫正监督的建议",
            "body": "建议定期通报社区矫正检察监督情况。",
            "attachments": (io.BytesIO(PDF), "材料.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    suggestion = db.session.scalar(sa.select(Suggestion))
    assert [a.filename for a in suggestion.attachments] == ["材料.pdf"]
    told = db.session.scalars(sa.select(OutboxMessage.channel).order_by(OutboxMessage.id)).all()
    assert sorted(told) == ["email", "sms"]  # "received", by both channels

    as_handler.client.post(
        url("deputies_admin.draft_answer", suggestion_id=suggestion.id),
        data={
            "answer-csrf_token": form_tokens(as_handler.client, url("backoffice.dashboard"))[
                "csrf_token"
            ],
            "answer-answer": "我院已建立社区矫正监督通报制度，每季度通报一次。",
        },
    )
    page = as_deputy.client.get(url("deputies.show_suggestion", suggestion_id=suggestion.id))
    assert "每季度通报一次" not in page.get_data(as_text=True)  # not before a leader approves

    token = form_tokens(as_leader.client, url("backoffice.dashboard"))["csrf_token"]
    response = as_leader.client.post(
        url("deputies_admin.approve_answer", suggestion_id=suggestion.id),
        data={"csrf_token": token},
    )
    assert response.status_code == 302
    page = as_deputy.client.get(url("deputies.show_suggestion", suggestion_id=suggestion.id))
    html = page.get_data(as_text=True)
    assert "每季度通报一次" in html and "Rate the answer" in html

    show = url("deputies.show_suggestion", suggestion_id=suggestion.id)
    response = as_deputy.client.post(
        url("deputies.rate_answer", suggestion_id=suggestion.id),
        data={**form_tokens(as_deputy.client, show), "rating": "basically_satisfied"},
    )
    assert response.status_code == 302
    html = as_deputy.client.get(show).get_data(as_text=True)
    assert "Your rating:" in html and "Basically satisfied" in html


def test_an_invitation_is_accepted_and_staff_see_the_reply(app, new_client_request):
    deputy = make_deputy()
    clerk = make_user(Role.CLERK)
    event = make_event(clerk)
    as_clerk, as_deputy = new_client_request(), new_client_request()
    login(as_clerk.client, clerk)
    login_deputy(as_deputy.client, deputy)
    token = form_tokens(as_clerk.client, url("deputies_admin.show_event", event_id=event.id))
    response = as_clerk.client.post(
        url("deputies_admin.invite_deputies", event_id=event.id),
        data={"invite-csrf_token": token["csrf_token"], "invite-deputies": str(deputy.id)},
    )
    assert response.status_code == 302
    invitation = event.invitations[0]
    account = url("deputies.account")
    token = form_tokens(as_deputy.client, account)["csrf_token"]
    prefix = f"invitation-{invitation.id}"
    response = as_deputy.client.post(
        url("deputies.reply_to_invitation", invitation_id=invitation.id),
        data={f"{prefix}-csrf_token": token, f"{prefix}-reply": "attend"},
    )
    assert response.status_code == 302
    _english(as_clerk.client)
    html = as_clerk.client.get(url("deputies_admin.show_event", event_id=event.id)).get_data(
        as_text=True
    )
    assert deputy.name in html and "Will attend" in html
