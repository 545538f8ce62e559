"""A published legal document reads as the formal 文书: on its page, on paper and in its PDF (read
back: the text, and where the heading, number, paragraphs and signature sit on the page)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdfium2
import pytest

from portal.disclosure import layout
from portal.disclosure.models import LegalDocument
from tests.disclosure.factories import make_published_document
from tests.factories import url
from tests.pdfs import compact, embedded_fonts, pdf_text

ROOT = Path(__file__).resolve().parents[2]
TEXT = """示例市人民检察院
不 起 诉 决 定 书
京检刑不诉〔2026〕12号

被不起诉人林某，男，1990年出生，住示例市。本案由示例市公安局侦查终结，以被不起诉人林某涉嫌盗窃罪，于2026年8月3日移送本院审查起诉。
经本院依法审查查明：2026年6月1日，被不起诉人林某在某超市盗窃商品，价值人民币九百元。案发后，林某退赔全部损失，被害人表示谅解。
本院认为，林某犯罪情节轻微，根据《中华人民共和国刑事诉讼法》第一百七十七条第二款的规定，决定对林某不起诉。
检察员 王某
二〇二六年九月十日
（院印）
"""


@pytest.fixture
def document():
    return make_published_document(
        text=TEXT, case_number="京检刑不诉〔2026〕12号", document_date=date(2026, 9, 10),
        procuratorate="示例市人民检察院",
        english_title="Non-prosecution decision: theft from a supermarket",
        english_summary="The loss was made good and the victim forgave him.",
    )  # fmt: skip


def test_the_repeated_heading_leaves_the_body_and_the_signature_is_set_apart():
    text = LegalDocument(
        doc_type="non_prosecution", procuratorate="示例市人民检察院",
        case_number="京检刑不诉〔2026〕12号", redacted_text=TEXT,
    )  # fmt: skip
    formal = layout.formal_text(text)
    assert formal.signature == ("检察员 王某", "二〇二六年九月十日", "（院印）")
    assert len(formal.paragraphs) == 3
    assert formal.paragraphs[0].startswith("被不起诉人林某")
    assert formal.paragraphs[-1].endswith("决定对林某不起诉。")


def test_a_text_without_heading_or_signature_is_all_body():
    text = LegalDocument(
        doc_type="protest", procuratorate="示例市人民检察院", case_number="示检刑抗〔2024〕1号",
        redacted_text="本院认为原判决量刑明显不当。\n依法提出抗诉。",
    )  # fmt: skip
    formal = layout.formal_text(text)
    assert formal.paragraphs == ("本院认为原判决量刑明显不当。", "依法提出抗诉。")
    assert formal.signature == ()


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
def test_the_page_shows_the_formal_layout_and_labelled_dates(client_request, document, language):
    client_request.client.set_cookie("portal_locale", language)
    page = client_request.get("disclosure.show_document", document_id=document.id)
    article = page.find("article", class_="formal-doc")
    assert article["lang"] == "zh-Hans"  # the text stays as published, in both languages
    assert page.h1.text == "不起诉决定书" and page.h1.parent.name == "header"
    assert article.find(class_="formal-doc__issuer").text == "示例市人民检察院"
    assert article.find(class_="formal-doc__number").text == "京检刑不诉〔2026〕12号"
    paragraphs = article.find(class_="formal-doc__body").find_all("p")
    assert len(paragraphs) == 3 and "决定对林某不起诉" in paragraphs[2].text
    signature = [p.text for p in article.find(class_="formal-doc__signature").find_all("p")]
    assert signature == ["检察员 王某", "二〇二六年九月十日", "（院印）"]
    about = page.find(class_="doc-about")
    labels = [dt.text for dt in about.find_all("dt")]
    assert len(labels) == 5
    dates = [dd.text for dd in about.find_all("dd")][3:]
    assert dates[0] == ("2026年9月10日" if language != "en" else "Sep 10, 2026")
    assert about.find(class_="doc-english")["lang"] == "en"
    pdf_link = page.find("a", href=url("disclosure.document_pdf", document_id=document.id))
    assert pdf_link is not None
    assert page.find(class_="print-button") is not None


def test_the_document_prints_alone_on_a4(client_request, document):
    page = client_request.get("disclosure.show_document", document_id=document.id)
    stylesheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    assert any(href.split("?")[0].endswith("/documents.css") for href in stylesheets)
    css = (ROOT / "static" / "documents.css").read_text()
    printed = css[css.index("@media print") :]
    assert "size: A4" in printed and "margin: 37mm 26mm 35mm 28mm" in printed
    for hidden in (".site-header", ".site-footer", ".doc-actions"):
        assert hidden in printed.split("display: none")[0]


def _boxes(content: bytes, needle: str) -> tuple[float, float]:
    """(left, right) in mm of the first line on page 1 that starts with `needle`."""
    page = pypdfium2.PdfDocument(content)[0]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    start = text.index(needle)
    left = textpage.get_charbox(start)[0]
    right = textpage.get_charbox(start + len(needle) - 1)[2]
    return left * 25.4 / 72, right * 25.4 / 72


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
def test_the_pdf_has_the_text_and_the_layout_of_the_page(client_request, document, language):
    client_request.client.set_cookie("portal_locale", language)
    response = client_request.client.get(url("disclosure.document_pdf", document_id=document.id))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    content = response.get_data()
    text = pdf_text(content)
    for part in ("示例市人民检察院", "不起诉决定书", "京检刑不诉〔2026〕12号", "决定对林某不起诉",
                 "检察员王某", "二〇二六年九月十日"):  # fmt: skip
        assert compact(part) in text, part
    if language == "en":  # the labels in the reader's language, the text as published
        assert "Dateofpublication:Dec" in text
    assert embedded_fonts(content)
    width, margin_left, margin_right = 210, 28, 26
    issuer_left, issuer_right = _boxes(content, "示例市人民检察院")
    assert abs(issuer_left - (width - issuer_right)) < 3  # centred
    number_right = _boxes(content, "京检刑不诉〔2026〕12号")[1]
    assert abs(number_right - (width - margin_right)) < 2  # right-aligned
    first_line_left = _boxes(content, "被不起诉人林某")[0]
    assert first_line_left - margin_left > 6  # indented by two characters
    signature_right = _boxes(content, "二〇二六年九月十日")[1]
    assert abs(signature_right - (width - margin_right)) < 2


def test_a_withdrawn_documents_pdf_is_gone(client_request, document):
    from portal.disclosure import services
    from portal.extensions import db
    from tests.disclosure.factories import publisher

    services.withdraw_document(document, publisher(), reason="判决已撤销")
    db.session.commit()
    response = client_request.client.get(url("disclosure.document_pdf", document_id=document.id))
    assert response.status_code == 410
