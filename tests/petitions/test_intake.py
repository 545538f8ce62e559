"""Filing a petition online: validation, uploads, receipts, and no double submissions.

The form is filled in like a browser does: its hidden fields (CSRF token, one-time submission key)
from the page, then the typed values (`client_request.form_fields`, tests/web.py).
"""

from __future__ import annotations

import io
import re
import threading

import pytest
import sqlalchemy as sa

from portal.core.forms import is_valid_resident_id
from portal.core.submission_keys import SubmissionClaim
from portal.extensions import db
from portal.petitions.models import Attachment, Petition
from tests.web import url

VALID = {
    "kind": "complaint",
    "name": "刘某某",
    "mobile": "138 0000 0001",
    "subject": "反映派出所不予立案",
    "body": "本人九月向派出所报案，至今未予立案，请求检察机关依法监督。",
    "declaration": "y",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 50
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\nstartxref\n0\n%%EOF\n"


@pytest.fixture
def english(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


def petitions_count():
    return db.session.scalar(sa.select(sa.func.count(Petition.id)))


def submit(client_request, data, *, _expected_status=200, tokens=None):
    """Post the petition form with `data`; a receipt (200) or the form with its errors (400)."""
    tokens = tokens or client_request.form_fields("petitions.new_petition")
    return client_request.post(
        "petitions.new_petition", _data={**tokens, **data}, _expected_status=_expected_status
    )


def receipt_codes(page) -> tuple[str, str]:
    return (
        page.select_one("#tracking-number").get_text(strip=True),
        page.select_one("#query-code").get_text(strip=True),
    )


def test_a_valid_petition_gets_a_tracking_number_and_a_query_code(client_request):
    number, code = receipt_codes(submit(client_request, VALID))
    assert re.fullmatch(r"XF\d{4}-\d{6}", number)
    assert re.fullmatch(r"[2-9A-HJKMNP-TW-Z]{4}(-[2-9A-HJKMNP-TW-Z]{4}){2}", code)
    assert client_request.response.headers["Cache-Control"] == "no-store"
    petition = db.session.scalar(sa.select(Petition).where(Petition.tracking_number == number))
    assert petition.mobile == "13800000001"  # normalised
    assert petition.channel == "web" and petition.status == "received"
    assert code.replace("-", "") not in petition.query_code_hash


def test_the_receipt_is_committed_before_it_is_shown(client_request):
    submit(client_request, VALID)
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
    page = submit(english, {**VALID, **changes}, _expected_status=400)
    assert message in page.get_text()
    assert page.select_one(f'.error-summary a[href="#{field}"]') is not None  # links to the field
    assert message in page.select_one(f"#{field}-error").get_text()
    assert page.title.get_text().startswith("Error:")
    if changes.get("subject", "x") and field != "subject":
        # Other fields keep their values.
        assert page.select_one("input[name=subject]")["value"] == "反映派出所不予立案"
    assert petitions_count() == 0


def test_messages_are_in_chinese_by_default(client_request):
    page = submit(client_request, {**VALID, "mobile": "123"}, _expected_status=400)
    error = page.select_one("#mobile-error").get_text()
    assert "Enter a mainland mobile number" not in error
    assert re.search(r"[\u4e00-\u9fff]", error)


def test_resident_id_check_digit():
    assert is_valid_resident_id("11010519491231002X")
    assert not is_valid_resident_id("110105194912310021")
    assert not is_valid_resident_id("11010519491231002x")  # the form upper-cases first


def test_an_anonymous_report_needs_no_contact_and_keeps_none(client_request):
    submit(
        client_request,
        {**VALID, "kind": "report", "is_anonymous": "y", "name": "张三", "mobile": "13800000001"},
    )
    petition = db.session.scalar(sa.select(Petition))
    assert petition.is_anonymous and petition.name is None and petition.mobile is None


def test_html_is_shown_as_text_never_run(client_request):
    script = "<script>alert('x')</script>"
    submit(client_request, {**VALID, "subject": script, "body": script * 3})
    submit(client_request, {**VALID, "body": "短"}, _expected_status=400)
    assert script not in client_request.response.get_data(as_text=True)
    receipt = submit(client_request, {**VALID, "subject": script})
    html = client_request.response.get_data(as_text=True)
    assert script not in html and "&lt;script&gt;" in html
    assert script in receipt.get_text()  # shown, as text


def test_a_post_without_csrf_token_is_refused_and_nothing_is_saved(client_request):
    tokens = client_request.form_fields("petitions.new_petition")
    client_request.post(
        "petitions.new_petition",
        _data={**VALID, "submission_key": tokens["submission_key"]},
        _csrf=False,
        _expected_status=400,
    )
    assert "Traceback" not in client_request.response.get_data(as_text=True)
    assert petitions_count() == 0


def test_a_double_click_or_reload_files_one_petition_and_shows_the_same_receipt(english):
    tokens = english.form_fields("petitions.new_petition")
    first = submit(english, VALID, tokens=tokens)
    again = submit(english, VALID, tokens=tokens)
    assert petitions_count() == 1
    assert receipt_codes(first) == receipt_codes(again)
    assert "already submitted" not in first.get_text()
    assert "This form was already submitted." in again.get_text()


def test_a_form_stored_before_keys_were_claimed_and_posted_again_shows_its_receipt(english):
    """The petition's own UNIQUE key hash is the last guard: a form posted before the claims
    table existed (its claim is missing) and again since files nothing new."""
    tokens = english.form_fields("petitions.new_petition")
    first = submit(english, VALID, tokens=tokens)
    db.session.execute(sa.delete(SubmissionClaim))
    db.session.commit()
    again = submit(english, VALID, tokens=tokens)
    assert petitions_count() == 1
    assert receipt_codes(first) == receipt_codes(again)
    assert "This form was already submitted." in again.get_text()


def test_parallel_submissions_of_the_same_form_create_one_petition(app, client_request):
    tokens = client_request.form_fields("petitions.new_petition")
    session_cookie = client_request.client.get_cookie("session").value
    form_url = url("petitions.new_petition")
    statuses = []

    def post():
        with app.test_client() as c:
            c.set_cookie("session", session_cookie)
            statuses.append(c.post(form_url, data={**tokens, **VALID}).status_code)

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 6
    assert petitions_count() == 1


def upload(client_request, files, *, _expected_status=200, **changes):
    data = {**VALID, **changes, "attachments": [(io.BytesIO(c), name) for name, c in files]}
    return submit(client_request, data, _expected_status=_expected_status)


def test_attachments_are_stored_with_their_checked_type(client_request):
    upload(client_request, [("照片.png", PNG), ("材料.pdf", PDF)])
    attachments = db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()
    assert [(a.filename, a.content_type) for a in attachments] == [
        ("照片.png", "image/png"),
        ("材料.pdf", "application/pdf"),
    ]


def test_a_repeated_form_shows_the_files_the_first_submission_filed(english):
    tokens = english.form_fields("petitions.new_petition")

    def post():
        files = [(io.BytesIO(PNG), "照片.png"), (io.BytesIO(PDF), "材料.pdf")]
        return submit(english, {**VALID, "attachments": files}, tokens=tokens)

    first = post()
    db.session.expunge_all()  # the repeat reads the petition afresh, as another worker would
    again = post()
    assert "This form was already submitted." in again.get_text()
    for receipt in (first, again):
        listed = receipt.get_text()
        assert "照片.png" in listed and "材料.pdf" in listed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 2


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
    page = upload(english, [(name, content)], _expected_status=400)
    assert message in page.get_text()
    assert petitions_count() == 0


def test_more_than_five_files_are_refused(english):
    page = upload(english, [(f"{i}.png", PNG) for i in range(6)], _expected_status=400)
    assert "Attach at most 5 files." in page.get_text()


def test_an_oversized_file_is_refused(english, app):
    app.config["MAX_ATTACHMENT_BYTES"] = 1000
    try:
        page = upload(english, [("big.pdf", PDF + b"0" * 2000)], _expected_status=400)
    finally:
        app.config["MAX_ATTACHMENT_BYTES"] = 10 * 1024 * 1024
    assert "is larger than" in page.get_text()


def test_a_request_over_the_total_limit_gets_the_413_page(english, app):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    try:
        page = upload(english, [("big.pdf", PDF + b"0" * 20_000)], _expected_status=413)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 51 * 1024 * 1024
    assert "What you sent is too large" in page.get_text()


def test_the_public_form_is_rate_limited_by_its_submissions(english, app):
    app.config["PUBLIC_FORM_LIMIT"] = "2 per minute"
    try:
        submit(english, {**VALID, "body": "短"}, _expected_status=400)  # not counted
        submit(english, VALID)
        submit(english, VALID)
        page = submit(english, VALID, _expected_status=429)
    finally:
        app.config["PUBLIC_FORM_LIMIT"] = "1000 per minute"
    assert petitions_count() == 2
    assert page.select_one("input[name=subject]")["value"] == VALID["subject"]
