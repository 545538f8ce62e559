"""Attachments survive a form error: the petition form keeps the files already accepted, lists
them ("already attached"), sends them with the corrected form without choosing them again, lets
one be removed, and keeps them from any other browser. The receipt lists what was received."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.petitions.models import Attachment, Petition
from tests.petitions.test_intake import PDF, PNG, VALID, petitions_count, submit


@pytest.fixture
def english(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


def files(*named):
    return [(io.BytesIO(content), name) for name, content in named]


def returned_tokens(page) -> dict:
    """The hidden fields of the form drawn again, as the browser sends them back."""
    return {
        field["name"]: field.get("value", "")
        for field in page.select("form input[type=hidden][name]")
        if field["name"] in ("csrf_token", "submission_key")
    }


def held_names(page) -> list[str]:
    return [n.get_text(strip=True) for n in page.select(".held-files__name")]


def stored_attachments() -> list[tuple[str, int]]:
    rows = db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()
    return [(a.filename, a.size) for a in rows]


def test_a_file_chosen_with_an_error_elsewhere_is_kept_and_submitted(english):
    failed = submit(
        english,
        {**VALID, "subject": "", "attachments": files(("证据.pdf", PDF), ("照片.png", PNG))},
        _expected_status=400,
    )
    assert "Enter a subject." in failed.text
    assert held_names(failed) == ["证据.pdf", "照片.png"]
    assert petitions_count() == 0
    # Corrected, no file chosen again: the held files go with it.
    receipt = submit(english, VALID, tokens=returned_tokens(failed))
    assert stored_attachments() == [("证据.pdf", len(PDF)), ("照片.png", len(PNG))]
    listed = [li.get_text(" ", strip=True) for li in receipt.select(".attachment-list li")]
    assert listed == ["证据.pdf, 1 KB", "照片.png, 1 KB"]


def test_a_file_chosen_again_while_held_is_stored_once(english):
    failed = submit(
        english, {**VALID, "subject": "", "attachments": files(("证据.pdf", PDF))},
        _expected_status=400,
    )  # fmt: skip
    again = submit(
        english, {**VALID, "body": "短", "attachments": files(("证据.pdf", PDF))},
        tokens=returned_tokens(failed), _expected_status=400,
    )  # fmt: skip
    assert held_names(again) == ["证据.pdf"]
    submit(english, VALID, tokens=returned_tokens(again))
    assert stored_attachments() == [("证据.pdf", len(PDF))]


def test_a_removed_held_file_is_not_submitted(english):
    failed = submit(
        english,
        {**VALID, "subject": "", "attachments": files(("证据.pdf", PDF), ("照片.png", PNG))},
        _expected_status=400,
    )
    remove = failed.select(".held-files__remove")[0]
    after_removal = english.post(
        "petitions.new_petition",
        _data={**VALID, "subject": "", **returned_tokens(failed), remove["name"]: remove["value"]},
        _expected_status=200,
    )
    assert held_names(after_removal) == ["照片.png"]
    assert after_removal.select_one("textarea[name=body]").get_text().strip() == VALID["body"]
    submit(english, VALID, tokens=returned_tokens(after_removal))
    assert stored_attachments() == [("照片.png", len(PNG))]


def test_another_browser_cannot_use_or_see_a_held_file(english, new_client_request, app):
    failed = submit(
        english, {**VALID, "subject": "", "attachments": files(("证据.pdf", PDF))},
        _expected_status=400,
    )  # fmt: skip
    # The page was copied to another browser: same submission key, its own session.
    stranger = new_client_request()
    tokens = {**stranger.form_fields("petitions.new_petition"),
              "submission_key": returned_tokens(failed)["submission_key"]}  # fmt: skip
    receipt = submit(stranger, VALID, tokens=tokens)
    assert receipt.select(".attachment-list li") == []
    assert stored_attachments() == []
    # The owner's held file is untouched by the stranger's submission.
    assert list(Path(app.config["UPLOAD_DIR"]).rglob("held-*.pdf"))


def test_the_held_files_are_removed_once_the_form_is_submitted(english, app):
    upload_dir = Path(app.config["UPLOAD_DIR"])
    before = set(upload_dir.rglob("held-*"))
    failed = submit(
        english, {**VALID, "subject": "", "attachments": files(("证据.pdf", PDF))},
        _expected_status=400,
    )  # fmt: skip
    assert len(set(upload_dir.rglob("held-*")) - before) == 2  # the file and its list
    submit(english, VALID, tokens=returned_tokens(failed))
    assert set(upload_dir.rglob("held-*")) == before


def test_an_anonymous_report_keeps_no_personal_details_and_the_receipt_says_so(english):
    """Without JavaScript the personal fields are still sent with an anonymous report."""
    receipt = submit(
        english,
        {**VALID, "kind": "report", "is_anonymous": "y", "email": "liu@example.com",
         "notify_by_sms": "y"},
    )  # fmt: skip
    petition = db.session.scalar(sa.select(Petition))
    assert petition.is_anonymous
    assert (petition.name, petition.mobile, petition.email) == (None, None, None)
    assert not petition.notify_by_sms and not petition.notify_by_email
    dropped = receipt.select_one(".receipt .notice").get_text(" ", strip=True)
    assert "Full name" in dropped and "Mobile number" in dropped and "E-mail address" in dropped
