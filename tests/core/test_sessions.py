"""Server-side login sessions (portal/core/sessions.py), for staff and lawyers alike: what the
cookie carries, logout that really ends a session (a copy of the cookie opens nothing), the idle
and absolute limits, the once-a-minute touch, and what ends every session of an account."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.core import clock, sessions
from portal.core.credentials import load_account
from portal.core.permissions import Role
from portal.core.sessions import LoginSession
from portal.extensions import db
from portal.lawyers.models import CaseBinding, CaseFileDelivery
from portal.petitions import services as petitions
from portal.petitions.models import Attachment
from tests.factories import PASSWORD, login, make_petition, make_user
from tests.lawyers.factories import login_lawyer, make_case, make_lawyer
from tests.lawyers.test_bindings import _bind, _deliver, _staff
from tests.web import ClientRequest, url

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 50


def cookie_session(app, client) -> dict:
    """The Flask session as the browser holds it (signed, not encrypted: anyone can read it)."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def copy_of(app, client) -> ClientRequest:
    """Another browser holding a copy of `client`'s session cookie."""
    name = app.config.get("SESSION_COOKIE_NAME", "session")
    thief = app.test_client()
    thief.set_cookie(name, client.get_cookie(name).value)
    return ClientRequest(thief)


def rows() -> list[LoginSession]:
    db.session.rollback()  # a fresh look, not this test's earlier snapshot
    return list(db.session.scalars(sa.select(LoginSession).order_by(LoginSession.id)))


# ---- what the cookie and the table hold --------------------------------------------------------


def test_the_cookie_carries_only_a_random_session_id_and_the_table_only_its_hash(
    app, client_request
):
    user = make_user(Role.CLERK)
    login(client_request.client, user)
    session_id = cookie_session(app, client_request.client)["_user_id"]
    assert len(session_id) >= 43 and str(user.id) not in session_id.split("-")
    (row,) = rows()
    assert (row.account_kind, row.account_id, row.revoked_at) == ("staff", user.id, None)
    assert row.token_hash == hashlib.sha256(session_id.encode()).hexdigest()
    assert session_id not in row.token_hash
    # Two logins of the same account are two sessions with two ids.
    other = ClientRequest(app.test_client())
    login(other.client, user)
    assert cookie_session(app, other.client)["_user_id"] != session_id
    assert len(rows()) == 2


@pytest.mark.parametrize(
    "value",
    ["", "x", "1", "1:abc", "lawyer:1:abc", "a" * 65, "a" * 10_000, "\x00", "é" * 43, 12345, None],
)
def test_any_other_id_is_no_one(app, value):
    make_user(Role.CLERK)
    with app.test_request_context():
        assert load_account(value) is None


def test_each_kind_of_account_is_found_through_its_own_session(app):
    staff, lawyer = make_user(Role.CLERK), make_lawyer()
    with app.test_request_context():
        staff_session, lawyer_session = sessions.begin(staff), sessions.begin(lawyer)
        db.session.commit()
        assert load_account(staff_session) is staff
        assert load_account(lawyer_session) is lawyer
        assert load_account(staff_session).get_id() == staff_session


# ---- logout: a copy of the cookie taken before opens nothing afterwards ------------------------


def test_after_a_staff_logout_a_copied_cookie_opens_no_page_no_personal_data_no_file(
    app, client_request
):
    petition, _ = make_petition(
        name="欧阳某某", uploads=[petitions.uploads.CheckedUpload("a.png", "image/png", PNG)]
    )
    attachment = db.session.scalar(sa.select(Attachment))
    user = make_user(Role.CLERK)
    login(client_request.client, user)
    pages = [
        ("backoffice.dashboard", {}),
        ("backoffice.show_petition", {"number": petition.tracking_number}),
        (
            "backoffice.download_attachment",
            {"number": petition.tracking_number, "attachment_id": attachment.id},
        ),
    ]
    thief = copy_of(app, client_request.client)
    # The copy works while the session lives: it is the same session.
    assert "欧阳某某" in thief.get("backoffice.show_petition", number=petition.tracking_number).text
    thief.get(pages[2][0], **pages[2][1])
    assert thief.response.data == PNG

    client_request.post("accounts.logout", _expected_redirect="accounts.login")
    assert rows()[0].revoked_at is not None
    for endpoint, values in pages:
        response = thief.client.get(url(endpoint, **values))
        assert response.status_code == 302, endpoint
        assert response.location.startswith(url("accounts.login")), endpoint
        assert "欧阳某某".encode() not in response.data and PNG not in response.data
    # The owner's own browser is logged out too, of course.
    client_request.get("backoffice.dashboard", _expected_status=302)


