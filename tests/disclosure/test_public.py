"""Public pages: releases (list, detail, Atom feed), documents, withdrawal notices; the original
text of a document is never served."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree as ET

import pytest
from flask import url_for

from portal.disclosure import services
from portal.extensions import db
from tests.disclosure import samples
from tests.disclosure.factories import (
    make_document,
    make_published_document,
    make_release,
    publisher,
)
from tests.pdfs import compact, pdf_text

ATOM = "{http://www.w3.org/2005/Atom}"


def titles(page) -> list[str]:
    """The titles a list page shows, in order."""
    return [link.get_text(strip=True) for link in page.select(".result-list .result-title a")]


def test_release_list_filters_by_category_and_paginates(english_client, client_request):
    user = publisher()
    for n in range(22):
        make_release(user, title=f"案件发布{n}", category="case_progress")
    typical = make_release(user, title="典型案例一", category="typical_case")
    make_release(user, title="草稿不公开", publish=False)
    page = client_request.get("disclosure.list_releases")
    assert len(titles(page)) == 20 and "草稿不公开" not in page.get_text()
    assert [link.get_text() for link in page.select("nav.pager a")] == ["Next page"]
    only = client_request.get("disclosure.list_releases", category="typical_case")
    assert titles(only) == ["典型案例一"]
    client_request.get("disclosure.show_release", release_id=typical.id)


def test_a_draft_release_is_not_found(client_request):
    draft = make_release(publish=False)
    client_request.get("disclosure.show_release", release_id=draft.id, _expected_status=404)


def test_the_atom_feed_is_well_formed_and_escaped(client):
    make_release(title="<b>标题</b> & “引号”", body="正文 <script>alert('x')</script> &amp; \x0b")
    response = client.get(url_for("disclosure.releases_feed"))
    assert response.status_code == 200
    assert response.content_type.startswith("application/atom+xml")
    feed = ET.fromstring(response.data)  # noqa: S314 (our own output; raises if ill-formed)
    assert feed.tag == f"{ATOM}feed"
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "<b>标题</b> & “引号”"
    assert "<script>" in entry.find(f"{ATOM}content").text  # as text, escaped in the XML
    assert b"<script>" not in response.data
    assert entry.find(f"{ATOM}link").get("href") == entry.find(f"{ATOM}id").text


def test_an_empty_feed_is_valid(client):
    feed = ET.fromstring(client.get(url_for("disclosure.releases_feed")).data)  # noqa: S314
    assert feed.find(f"{ATOM}updated").text


def test_a_published_document_shows_only_the_redacted_text(client_request):
    document = make_published_document(text=samples.NON_PROSECUTION)
    page = client_request.get("disclosure.show_document", document_id=document.id)
    # The formal heading: the type as the h1, the number under it.
    assert page.h1.get_text(strip=True) == document.type_enum.zh
    assert page.find(class_="formal-doc__number").get_text(strip=True) == document.case_number
    html = client_request.response.get_data(as_text=True)
    pdf = pdf_text(
        client_request.client.get(url_for("disclosure.document_pdf", document_id=document.id)).data
    )
    for secret in ("马晓东", "320102199901091234", "186 2233 4455", "汉中路8号"):
        assert secret not in html
        assert compact(secret) not in pdf
    assert "马某" in html and "马某" in pdf


def test_drafts_and_reviewed_documents_are_not_public(client_request):
    user = publisher()
    draft = make_document(user, text=samples.NON_PROSECUTION)
    client_request.get("disclosure.show_document", document_id=draft.id, _expected_status=404)
    services.review(draft, user)
    db.session.commit()
    client_request.get("disclosure.show_document", document_id=draft.id, _expected_status=404)
    assert titles(client_request.get("disclosure.list_documents")) == []


def test_document_list_filters(client_request):
    user = publisher()
    old = make_published_document(
        user,
        text="被不起诉人甲盗窃。",
        case_number="示检〔2023〕1号",
        document_date=date(2023, 1, 5),
    )
    protest = make_published_document(
        user, text="抗诉。", doc_type="protest", case_number="示检抗〔2024〕2号"
    )
    assert titles(client_request.get("disclosure.list_documents", year=2023)) == [old.title]
    assert titles(client_request.get("disclosure.list_documents", type="protest")) == [
        protest.title
    ]


def test_a_withdrawn_document_answers_410_with_the_reason(client_request):
    user = publisher()
    document = make_published_document(user, text=samples.NON_PROSECUTION)
    services.withdraw_document(document, user, reason="文书内容需要更正")
    db.session.commit()
    page = client_request.get(
        "disclosure.show_document", document_id=document.id, _expected_status=410
    )
    assert "文书内容需要更正" in page.get_text() and len(page.find_all("h1")) == 1
    assert "马某" not in page.get_text()  # the text is gone from the public page
    assert document.title not in titles(client_request.get("disclosure.list_documents"))


def test_a_withdrawn_release_answers_410_with_the_reason(client_request):
    user = publisher()
    release = make_release(user)
    services.withdraw_release(release, user, reason="信息已更新")
    db.session.commit()
    page = client_request.get(
        "disclosure.show_release", release_id=release.id, _expected_status=410
    )
    assert "信息已更新" in page.get_text()


def test_a_release_with_a_phone_number_is_refused():
    with pytest.raises(services.DisclosureRefused, match="personal data"):
        make_release(body="如有线索请联系张警官，电话13800138000。")


def test_the_home_page_links_to_case_information(client_request):
    links = {a["href"] for a in client_request.get("site.home").select("a[href]")}
    assert url_for("disclosure.search_page") in links
    assert url_for("disclosure.list_releases") in links


def test_search_is_rate_limited(client_request, app):
    app.config["SEARCH_LIMIT"] = "2 per minute"
    try:
        client_request.get("disclosure.search_page", q="盗窃")
        client_request.get("disclosure.search_page", q="盗窃")
        client_request.get("disclosure.search_page", q="盗窃", _expected_status=429)
    finally:
        app.config["SEARCH_LIMIT"] = "1000 per minute"
