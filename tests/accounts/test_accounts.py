"""Staff accounts: passwords, logins and lockout, sessions, the users CLI and the administrator's
user pages (portal/accounts/)."""

import pytest
from flask_babel import force_locale

from portal import config as portal_config
from portal import create_app
from portal.accounts import services
from portal.accounts.models import User
from portal.core import audit
from portal.core.permissions import Role
from portal.extensions import db
from tests.core.test_throttling import later
from tests.factories import PASSWORD, login, make_user, url


def log_in(client_request, email, password, *, _expected_status=302):
    """The staff login form; success goes to the back office."""
    return client_request.post(
        "accounts.login",
        _data={"email": email, "password": password},
        _expected_status=_expected_status,
        _expected_redirect="backoffice.dashboard" if _expected_status == 302 else None,
    )


def test_passwords_are_stored_as_argon2_hashes():
    user = make_user(Role.CLERK)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_login_with_the_right_password_opens_the_back_office(client_request):
    user = make_user(Role.CLERK)
    log_in(client_request, user.email, PASSWORD)
    client_request.get("backoffice.dashboard")


def test_wrong_password_says_so_without_telling_whether_the_account_exists(client_request):
    user = make_user(Role.CLERK)
    wrong = log_in(client_request, user.email, "nope-nope-1", _expected_status=400)
    unknown = log_in(client_request, "ghost@test.example", "nope-nope-1", _expected_status=400)
    assert (
        wrong.select_one("#password-error").get_text()
        == unknown.select_one("#password-error").get_text()
    )
    message = "The e-mail address or password is not right."
    client_request.client.set_cookie("portal_locale", "en")
    for email in (user.email, "ghost@test.example"):
        page = log_in(client_request, email, "x1", _expected_status=400)
        assert message in page.get_text()
        assert page.select_one("input[name=email]")["value"] == email  # what was typed is kept


def test_repeated_failures_lock_this_client_even_for_the_right_password(client, app):
    """The whole rule, client by client, is in tests/core/test_throttling.py."""
    user = make_user(Role.CLERK)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        with pytest.raises(services.AccountError):
            services.authenticate(user.email, "wrong-password-1")
        db.session.commit()
    with force_locale("en"), pytest.raises(services.AccountError, match="Too many failed"):
        services.authenticate(user.email, PASSWORD)
    with later(app.config["LOGIN_LOCK_MINUTES"] * 60 + 1):
        assert services.authenticate(user.email, PASSWORD).id == user.id


