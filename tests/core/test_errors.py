"""The error pages say what really happened: whether the request was answered, and whether what
was sent was saved, in both languages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import portal.petitions.views as petition_views
import portal.site.views as site_views
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import services
from portal.petitions.models import Petition
from tests.factories import login, make_user
from tests.web import parse, url

PETITION = {
    "kind": "complaint",
    "subject": "反映派出所不予立案",
    "body": "本人报案后派出所至今未予立案，请求监督。",
    "name": "刘某某",
    "mobile": "13800000001",
    "declaration": "y",
}


@pytest.fixture
def english(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


def message(page) -> str:
    return page.select_one("p.lead").get_text(" ", strip=True)


def _post_petition(browser, status):
    data = {**browser.form_fields("petitions.new_petition"), **PETITION}
    return browser.post("petitions.new_petition", _data=data, _expected_status=status)


def test_a_failed_form_that_saved_nothing_says_it_was_not_saved(english, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(services, "submit_petition", broken)
    page = _post_petition(english, 500)
    assert page.h1.get_text(strip=True) == "Something went wrong on our side"
    assert "was not saved" in message(page) and "12309" in message(page)
    assert "lost" not in page.get_text()
    assert english.response.headers["Cache-Control"] == "no-store"
    assert db.session.scalar(sa.select(sa.func.count(Petition.id))) == 0


def test_a_failure_after_saving_says_it_may_have_been_saved(english, monkeypatch):
    """The petition is committed before its receipt is drawn: if drawing fails, the page must
    not say that nothing was saved."""

    def broken(*args, **kwargs):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(petition_views, "render_receipt", broken)
    page = _post_petition(english, 500)
    assert db.session.scalar(sa.select(sa.func.count(Petition.id))) == 1
    assert "may have been saved" in message(page)
    assert "not saved" not in message(page)


def test_a_page_that_failed_to_open_says_so(english, monkeypatch):
    monkeypatch.setattr(site_views, "render_template", lambda *a, **k: 1 / 0)
    page = english.get("site.home", _expected_status=500)
    assert "could not be shown" in message(page)
    assert "saved" not in message(page)


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("get", "/no-such-page"), 404, "There is no page at this address"),
        (("post", "/no-such-page"), 404, "what you sent was not saved"),
        (("post", "/"), 405, "what you sent was not saved"),
        (("post", "/progress", {"csrf_token": "stale"}), 400, "what you sent was not saved"),
    ],
)
def test_each_client_error_says_what_happened(english, request_, status, expected):
    method, path, *data = request_
    response = getattr(english.client, method)(path, data=data[0] if data else None)
    assert response.status_code == status
    assert expected in message(parse(response))


def test_a_refused_page_and_a_refused_action(english):
    login(english.client, make_user(Role.PUBLISHER))
    page = english.get("users_admin.list_users", _expected_status=403)
    assert "You may not open this page" in message(page)
    token = english.csrf_token()
    response = english.client.post(url("users_admin.create_user"), data={"csrf_token": token})
    assert response.status_code == 403
    assert "nothing was changed" in message(parse(response))


def test_too_large_says_nothing_was_saved_and_the_limits(app, english):
    app.config["MAX_CONTENT_LENGTH"], before = 1000, app.config["MAX_CONTENT_LENGTH"]
    try:
        response = english.client.post(url("petitions.new_petition"), data={"body": "x" * 5000})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = before
    assert response.status_code == 413
    text = message(parse(response))
    assert "not saved" in text and "at most 5 files of at most 10 MB each" in text


def test_too_many_attempts_says_it_was_not_processed(app, english):
    app.config["LOOKUP_LIMIT"] = "1 per minute"
    try:
        for _ in range(2):
            response = english.client.post(
                url("petitions.lookup"), data={"csrf_token": english.csrf_token()}
            )
    finally:
        app.config["LOOKUP_LIMIT"] = "1000 per minute"
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) <= 60
    # The lookup form comes back with the wait and the hotline, not a bare error page.
    assert "Wait " in response.get_data(as_text=True)
    assert "call the 12309 hotline" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("code", "chinese"),
    [
        (404, "此地址没有页面"),
        (500, "由于我们这边的错误"),
    ],
)
def test_the_texts_are_in_chinese_by_default(client_request, monkeypatch, code, chinese):
    if code == 500:
        monkeypatch.setattr(site_views, "render_template", lambda *a, **k: 1 / 0)
        response = client_request.client.get(url("site.home"))
    else:
        response = client_request.client.get("/no-such-page")
    assert response.status_code == code
    assert chinese in message(parse(response))
