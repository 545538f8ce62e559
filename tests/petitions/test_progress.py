"""The petitioner's progress query: private, rate-limited, the same answer for every failure."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.core import clock
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import services, workflow
from tests.factories import csrf_token, make_petition, make_user, submit_form


@pytest.fixture
def english(client):
    client.set_cookie("portal_locale", "en")
    return client


def look_up(client, number, code):
    return submit_form(client, "/progress", {"tracking_number": number, "query_code": code})


def test_number_and_code_open_the_progress_page(english):
    petition, code = make_petition()
    response = look_up(english, petition.tracking_number, services.format_code(code).lower())
    assert response.status_code == 302
    assert response.location.endswith(f"/progress/{petition.tracking_number}")
    page = english.get(response.location)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and petition.subject in html
    assert page.headers["Cache-Control"] == "no-store"
    assert code not in html and code not in response.location  # never in a URL or shown again


def test_unknown_number_and_wrong_code_get_the_same_answer(english):
    petition, code = make_petition()
    wrong = look_up(english, petition.tracking_number, "2345-6789-ABCD")
    unknown = look_up(english, "XF2026-999999", code)

    def body(response):
        return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))

    assert wrong.status_code == unknown.status_code == 400
    assert body(wrong) == body(unknown)
    assert "We found no petition with this tracking number and query code." in body(wrong)


def test_the_progress_page_needs_the_code_in_this_session(client, app):
    petition, code = make_petition()
    assert client.get(f"/progress/{petition.tracking_number}").status_code == 302
    other = app.test_client()
    look_up(other, petition.tracking_number, code)
    assert client.get(f"/progress/{petition.tracking_number}").status_code == 302
    assert other.get(f"/progress/{petition.tracking_number}").status_code == 200


def test_the_code_opens_only_its_own_petition(client):
    mine, my_code = make_petition()
    theirs, _ = make_petition(name="王某", mobile="13900000000")
    assert look_up(client, theirs.tracking_number, my_code).status_code == 400
    look_up(client, mine.tracking_number, my_code)
    assert client.get(f"/progress/{theirs.tracking_number}").status_code == 302


def test_the_progress_page_shows_no_personal_data_or_internal_notes(client):
    petition, code = make_petition(id_number="11010519491231002X", address="北京市某区某街1号")
    clerk = make_user(Role.CLERK)
    services.add_note(petition, clerk, "内部意见：需要核实")
    db.session.commit()
    look_up(client, petition.tracking_number, code)
    html = client.get(f"/progress/{petition.tracking_number}").get_data(as_text=True)
    for private in (
        "11010519491231002X",
        "北京市某区某街1号",
        "13800000001",
        "内部意见",
        clerk.name,
    ):
        assert private not in html


def test_repeated_wrong_codes_lock_the_number(english, app):
    petition, code = make_petition()
    for _ in range(app.config["LOOKUP_MAX_FAILURES"]):
        look_up(english, petition.tracking_number, "2345-6789-ABCD")
    locked = look_up(english, petition.tracking_number, code)
    assert locked.status_code == 400
    assert "locked" in locked.get_data(as_text=True)


def test_lookups_are_rate_limited_per_client(english, app):
    app.config["LOOKUP_LIMIT"] = "3 per minute"
    try:
        codes = [
            look_up(english, f"XF2026-00000{i}", "2345-6789-ABCD").status_code for i in range(4)
        ]
    finally:
        app.config["LOOKUP_LIMIT"] = "1000 per minute"
    assert codes == [400, 400, 400, 429]


def test_the_code_never_travels_in_a_query_string(client):
    petition, code = make_petition()
    response = client.get(f"/progress?tracking_number={petition.tracking_number}&query_code={code}")
    assert response.status_code == 200
    assert client.get(f"/progress/{petition.tracking_number}").status_code == 302


def answered(petition):
    clerk, handler, leader = make_user(Role.CLERK), make_user(Role.HANDLER), make_user(Role.LEADER)
    workflow.acknowledge(petition, clerk, notice="已受理")
    workflow.assign(petition, clerk, handler=handler)
    workflow.draft_reply(petition, handler, kind="result", body="经审查，答复如下：……")
    workflow.approve(petition, leader)
    db.session.commit()


def test_the_petitioner_reads_the_reply_and_may_object_once(english):
    petition, code = make_petition()
    answered(petition)
    look_up(english, petition.tracking_number, code)
    page = english.get(f"/progress/{petition.tracking_number}").get_data(as_text=True)
    assert "经审查，答复如下：……" in page
    token = csrf_token(page)
    empty = english.post(
        f"/progress/{petition.tracking_number}/objection",
        data={"csrf_token": token, "objection": ""},
    )
    assert empty.status_code == 400 and "Say what you disagree with" in empty.get_data(as_text=True)
    response = english.post(
        f"/progress/{petition.tracking_number}/objection",
        data={"csrf_token": token, "objection": "答复没有回应我的请求"},
    )
    assert response.status_code == 302
    db.session.refresh(petition)
    assert petition.status == "under_review"
    page = english.get(f"/progress/{petition.tracking_number}").get_data(as_text=True)
    assert "Send my objection" not in page  # no second objection to the same reply


def test_the_petitioner_can_say_they_are_satisfied(client):
    petition, code = make_petition()
    answered(petition)
    look_up(client, petition.tracking_number, code)
    token = csrf_token(client.get(f"/progress/{petition.tracking_number}").get_data(as_text=True))
    client.post(f"/progress/{petition.tracking_number}/satisfied", data={"csrf_token": token})
    db.session.refresh(petition)
    assert petition.status == "closed" and petition.closed_at is not None
    assert petition.latest_sent_reply.satisfied_at is not None


def test_leaving_ends_access_on_a_shared_computer(client):
    petition, code = make_petition()
    look_up(client, petition.tracking_number, code)
    token = csrf_token(client.get(f"/progress/{petition.tracking_number}").get_data(as_text=True))
    client.post("/progress/end", data={"csrf_token": token})
    assert client.get(f"/progress/{petition.tracking_number}").status_code == 302


def test_access_expires_after_the_configured_minutes(client, app):
    petition, code = make_petition()
    look_up(client, petition.tracking_number, code)
    url = f"/progress/{petition.tracking_number}"
    minutes = app.config["PROGRESS_ACCESS_MINUTES"]
    with clock.frozen(clock.now() + timedelta(minutes=minutes - 1)):
        assert client.get(url).status_code == 200
    with clock.frozen(clock.now() + timedelta(minutes=minutes + 1)):
        assert client.get(url).status_code == 302
