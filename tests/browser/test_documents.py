"""Reading and finding a legal document in a real browser: the formal 文书 on its page, in both
languages and both modes (standard, elderly) at 375 px and 1280 px, held to
tests/browser/looks.py; found by a legal term, printed without the site around it, and downloaded
as a PDF. Screenshots: test-output/browser/screenshots/document-<language>-<mode>-<screen>.png.
"""

from __future__ import annotations

import pytest

from tests.browser.looks import MODES, SCREENS, check_looks, keep_screenshot, open_page
from tests.browser.support import LANGUAGES, exact, h1, texts
from tests.pdfs import pdf_text

pytestmark = pytest.mark.browser

# The demo's published non-prosecution decision (portal/demo.py), with an English title.
DOCUMENT = "/case-information/documents/1"
NUMBER = "示检刑不诉〔2026〕3号"
QUERY = {"zh": "不起诉", "en": "non-prosecution"}


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_document_page_is_accessible_fits_and_is_legible(
    new_context, live_server, axe, language, mode, screen
):
    page = open_page(new_context, live_server, language=language, mode=mode, screen=screen)
    page.goto(DOCUMENT)
    assert h1(page) == "不起诉决定书"
    keep_screenshot(page, f"document-{language}-{mode}-{screen}")
    check_looks(axe, page, "document", language=language, mode=mode, screen=screen)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_reader_finds_a_decision_reads_it_prints_it_and_downloads_its_pdf(
    new_context, live_server, tmp_path, language
):
    t = texts(language)
    page = open_page(new_context, live_server, language=language, mode="standard", screen="phone")
    page.goto("/case-information/search")
    page.get_by_label(t("Words to search for")).fill(QUERY[language])
    page.get_by_role("button", name=exact(t("Search"))).click()
    page.wait_for_load_state()
    # Among the results (other tests publish decisions too), the demo's non-prosecution decision.
    page.locator(f'.result-list a[href="{DOCUMENT}"]').click()
    page.wait_for_load_state()
    assert page.url.endswith(DOCUMENT)

    # The formal layout: the heading centred, the number and the signature right-aligned, the
    # paragraphs indented by two characters.
    assert h1(page) == "不起诉决定书"
    number = page.locator(".formal-doc__number")
    assert number.inner_text() == NUMBER
    assert number.evaluate("e => getComputedStyle(e).textAlign") == "right"
    assert (
        page.locator(".formal-doc__issuer").evaluate(
            "e => getComputedStyle(e.parentElement).textAlign"
        )
        == "center"
    )
    paragraph = page.locator(".formal-doc__body p").first
    indent = paragraph.evaluate("e => parseFloat(getComputedStyle(e).textIndent)")
    size = paragraph.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert indent == pytest.approx(2 * size)
    signature = page.locator(".formal-doc__signature")
    assert signature.evaluate("e => getComputedStyle(e).textAlign") == "right"
    assert "2026年9月10日" in signature.inner_text()
    about = page.locator(".doc-about")
    assert t("Date of the document") in about.inner_text()
    assert t("Date of publication") in about.inner_text()
    assert "theft from a supermarket" in page.locator(".doc-english").inner_text()

    # On paper: the document alone.
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert not page.locator(".doc-actions").is_visible()
    assert page.locator(".formal-doc").is_visible()
    page.emulate_media(media="screen")
    assert page.get_by_role("button", name=exact(t("Print this document"))).is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name=exact(t("Download as PDF"))).click()
    download = download_info.value
    assert download.suggested_filename == f"{NUMBER}.pdf"
    saved = tmp_path / "document.pdf"
    download.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "不起诉决定书" in text and NUMBER in text