def test_after_a_lawyer_logout_a_copied_cookie_opens_neither_the_account_nor_a_case_file(
    app, client_request
):
    lawyer = make_lawyer()
    login_lawyer(client_request.client, lawyer)
    _bind(client_request, make_case().case_number)
    binding = db.session.scalar(sa.select(CaseBinding))
    staff = _staff(app)
    staff.post("lawyers_admin.approve_binding", binding_id=binding.id)
    _deliver(staff, binding)
    delivery = db.session.scalar(sa.select(CaseFileDelivery))
    binding_id = binding.id

    thief = copy_of(app, client_request.client)
    assert lawyer.name in thief.get("lawyers.account").text
    thief.get("lawyers.download_case_file", delivery_id=delivery.id)

    client_request.post("lawyers.logout", _expected_redirect="lawyers.login")
    for endpoint, values in (
        ("lawyers.account", {}),
        ("lawyers.show_binding", {"binding_id": binding_id}),
        ("lawyers.download_case_file", {"delivery_id": delivery.id}),
    ):
        thief.get(endpoint, **values, _expected_status=302, _expected_redirect="lawyers.login")


# ---- idle and absolute limits ------------------------------------------------------------------


def test_a_staff_session_ends_after_30_idle_minutes_and_says_so_in_both_languages(
    app, client_request, frozen_now
):
    assert app.config["IDLE_TIMEOUT_MINUTES"] == 30
    login(client_request.client, make_user(Role.CLERK))
    with clock.frozen(frozen_now + timedelta(minutes=29)):
        client_request.get("backoffice.dashboard")
    # 29 + 29 minutes after the login, but 29 after the last request: still open.
    with clock.frozen(frozen_now + timedelta(minutes=58)):
        client_request.get("backoffice.dashboard")
    with clock.frozen(frozen_now + timedelta(minutes=58 + 31)):
        client_request.get(
            "backoffice.dashboard", _expected_status=302, _expected_redirect="accounts.login"
        )
        page = client_request.get("accounts.login")
    assert page.select_one(".notice--info") is not None  # the message: see the next test


@pytest.mark.parametrize(
    "locale, message",
    [
        ("en", "Your session has ended. Log in again to continue."),
        ("zh_Hans_CN", "您的登录已结束，请重新登录后继续。"),
    ],
)
def test_the_ended_session_message_is_in_the_users_language(
    app, client_request, frozen_now, locale, message
):
    client_request.client.set_cookie("portal_locale", locale)
    lawyer = make_lawyer()
    login_lawyer(client_request.client, lawyer)
    with clock.frozen(frozen_now + timedelta(minutes=31)):
        page = client_request.get("lawyers.account", _follow_redirects=True)
    assert page.select_one(".notice--info").get_text(strip=True) == message
    assert page.select_one("input[name=password]") is not None  # the login form


def test_a_busy_session_still_ends_12_hours_after_the_login(app, client_request, frozen_now):
    assert app.config["ABSOLUTE_TIMEOUT_HOURS"] == 12
    login(client_request.client, make_user(Role.HANDLER))
    minutes = 0
    while minutes + 20 < 12 * 60:
        minutes += 20
        with clock.frozen(frozen_now + timedelta(minutes=minutes)):
            client_request.get("backoffice.dashboard")
    with clock.frozen(frozen_now + timedelta(hours=12, minutes=1)):
        client_request.get(
            "backoffice.dashboard", _expected_status=302, _expected_redirect="accounts.login"
        )


