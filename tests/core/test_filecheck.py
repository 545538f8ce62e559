"""`flask check-files`: the operator learns of files no row refers to and rows whose file is
gone, in every table that stores files, and can remove the orphans."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.core import clock, filestore, uploads
from portal.extensions import db
from portal.lawyers.models import BindingDocument
from portal.petitions.models import Attachment
from tests.factories import PDF, make_petition
from tests.lawyers.factories import make_case, make_lawyer


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["UPLOAD_DIR"], before = str(tmp_path / "uploads"), app.config["UPLOAD_DIR"]
    yield tmp_path / "uploads"
    app.config["UPLOAD_DIR"] = before


def check_files(app, *args):
    return app.test_cli_runner().invoke(args=["check-files", *args])


def stored_attachment() -> Attachment:
    petition, _code = make_petition()
    upload = uploads.check_file("情况说明.pdf", PDF)
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
    db.session.commit()
    return attachment


def stray_file(upload_dir, name, *, age: timedelta):
    path = upload_dir / name[:2] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF)
    then = (clock.now() - age).timestamp()
    os.utime(path, (then, then))
    return path


def test_a_clean_store_passes(app, upload_dir):
    stored_attachment()
    result = check_files(app)
    assert result.exit_code == 0, result.output
    assert "Checked 1 file(s)" in result.output
    assert "attachments" in result.output and "binding_documents" in result.output


def test_orphans_and_rows_without_files_are_reported_and_orphans_removed(app, upload_dir):
    kept = stored_attachment()
    lost = stored_attachment()
    filestore.current().path(lost.storage_key).unlink()
    orphan = stray_file(upload_dir, "ab" + "0" * 30 + ".pdf", age=timedelta(hours=2))
    in_flight = stray_file(upload_dir, "cd" + "0" * 30 + ".pdf", age=timedelta(minutes=5))

    result = check_files(app)
    assert result.exit_code == 1
    assert "1 orphan file(s) found" in result.output and str(orphan) in result.output
    assert str(in_flight) not in result.output  # may belong to a transaction not yet committed
    assert "1 row(s) whose file is missing" in result.output
    assert f"attachments id={lost.id} storage_key={lost.storage_key}" in result.output
    assert orphan.exists()

    result = check_files(app, "--remove-orphans")
    assert result.exit_code == 1  # the row without its file is still there
    assert "1 orphan file(s) removed" in result.output
    assert not orphan.exists()
    assert in_flight.exists() and filestore.current().path(kept.storage_key).exists()


def test_every_table_with_stored_files_is_checked(app, upload_dir):
    """Found in the metadata, not named in core: a binding's papers are checked too."""
    from portal.lawyers import bindings

    lawyer, case = make_lawyer(), make_case()
    upload = uploads.check_file("执业证.pdf", PDF)
    bindings.request_binding(
        lawyer,
        bindings.BindingRequest(
            case_number=case.case_number,
            client_name="赵某",
            relation="defender",
            mandate="power_of_attorney",
            documents={"licence": upload, "firm_letter": upload, "mandate": upload},
        ),
    )
    db.session.commit()
    document = db.session.scalar(sa.select(BindingDocument))
    filestore.current().path(document.storage_key).unlink()
    result = check_files(app)
    assert result.exit_code == 1
    assert f"binding_documents id={document.id}" in result.output
