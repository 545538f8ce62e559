"""Filing a petition online: validation, uploads, receipts, and no double submissions."""

from __future__ import annotations

import io
import re
import threading

import pytest
import sqlalchemy as sa

from portal.core.forms import is_valid_resident_id
from portal.extensions import db
from portal.petitions.models import Attachment, Petition
from tests.factories import form_tokens, submit_form

VALID = {
    "kind": "complaint",
    "name": "刘某某",
    "mobile": "138 0000 0001",
    "subject": "反映派出所不予立案",
    "body": "本人九月向派出所报案，至今未予立案，请求检察机关依法监督。",
    "declaration": "y",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 50
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def english(client):
    client.set_cookie("portal_locale", "en")
    return client


def petitions_count():
    return db.session.scalar(sa.select(sa.func.count(Petition.id)))


def test_a_valid_petition_gets_a_tracking_number_and_a_query_code(client):
    response = submit_form(client, "/petitions/new", VALID)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    number = re.search(r'id="tracking-number">(XF\d{4}-\d{6})<', html).group(1)
    code = re.search(r'id="query-code">([A-Z0-9-]+)<', html).group(1)
    assert re.fullmatch(r"[2-9A-HJKMNP-TW-Z]{4}(-[2-9A-HJKMNP-TW-Z]{4}){2}", code)
    assert response.headers["Cache-Control"] == "no-store"
    petition = db.session.scalar(sa.select(Petition).where(Petition.tracking_number == number))
    assert petition.mobile == "13800000001"  # normalised
    assert petition.channel == "web" and petition.status == "received"
    assert code.replace("-", "") not in petition.query_code_hash


def test_the_receipt_is_committed_before_it_is_shown(app, client):
    submit_form(client, "/petitions/new", VALID)
    db.session.rollback()  # the request is over: end the test's own read transaction
    # A new connection, outside the request's session, sees the petition.
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM petitions")).scalar() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": ""}, "kind", "Choose what kind of matter it is."),
        ({"kind": "bribe"}, "kind", "Not a valid choice"),
        ({"name": ""}, "name", "Enter your full name, or choose to report anonymously."),
        ({"mobile": ""}, "mobile", "Enter your mobile number so that we can contact you."),
        ({"mobile": "1234567"}, "mobile", "Enter a mainland mobile number of 11 digits"),
        ({"mobile": "12800000000"}, "mobile", "Enter a mainland mobile number of 11 digits"),
        ({"email": "not-an-address"}, "email", "Enter an e-mail address like name@example.com."),
        (
            {"id_number": "11010519491231002"},
            "id_number",
            "Enter an ID card number of 18 characters",
        ),
        ({"id_number": "110105194912310020"}, "id_number", "This ID card number is not valid."),
        ({"subject": ""}, "subject", "Enter a subject."),
        ({"subject": "x" * 101}, "subject", "Use between 2 and 100 characters."),
        ({"body": "太短"}, "body", "Use between 10 and 10000 characters."),
        ({"body": "字" * 10_001}, "body", "Use between 10 and 10000 characters."),
        (
            {"body": "text with a \x00 null byte inside it"},
            "body",
            "Remove the invisible control characters",
        ),
        ({"declaration": ""}, "declaration", "Confirm the declaration to submit."),
        ({"is_anonymous": "y"}, "is_anonymous", "Only reports can be made anonymously."),
    ],
)
def test_each_rule_gives_a_clear_message_and_keeps_what_was_typed(english, changes, field, message):
    data = {**VALID, **changes}
    response = submit_form(english, "/petitions/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert f'href="#{field}"' in html  # the error summary links to the field
    assert f'id="{field}-error"' in html
    assert "<title>Error:" in html
    if changes.get("subject", "x") and field != "subject":
        assert 'value="反映派出所不予立案"' in html  # other fields keep their values
    assert petitions_count() == 0


def test_messages_are_in_chinese_by_default(client):
    html = submit_form(client, "/petitions/new", {**VALID, "mobile": "123"}).get_data(as_text=True)
    assert "Enter a mainland mobile number" not in html
    assert re.search(r'id="mobile-error"[^>]*>.*[\u4e00-\u9fff]', html, re.S)


def test_resident_id_check_digit():
    assert is_valid_resident_id("11010519491231002X")
    assert not is_valid_resident_id("110105194912310021")
    assert not is_valid_resident_id("11010519491231002x")  # the form upper-cases first


def test_an_anonymous_report_needs_no_contact_and_keeps_none(client):
    response = submit_form(
        client,
        "/petitions/new",
        {**VALID, "kind": "report", "is_anonymous": "y", "name": "张三", "mobile": "13800000001"},
    )
    assert response.status_code == 200
    petition = db.session.scalar(sa.select(Petition))
    assert petition.is_anonymous and petition.name is None and petition.mobile is None


def test_html_is_shown_as_text_never_run(client, app):
    script = "<script>alert('x')</script>"
    submit_form(client, "/petitions/new", {**VALID, "subject": script, "body": script * 3})
    html = submit_form(client, "/petitions/new", {**VALID, "body": "短"}).get_data(as_text=True)
    assert script not in html
    receipt = submit_form(client, "/petitions/new", {**VALID, "subject": script}).get_data(
        as_text=True
    )
    assert script not in receipt and "&lt;script&gt;" in receipt


def test_a_post_without_csrf_token_is_refused_and_nothing_is_saved(client):
    tokens = form_tokens(client, "/petitions/new")
    response = client.post(
        "/petitions/new", data={**VALID, "submission_key": tokens["submission_key"]}
    )
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)
    assert petitions_count() == 0