def test_session_cookie_is_httponly_and_lax(client_request):
    user = make_user(Role.CLERK)
    log_in(client_request, user.email, PASSWORD)
    cookie = next(
        c for c in client_request.response.headers.getlist("Set-Cookie") if c.startswith("session=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure_and_secret_is_required(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    with pytest.raises(portal_config.ConfigurationError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("CODE_HASH_KEY", "y" * 40)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://portal.example.org")
    config = portal_config.load(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True


def test_logout_is_a_post_and_ends_the_session(client_request):
    user = make_user(Role.CLERK)
    login(client_request.client, user)
    client_request.get("accounts.logout", _expected_status=405)
    client_request.get("backoffice.dashboard")  # still logged in
    client_request.post("accounts.logout", _expected_redirect="accounts.login")
    client_request.get(
        "backoffice.dashboard", _expected_status=302, _expected_redirect="accounts.login"
    )


def test_cli_creates_a_user_with_the_password_from_the_environment(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "New.Clerk@Test.example", "--role", "clerk"],
        env={"PORTAL_PASSWORD": "Long-enough-9"},
    )
    assert result.exit_code == 0, result.output
    user = services.find_by_email("new.clerk@test.example")
    assert user.role == "clerk"
    assert services.authenticate("new.clerk@test.example", "Long-enough-9").id == user.id


def test_cli_refuses_a_weak_password_and_an_unknown_role(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(
        args=["users", "create", "a@test.example", "--role", "clerk"],
        env={"PORTAL_PASSWORD": "short"},
    )
    assert weak.exit_code != 0 and "10" in weak.output
    bad_role = runner.invoke(
        args=["users", "create", "a@test.example", "--role", "king"],
        env={"PORTAL_PASSWORD": "Long-enough-9"},
    )
    assert bad_role.exit_code != 0
    assert db.session.query(User).count() == 0


def test_admin_creates_edits_and_resets_a_user(client_request):
    admin = make_user(Role.ADMIN)
    login(client_request.client, admin)
    client_request.client.set_cookie("portal_locale", "en")
    bad = client_request.post(
        "users_admin.create_user",
        _data={"email": "not-an-email", "name": "", "role": "handler", "password": "short"},
        _expected_status=200,
    )
    assert "Enter an e-mail address like name@example.com." in bad.get_text()
    assert bad.select_one("input[name=email]")["value"] == "not-an-email"
    client_request.post(
        "users_admin.create_user",
        _data={
            "email": "h@test.example",
            "name": "Handler Hu",
            "role": "handler",
            "password": "Good-password-1",
        },
        _expected_redirect="users_admin.list_users",
    )
    user = services.find_by_email("h@test.example")
    client_request.post(
        "users_admin.edit_user",
        user_id=user.id,
        _data={"name": "Handler Hu", "role": "leader"},
        _expected_redirect="users_admin.list_users",
    )
    db.session.refresh(user)
    assert user.role == "leader" and user.is_active_account is False  # unticked box deactivates
    client_request.post(
        "users_admin.reset_password",
        user_id=user.id,
        _data={"reset-password": "Another-pass-2"},
        _expected_redirect="users_admin.edit_user",
        _redirect_values={"user_id": user.id},
    )
    user.is_active_account = True
    db.session.commit()
    assert services.authenticate("h@test.example", "Another-pass-2").id == user.id


def test_admin_cannot_lock_themself_out(client_request):
    admin = make_user(Role.ADMIN)
    login(client_request.client, admin)
    client_request.post(
        "users_admin.edit_user",
        user_id=admin.id,
        _data={"name": admin.name, "role": "clerk", "is_active": "y"},
        _expected_status=200,
    )
    db.session.refresh(admin)
    assert admin.role == "admin"


@pytest.mark.parametrize(
    ("locale", "weak", "done"),
    [
        ("en", "Use at least 10 characters", "Password reset. The user's sessions have ended."),
        ("zh_Hans_CN", "密码至少需要10位", "密码已重置，该用户已在所有设备上退出登录。"),
    ],
)
def test_an_admins_reset_of_a_staff_password_is_checked_audited_and_lifts_a_lock(
    app, client_request, locale, weak, done
):
    admin, user = make_user(Role.ADMIN), make_user(Role.HANDLER)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):  # someone locked the account
        with pytest.raises(services.AccountError):
            services.authenticate(user.email, "wrong-password-1")
        db.session.commit()
    login(client_request.client, admin)
    client_request.client.set_cookie("portal_locale", locale)
    page = client_request.post(
        "users_admin.reset_password",
        user_id=user.id,
        _data={"reset-password": "short1"},
        _expected_status=400,
    )
    assert weak in page.select_one("#reset-password-error").get_text()
    page = client_request.post(
        "users_admin.reset_password",
        user_id=user.id,
        _data={"reset-password": "Another-pass-2"},
        _follow_redirects=True,
        _expected_status=200,
    )
    assert done in page.select_one(".notice--success").get_text()
    [event] = [e for e in audit.history(user) if e.code == "user.password_reset"]
    assert event.actor_id == admin.id
    assert services.authenticate(user.email, "Another-pass-2").id == user.id  # unlocked


def test_the_user_page_offers_the_reset_and_says_it_ends_the_sessions(client_request):
    admin, user = make_user(Role.ADMIN), make_user(Role.HANDLER)
    login(client_request.client, admin)
    page = client_request.get("users_admin.edit_user", user_id=user.id)
    form = page.find("form", action=url("users_admin.reset_password", user_id=user.id))
    assert form is not None and form.select_one("input[name=reset-password]") is not None
