"""Error pages, security headers and the language switch."""

from __future__ import annotations

import pytest

from tests.factories import csrf_token, h1


@pytest.fixture
def english(client):
    client.set_cookie("portal_locale", "en")
    return client


def test_security_headers_on_every_page(client):
    response = client.get("/")
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_not_found_is_a_localised_page(client, english):
    zh = client.__class__(client.application).get("/no-such-page")
    assert zh.status_code == 404 and "Page not found" not in zh.get_data(as_text=True)
    response = english.get("/no-such-page")
    assert response.status_code == 404
    assert h1(response.get_data(as_text=True)) == "Page not found"


def test_an_unexpected_error_shows_the_500_page_without_a_trace(english, monkeypatch):
    import portal.site.views as site_views

    def broken(*args, **kwargs):
        raise RuntimeError("database exploded: secret detail")

    monkeypatch.setattr(site_views, "render_template", broken)
    response = english.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "secret detail" not in html and "Traceback" not in html


def test_a_post_with_a_stale_token_gets_the_expired_page(english):
    response = english.post("/language", data={"locale": "en", "csrf_token": "stale"})
    assert response.status_code == 400
    assert "This page has expired" in response.get_data(as_text=True)


def test_method_not_allowed_is_a_page_too(english):
    response = english.post("/")
    assert response.status_code in (400, 405)  # CSRF is checked first on a POST without token
    assert "Traceback" not in response.get_data(as_text=True)


def test_language_switch_remembers_the_choice_and_returns_to_the_page(client):
    html = client.get("/progress").get_data(as_text=True)
    assert 'lang="zh-Hans"' in html
    response = client.post(
        "/language", data={"csrf_token": csrf_token(html), "locale": "en", "next": "/progress"}
    )
    assert response.status_code == 302 and response.location.endswith("/progress")
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("portal_locale")
    )
    assert "Max-Age" in cookie and "HttpOnly" in cookie
    assert 'lang="en"' in client.get("/petitions/new").get_data(as_text=True)


def test_language_switch_does_not_redirect_off_site(client):
    html = client.get("/").get_data(as_text=True)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            "/language", data={"csrf_token": csrf_token(html), "locale": "en", "next": target}
        )
        assert response.location == "/", target


def test_unknown_locales_are_ignored(client):
    client.set_cookie("portal_locale", "fr")
    assert 'lang="zh-Hans"' in client.get("/").get_data(as_text=True)


def test_health_check(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
