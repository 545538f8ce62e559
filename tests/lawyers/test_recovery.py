"""Account recovery for lawyers: the password reset by e-mail (the same answer for every
address, a single-use link that expires, limits per account and per client, every session ended)
and the rate-limited resend of the confirmation link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.core import audit, clock, mail, sessions
from portal.core.credentials import AccountError
from portal.extensions import db
from portal.lawyers import services
from tests.factories import PASSWORD
from tests.lawyers.factories import login_lawyer, make_lawyer
from tests.web import ClientRequest, url

NEW_PASSWORD = "Fresh-start-2027"

# Messages as the lawyer reads them, in both languages (written out, not read from the code).
ANSWER = {
    "en": "If an account uses {email}, we have sent it a link to choose a new password.",
    "zh_Hans_CN": "如果{email}是已注册账户的邮箱，我们已向其发送设置新密码的链接",
}
USED = {
    "en": "This link is not valid or was used already. Ask for a new one.",
    "zh_Hans_CN": "该链接无效或已被使用，请重新申请。",
}
EXPIRED = {
    "en": "This link has expired. Ask for a new one.",
    "zh_Hans_CN": "该链接已过期，请重新申请。",
}
DONE = {
    "en": "Your new password is set and every session of your account has ended.",
    "zh_Hans_CN": "新密码已设置，您的账户已在所有设备上退出登录。",
}
RESENT = {
    "en": "We have sent a confirmation link to {email}. Open the newest one.",
    "zh_Hans_CN": "已向{email}发送确认链接，请打开最新的一封。",
}
LANGUAGES = ["en", "zh_Hans_CN"]


def browser(app, locale="en") -> ClientRequest:
    client = ClientRequest(app.test_client())
    client.client.set_cookie("portal_locale", locale)
    return client


def ask_for_reset(client_request, email):
    return client_request.post(
        "lawyers.forgot_password",
        _data={"email": email},
        _follow_redirects=True,
        _expected_status=200,
    )


def make_account(**kwargs):
    """A lawyer, with the outbox emptied of the registration's confirmation e-mail."""
    lawyer = make_lawyer(**kwargs)
    db.session.execute(sa.delete(mail.OutboxMessage))
    db.session.commit()
    return lawyer


def outbox(to=None) -> list[mail.OutboxMessage]:
    db.session.rollback()  # a fresh look
    query = sa.select(mail.OutboxMessage).order_by(mail.OutboxMessage.id)
    if to:
        query = query.where(mail.OutboxMessage.recipient == to)
    return list(db.session.scalars(query))


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def token_in(app, message) -> str:
    link = link_in(message)
    prefix = app.config["PUBLIC_BASE_URL"] + url("lawyers.reset_password", token="T")[:-1]
    assert link.startswith(prefix), link
    return link.removeprefix(prefix)


def notice(page) -> str:
    return page.select_one(".notice--success").get_text(" ", strip=True)


# ---- asking for the link -------------------------------------------------------------------------


def test_the_lawyer_login_links_to_the_forgotten_password_page(client_request):
    page = client_request.get("lawyers.login")
    assert page.find("a", href=url("lawyers.forgot_password")) is not None


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(app, locale):
    lawyer = make_account(email="known@lawfirm.example")
    known = ask_for_reset(browser(app, locale), lawyer.email)
    unknown = ask_for_reset(browser(app, locale), "nobody@lawfirm.example")
    known_text = notice(known).replace(lawyer.email, "{email}")
    assert known_text == notice(unknown).replace("nobody@lawfirm.example", "{email}")
    assert ANSWER[locale] in known_text
    assert known.select_one("h1").text == unknown.select_one("h1").text  # both on the login page
    # Only the real account got an e-mail, and only it has an audit event.
    assert [m.recipient for m in outbox()] == [lawyer.email]
    [event] = [e for e in audit.history(lawyer) if e.code == "lawyer.password_reset_requested"]
    assert event.subject_id == str(lawyer.id)