def test_a_lawyer_session_has_the_same_limits(client_request, frozen_now):
    login_lawyer(client_request.client, make_lawyer())
    with clock.frozen(frozen_now + timedelta(minutes=31)):
        client_request.get(
            "lawyers.account", _expected_status=302, _expected_redirect="lawyers.login"
        )


def test_last_seen_is_written_at_most_once_a_minute(client_request, frozen_now):
    login(client_request.client, make_user(Role.CLERK))
    for seconds in (1, 30, 59):
        with clock.frozen(frozen_now + timedelta(seconds=seconds)):
            client_request.get("backoffice.dashboard")
        assert clock.as_utc(rows()[0].last_seen_at) == frozen_now
    with clock.frozen(frozen_now + timedelta(seconds=61)):
        client_request.get("backoffice.dashboard")
        client_request.get("backoffice.dashboard")
    assert clock.as_utc(rows()[0].last_seen_at) == frozen_now + timedelta(seconds=61)


# ---- what ends every session of an account ------------------------------------------------------


def test_deactivation_and_an_admins_password_reset_end_every_session_of_the_user(app):
    admin, user = make_user(Role.ADMIN), make_user(Role.HANDLER)
    admin_browser = ClientRequest(app.test_client())
    login(admin_browser.client, admin)
    browsers = [ClientRequest(app.test_client()) for _ in range(2)]
    for browser in browsers:
        login(browser.client, user)
        browser.get("backoffice.dashboard")

    admin_browser.post(
        "users_admin.reset_password",
        user_id=user.id,
        _data={"reset-password": "Brand-new-pass-7"},
        _expected_redirect="users_admin.edit_user",
        _redirect_values={"user_id": user.id},
    )
    for browser in browsers:
        browser.get("backoffice.dashboard", _expected_status=302)
    assert sessions.live_sessions_of(user) == 0
    admin_browser.get("users_admin.list_users")  # the admin's own session goes on

    login(browsers[0].client, user, "Brand-new-pass-7")
    browsers[0].get("backoffice.dashboard")
    admin_browser.post(
        "users_admin.edit_user",
        user_id=user.id,
        _data={"name": user.name, "role": "handler"},  # the active box unticked
        _expected_redirect="users_admin.list_users",
    )
    browsers[0].get("backoffice.dashboard", _expected_status=302)
    assert sessions.live_sessions_of(user) == 0


def test_an_admin_resetting_their_own_password_keeps_only_the_session_in_use(app):
    admin = make_user(Role.ADMIN)
    here, elsewhere = ClientRequest(app.test_client()), ClientRequest(app.test_client())
    login(here.client, admin)
    login(elsewhere.client, admin)
    here.post(
        "users_admin.reset_password",
        user_id=admin.id,
        _data={"reset-password": "Brand-new-pass-7"},
        _expected_redirect="users_admin.edit_user",
        _redirect_values={"user_id": admin.id},
    )
    here.get("users_admin.list_users")
    elsewhere.get("users_admin.list_users", _expected_status=302)


def test_a_lawyers_password_change_keeps_this_session_and_ends_the_others(app):
    lawyer = make_lawyer()
    here, elsewhere = ClientRequest(app.test_client()), ClientRequest(app.test_client())
    login_lawyer(here.client, lawyer)
    login_lawyer(elsewhere.client, lawyer)
    here.post(
        "lawyers.change_password",
        _data={"current_password": PASSWORD, "new_password": "New-secret-99"},
        _expected_redirect="lawyers.account",
    )
    here.get("lawyers.account")
    elsewhere.get("lawyers.account", _expected_status=302, _expected_redirect="lawyers.login")
    assert sessions.live_sessions_of(lawyer) == 1


def test_a_session_of_a_deactivated_account_opens_nothing_even_if_not_revoked(app, client_request):
    user = make_user(Role.CLERK)
    login(client_request.client, user)
    user.is_active_account = False  # as if deactivated behind the service's back
    db.session.commit()
    client_request.get("backoffice.dashboard", _expected_status=302)


def test_the_cookie_lives_no_longer_than_the_browser_nor_the_absolute_limit(app, client_request):
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=12)
    response = login(client_request.client, make_user(Role.CLERK))
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "Expires" not in cookie and "Max-Age" not in cookie  # gone when the browser closes