def test_a_double_click_or_reload_files_one_petition_and_shows_the_same_receipt(client):
    tokens = form_tokens(client, "/petitions/new")
    first = client.post("/petitions/new", data={**tokens, **VALID}).get_data(as_text=True)
    again = client.post("/petitions/new", data={**tokens, **VALID}).get_data(as_text=True)
    code = re.compile(r'id="query-code">([A-Z0-9-]+)<')
    number = re.compile(r'id="tracking-number">([A-Z0-9-]+)<')
    assert petitions_count() == 1
    assert code.search(first).group(1) == code.search(again).group(1)
    assert number.search(first).group(1) == number.search(again).group(1)
    assert "already submitted" in again or "已经提交" in again or "已提交" in again


def test_parallel_submissions_of_the_same_form_create_one_petition(app):
    client = app.test_client()
    tokens = form_tokens(client, "/petitions/new")
    statuses = []

    def post():
        with app.test_client() as c:
            c.set_cookie("session", client.get_cookie("session").value)
            statuses.append(c.post("/petitions/new", data={**tokens, **VALID}).status_code)

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 6
    assert petitions_count() == 1


def upload(client, files, **changes):
    data = {
        **form_tokens(client, "/petitions/new"),
        **VALID,
        **changes,
        "attachments": [(io.BytesIO(content), name) for name, content in files],
    }
    return client.post("/petitions/new", data=data, content_type="multipart/form-data")


def test_attachments_are_stored_with_their_checked_type(client):
    response = upload(client, [("照片.png", PNG), ("材料.pdf", PDF)])
    assert response.status_code == 200
    attachments = db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()
    assert [(a.filename, a.content_type) for a in attachments] == [
        ("照片.png", "image/png"),
        ("材料.pdf", "application/pdf"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "evil.pdf",
            b"<html><script>alert(1)</script></html>",
            "is not a PDF, JPEG, PNG or DOCX file",
        ),
        ("photo.png", b"MZ\x90\x00" + b"\x00" * 100, "is not a PDF, JPEG, PNG or DOCX file"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_disguised_or_empty_files_are_refused(english, name, content, message):
    response = upload(english, [(name, content)])
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert petitions_count() == 0


def test_more_than_five_files_are_refused(english):
    response = upload(english, [(f"{i}.png", PNG) for i in range(6)])
    assert response.status_code == 400
    assert "Attach at most 5 files." in response.get_data(as_text=True)


def test_an_oversized_file_is_refused(english, app):
    app.config["MAX_ATTACHMENT_BYTES"] = 1000
    try:
        response = upload(english, [("big.pdf", PDF + b"0" * 2000)])
    finally:
        app.config["MAX_ATTACHMENT_BYTES"] = 10 * 1024 * 1024
    assert response.status_code == 400
    assert "is larger than" in response.get_data(as_text=True)


def test_a_request_over_the_total_limit_gets_the_413_page(english, app):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    try:
        response = upload(english, [("big.pdf", PDF + b"0" * 20_000)])
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 51 * 1024 * 1024
    assert response.status_code == 413
    assert "The files are too large" in response.get_data(as_text=True)


def test_the_public_form_is_rate_limited(english, app):
    app.config["PUBLIC_FORM_LIMIT"] = "2 per minute"
    try:
        codes = [
            submit_form(english, "/petitions/new", {**VALID, "body": "短"}).status_code
            for _ in range(3)
        ]
    finally:
        app.config["PUBLIC_FORM_LIMIT"] = "1000 per minute"
    assert codes == [400, 400, 429]
