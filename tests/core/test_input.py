"""What hostile input gets, case by case: bounded ids (portal.core.converters), parameters
(portal.core.params), control characters (portal.core.input_guard and PortalForm), redirect
targets (is_safe_next) and file fields sent as text (check_upload). The sweep over every route
is tests/test_hostile_input.py."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest

from portal.core.permissions import Role, is_safe_next
from portal.core.uploads import UploadRejected, check_upload
from tests.disclosure.factories import make_release
from tests.factories import PASSWORD, PETITION_FORM, login, make_user
from tests.web import url

CONTROL_MESSAGE = {
    "en": "Remove the invisible control characters from this text.",
    "zh_Hans_CN": "文本中含有不可见的控制字符，请删除后重新提交。",
}


@pytest.fixture(params=["zh_Hans_CN", "en"])
def language(request, client):
    client.set_cookie("portal_locale", request.param)
    return request.param


# ---- ids --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [10**20, 2**31, 2**63])
def test_an_id_beyond_any_database_integer_is_not_found(client, value):
    make_release()
    assert client.get(url("disclosure.show_release", release_id=value)).status_code == 404
    assert client.get(url("disclosure.show_document", document_id=value)).status_code == 404
    response = client.get(url("api.show_document", document_id=value))
    assert response.status_code == 404
    assert response.json["error"]["status"] == 404  # the API's own error format
    login(client, make_user(Role.CLERK))
    assert client.get(url("cases_admin.show_case", case_id=value)).status_code == 404


def test_the_largest_id_a_column_holds_is_looked_up_normally(client):
    assert client.get(url("disclosure.show_release", release_id=2**31 - 1)).status_code == 404
    assert (
        client.get(url("disclosure.show_release", release_id=make_release().id)).status_code == 200
    )


# ---- pages and dates --------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["9" * 30, "-3", "0", "abc", "1e9", "９"])
def test_a_page_out_of_range_shows_the_first_page(client, page):
    make_release()
    response = client.get(url("disclosure.list_releases") + f"?page={page}")
    assert response.status_code == 200
    assert "示例市检察院依法对一起电信网络诈骗案提起公诉" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["9" * 30, "-3", "0", "abc"])
def test_the_api_refuses_a_page_out_of_range_in_json(client, page):
    response = client.get(url("api.list_releases") + f"?page={page}")
    assert response.status_code == 400
    assert response.json["error"]["message"].startswith("page must be")


@pytest.mark.parametrize("day", ["99999-01-01", "2026-02-30", "9999-12-31", "0001-01-01", "x"])
@pytest.mark.parametrize("endpoint", ["day_schedule", "week_schedule", "reception_list"])
def test_a_day_out_of_range_shows_today(client, frozen_now, endpoint, day):
    login(client, make_user(Role.CLERK))
    response = client.get(url(f"appointments_admin.{endpoint}") + f"?day={day}")
    assert response.status_code == 200


# ---- control characters -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["%00", "a%1Bb", "%0D%0A", "%7F", "%C2%85"])
def test_a_control_character_in_the_address_is_a_400_page(client, value):
    client.set_cookie("portal_locale", "en")
    response = client.get(url("disclosure.list_documents") + f"?procuratorate={value}")
    assert response.status_code == 400
    assert "The request contains characters we cannot accept" in response.get_data(as_text=True)
    assert client.get(url("petitions.lookup") + f"?{value}=1").status_code == 400  # names too
    assert client.get(f"/progress/XF2026-{value}").status_code in (400, 404)


def test_the_400_page_is_in_chinese_by_default(client):
    response = client.get(url("disclosure.list_documents") + "?procuratorate=%00")
    assert response.status_code == 400
    assert 'lang="zh-Hans"' in response.get_data(as_text=True)


def test_the_api_refuses_control_characters_in_json(client):
    response = client.get(url("api.list_documents") + "?procuratorate=%00")
    assert response.status_code == 400
    assert response.json == {
        "error": {"status": 400, "message": "Parameters must not contain control characters."}
    }
    response = client.get("/api/v1/documents/%0A")
    assert response.status_code == 400
    assert response.mimetype == "application/json"


@pytest.mark.parametrize(
    ("endpoint", "fields", "field"),
    [
        ("accounts.login", {"email": "a\x00@example.com", "password": "x"}, "email"),
        ("lawyers.login", {"email": "lawyer@example.com", "password": "pass\x00word"}, "password"),
        ("petitions.lookup", {"tracking_number": "XF2026-000001\x00", "query_code": "x"}, None),
        ("cases.lookup", {"case_number": "示检刑诉受〔2026〕1号", "query_code": "\x01"}, None),
    ],
)
def test_a_control_character_in_a_field_is_a_message_beside_it(
    client_request, language, endpoint, fields, field
):
    tokens = client_request.form_fields(endpoint)
    page = client_request.post(endpoint, _data={**tokens, **fields}, _expected_status=400)
    assert CONTROL_MESSAGE[language] in page.get_text()
    if field:
        assert CONTROL_MESSAGE[language] in page.select_one(f"#{field}-error").get_text()


# ---- redirect targets --------------------------------------------------------------------------

SAFE = ["/", "/staff/", "/progress/XF2026-000001", "/case-information/search?q=%E5%8F%8D+x&page=2"]
UNSAFE = [
    "//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/ /evil.example",
    "/\u3000/evil.example",
    "/\x00/evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%09/evil.example",
    "/%5Cevil.example",
    "/%252F%252Fevil.example",
    "https://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    " /evil",
    "evil.example",
    "",
    None,
]


@pytest.mark.parametrize("target", SAFE)
def test_a_local_path_is_a_safe_redirect_target(target):
    assert is_safe_next(target)


@pytest.mark.parametrize("target", UNSAFE)
def test_anything_that_may_leave_the_site_is_not(target):
    assert not is_safe_next(target)


@pytest.mark.parametrize("target", [t for t in UNSAFE if t])
def test_the_language_switch_never_redirects_off_site(client_request, target):
    # A control character in the address is refused before any view (the input guard).
    refused = any(ord(ch) < 32 for ch in target)
    client_request.get(
        "site.switch_language",
        locale="en",
        next=target,
        _expected_status=400 if refused else 302,
        _expected_redirect=None if refused else "site.home",
    )
    assert not urlsplit(client_request.response.location or "").netloc


@pytest.mark.parametrize(
    ("target", "status"),
    [("/%09/evil.example", 302), ("/\\evil.example", 302), ("//evil.example", 302), ("/\t/x", 400)],
)
def test_login_never_redirects_off_site(client_request, target, status):
    """A control character in the address is refused before the login runs (400); any other
    unsafe target leads to the dashboard."""
    user = make_user(Role.CLERK)
    tokens = client_request.form_fields("accounts.login")
    response = client_request.client.post(
        url("accounts.login", next=target),
        data={**tokens, "email": user.email, "password": PASSWORD},
    )
    assert response.status_code == status
    if status == 302:
        assert response.location == url("backoffice.dashboard")


# ---- file fields ------------------------------------------------------------------------------


def test_a_file_field_sent_as_text_is_a_message_not_an_error(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    tokens = client_request.form_fields("petitions.new_petition")
    data = {**tokens, **PETITION_FORM, "attachments": "report.pdf"}
    page = client_request.post("petitions.new_petition", _data=data, _expected_status=400)
    assert "Choose the file again: what was sent was not a file." in page.get_text()


@pytest.mark.parametrize("value", ["report.pdf", b"%PDF-1.4", None, 42, io.BytesIO(b"%PDF-1.4")])
def test_check_upload_refuses_anything_that_is_not_an_uploaded_file(app, value):
    with app.test_request_context(), pytest.raises(UploadRejected):
        check_upload(value)
