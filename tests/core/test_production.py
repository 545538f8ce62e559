"""Production guards: demo data refused, links from PUBLIC_BASE_URL and only its host served,
`no-store` on every page with personal or staff data, `__Host-` cookies.

The production app here is built with production settings (PORTAL_ENV=production, a secret, a
public address) over its own SQLite file, beside the session's test app.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from portal import create_app
from portal.accounts.models import User
from portal.core import mail
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import services as petitions
from tests.deputies.factories import login_deputy, make_deputy
from tests.disclosure import samples
from tests.disclosure.factories import make_published_document, make_release
from tests.factories import PASSWORD, csrf_token, login, make_petition, make_user
from tests.lawyers.factories import login_lawyer, make_lawyer
from tests.web import url

BASE = "https://portal.example.org"
FORGED = "evil.example"


def production_app(tmp_path, **overrides):
    return create_app(
        {
            "PORTAL_ENV": "production",
            "SECRET_KEY": "production-test-secret-" + "x" * 32,
            "CODE_HASH_KEY": "production-test-code-hash-key-" + "y" * 32,
            "PUBLIC_BASE_URL": BASE,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'production.sqlite'}",
            "RATELIMIT_STORAGE_OPTIONS": {
                "database_url": f"sqlite:///{tmp_path / 'production-limits.sqlite'}"
            },
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            **overrides,
        }
    )


@pytest.fixture(scope="module")
def prod(tmp_path_factory):
    """A production app with a migrated database and one clerk."""
    app = production_app(tmp_path_factory.mktemp("production"))
    with app.app_context():
        upgrade()
        make_user(Role.CLERK, email="clerk@portal.example.org")
        db.session.remove()
    return app


def https_client(app):
    client = app.test_client()
    client.environ_base.update({"wsgi.url_scheme": "https"})
    return client


def https_get(client, path, **kwargs):
    return client.get(path, base_url=BASE, **kwargs)


def https_post(client, path, data, **kwargs):
    """A form post as a browser on the portal's own pages sends it (Flask-WTF checks the Referer
    of HTTPS posts)."""
    token = csrf_token(https_get(client, path).get_data(as_text=True))
    headers = {"Referer": BASE + path}
    return client.post(path, base_url=BASE, data={"csrf_token": token, **data}, headers=headers)


def set_cookies(response) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}


def attributes(cookie: str) -> set[str]:
    """The attributes of a Set-Cookie header, lower-cased names ("secure", "path=/", ...)."""
    parts = [p.strip() for p in cookie.split(";")[1:]]
    return {
        p.lower() if "=" not in p else p.split("=")[0].lower() + "=" + p.split("=", 1)[1]
        for p in parts
    }


# ---- demo data ---------------------------------------------------------------------------------


def test_demo_data_refuses_to_run_in_production(prod):
    with prod.app_context():  # the command runs in the current app (here the test's otherwise)
        result = prod.test_cli_runner().invoke(args=["demo-data"])
        assert result.exit_code == 1
        assert "refuses to run in production" in result.output
        assert db.session.scalar(sa.select(User).where(User.email.like("%@demo.local"))) is None
        db.session.remove()


def test_production_needs_its_public_address(tmp_path, monkeypatch):
    from portal.config import ConfigurationError

    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL is not set"):
        create_app({"PORTAL_ENV": "production", "SECRET_KEY": "x" * 40, "CODE_HASH_KEY": "y" * 40})
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL"):
        production_app(tmp_path, PUBLIC_BASE_URL="portal.example.org")


# ---- hosts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/case-information/releases/feed.atom", "/api/v1/documents", "/staff/login"]
)
def test_production_answers_a_forged_host_with_400(prod, path):
    client = https_client(prod)
    assert https_get(client, path).status_code == 200
    response = https_get(client, path, headers={"Host": FORGED})
    assert response.status_code == 400
    assert FORGED not in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "DENY"  # the usual headers still go out


def test_a_forged_host_cannot_post_either(prod):
    client = https_client(prod)
    response = client.post(
        "/staff/login", base_url=f"https://{FORGED}", data={"email": "a@b.cn", "password": "x"}
    )
    assert response.status_code == 400


def test_a_forwarded_host_is_not_believed(prod):
    response = https_get(https_client(prod), "/", headers={"X-Forwarded-Host": FORGED})
    assert response.status_code == 200
    assert FORGED not in response.get_data(as_text=True)


def test_more_hosts_can_be_trusted_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "www.portal.example.org, .intranet.example")
    app = production_app(tmp_path)
    assert app.config["TRUSTED_HOSTS"] == [
        "portal.example.org",
        "www.portal.example.org",
        ".intranet.example",
    ]
    client = https_client(app)
    for host, status in [
        ("portal.example.org", 200),
        ("www.portal.example.org", 200),
        ("web.intranet.example", 200),
        ("portal.example.org.evil.example", 400),
        (FORGED, 400),
    ]:
        assert client.get("/healthz", headers={"Host": host}).status_code == status, host


def test_links_in_the_feed_and_the_api_come_from_the_public_address(app, client):
    release = make_release()
    document = make_published_document(text=samples.NON_PROSECUTION)
    base = app.config["PUBLIC_BASE_URL"]
    headers = {"Host": FORGED, "X-Forwarded-Host": FORGED}
    feed = client.get(url("disclosure.releases_feed"), headers=headers).get_data(as_text=True)
    links = re.findall(r'(?:href="|<id>)([^"<]+)', feed)
    assert links and all(link.startswith(base + "/") for link in links), links
    assert FORGED not in feed
    api = client.get(url("api.list_releases"), headers=headers).get_json()
    assert api["items"][0]["url"] == base + url("disclosure.show_release", release_id=release.id)
    item = client.get(url("api.show_document", document_id=document.id), headers=headers)
    assert item.get_json()["url"] == base + url("disclosure.show_document", document_id=document.id)


def test_links_in_e_mails_come_from_the_public_address(app, client):
    registration = {
        "name": "张律师",
        "licence_number": "11101200910123456",
        "law_firm": "示例律师事务所",
        "mobile": "13912345678",
        "email": "zhang@lawfirm.example",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    path = url("lawyers.register")
    token = csrf_token(client.get(path, headers={"Host": FORGED}).get_data(as_text=True))
    response = client.post(
        path, data={"csrf_token": token, **registration}, headers={"Host": FORGED}
    )
    assert response.status_code == 302
    body = db.session.scalar(sa.select(mail.OutboxMessage.body))
    links = re.findall(r"https?://\S+", body)
    assert links and all(link.startswith(app.config["PUBLIC_BASE_URL"] + "/") for link in links)
    assert FORGED not in body


# ---- cookies -----------------------------------------------------------------------------------


def test_production_cookies_carry_the_host_prefix(prod):
    client = https_client(prod)
    # A page with a form starts a session (its CSRF token); a page to read sets none.
    assert not set_cookies(https_get(client, "/"))
    cookies = set_cookies(https_get(client, "/progress"))
    assert set(cookies) == {"__Host-session"}
    assert attributes(cookies["__Host-session"]) >= {"secure", "httponly", "path=/", "samesite=Lax"}
    assert not any(a.startswith("domain=") for a in attributes(cookies["__Host-session"]))
    # Logging in renews it with the same attributes.
    response = https_post(
        client, "/staff/login", {"email": "clerk@portal.example.org", "password": PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    session_cookie = set_cookies(response)["__Host-session"]
    assert attributes(session_cookie) >= {"secure", "httponly", "path=/", "samesite=Lax"}
    assert https_get(client, "/staff/").status_code == 200  # the browser sends it back
    # The language cookie too.
    response = https_get(client, "/language/en?next=/")
    locale_cookie = set_cookies(response)["__Host-locale"]
    assert attributes(locale_cookie) >= {"secure", "httponly", "path=/", "samesite=Lax"}
    assert not any(a.startswith("domain=") for a in attributes(locale_cookie))
    assert 'lang="en"' in https_get(client, "/").get_data(as_text=True)


def test_development_keeps_plain_cookies_over_http(tmp_path):
    app = production_app(tmp_path, PORTAL_ENV="development")
    with app.app_context():
        upgrade()
        user = make_user(Role.CLERK, email="dev-clerk@test.example")
        client = app.test_client()
        login(client, user)
        cookie = set_cookies(client.get(url("site.home")))
        assert client.get(url("backoffice.dashboard")).status_code == 200
        db.session.remove()
    assert "session" in cookie or cookie == {}
    assert not any(name.startswith("__Host-") for name in cookie)
    assert app.config["SESSION_COOKIE_NAME"] == "session"
    assert app.config["SESSION_COOKIE_SECURE"] is False


# ---- no-store ----------------------------------------------------------------------------------

# Values for the URL arguments of guarded GET pages: the records need not exist, the header is
# the subject (a missing record answers 404, which must not be cached either).
SAMPLE_VALUES = {
    "day": "2027-01-01",
    "category": "other_restricted",
    "token": "x",
    "kind": "open_day",
}


def _guarded_get_rules(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if "GET" in rule.methods and hasattr(view, "admits"):
            yield rule, view


def _path(rule, number):
    values = {name: SAMPLE_VALUES.get(name, 1) for name in rule.arguments}
    if "number" in rule.arguments:
        values["number"] = number
    return url(rule.endpoint, **values)


def assert_private(response, where):
    assert "no-store" in response.headers.get("Cache-Control", ""), where
    assert response.headers.get("Pragma") == "no-cache", where


def assert_cacheable_as_before(response, where):
    assert "no-store" not in response.headers.get("Cache-Control", ""), where
    assert "Pragma" not in response.headers, where


def test_every_staff_lawyer_and_deputy_page_is_no_store(app, new_client_request):
    petition, _code = make_petition()
    browsers = {}
    for role in Role:
        browser = new_client_request()
        login(browser.client, make_user(role))
        browsers[role] = browser.client
    lawyer_browser = new_client_request()
    login_lawyer(lawyer_browser.client, make_lawyer())
    deputy_browser = new_client_request()
    login_deputy(deputy_browser.client, make_deputy())
    account_browsers = {"lawyer": lawyer_browser.client, "deputy": deputy_browser.client}
    opened = 0
    rules = list(_guarded_get_rules(app))
    assert len(rules) > 30
    for rule, view in rules:
        path = _path(rule, petition.tracking_number)
        if hasattr(view, "account_kind"):
            client = account_browsers[view.account_kind]
        else:
            client = browsers[sorted(view.allowed_roles)[0]]
        response = client.get(path)
        assert response.status_code != 403, path
        assert_private(response, f"{path} -> {response.status_code}")
        opened += response.status_code == 200
        # Also for a visitor who is not logged in (the guard's redirect to the login page).
        anonymous = app.test_client().get(path)
        assert anonymous.status_code == 302, path
        assert_private(anonymous, f"anonymous {path}")
    assert opened > 20  # most pages really opened


def test_public_pages_with_personal_data_are_no_store(client_request, new_client_request):
    petition, code = make_petition()
    # The lookup form, its answer, the progress page.
    client_request.get("petitions.lookup")
    assert_private(client_request.response, "lookup form")
    client_request.post(
        "petitions.lookup",
        _data={"tracking_number": petition.tracking_number, "query_code": "WRONG-CODE"},
        _expected_status=400,
    )
    assert_private(client_request.response, "lookup refused")
    client_request.post(
        "petitions.lookup",
        _data={
            "tracking_number": petition.tracking_number,
            "query_code": petitions.format_code(code),
        },
        _expected_redirect="petitions.progress",
        _redirect_values={"number": petition.tracking_number},
    )
    client_request.get("petitions.progress", number=petition.tracking_number)
    assert_private(client_request.response, "progress page")
    # A form sent with an error shows what was typed.
    client_request.post(
        "petitions.new_petition",
        _data={"subject": "我的身份证号110105199003021234"},
        _expected_status=400,
    )
    assert_private(client_request.response, "petition form with errors")
    # The case query form, the lawyers' login and registration, the reception-day cancel page.
    for endpoint in (
        "cases.lookup",
        "lawyers.login",
        "lawyers.register",
        "appointments.cancel_visit",
    ):
        browser = new_client_request()
        browser.get(endpoint)
        assert_private(browser.response, endpoint)


def test_a_logged_in_person_gets_no_store_also_on_public_pages(client_request):
    login(client_request.client, make_user(Role.CLERK))
    client_request.get("site.home")
    assert_private(client_request.response, "home page, logged in")


def test_public_pages_the_same_for_everyone_stay_cacheable(app, client):
    release = make_release()
    for endpoint, values in [
        ("site.home", {}),
        ("disclosure.list_releases", {}),
        ("disclosure.show_release", {"release_id": release.id}),
        ("disclosure.list_documents", {}),
        ("disclosure.releases_feed", {}),
        ("api.list_releases", {}),
        ("api.openapi_document", {}),
    ]:
        response = client.get(url(endpoint, **values))
        assert response.status_code == 200, endpoint
        assert_cacheable_as_before(response, endpoint)
    static = Path(app.static_folder)
    css = next(static.rglob("*.css"))
    response = client.get(url("static", filename=css.relative_to(static).as_posix()))
    assert response.status_code == 200
    assert_cacheable_as_before(response, "static")
    response.close()
