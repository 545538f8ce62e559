"""A submission that fails on a real fault (a full or read-only upload disk, a database another
writer holds) leaves neither a file nor a row, and answers with the same form: what was typed is
still in it, and the message at the top says that nothing was saved. The next submission, once
the fault is gone, goes through."""

from __future__ import annotations

import io
import subprocess
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.core import clock, filestore, uploads
from portal.core.permissions import Role
from portal.core.sessions import LoginSession
from portal.extensions import db
from portal.lawyers.models import BindingDocument, CaseBinding
from portal.petitions import workflow
from portal.petitions.models import Attachment, Petition
from tests.capabilities import missing_capability
from tests.factories import PDF, PETITION_FORM, make_petition, make_user
from tests.lawyers.factories import binding_form, login_lawyer, make_case, make_lawyer
from tests.web import ClientRequest

NOT_SAVED = "what you sent was not saved"
TEXT_KEPT = "What you typed is still in the form below"
FILES_NOT_STORED = "Your files could not be stored because of a problem on our side"


@pytest.fixture
def english(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


def count(model) -> int:
    db.session.rollback()  # a fresh look, after the request's own transaction
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def files_in(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file()]


def error_summary(page) -> str:
    return page.select_one(".error-summary").get_text(" ", strip=True)


def form_values(page) -> dict:
    """What a browser sends back from the page's form as it stands (file inputs come back empty:
    no browser refills them)."""
    form = page.select_one("main form[method=post]")
    values = {}
    for field in form.select("input[name]"):
        kind = field.get("type", "text")
        if kind == "file" or (kind in ("radio", "checkbox") and not field.has_attr("checked")):
            continue
        values[field["name"]] = field.get("value", "")
    for field in form.select("textarea[name]"):
        values[field["name"]] = field.get_text().removeprefix("\n")
    for field in form.select("select[name]"):
        chosen = field.select_one("option[selected]")
        values[field["name"]] = chosen["value"] if chosen else ""
    return values


def assert_typed_text_kept(page):
    assert page.select_one("input[name=subject]")["value"] == PETITION_FORM["subject"]
    assert page.select_one("textarea[name=body]").get_text().strip() == PETITION_FORM["body"]
    assert page.select_one("input[name=name]")["value"] == PETITION_FORM["name"]


# ---- the upload disk ---------------------------------------------------------------------------


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@pytest.fixture
def upload_disk(app, tmp_path):
    """A 64 KiB tmpfs of its own as UPLOAD_DIR, unmounted afterwards."""
    directory = tmp_path / "uploads"
    directory.mkdir()
    try:
        _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(directory))
    except (OSError, subprocess.CalledProcessError) as error:
        missing_capability(f"mounting a small tmpfs as the upload disk needs root: {error}")
    app.config["UPLOAD_DIR"], before = str(directory), app.config["UPLOAD_DIR"]
    yield directory
    app.config["UPLOAD_DIR"] = before
    subprocess.run(["umount", str(directory)], check=True)


