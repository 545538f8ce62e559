"""Public pages: releases (list, detail, Atom feed), documents, withdrawal notices; the original
text of a document is never served."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from portal.disclosure import services
from portal.extensions import db
from tests.disclosure import samples
from tests.disclosure.factories import (
    make_document,
    make_published_document,
    make_release,
    publisher,
)
from tests.factories import h1

ATOM = "{http://www.w3.org/2005/Atom}"


def test_release_list_filters_by_category_and_paginates(client):
    user = publisher()
    for n in range(22):
        make_release(user, title=f"案件发布{n}", category="case_progress")
    typical = make_release(user, title="典型案例一", category="typical_case")
    make_release(user, title="草稿不公开", publish=False)
    html = client.get("/case-information/releases").get_data(as_text=True)
    assert h1(html) and "草稿不公开" not in html and "下一页" in html or "Next page" in html
    only = client.get("/case-information/releases?category=typical_case").get_data(as_text=True)
    assert "典型案例一" in only and "案件发布1<" not in only
    assert client.get(f"/case-information/releases/{typical.id}").status_code == 200


def test_a_draft_release_is_not_found(client):
    draft = make_release(publish=False)
    assert client.get(f"/case-information/releases/{draft.id}").status_code == 404


def test_the_atom_feed_is_well_formed_and_escaped(client):
    make_release(title="<b>标题</b> & “引号”", body="正文 <script>alert('x')</script> &amp; \x0b")
    response = client.get("/case-information/releases/feed.atom")
    assert response.status_code == 200
    assert response.content_type.startswith("application/atom+xml")
    feed = ET.fromstring(response.data)  # noqa: S314 (our own output; raises if ill-formed)
    assert feed.tag == f"{ATOM}feed"
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "<b>标题</b> & “引号”"
    assert "<script>" in entry.find(f"{ATOM}content").text  # as text, escaped in the XML
    assert b"<script>" not in response.data
    assert (
        entry.find(f"{ATOM}link")
        .get("href")
        .endswith(entry.find(f"{ATOM}id").text.split("localhost", 1)[1])
    )


def test_an_empty_feed_is_valid(client):
    feed = ET.fromstring(client.get("/case-information/releases/feed.atom").data)  # noqa: S314
    assert feed.find(f"{ATOM}updated").text


def test_a_published_document_shows_only_the_redacted_text(client):
    document = make_published_document(text=samples.NON_PROSECUTION)
    html = client.get(f"/case-information/documents/{document.id}").get_data(as_text=True)
    assert h1(html) == document.title
    for secret in ("马晓东", "320102199901091234", "186 2233 4455", "汉中路8号"):
        assert secret not in html
    assert "马某" in html


def test_drafts_and_reviewed_documents_are_not_public(client):
    user = publisher()
    draft = make_document(user, text=samples.NON_PROSECUTION)
    assert client.get(f"/case-information/documents/{draft.id}").status_code == 404
    services.review(draft, user)
    db.session.commit()
    assert client.get(f"/case-information/documents/{draft.id}").status_code == 404
    assert "马某" not in client.get("/case-information/documents").get_data(as_text=True)


def test_document_list_filters(client):
    user = publisher()
    make_published_document(user, text="被不起诉人甲盗窃。", case_number="示检〔2023〕1号",
                            document_date=__import__("datetime").date(2023, 1, 5))  # fmt: skip
    make_published_document(
        user, text="抗诉。", doc_type="protest", case_number="示检抗〔2024〕2号"
    )
    assert "示检〔2023〕1号" in client.get("/case-information/documents?year=2023").get_data(
        as_text=True
    )
    protests = client.get("/case-information/documents?type=protest").get_data(as_text=True)
    assert "示检抗〔2024〕2号" in protests and "示检〔2023〕1号" not in protests


def test_a_withdrawn_document_answers_410_with_the_reason(client):
    user = publisher()
    document = make_published_document(user, text=samples.NON_PROSECUTION)
    services.withdraw_document(document, user, reason="文书内容需要更正")
    db.session.commit()
    response = client.get(f"/case-information/documents/{document.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "文书内容需要更正" in html and h1(html)
    assert "马某" not in html  # the text is gone from the public page
    assert document.title not in client.get("/case-information/documents").get_data(as_text=True)


def test_a_withdrawn_release_answers_410_with_the_reason(client):
    user = publisher()
    release = make_release(user)
    services.withdraw_release(release, user, reason="信息已更新")
    db.session.commit()
    response = client.get(f"/case-information/releases/{release.id}")
    assert response.status_code == 410 and "信息已更新" in response.get_data(as_text=True)


def test_a_release_with_a_phone_number_is_refused():
    import pytest

    with pytest.raises(services.DisclosureRefused, match="personal data"):
        make_release(body="如有线索请联系张警官，电话13800138000。")


def test_the_home_page_links_to_case_information(client):
    html = client.get("/").get_data(as_text=True)
    assert "/case-information/search" in html and "/case-information/releases" in html


def test_search_is_rate_limited(client, app):
    app.config["SEARCH_LIMIT"] = "2 per minute"
    try:
        codes = [client.get("/case-information/search?q=盗窃").status_code for _ in range(3)]
    finally:
        app.config["SEARCH_LIMIT"] = "1000 per minute"
    assert codes == [200, 200, 429]
