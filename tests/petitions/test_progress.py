"""The petitioner's progress query: private, rate-limited, the same answer for every failure."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.core import clock
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import services, workflow
from tests.factories import grade_reply, make_petition, make_user
from tests.web import ClientRequest


@pytest.fixture
def english(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


def look_up(client_request, number, code, *, _expected_status=302):
    """Give the number and code on the lookup form; a match redirects to the progress page."""
    return client_request.post(
        "petitions.lookup",
        _data={"tracking_number": number, "query_code": code},
        _expected_status=_expected_status,
        _expected_redirect="petitions.progress" if _expected_status == 302 else None,
        _redirect_values={"number": number.strip().upper()},
    )


def progress(client_request, number, *, _expected_status=200):
    """The progress page; without access in this session, a redirect back to the lookup form."""
    return client_request.get(
        "petitions.progress",
        number=number,
        _expected_status=_expected_status,
        _expected_redirect="petitions.lookup" if _expected_status == 302 else None,
    )


def test_number_and_code_open_the_progress_page(english):
    petition, code = make_petition()
    look_up(english, petition.tracking_number, services.format_code(code).lower())
    location = english.response.location
    page = progress(english, petition.tracking_number)
    html = english.response.get_data(as_text=True)
    assert petition.subject in page.get_text()
    assert english.response.headers["Cache-Control"] == "no-store"
    assert code not in html and code not in location  # never in a URL or shown again


def test_unknown_number_and_wrong_code_get_the_same_answer(english):
    petition, code = make_petition()

    def body():
        return re.sub(r'value="[^"]*"', "", english.response.get_data(as_text=True))

    look_up(english, petition.tracking_number, "2345-6789-ABCD", _expected_status=400)
    wrong = body()
    look_up(english, "XF2026-999999", code, _expected_status=400)
    unknown = body()
    assert wrong == unknown
    assert "We found no petition with this tracking number and query code." in wrong


def test_the_progress_page_needs_the_code_in_this_session(app, client_request):
    petition, code = make_petition()
    progress(client_request, petition.tracking_number, _expected_status=302)
    other = ClientRequest(app.test_client())
    look_up(other, petition.tracking_number, code)
    progress(client_request, petition.tracking_number, _expected_status=302)
    progress(other, petition.tracking_number)


def test_the_code_opens_only_its_own_petition(client_request):
    mine, my_code = make_petition()
    theirs, _ = make_petition(name="王某", mobile="13900000000")
    look_up(client_request, theirs.tracking_number, my_code, _expected_status=400)
    look_up(client_request, mine.tracking_number, my_code)
    progress(client_request, theirs.tracking_number, _expected_status=302)


def test_the_progress_page_shows_no_personal_data_or_internal_notes(client_request):
    petition, code = make_petition(id_number="11010519491231002X", address="北京市某区某街1号")
    clerk = make_user(Role.CLERK)
    services.add_note(petition, clerk, "内部意见：需要核实")
    db.session.commit()
    look_up(client_request, petition.tracking_number, code)
    progress(client_request, petition.tracking_number)
    html = client_request.response.get_data(as_text=True)
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
        look_up(english, petition.tracking_number, "2345-6789-ABCD", _expected_status=400)
    locked = look_up(english, petition.tracking_number, code, _expected_status=400)
    assert "locked" in locked.get_text()


def test_lookups_are_rate_limited_per_client(english, app):
    app.config["LOOKUP_LIMIT"] = "3 per minute"
    try:
        for i in range(3):
            look_up(english, f"XF2026-00000{i}", "2345-6789-ABCD", _expected_status=400)
        look_up(english, "XF2026-000003", "2345-6789-ABCD", _expected_status=429)
    finally:
        app.config["LOOKUP_LIMIT"] = "1000 per minute"


def test_the_code_never_travels_in_a_query_string(client_request):
    """A GET with the number and code in the query string shows the empty form, and opens
    nothing."""
    petition, code = make_petition()
    page = client_request.get(
        "petitions.lookup", tracking_number=petition.tracking_number, query_code=code
    )
    assert page.select_one("input[name=query_code]").get("value", "") == ""
    progress(client_request, petition.tracking_number, _expected_status=302)


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
    page = progress(english, petition.tracking_number)
    assert "经审查，答复如下：……" in page.get_text()
    grade_reply(english, petition.tracking_number, "dissatisfied", "答复没有回应我的请求")
    db.session.refresh(petition)
    assert petition.status == "under_review"
    page = progress(english, petition.tracking_number)
    assert page.select_one("input[name=reply_id]") is None  # no second answer to the same reply
    assert "Dissatisfied (不满意)" in page.get_text()


def test_leaving_ends_access_on_a_shared_computer(client_request):
    petition, code = make_petition()
    look_up(client_request, petition.tracking_number, code)
    progress(client_request, petition.tracking_number)
    client_request.post("petitions.end_access", _expected_redirect="petitions.lookup")
    progress(client_request, petition.tracking_number, _expected_status=302)


def test_access_expires_after_the_configured_minutes(client_request, app):
    petition, code = make_petition()
    look_up(client_request, petition.tracking_number, code)
    minutes = app.config["PROGRESS_ACCESS_MINUTES"]
    with clock.frozen(clock.now() + timedelta(minutes=minutes - 1)):
        progress(client_request, petition.tracking_number)
    with clock.frozen(clock.now() + timedelta(minutes=minutes + 1)):
        progress(client_request, petition.tracking_number, _expected_status=302)