@contextmanager
def disk_full(directory: Path):
    """Fill the disk to the last byte; emptied again on leaving."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as out:
        try:
            while out.write(b"\0" * 4096):
                pass
        except OSError:
            pass
    try:
        yield
    finally:
        filler.unlink()


@contextmanager
def read_only(directory: Path):
    """Root may write anywhere chmod forbids; a read-only mount stops it too."""
    _mount("-o", "remount,ro", str(directory))
    try:
        yield
    finally:
        _mount("-o", "remount,rw", str(directory))


def test_a_full_upload_disk_saves_nothing_and_keeps_the_text(english, upload_disk):
    tokens = english.form_fields("petitions.new_petition")
    attachments = [(io.BytesIO(PDF), "情况说明.pdf"), (io.BytesIO(PDF), "照片说明.pdf")]
    with disk_full(upload_disk):
        page = english.post(
            "petitions.new_petition",
            _data={**tokens, **PETITION_FORM, "attachments": attachments},
            _expected_status=503,
        )
        assert files_in(upload_disk) == [upload_disk / "filler"]  # no empty file left behind
    assert FILES_NOT_STORED in error_summary(page)
    assert "nothing was saved" in error_summary(page)
    assert "choose the files again" in error_summary(page)
    assert_typed_text_kept(page)
    assert count(Petition) == 0 and count(Attachment) == 0

    again = {**form_values(page), "attachments": [(io.BytesIO(PDF), "情况说明.pdf")]}
    english.post("petitions.new_petition", _data=again, _expected_status=200)
    assert count(Petition) == 1
    stored = db.session.scalar(sa.select(Attachment))
    assert [path.name for path in files_in(upload_disk)] == [stored.storage_key]


def test_a_read_only_upload_disk_saves_nothing_and_keeps_the_text(app, upload_disk):
    """A logged-in lawyer: the login session's touch, committed before the view ran, does not
    make the page say that something may have been saved."""
    case = make_case()
    lawyer = ClientRequest(app.test_client())
    lawyer.client.set_cookie("portal_locale", "en")
    login_lawyer(lawyer.client, make_lawyer())
    db.session.execute(
        sa.update(LoginSession).values(last_seen_at=clock.now() - timedelta(minutes=5))
    )
    db.session.commit()
    with read_only(upload_disk):
        page = lawyer.post("lawyers.bind_case", _data=binding_form(case), _expected_status=503)
    assert FILES_NOT_STORED in error_summary(page)
    assert "may have been saved" not in page.get_text()
    assert page.select_one("input[name=case_number]")["value"] == case.case_number
    assert page.select_one("input[name=client_name]")["value"] == "赵某"
    assert files_in(upload_disk) == []
    assert count(CaseBinding) == 0 and count(BindingDocument) == 0

    lawyer.post("lawyers.bind_case", _data=binding_form(case))
    assert count(CaseBinding) == 1 and count(BindingDocument) == 3
    assert len(files_in(upload_disk)) == 3


# ---- the database ------------------------------------------------------------------------------


@contextmanager
def database_held_by_another_writer(table: str = "petitions"):
    """Another connection holds the write lock (SQLite: the whole file; PostgreSQL: `table`),
    and the portal's connections wait for it for 100 ms instead of seconds."""
    engine = db.engine
    is_sqlite = engine.dialect.name == "sqlite"

    def impatient(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 100" if is_sqlite else "SET lock_timeout = 100")
        cursor.close()
        dbapi_connection.commit()

    db.session.remove()
    sa.event.listen(engine, "connect", impatient)
    engine.dispose()
    holder = engine.connect()
    try:
        holder.begin()  # outside a request: BEGIN IMMEDIATE on SQLite (core/database.py)
        if not is_sqlite:
            # EXCLUSIVE, as a writer's lock: others may still read (and draw the form again).
            holder.exec_driver_sql(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        yield
    finally:
        holder.rollback()
        holder.close()
        sa.event.remove(engine, "connect", impatient)
        engine.dispose()


def test_a_petition_the_database_refused_is_not_saved_and_the_text_is_kept(english):
    tokens = english.form_fields("petitions.new_petition")
    with database_held_by_another_writer():
        page = english.post(
            "petitions.new_petition", _data={**tokens, **PETITION_FORM}, _expected_status=503
        )
    summary = error_summary(page)
    assert NOT_SAVED in summary and TEXT_KEPT in summary and "12309" in summary
    assert "attached" not in summary  # no file was sent
    assert "lost" not in page.get_text()
    assert page.title.get_text().startswith("Error:")
    assert_typed_text_kept(page)
    assert count(Petition) == 0

    english.post("petitions.new_petition", _data=form_values(page), _expected_status=200)
    assert count(Petition) == 1


def test_a_signed_in_form_the_database_refused_comes_back_with_the_text(app):
    """Drawing the form again reads the signed-in account: on SQLite that read must not wait
    for the write lock that made the submission fail (core/database.py)."""
    case = make_case()
    lawyer = ClientRequest(app.test_client())
    lawyer.client.set_cookie("portal_locale", "en")
    login_lawyer(lawyer.client, make_lawyer())
    with database_held_by_another_writer("case_bindings"):
        page = lawyer.post("lawyers.bind_case", _data=binding_form(case), _expected_status=503)
    summary = error_summary(page)
    assert NOT_SAVED in summary and "choose them again" not in summary
    assert len(page.select(".held-files__name")) == 3  # the papers are kept for the next try
    assert page.select_one("input[name=client_name]")["value"] == "赵某"
    assert count(CaseBinding) == 0 and count(BindingDocument) == 0


def test_the_attached_files_are_kept_for_the_next_try(english):
    tokens = english.form_fields("petitions.new_petition")
    data = {**tokens, **PETITION_FORM, "attachments": [(io.BytesIO(PDF), "情况说明.pdf")]}
    with database_held_by_another_writer():
        page = english.post("petitions.new_petition", _data=data, _expected_status=503)
    assert TEXT_KEPT in error_summary(page)
    assert "choose them again" not in error_summary(page)
    assert [n.get_text(strip=True) for n in page.select(".held-files__name")] == ["情况说明.pdf"]
    assert_typed_text_kept(page)
    assert count(Attachment) == 0
    # Sent again as the page stands (no file chosen): the held file goes with it.
    english.post("petitions.new_petition", _data=form_values(page), _expected_status=200)
    assert [a.filename for a in db.session.scalars(sa.select(Attachment))] == ["情况说明.pdf"]


def test_the_form_drawn_again_is_not_counted_twice_against_the_limit(app, english):
    tokens = english.form_fields("petitions.new_petition")
    app.config["PUBLIC_FORM_LIMIT"] = "1 per minute"
    try:
        with database_held_by_another_writer():
            page = english.post(
                "petitions.new_petition", _data={**tokens, **PETITION_FORM}, _expected_status=503
            )
    finally:
        app.config["PUBLIC_FORM_LIMIT"] = "1000 per minute"
    assert TEXT_KEPT in error_summary(page)


def test_an_answer_to_a_reply_the_database_refused_comes_back_as_it_was_given(english):
    """The grade and the comment are in the form drawn again; nothing changed."""
    petition, code = make_petition()
    clerk, handler, leader = make_user(Role.CLERK), make_user(Role.HANDLER), make_user(Role.LEADER)
    workflow.acknowledge(petition, clerk, notice="已受理")
    workflow.assign(petition, clerk, handler=handler)
    workflow.draft_reply(petition, handler, kind="result", body="经审查，答复如下。")
    workflow.approve(petition, leader)
    db.session.commit()
    number = petition.tracking_number
    english.post(
        "petitions.lookup",
        _data={"tracking_number": number, "query_code": code},
        _expected_redirect="petitions.progress",
        _redirect_values={"number": number},
    )
    reply_id = english.get("petitions.progress", number=number).select_one("input[name=reply_id]")[
        "value"
    ]
    answer = {"reply_id": reply_id, "grade": "basically_satisfied", "comment": "基本解决了"}
    with database_held_by_another_writer("replies"):
        page = english.post(
            "petitions.grade_reply", number=number, _data=answer, _expected_status=503
        )
    summary = error_summary(page)
    assert NOT_SAVED in summary and TEXT_KEPT in summary
    assert page.select_one("input[name=grade][value=basically_satisfied]").has_attr("checked")
    assert page.select_one("textarea[name=comment]").get_text(strip=True) == "基本解决了"
    db.session.rollback()
    assert db.session.get(Petition, petition.id).status == "answered"


def test_store_leaves_nothing_when_the_disk_is_full(upload_disk):
    upload = uploads.check_file("情况说明.pdf", PDF)
    with disk_full(upload_disk):
        with pytest.raises(uploads.StoreFailed):
            uploads.store(db.session, upload)
        assert files_in(upload_disk) == [upload_disk / "filler"]
    db.session.rollback()
    key = uploads.store(db.session, upload)
    db.session.commit()
    assert filestore.current().path(key).read_bytes() == PDF


def test_a_savepoint_that_rolls_back_removes_only_its_own_files(app, tmp_path):
    app.config["UPLOAD_DIR"], before = str(tmp_path), app.config["UPLOAD_DIR"]
    try:
        upload = uploads.check_file("情况说明.pdf", PDF)
        kept = filestore.current().path(uploads.store(db.session, upload))
        savepoint = db.session.begin_nested()
        dropped = filestore.current().path(uploads.store(db.session, upload))
        savepoint.rollback()
        assert kept.exists() and not dropped.exists()
        db.session.begin_nested().commit()  # a savepoint's release commits nothing yet
        db.session.rollback()
        assert not kept.exists()
    finally:
        app.config["UPLOAD_DIR"] = before
