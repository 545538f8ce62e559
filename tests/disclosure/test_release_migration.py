"""Migration 0005 on releases published before they were redacted: each is run through the
engine and only its redacted text stays public, or it goes back to draft. Runs on its own
SQLite file (whatever database the suite uses), from revision 0004 up."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db

ROW = {
    "category": "case_progress", "procuratorate": "示例市人民检察院", "released_on": "2024-06-01",
    "created_at": "2024-06-01 00:00:00", "updated_at": "2024-06-01 00:00:00",
    "published_at": "2024-06-01 00:00:00",
}  # fmt: skip
OLD_COLUMNS = "id, title, body, status, category, procuratorate, released_on, created_at, updated_at, published_at"


def test_existing_published_releases_are_redacted_or_sent_back_to_draft(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'old.sqlite'}")
    app = create_app({"PORTAL_ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production"})
    with app.app_context():
        upgrade(revision="0004_lawyers_appointments")
        with db.engine.begin() as connection:
            for release_id, title, body in (
                (1, "刘强故意伤害案办结", "被告人王大伟殴打被害人刘强。检察员李明出庭支持公诉。"),
                (2, "一起侵害未成年人案件", "被告人赵四猥亵不满十四周岁的幼女孙小美。"),
            ):
                connection.execute(
                    sa.text(f"INSERT INTO case_releases ({OLD_COLUMNS}) VALUES (:id, :title, "  # noqa: S608
                            ":body, 'published', :category, :procuratorate, :released_on, "
                            ":created_at, :updated_at, :published_at)"),
                    {"id": release_id, "title": title, "body": body, **ROW},
                )  # fmt: skip
                connection.execute(
                    sa.text("INSERT INTO search_entries (kind, ref_id, type_code, procuratorate, "
                            "year, title, plain, tokens, facets, published_on) VALUES ('release', "
                            ":id, 'release', '示例市人民检察院', 2024, :title, :title, :title, "
                            "'trelease', '2024-06-01')"),
                    {"id": release_id, "title": title},
                )  # fmt: skip
        upgrade()
        with db.engine.connect() as connection:
            rows = {r.id: r for r in connection.execute(sa.text("SELECT * FROM case_releases"))}
            entries = {
                r.ref_id: r for r in connection.execute(sa.text("SELECT * FROM search_entries"))
            }
        redacted = rows[1]
        assert redacted.status == "published" and redacted.reviewed_at is not None
        assert redacted.reviewed_by_id is None and redacted.original_title == "刘强故意伤害案办结"
        assert redacted.public_title == "刘某故意伤害案办结"
        assert "王大伟" not in redacted.public_body and "李明" in redacted.public_body
        assert entries[1].title == "刘某故意伤害案办结" and "刘强" not in entries[1].plain
        minor = rows[2]  # the minors' rule wants a publisher's confirmation: back to draft
        assert minor.status == "draft" and minor.public_title is None and minor.involves_minor
        assert 2 not in entries
        db.session.remove()
        db.engine.dispose()


def test_published_documents_the_gate_now_refuses_go_back_to_draft(tmp_path, monkeypatch):
    """The earlier engine left 刘 强 (a space inside) in the public text: such a document leaves
    the public site; one that passes the gate stays published."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'old-documents.sqlite'}")
    app = create_app({"PORTAL_ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production"})
    original = "被害人刘强报警。经查，刘 强的手机被盗。检察员李明。"
    with app.app_context():
        upgrade(revision="0004_lawyers_appointments")
        with db.engine.begin() as connection:
            for document_id, public in (
                (1, "被害人刘某报警。经查，刘 强的手机被盗。检察员李明。"),
                (2, "被害人刘某报警。经查，刘某的手机被盗。检察员李明。"),
            ):
                connection.execute(
                    sa.text("INSERT INTO legal_documents (id, doc_type, status, procuratorate, "
                            "case_number, document_date, original_text, added_terms, dropped_terms, "
                            "involves_minor, redacted_text, redactions, created_at, reviewed_at, "
                            "published_at) VALUES (:id, 'non_prosecution', 'published', '示例市人民"
                            "检察院', :number, '2024-05-10', :original, '[]', '[]', 0, :public, '[]', "
                            "'2024-05-10 00:00:00', '2024-05-10 00:00:00', '2024-05-11 00:00:00')"),
                    {"id": document_id, "number": f"示检〔2024〕{document_id}号",
                     "original": original, "public": public},
                )  # fmt: skip
                connection.execute(
                    sa.text("INSERT INTO search_entries (kind, ref_id, type_code, procuratorate, "
                            "year, title, plain, tokens, facets, published_on) VALUES ('document', "
                            ":id, 'non_prosecution', '示例市人民检察院', 2024, 't', :plain, 't', "
                            "'t', '2024-05-11')"),
                    {"id": document_id, "plain": public},
                )  # fmt: skip
        upgrade()
        with db.engine.connect() as connection:
            rows = {r.id: r for r in connection.execute(sa.text("SELECT * FROM legal_documents"))}
            entries = {
                r.ref_id for r in connection.execute(sa.text("SELECT ref_id FROM search_entries"))
            }
        assert rows[1].status == "draft" and rows[1].redacted_text is None
        assert rows[2].status == "published"
        assert entries == {2}
        db.session.remove()
        db.engine.dispose()
