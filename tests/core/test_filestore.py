"""The file stores behind FILE_STORE (portal/core/filestore.py): on disk for one host, in the
database for several. Either way a file exists exactly when the transaction that records it
committed, what was stored is what is read back and downloaded, and `flask check-files` sees it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.core import clock, filestore, uploads
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions.models import Attachment
from tests.factories import PDF, login, make_petition, make_user
from tests.web import url


@pytest.fixture(params=[filestore.DISK, filestore.DATABASE])
def store(request, app, tmp_path):
    saved = app.config["FILE_STORE"], app.config["UPLOAD_DIR"]
    app.config.update(FILE_STORE=request.param, UPLOAD_DIR=str(tmp_path / "uploads"))
    yield filestore.current()
    app.config["FILE_STORE"], app.config["UPLOAD_DIR"] = saved


def stored_attachment(data=PDF) -> Attachment:
    petition, _code = make_petition()
    upload = uploads.check_file("情况说明.pdf", data)
    attachment = Attachment(
        petition=petition,
        filename=upload.filename,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_at=clock.now(),
        storage_key=uploads.store(db.session, upload),
    )
    db.session.add(attachment)
    return attachment


def test_a_file_committed_with_its_row_is_read_back_as_stored(store):
    attachment = stored_attachment()
    db.session.commit()
    assert store.read(attachment.storage_key) == PDF
    assert store.exists(attachment.storage_key)
    assert [e.key for e in store.entries()] == [attachment.storage_key]


def test_a_file_whose_transaction_rolls_back_is_gone(store):
    key = stored_attachment().storage_key
    db.session.rollback()
    assert store.read(key) is None and not store.exists(key)
    assert store.entries() == []


def test_the_database_store_keeps_nothing_on_disk(store, tmp_path):
    stored_attachment()
    db.session.commit()
    on_disk = [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]
    assert bool(on_disk) == (store.name == filestore.DISK)


def test_staff_download_what_was_stored(store, client):
    attachment = stored_attachment()
    db.session.commit()
    clerk = make_user(Role.CLERK)
    login(client, clerk)
    response = client.get(
        url(
            "backoffice.download_attachment",
            number=attachment.petition.tracking_number,
            attachment_id=attachment.id,
        )
    )
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_file_lost_from_the_store_is_a_404_not_a_crash(store, client, caplog):
    attachment = stored_attachment()
    db.session.commit()
    if store.name == filestore.DISK:
        store.path(attachment.storage_key).unlink()
    else:
        db.session.execute(sa.delete(filestore.StoredFile))
        db.session.commit()
    login(client, make_user(Role.CLERK))
    response = client.get(
        url(
            "backoffice.download_attachment",
            number=attachment.petition.tracking_number,
            attachment_id=attachment.id,
        )
    )
    assert response.status_code == 404
    assert "is missing" in caplog.text


def test_check_files_finds_orphans_and_lost_files_in_either_store(store, app):
    lost = stored_attachment()
    db.session.commit()
    store.write_now("cd" + "0" * 30 + ".pdf", PDF)  # a file no row names, e.g. a held one
    with clock.frozen(clock.now() + timedelta(hours=2)):
        if store.name == filestore.DISK:
            store.path(lost.storage_key).unlink()
        else:
            store.delete(lost.storage_key)
        result = app.test_cli_runner().invoke(args=["check-files", "--remove-orphans"])
    assert result.exit_code == 1
    assert "1 orphan file(s) removed" in result.output
    assert f"storage_key={lost.storage_key}" in result.output
    assert store.entries() == []


def test_the_setting_names_a_store_and_the_database_store_wants_postgresql(app):
    from portal.config import ConfigurationError, validate

    with pytest.raises(ConfigurationError, match="FILE_STORE"):
        validate({**app.config, "FILE_STORE": "s3"})
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        validate(
            {**app.config, "FILE_STORE": "database", "SQLALCHEMY_DATABASE_URI": "sqlite:///p.db"}
        )


def test_a_held_file_replaced_in_the_store_reads_as_the_new_one(store):
    store.write_now("held-" + "a" * 40 + ".json", b"[1]")
    store.write_now("held-" + "a" * 40 + ".json", b"[1, 2]")
    assert store.read("held-" + "a" * 40 + ".json") == b"[1, 2]"
