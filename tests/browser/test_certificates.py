"""The bribery-record inquiry end to end in a browser, in both languages, on a 375 px phone for
the applicant: apply with an authorisation letter, a handler answers with a certificate, the
applicant downloads it, the QR code on the PDF opens the verification page (valid), a handler
revokes the certificate and the same address shows it revoked. Axe checks each public page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.support import exact, h1, texts
from tests.browser.test_accessibility import check
from tests.factories import PDF
from tests.pdfs import pdf_text, qr_codes

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
COMPANY_CODE = "91350100M000100Y43"


def _fill_application(page, t, letter) -> None:
    page.get_by_label(t("Company or organisation"), exact=True).check()
    page.get_by_label(t("Name of the company or person")).fill("示例路桥工程有限公司")
    page.get_by_label(t("Unified social credit code or resident ID card number")).fill(COMPANY_CODE)
    page.get_by_label(t("Purpose of the inquiry")).fill("参加工程投标")
    page.get_by_label(t("Project name (optional)")).fill("示例市第一中学教学楼工程")
    page.get_by_label(t("Tendering party (optional)")).fill("示例市教育局")
    page.get_by_label(t("Contact person")).fill("陈经办")
    page.get_by_label(t("Mobile number")).fill("13800000007")
    page.get_by_label(t("Authorisation letter"), exact=True).set_input_files(str(letter))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_apply_answer_download_verify_and_revoke(new_context, staff_page, axe, tmp_path, language):
    t = texts(language)
    letter = tmp_path / "授权委托书.pdf"
    letter.write_bytes(PDF)
    applicant = new_context(language=language, viewport=PHONE).new_page()

    # From the home page, one tap.
    applicant.goto("/")
    applicant.get_by_role("main").get_by_role(
        "link", name=exact(t("Bribery-record inquiry"))
    ).click()
    applicant.get_by_role("link", name=exact(t("Apply"))).click()
    assert h1(applicant) == t("Apply for a bribery-record inquiry")
    check(axe, applicant, "record-inquiry-apply", language)
    _fill_application(applicant, t, letter)
    applicant.get_by_role("button", name=exact(t("Submit application"))).click()
    assert h1(applicant) == t("Your application is received")
    number = applicant.locator("#application-number").inner_text().strip()
    code = applicant.locator("#query-code").inner_text().strip()
    assert re.fullmatch(r"XC\d{4}-\d{6}", number)
    # Nothing overflows the phone's width.
    assert applicant.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # A handler finds it in the queue and issues the certificate.
    handler = staff_page("handler", language)
    handler.goto("/staff/record-inquiry/")
    handler.get_by_role("link", name=exact(number)).click()
    handler.get_by_role("button", name=exact(t("Issue the certificate"))).click()
    assert handler.locator(".notice--success").count() == 1
    application_url = handler.url

    # The applicant reads the answer and downloads the certificate.
    applicant.goto("/record-inquiry/status")
    applicant.get_by_label(t("Application number")).fill(number)
    applicant.get_by_label(t("Query code")).fill(code)
    applicant.get_by_role("button", name=exact(t("Show status"))).click()
    assert h1(applicant) == t("Application %(number)s") % {"number": number}
    check(axe, applicant, "record-inquiry-status", language)
    certificate_number = applicant.locator("#certificate-number").inner_text().strip()
    with applicant.expect_download() as download:
        applicant.get_by_role("link", name=exact(t("Download the certificate (PDF)"))).click()
    content = open(download.value.path(), "rb").read()  # noqa: SIM115  (read at once)
    assert certificate_number in pdf_text(content)
    [qr] = qr_codes(content)
    assert f"/record-inquiry/verify/{certificate_number}/" in qr

    # The QR code's address, opened by whoever holds the paper: valid.
    verifier = new_context(language=language, viewport=PHONE).new_page()
    verifier.goto(urlsplit(qr).path)
    assert verifier.locator("#verdict-title").inner_text().strip() == t("Valid")
    assert "示例路桥工程有限公司" in verifier.locator("main").inner_text()
    check(axe, verifier, "record-inquiry-verify", language)

    # Revoked by a handler: the same address says so.
    handler.goto(application_url)
    handler.get_by_label(t("Reason")).fill("授权委托书系伪造")
    handler.get_by_role("button", name=exact(t("Revoke the certificate"))).click()
    assert handler.locator(".notice--success").count() == 1
    verifier.goto(urlsplit(qr).path)
    assert verifier.locator("#verdict-title").inner_text().strip() == t("Revoked")
