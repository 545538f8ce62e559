from datetime import timedelta

import pytest
from flask_babel import force_locale

from portal import config as portal_config
from portal import create_app
from portal.accounts import services
from portal.accounts.models import User
from portal.core import clock
from portal.core.permissions import Role
from portal.extensions import db
from tests.factories import PASSWORD, csrf_token, login, make_user, submit_form


def test_passwords_are_stored_as_argon2_hashes():
    user = make_user(Role.CLERK)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_login_with_the_right_password_opens_the_back_office(client):
    user = make_user(Role.CLERK)
    response = login(client, user)
    assert response.location.endswith("/staff/")
    assert client.get("/staff/").status_code == 200


def test_wrong_password_says_so_without_telling_whether_the_account_exists(client):
    user = make_user(Role.CLERK)
    wrong = submit_form(client, "/staff/login", {"email": user.email, "password": "nope-nope-1"})
    unknown = submit_form(
        client, "/staff/login", {"email": "ghost@test.example", "password": "nope-nope-1"}
    )
    assert wrong.status_code == unknown.status_code == 400
    message = "The e-mail address or password is not right."
    client.set_cookie("portal_locale", "en")
    for email in (user.email, "ghost@test.example"):
        html = submit_form(client, "/staff/login", {"email": email, "password": "x1"}).get_data(
            as_text=True
        )
        assert message in html
        assert 'value="' + email + '"' in html  # what was typed is kept


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, app):
    user = make_user(Role.CLERK)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        with pytest.raises(services.AccountError):
            services.authenticate(user.email, "wrong-password-1")
        db.session.commit()
    with force_locale("en"), pytest.raises(services.AccountError, match="locked"):
        services.authenticate(user.email, PASSWORD)
    later = clock.now() + timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)
    with clock.frozen(later):
        assert services.authenticate(user.email, PASSWORD).id == user.id


def test_session_cookie_is_httponly_and_lax(client):
    user = make_user(Role.CLERK)
    response = login(client, user)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure_and_secret_is_required(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    with pytest.raises(portal_config.ConfigurationError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = portal_config.load(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True


def test_logout_is_a_post_and_ends_the_session(client):
    user = make_user(Role.CLERK)
    login(client, user)
    token = csrf_token(client.get("/staff/").get_data(as_text=True))
    assert client.get("/staff/logout").status_code == 405
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302


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


def test_admin_creates_edits_and_resets_a_user(client):
    admin = make_user(Role.ADMIN)
    login(client, admin)
    client.set_cookie("portal_locale", "en")
    bad = submit_form(
        client,
        "/staff/users/new",
        {"email": "not-an-email", "name": "", "role": "handler", "password": "short"},
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "Enter an e-mail address like name@example.com." in html
    assert 'value="not-an-email"' in html
    response = submit_form(
        client,
        "/staff/users/new",
        {
            "email": "h@test.example",
            "name": "Handler Hu",
            "role": "handler",
            "password": "Good-password-1",
        },
    )
    assert response.status_code == 302
    user = services.find_by_email("h@test.example")
    response = submit_form(
        client, f"/staff/users/{user.id}", {"name": "Handler Hu", "role": "leader"}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == "leader" and user.is_active_account is False  # unticked box deactivates
    token = csrf_token(client.get(f"/staff/users/{user.id}").get_data(as_text=True))
    response = client.post(
        f"/staff/users/{user.id}/password",
        data={"csrf_token": token, "reset-password": "Another-pass-2"},
    )
    assert response.status_code == 302


def test_admin_cannot_lock_themself_out(client):
    admin = make_user(Role.ADMIN)
    login(client, admin)
    response = submit_form(
        client, f"/staff/users/{admin.id}", {"name": admin.name, "role": "clerk", "is_active": "y"}
    )
    assert response.status_code == 200
    db.session.refresh(admin)
    assert admin.role == "admin"
