"""The inquiry end to end through the pages: apply, staff answer, the applicant reads the answer
and downloads the certificate, its QR code's address verifies it, staff revoke it."""

from __future__ import annotations

from urllib.parse import urlsplit

from portal.certificates import documents
from portal.certificates.models import Certificate, RecordApplication
from portal.core.permissions import Role
from tests.certificates.factories import APPLICATION_FORM, letter_file, make_record
from tests.factories import login, make_user
from tests.web import url


def _apply(client_request, **changes):
    page = client_request.get("certificates.new_application")
    key = page.select_one("input[name=submission_key]")["value"]
    data = {**APPLICATION_FORM, "submission_key": key, "letter": letter_file(), **changes}
    return client_request.post("certificates.new_application", _data=data, _expected_status=200)


def _open_status(client_request, number, code):
    client_request.post(
        "certificates.lookup",
        _data={"number": number, "query_code": code},
        _expected_redirect="certificates.show_status",
        _redirect_values={"number": number},
    )
    return client_request.get("certificates.show_status", number=number)


def test_apply_answer_download_verify_revoke(client_request, new_client_request, app):
    client_request.client.set_cookie("portal_locale", "en")
    receipt = _apply(client_request)
    number = receipt.select_one("#application-number").text.strip()
    code = receipt.select_one("#query-code").text.strip()
    assert number.startswith("XC")

    staff = new_client_request()
    handler = make_user(Role.HANDLER)
    login(staff.client, handler)
    make_record(handler)
    application = RecordApplication.query.filter_by(number=number).one()
    queue = staff.get("certificates_admin.list_applications")
    assert number in queue.select_one("#applications").text
    page = staff.get("certificates_admin.show_application", application_id=application.id)
    assert "（2024）示刑初字第7号" in page.select_one("#matching-records").text
    staff.post(
        "certificates_admin.issue_certificate",
        application_id=application.id,
        _expected_redirect="certificates_admin.show_application",
        _redirect_values={"application_id": application.id},
    )

    status = _open_status(client_request, number, code)
    certificate_number = status.select_one("#certificate-number").text.strip()
    verification = status.select_one("#verification-code").text.strip()
    client_request.get("certificates.download_certificate", number=number)
    assert client_request.response.mimetype == "application/pdf"
    assert client_request.response.data.startswith(b"%PDF")

    certificate = Certificate.query.filter_by(number=certificate_number).one()
    qr_path = urlsplit(documents.verification_url(certificate)).path
    assert qr_path == url(
        "certificates.verify_link", number=certificate_number, code=verification.replace("-", "")
    )
    verdict = client_request.client.get(qr_path)
    assert verdict.status_code == 200
    assert f"Certificate {certificate_number} is valid." in verdict.get_data(as_text=True)
    assert "示例建设有限公司" in verdict.get_data(as_text=True)  # issued to whom

    staff.post(
        "certificates_admin.revoke_certificate",
        application_id=application.id,
        _data={"revoke-reason": "授权委托书系伪造"},
        _expected_redirect="certificates_admin.show_application",
        _redirect_values={"application_id": application.id},
    )
    verdict = client_request.client.get(qr_path).get_data(as_text=True)
    assert f"Certificate {certificate_number} was revoked on" in verdict
    assert "is valid" not in verdict
    status = client_request.get("certificates.show_status", number=number)
    assert "授权委托书系伪造" in status.select_one("#certificate-revoked").text
