"""Graded satisfaction: for each substantive reply the petitioner answers 满意, 基本满意 or 不满意,
once, in one form on the progress page. Dissatisfied, with the reasons, is the objection; the two
satisfied grades close an answered petition. The grade stays on the reply for the statistics."""

from __future__ import annotations

import pytest

from portal.core import audit
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import workflow
from portal.petitions.models import State
from tests.factories import grade_reply, make_petition, make_user, open_progress


@pytest.fixture
def english(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


def staff():
    return make_user(Role.CLERK), make_user(Role.HANDLER), make_user(Role.LEADER)


def reply_sent(petition, kind="result", body="经审查，答复如下。"):
    clerk, handler, leader = staff()
    if petition.status == State.RECEIVED:
        workflow.acknowledge(petition, clerk, notice="已受理")
        workflow.assign(petition, clerk, handler=handler)
    else:
        workflow.assign(petition, clerk, handler=handler)
    workflow.draft_reply(petition, handler, kind=kind, body=body)
    workflow.approve(petition, leader)
    db.session.commit()
    return petition.latest_sent_reply


@pytest.mark.parametrize(
    ("grade", "comment"), [("satisfied", ""), ("basically_satisfied", "基本解决，还需跟进。")]
)
def test_a_satisfied_grade_closes_the_answered_petition(english, grade, comment):
    petition, code = make_petition()
    reply = reply_sent(petition)
    open_progress(english, petition, code)
    grade_reply(english, petition.tracking_number, grade, comment)
    db.session.refresh(petition)
    db.session.refresh(reply)
    assert petition.status == State.CLOSED and petition.closed_at is not None
    assert reply.grade == grade and reply.satisfied_at is not None
    assert reply.grade_comment == (comment or None) and reply.objected_at is None
    (event,) = [e for e in audit.history(petition) if e.code == "petition.satisfied"]
    assert event.detail == f"grade={grade}"
    page = english.get("petitions.progress", number=petition.tracking_number)
    assert "Thank you for your answer. Your petition is closed." in page.get_text()
    assert page.select_one("input[name=reply_id]") is None  # once per reply


def test_dissatisfied_needs_the_reasons_and_keeps_what_was_typed(english):
    petition, code = make_petition()
    reply_sent(petition)
    open_progress(english, petition, code)
    page = grade_reply(
        english,
        petition.tracking_number,
        "dissatisfied",
        "不",
        _expected_status=400,
        _expected_redirect=None,
    )
    assert "why you are dissatisfied" in page.select_one("#comment-error").get_text()
    assert page.select_one("textarea[name=comment]").get_text(strip=True) == "不"
    assert page.select_one("input[name=grade][value=dissatisfied]").has_attr("checked")
    assert page.title.get_text().startswith("Error:")
    db.session.refresh(petition)
    assert petition.status == State.ANSWERED and petition.latest_sent_reply.grade is None


def test_dissatisfied_with_reasons_is_the_objection_once_per_reply(english):
    petition, code = make_petition()
    reply = reply_sent(petition)
    open_progress(english, petition, code)
    grade_reply(english, petition.tracking_number, "dissatisfied", "答复没有回应我的请求。")
    db.session.refresh(petition)
    db.session.refresh(reply)
    assert petition.status == State.UNDER_REVIEW
    assert reply.grade == "dissatisfied" and reply.objection == "答复没有回应我的请求。"
    # The same form sent again (a second tab): refused, nothing changes.
    page = english.post(
        "petitions.grade_reply",
        number=petition.tracking_number,
        _data={"reply_id": str(reply.id), "grade": "satisfied"},
        _expected_status=400,
    )
    assert "can no longer be rated" in page.get_text()
    db.session.refresh(petition)
    assert petition.status == State.UNDER_REVIEW


def test_a_grade_must_be_chosen(english):
    petition, code = make_petition()
    reply_sent(petition)
    open_progress(english, petition, code)
    page = grade_reply(
        english, petition.tracking_number, "", _expected_status=400, _expected_redirect=None
    )
    assert "Choose how satisfied you are with the reply." in page.get_text()
    assert page.select_one('.error-summary a[href="#grade-0"]') is not None
    # Accessible: the radios are a fieldset with a legend, each with a label.
    fieldset = page.select_one("fieldset:has(input[name=grade])")
    assert "How satisfied are you with this reply?" in fieldset.legend.get_text()
    labels = [label.get_text(strip=True) for label in fieldset.select("label")]
    assert labels == [
        "Satisfied (满意)",
        "Basically satisfied (基本满意)",
        "Dissatisfied (不满意)",
    ]


def test_an_older_reply_is_not_graded_when_a_newer_one_came(english):
    petition, code = make_petition()
    first = reply_sent(petition, kind="progress", body="正在调查。")
    open_progress(english, petition, code)
    reply_sent(petition, kind="result", body="调查结束，答复如下。")
    page = english.post(
        "petitions.grade_reply",
        number=petition.tracking_number,
        _data={"reply_id": str(first.id), "grade": "satisfied"},
        _expected_status=400,
    )
    assert "can no longer be rated" in page.get_text()
    db.session.refresh(petition)
    assert petition.status == State.ANSWERED


@pytest.mark.parametrize("grade", ["satisfied", "basically_satisfied", "dissatisfied"])
def test_a_progress_reply_is_graded_without_changing_the_petition(english, grade):
    petition, code = make_petition()
    reply = reply_sent(petition, kind="progress", body="正在调查，下月再告知。")
    assert petition.status == State.IN_PROGRESS
    page = open_progress(english, petition, code)
    assert "the staff handling your petition read it" in page.select_one("#comment-hint").text
    grade_reply(english, petition.tracking_number, grade, "调查太慢了，请加快。")
    db.session.refresh(petition)
    db.session.refresh(reply)
    assert petition.status == State.IN_PROGRESS and reply.grade == grade
    (event,) = [e for e in audit.history(petition) if e.code == "petition.reply_graded"]
    assert event.detail == f"reply={reply.id}; grade={grade}"
    page = english.get("petitions.progress", number=petition.tracking_number)
    assert page.select_one("input[name=reply_id]") is None  # once per reply


def test_procedural_notices_are_not_graded(english):
    petition, code = make_petition()
    clerk = make_user(Role.CLERK)
    workflow.acknowledge(petition, clerk, notice="已受理")
    db.session.commit()
    assert workflow.gradable_reply(petition) is None
    page = open_progress(english, petition, code)
    assert page.select_one("form[action$='/grade']") is None


def test_the_grades_stay_on_each_reply(english):
    """Each reply keeps its own grade: an objection to the first, a grade for the second."""
    petition, code = make_petition()
    first = reply_sent(petition)
    workflow.grade_reply(petition, reply_id=first.id, grade="dissatisfied", comment="不服答复。")
    workflow.start_review(petition, make_user(Role.LEADER), handler=make_user(Role.HANDLER))
    db.session.commit()
    second = reply_sent(petition, body="复查后答复。")
    workflow.grade_reply(petition, reply_id=second.id, grade="basically_satisfied")
    db.session.commit()
    assert [(r.id, r.grade) for r in petition.sent_replies if r.kind == "result"] == [
        (first.id, "dissatisfied"),
        (second.id, "basically_satisfied"),
    ]
    assert petition.status == State.CLOSED
