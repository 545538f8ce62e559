"""The petitioner answers back: staff ask a question or for material, the petitioner adds text and
files with the number and code, and the petition shows as "new material" until staff read it.

The petitioner's side is driven through the progress page like a browser (the form's one-time
submission key from the page); who may ask is checked on the workflow's rule directly.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from portal.core import audit
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from portal.petitions import services, workflow
from portal.petitions.models import Addition, Attachment, MaterialRequest, State
from tests.factories import PDF, login, make_petition, make_user, open_progress, take_action
from tests.web import ClientRequest

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 50


@pytest.fixture
def english(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


def material_fields(page) -> dict:
    """The hidden fields of the progress page's material form, as a browser sends them back."""
    form = page.select_one("form[action$='/material']")
    assert form is not None, "the page offers no form to add material"
    return {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}


def add_material(client_request, petition, data, *, fields=None, files=(), **expected):
    """Send the material form of the progress page (opened in this browser)."""
    number = petition.tracking_number
    if fields is None:
        fields = material_fields(client_request.get("petitions.progress", number=number))
    payload = {**fields, **data}
    if files:
        payload["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    if expected.get("_expected_status", 302) == 302:
        expected.setdefault("_expected_redirect", "petitions.progress")
        expected.setdefault("_redirect_values", {"number": number})
    return client_request.post("petitions.add_material", number=number, _data=payload, **expected)


def additions():
    db.session.rollback()  # a fresh look after the request's transaction
    return db.session.scalars(sa.select(Addition).order_by(Addition.id)).all()


def codes_of(petition) -> list[str]:
    return [event.code for event in audit.history(petition)]


def test_the_petitioner_adds_text_and_files_and_reads_them_back(english):
    petition, code = make_petition()
    open_progress(english, petition, code)
    add_material(
        english,
        petition,
        {"body": "补充：派出所的回执编号为 2026-118。"},
        files=[("回执.pdf", PDF), ("照片.png", PNG)],
    )
    (addition,) = additions()
    assert addition.body == "补充：派出所的回执编号为 2026-118。" and addition.request_id is None
    assert [(a.filename, a.petition_id) for a in addition.attachments] == [
        ("回执.pdf", petition.id),
        ("照片.png", petition.id),
    ]
    assert "petition.material_added" in codes_of(petition)
    page = english.get("petitions.progress", number=petition.tracking_number)
    text = page.get_text()
    assert "Thank you. What you added is with your petition" in text
    assert "补充：派出所的回执编号为 2026-118。" in text and "回执.pdf" in text
    assert "The petitioner added material" in page.select_one("ol.timeline").get_text()


def test_the_material_is_committed_before_the_petitioner_is_told(english):
    petition, code = make_petition()
    open_progress(english, petition, code)
    add_material(english, petition, {"body": "补充材料说明。"})
    db.session.rollback()
    with db.engine.connect() as connection:  # outside the request's session
        assert connection.execute(sa.text("SELECT count(*) FROM petition_additions")).scalar() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.pdf", b"<html><script>alert(1)</script></html>", "is not a PDF, JPEG, PNG or DOCX"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_a_refused_file_keeps_the_text_and_stores_nothing(english, name, content, message):
    petition, code = make_petition()
    open_progress(english, petition, code)
    page = add_material(
        english,
        petition,
        {"body": "这是我补充的文字。"},
        files=[("好的.pdf", PDF), (name, content)],
        _expected_status=400,
    )
    assert message in page.select_one("#attachments-error").get_text()
    assert page.select_one("textarea[name=body]").get_text(strip=True) == "这是我补充的文字。"
    # The good file is held for the next try, not stored; the refused one is not held.
    assert [n.get_text(strip=True) for n in page.select(".held-files__name")] == ["好的.pdf"]
    assert page.title.get_text().startswith("Error:")
    assert additions() == [] and db.session.scalars(sa.select(Attachment)).all() == []


def test_too_many_files_or_nothing_at_all_is_refused(english):
    petition, code = make_petition()
    open_progress(english, petition, code)
    page = add_material(
        english,
        petition,
        {"body": "六个文件"},
        files=[(f"{i}.png", PNG) for i in range(6)],
        _expected_status=400,
    )
    assert "Attach at most 5 files." in page.get_text()
    page = add_material(english, petition, {"body": "   "}, _expected_status=400)
    assert "Write what you want to add, or attach a file." in page.get_text()
    assert additions() == []


def test_an_anonymous_report_can_add_detail(english):
    petition, code = make_petition(kind="report", is_anonymous=True)
    open_progress(english, petition, code)
    add_material(
        english, petition, {"body": "补充线索：涉案账户在某银行。"}, files=[("线索.pdf", PDF)]
    )
    (addition,) = additions()
    assert addition.petition_id == petition.id and len(addition.attachments) == 1


def test_a_finished_petition_takes_nothing_more(english):
    petition, code = make_petition()
    clerk, leader = make_user(Role.CLERK), make_user(Role.LEADER)
    workflow.not_accept(petition, clerk, reason="不属于检察机关管辖。")
    workflow.close(petition, leader, reason="已告知")
    db.session.commit()
    page = open_progress(english, petition, code)
    assert page.select_one("form[action$='/material']") is None
    # A form left open in another tab, sent after the petition was closed:
    fields = {"submission_key": "k" * 43}
    refused = add_material(
        english, petition, {"body": "还有补充"}, fields=fields, _expected_status=400
    )
    assert "This petition is finished, so nothing more can be added" in refused.get_text()
    assert additions() == []


def test_without_the_number_and_code_nothing_is_added(app, english):
    """The form works only in a browser that gave the number and code (the lookup, with its
    one answer for every failure and its lock); another browser is sent to the lookup."""
    petition, code = make_petition()
    fields = material_fields(open_progress(english, petition, code))
    stranger = ClientRequest(app.test_client())
    stranger.client.set_cookie("portal_locale", "en")
    add_material(
        stranger,
        petition,
        {"body": "冒充的补充"},
        fields={**fields, "csrf_token": stranger.csrf_token()},
        _expected_redirect="petitions.lookup",
    )
    wrong = stranger.post(
        "petitions.lookup",
        _data={"tracking_number": petition.tracking_number, "query_code": "2345-6789-ABCD"},
        _expected_status=400,
    )
    assert "We found no petition with this tracking number and query code." in wrong.get_text()
    for _ in range(app.config["LOOKUP_MAX_FAILURES"]):
        stranger.post(
            "petitions.lookup",
            _data={"tracking_number": petition.tracking_number, "query_code": "2345-6789-ABCD"},
            _expected_status=400,
        )
    locked = stranger.post(
        "petitions.lookup",
        _data={"tracking_number": petition.tracking_number, "query_code": code},
        _expected_status=400,
    )
    assert "locked" in locked.get_text()
    assert additions() == []


def test_adding_material_is_rate_limited(english, app):
    petition, code = make_petition()
    open_progress(english, petition, code)
    app.config["PUBLIC_FORM_ATTEMPT_LIMIT"] = "2 per minute"
    try:
        add_material(english, petition, {"body": "   "}, _expected_status=400)
        add_material(english, petition, {"body": "   "}, _expected_status=400)
        add_material(english, petition, {"body": "   "}, _expected_status=429)
    finally:
        app.config["PUBLIC_FORM_ATTEMPT_LIMIT"] = "1000 per minute"


def test_a_double_submit_is_stored_once(english):
    petition, code = make_petition()
    fields = material_fields(open_progress(english, petition, code))
    add_material(
        english, petition, {"body": "只应保存一次。"}, fields=fields, files=[("a.pdf", PDF)]
    )
    add_material(
        english, petition, {"body": "只应保存一次。"}, fields=fields, files=[("a.pdf", PDF)]
    )
    assert len(additions()) == 1
    assert len(db.session.scalars(sa.select(Attachment)).all()) == 1
    page = english.get("petitions.progress", number=petition.tracking_number)
    assert "This material was already sent; it is kept once." in page.get_text()
    assert codes_of(petition).count("petition.material_added") == 1


def test_the_same_key_from_two_requests_at_once_is_stored_once():
    """The UNIQUE key decides, not a check before the insert: the second write of the same key
    returns the first addition."""
    petition, _code = make_petition()
    first = services.add_material(
        petition, services.MaterialData(body="同一份"), submission_key="s" * 43
    )
    db.session.commit()
    again = services.add_material(
        petition, services.MaterialData(body="同一份"), submission_key="s" * 43
    )
    assert again.is_repeat and again.addition.id == first.addition.id


def staff_browser(app, user) -> ClientRequest:
    staff = ClientRequest(app.test_client())
    staff.client.set_cookie("portal_locale", "en")
    login(staff.client, user)
    return staff


def staff_act(staff, petition, action, data=None, **expected):
    expected.setdefault("_expected_redirect", "backoffice.show_petition")
    expected.setdefault("_redirect_values", {"number": petition.tracking_number})
    return take_action(
        staff,
        petition.tracking_number,
        action,
        {f"{action}-{name}": value for name, value in (data or {}).items()},
        **expected,
    )


def test_a_staff_request_shows_on_the_progress_page_and_the_answer_is_linked(app, english):
    petition, code = make_petition()
    clerk = make_user(Role.CLERK)
    staff = staff_browser(app, clerk)
    staff_act(staff, petition, "request-material", {"body": "请补充派出所出具的不予立案通知书。"})
    (request,) = db.session.scalars(sa.select(MaterialRequest)).all()
    (event,) = [e for e in audit.history(petition) if e.code == "petition.material_requested"]
    assert event.actor_id == clerk.id and event.detail == f"request={request.id}"
    assert "不予立案" not in event.detail  # the text stays on the request, not in the audit

    page = open_progress(english, petition, code)
    exchange = page.select_one("ol.exchange").get_text()
    assert "请补充派出所出具的不予立案通知书。" in exchange and "Awaiting your answer" in exchange
    assert (
        "The procuratorate asked a question or for material"
        in page.select_one("ol.timeline").get_text()
    )
    # The latest question is the one answered unless the petitioner says otherwise.
    assert page.select_one(f"input[name=answers][value='{request.id}']").has_attr("checked")

    add_material(english, petition, {"answers": str(request.id)}, files=[("通知书.pdf", PDF)])
    (addition,) = additions()
    assert addition.request_id == request.id
    page = english.get("petitions.progress", number=petition.tracking_number)
    assert "Awaiting your answer" not in page.get_text()
    assert page.select_one("input[name=answers]") is None  # nothing left to answer
    staff_page = staff.get("backoffice.show_petition", number=petition.tracking_number)
    assert "Answers the question of" in staff_page.select_one("ol.exchange").get_text()


def test_material_not_answering_a_question_is_kept_apart(english):
    petition, code = make_petition()
    workflow.request_material(petition, make_user(Role.CLERK), body="请补充身份证明。")
    db.session.commit()
    open_progress(english, petition, code)
    add_material(english, petition, {"answers": "0", "body": "另有一份新证据。"})
    assert additions()[0].request_id is None
    assert petition.open_material_requests  # still to be answered


def test_an_answer_cannot_name_another_petitions_question(english):
    petition, code = make_petition()
    other, _ = make_petition()
    theirs = workflow.request_material(other, make_user(Role.CLERK), body="请补充材料。")
    workflow.request_material(petition, make_user(Role.CLERK), body="请补充身份证明。")
    db.session.commit()
    open_progress(english, petition, code)
    page = add_material(
        english, petition, {"answers": str(theirs.id), "body": "答复"}, _expected_status=400
    )
    assert "Choose one of the questions listed on this page." in page.get_text()
    assert additions() == []


def queue_numbers(staff, code) -> list[str]:
    page = staff.get("backoffice.list_petitions", queue=code)
    return [a.get_text(strip=True) for a in page.select("table a") if a.get_text().startswith("XF")]


def test_new_material_shows_in_the_queue_until_someone_marks_it_read(app, english):
    petition, code = make_petition()
    quiet, _ = make_petition()
    clerk, handler = make_user(Role.CLERK), make_user(Role.HANDLER)
    workflow.acknowledge(petition, clerk, notice="已受理")
    workflow.assign(petition, clerk, handler=handler)
    db.session.commit()
    staff = staff_browser(app, handler)
    assert queue_numbers(staff, "new_material") == []

    open_progress(english, petition, code)
    add_material(english, petition, {"body": "补充一份证人名单。"})
    assert queue_numbers(staff, "new_material") == [petition.tracking_number]
    mine = staff.get("backoffice.list_petitions", queue="mine")
    assert "New material" in mine.select_one("tbody tr").get_text()
    dashboard = staff.get("backoffice.dashboard")
    card = dashboard.select_one("a[href$='queue=new_material']")
    assert card.select_one(".queue-count").get_text(strip=True) == "1"
    assert quiet.tracking_number not in queue_numbers(staff, "new_material")

    staff_act(staff, petition, "mark-material-read")
    assert queue_numbers(staff, "new_material") == []
    db.session.rollback()
    (addition,) = additions()
    assert addition.read_by_id == handler.id and addition.read_at is not None
    page = staff.get("backoffice.show_petition", number=petition.tracking_number)
    assert "read by" in page.select_one("ol.exchange").get_text()
    assert "mark-material-read" not in str(page)  # nothing left to mark
    staff_act(staff, petition, "mark-material-read", _expected_status=409, _expected_redirect=None)


def test_who_may_ask_for_material():
    """A clerk at intake (before a handler has it), the handler on their own petition, a leader
    on any; nobody once the petition is finished."""
    clerk, handler, other_handler, leader = (
        make_user(Role.CLERK),
        make_user(Role.HANDLER),
        make_user(Role.HANDLER),
        make_user(Role.LEADER),
    )
    publisher = make_user(Role.PUBLISHER)
    petition, _ = make_petition()
    assert workflow.can_request_material(petition, clerk)
    assert not workflow.can_request_material(petition, handler)  # not theirs
    assert workflow.can_request_material(petition, leader)
    assert not workflow.can_request_material(petition, publisher)
    workflow.acknowledge(petition, clerk, notice="已受理")
    assert workflow.can_request_material(petition, clerk)
    workflow.assign(petition, clerk, handler=handler)
    assert not workflow.can_request_material(petition, clerk)
    assert workflow.can_request_material(petition, handler)
    assert not workflow.can_request_material(petition, other_handler)
    with pytest.raises(InvalidTransition) as refused:
        workflow.request_material(petition, other_handler, body="请补充")
    assert refused.value.forbidden
    with pytest.raises(InvalidTransition):
        workflow.request_material(petition, handler, body="  ")
    workflow.draft_reply(petition, handler, kind="result", body="答复")
    workflow.approve(petition, leader)
    workflow.close(petition, leader, reason="已答复")
    assert petition.status == State.CLOSED
    assert not workflow.can_request_material(petition, leader)
    assert db.session.scalars(sa.select(MaterialRequest)).all() == []


def test_the_request_form_is_offered_only_to_who_may_ask(app):
    petition, _ = make_petition()
    clerk, handler = make_user(Role.CLERK), make_user(Role.HANDLER)
    page = staff_browser(app, clerk).get(
        "backoffice.show_petition", number=petition.tracking_number
    )
    assert page.select_one("form[action$='/request-material']") is not None
    staff = staff_browser(app, handler)
    page = staff.get("backoffice.show_petition", number=petition.tracking_number)
    assert page.select_one("form[action$='/request-material']") is None
    refused = staff_act(
        staff,
        petition,
        "request-material",
        {"body": "请补充"},
        _expected_status=403,
        _expected_redirect=None,
    )
    assert "Only the assigned handler or a leader can ask for material" in refused.get_text()