def test_the_e_mail_holds_a_public_link_to_the_reset_page(app, client_request, frozen_now):
    lawyer = make_account()
    ask_for_reset(client_request, lawyer.email.upper())  # the address in any case
    [message] = outbox(lawyer.email)
    assert link_in(message) == app.config["PUBLIC_BASE_URL"] + url(
        "lawyers.reset_password", token=services.password_reset_token(lawyer)
    )
    assert "30" in message.body  # minutes it is valid for


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your e-mail address."),
        ("not-an-address", "Enter an e-mail address like name@example.com."),
        ("a\x00b@lawfirm.example", "Remove the invisible control characters from this text."),
        ("a" * 300 + "@lawfirm.example", "Use at most 254 characters."),
    ],
)
def test_the_form_says_what_to_fix_and_keeps_what_was_typed(app, email, message):
    page = browser(app).post(
        "lawyers.forgot_password", _data={"email": email}, _expected_status=400
    )
    assert message in page.text
    if "\x00" not in email:
        assert page.select_one("input[name=email]").get("value", "") == email
    assert outbox() == []


def test_the_form_message_is_in_chinese_by_default(app):
    page = browser(app, "zh_Hans_CN").post(
        "lawyers.forgot_password", _data={"email": ""}, _expected_status=400
    )
    assert "请输入您的电子邮箱。" in page.text


# ---- using the link ------------------------------------------------------------------------------


def test_the_link_sets_a_new_password_once_and_ends_every_session(app, client_request):
    lawyer = make_account()
    logged_in = browser(app)
    login_lawyer(logged_in.client, lawyer)
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"]):  # someone locked the account
        with pytest.raises(AccountError):
            services.authenticate(lawyer.email, "wrong-password-1")
        db.session.commit()
    client_request.client.set_cookie("portal_locale", "en")
    ask_for_reset(client_request, lawyer.email)
    token = token_in(app, outbox(lawyer.email)[0])

    page = client_request.get("lawyers.reset_password", token=token)
    assert page.select_one("input[name=password]") is not None
    logged_in.get("lawyers.account")  # opening the link changes nothing
    page = client_request.post(
        "lawyers.reset_password",
        token=token,
        _data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        _follow_redirects=True,
        _expected_status=200,
    )
    assert DONE["en"] in notice(page)
    logged_in.get("lawyers.account", _expected_status=302, _expected_redirect="lawyers.login")
    assert sessions.live_sessions_of(lawyer) == 0
    # The lock is lifted and the new password works; the old one does not.
    assert services.authenticate(lawyer.email, NEW_PASSWORD).id == lawyer.id
    with pytest.raises(AccountError):
        services.authenticate(lawyer.email, PASSWORD)
    db.session.rollback()
    codes = [e.code for e in audit.history(lawyer)]
    assert codes.index("lawyer.password_reset_requested") < codes.index("lawyer.password_reset")

    # Used once, the link is dead, for the form and for the page.
    again = client_request.post(
        "lawyers.reset_password",
        token=token,
        _data={"password": "Another-one-2028", "password_again": "Another-one-2028"},
        _expected_status=400,
    )
    assert USED["en"] in again.text
    client_request.get("lawyers.reset_password", token=token, _expected_status=400)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_weak_or_mistyped_new_password_is_refused_in_the_users_language(app, locale):
    lawyer = make_account()
    token = services.password_reset_token(lawyer)
    client = browser(app, locale)
    weak = client.post(
        "lawyers.reset_password",
        token=token,
        _data={"password": "short1", "password_again": "short1"},
        _expected_status=400,
    )
    expected = {"en": "Use at least 10 characters", "zh_Hans_CN": "密码至少需要10位"}
    assert expected[locale] in weak.text
    differ = client.post(
        "lawyers.reset_password",
        token=token,
        _data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"},
        _expected_status=400,
    )
    assert weak.select_one("title").text.startswith(
        {"en": "Error:", "zh_Hans_CN": "错误："}[locale]
    )
    assert differ.select_one("#password_again-error") is not None
    # Nothing changed: the link still works.
    client.get("lawyers.reset_password", token=token)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_link_expires_after_30_minutes(app, frozen_now, locale):
    lawyer = make_account()
    token = services.password_reset_token(lawyer)
    client = browser(app, locale)
    with clock.frozen(frozen_now + timedelta(minutes=29)):
        client.get("lawyers.reset_password", token=token)
    with clock.frozen(frozen_now + timedelta(minutes=31)):
        page = client.get("lawyers.reset_password", token=token, _expected_status=400)
    assert EXPIRED[locale] in page.text
    assert page.find("a", href=url("lawyers.forgot_password")) is not None


def test_a_login_in_the_meantime_kills_the_link(app, client_request, frozen_now):
    lawyer = make_account()
    token = services.password_reset_token(lawyer)
    with clock.frozen(frozen_now + timedelta(minutes=5)):
        login_lawyer(browser(app).client, lawyer)  # the lawyer remembered the password
        page = client_request.get("lawyers.reset_password", token=token, _expected_status=400)
    assert USED["zh_Hans_CN"] in page.text


