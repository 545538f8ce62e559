"""Error pages, security headers and the language switch."""

from __future__ import annotations

import pytest

from tests.web import parse, url


@pytest.fixture
def english(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


def test_security_headers_on_every_page(client_request):
    client_request.get("site.home")
    headers = client_request.response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_not_found_is_a_localised_page(app, english):
    # The subject is an address no route answers, so it is spelt out.
    chinese = app.test_client()
    response = chinese.get("/no-such-page")
    assert response.status_code == 404 and "Page not found" not in response.get_data(as_text=True)
    response = english.client.get("/no-such-page")
    assert response.status_code == 404
    assert parse(response).h1.get_text(strip=True) == "Page not found"


def test_an_unexpected_error_shows_the_500_page_without_a_trace(english, monkeypatch):
    import portal.site.views as site_views

    def broken(*args, **kwargs):
        raise RuntimeError("database exploded: secret detail")

    monkeypatch.setattr(site_views, "render_template", broken)
    page = english.get("site.home", _expected_status=500)
    assert "Something went wrong on our side" in page.get_text()
    html = english.response.get_data(as_text=True)
    assert "secret detail" not in html and "Traceback" not in html


def test_a_post_with_a_stale_token_gets_the_expired_page(english):
    page = english.post(
        "petitions.lookup",
        _data={"number": "XF2026-000001", "csrf_token": "stale"},
        _expected_status=400,
    )
    assert "This page has expired" in page.get_text()


def test_method_not_allowed_is_a_page_too(english):
    # The route only answers GET: the method is refused (405) before CSRF is checked, since
    # no view matched.
    page = english.post("site.home", _csrf=False, _expected_status=405)
    assert page.find("h1") is not None
    assert "Traceback" not in english.response.get_data(as_text=True)


def test_language_switch_remembers_the_choice_and_returns_to_the_page(client_request):
    page = client_request.get("petitions.lookup")
    assert page.html["lang"] == "zh-Hans"
    client_request.get(
        "site.switch_language",
        locale="en",
        next=url("petitions.lookup"),
        _expected_status=302,
        _expected_redirect="petitions.lookup",
    )
    cookie = next(
        c
        for c in client_request.response.headers.getlist("Set-Cookie")
        if c.startswith("portal_locale")
    )
    assert "Max-Age" in cookie and "HttpOnly" in cookie
    assert client_request.get("petitions.new_petition").html["lang"] == "en"


def test_language_switch_does_not_redirect_off_site(client_request):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        client_request.get(
            "site.switch_language",
            locale="en",
            next=target,
            _expected_status=302,
            _expected_redirect="site.home",
        )
        assert client_request.response.location == url("site.home"), target


def test_unknown_locales_are_ignored(client_request):
    client_request.client.set_cookie("portal_locale", "fr")
    assert client_request.get("site.home").html["lang"] == "zh-Hans"


def test_health_check(client_request):
    client_request.get("site.health")
    assert client_request.response.get_json() == {"status": "ok"}