@pytest.mark.parametrize(
    "token", ["x", "a.b.c", "eyJpZCI6MX0.ZZZZ.abcd", "%00", "a" * 1000, "..", "ö" * 40]
)
def test_a_forged_or_mangled_link_is_refused_without_an_error(app, token):
    lawyer = make_account()
    real = services.password_reset_token(lawyer)
    for candidate in (token, real[:-2] + "xx", real.replace(".", "", 1)):
        page = browser(app).get("lawyers.reset_password", token=candidate, _expected_status=400)
        assert USED["en"] in page.text


def test_a_link_no_token_could_be_is_refused_before_the_page(app):
    """A control character anywhere in an address is refused by the input guard (400), and a
    path segment longer than any token matches no page (404): neither reaches the reset page."""
    page = browser(app).get("lawyers.reset_password", token="\x00", _expected_status=400)
    assert "The request contains characters we cannot accept" in page.text
    browser(app).get("lawyers.reset_password", token="a" * 5000, _expected_status=404)


def test_a_token_for_another_purpose_does_not_reset(app):
    lawyer = make_account(verified=False, confirmed=False)
    confirmation = services.confirmation_token(lawyer)
    browser(app).get("lawyers.reset_password", token=confirmation, _expected_status=400)


# ---- limits --------------------------------------------------------------------------------------


def test_one_account_gets_at_most_3_links_however_many_clients_ask(app, monkeypatch):
    assert app.config["PASSWORD_RESET_PER_ACCOUNT"] == 3
    # Test clients share one address: lift the per-client limit to see the per-account one.
    monkeypatch.setitem(app.config, "PASSWORD_RESET_LIMIT", "1000 per minute")
    lawyer = make_account()
    answers = {notice(ask_for_reset(browser(app), lawyer.email)) for _ in range(5)}
    assert len(answers) == 1  # the same answer when nothing more is sent
    assert len(outbox(lawyer.email)) == 3
    # Unknown addresses are counted the same way, and other accounts are not affected.
    other = make_account()
    ask_for_reset(browser(app), other.email)
    assert len(outbox(other.email)) == 1


def test_one_client_is_slowed_down_whatever_addresses_it_tries(app, monkeypatch):
    client = browser(app)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_LIMIT", "2 per minute")
    ask_for_reset(client, "one@lawfirm.example")
    ask_for_reset(client, "two@lawfirm.example")
    client.post(
        "lawyers.forgot_password", _data={"email": "three@lawfirm.example"}, _expected_status=429
    )
    # Guessing at reset links is limited the same way.
    for _attempt in range(2):
        client.post(
            "lawyers.reset_password",
            token="x",
            _data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
            _expected_status=400,
        )
    client.post(
        "lawyers.reset_password",
        token="x",
        _data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        _expected_status=429,
    )


# ---- the confirmation link, sent again -----------------------------------------------------------


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_confirmation_link_is_resent_at_most_3_times_an_hour_with_the_same_answer(app, locale):
    assert app.config["CONFIRMATION_RESEND_PER_HOUR"] == 3
    lawyer = make_account(verified=False, confirmed=False)
    client = browser(app, locale)
    login_lawyer(client.client, lawyer)
    answers = set()
    for _attempt in range(5):
        page = client.post(
            "lawyers.resend_confirmation", _follow_redirects=True, _expected_status=200
        )
        answers.add(notice(page))
    assert len(answers) == 1
    assert RESENT[locale].format(email=lawyer.email) in answers.pop()
    assert len(outbox(lawyer.email)) == 3


def test_a_confirmed_address_gets_no_more_links(app):
    lawyer = make_account()
    client = browser(app)
    login_lawyer(client.client, lawyer)
    client.post("lawyers.resend_confirmation", _expected_redirect="lawyers.account")
    assert outbox(lawyer.email) == []


def test_the_resend_is_limited_per_client_too(app, monkeypatch):
    lawyer = make_account(verified=False, confirmed=False)
    client = browser(app)
    login_lawyer(client.client, lawyer)
    monkeypatch.setitem(app.config, "PUBLIC_FORM_LIMIT", "1 per minute")
    client.post("lawyers.resend_confirmation", _expected_redirect="lawyers.account")
    client.post("lawyers.resend_confirmation", _expected_status=429)
