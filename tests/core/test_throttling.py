"""Throttling of logins and lookups (portal/core/throttle.py): failures stop the client that made
them, never the owner elsewhere; a client trying many accounts is stopped; an account or number
tried from many clients is slowed, not closed; known and unknown addresses and numbers are
treated alike; every failed login is logged, escaped.

The rules are written out here by hand: N failures from one client lock that client for the
window; other clients, the owner's among them, are not affected.
"""

from __future__ import annotations

import logging
import types
from contextlib import contextmanager
from unittest import mock

import pytest
import sqlalchemy as sa
from limits.storage import storage_from_string

from portal.accounts import services as accounts_services
from portal.core import audit, credentials, ratelimit_store, throttle
from portal.core.credentials import AccountError, hasher
from portal.core.permissions import Role
from portal.extensions import db
from portal.lawyers import services as lawyers_services
from tests import redis_server
from tests.capabilities import stop_process
from tests.factories import PASSWORD, make_petition, make_user
from tests.lawyers.factories import make_lawyer
from tests.web import ClientRequest

GHOST = "ghost@test.example"
WRONG = "Wrong-password-1"
LOCKED_EN = "Too many failed attempts. For your security, try again in"
LOCKED_ZH = "尝试失败次数过多。为了您的安全，请在"
WRONG_EN = "The e-mail address or password is not right."

LOGINS = {
    # kind: (login endpoint, where a success goes, the account factory)
    "staff": ("accounts.login", "backoffice.dashboard", lambda: make_user(Role.CLERK)),
    "lawyer": ("lawyers.login", "lawyers.account", lambda: make_lawyer()),
}


@contextmanager
def later(seconds: float):
    """The rate-limit store's clock (the real one: counts expire in real time) moved on."""
    real = ratelimit_store.time.time
    shifted = types.SimpleNamespace(time=lambda: real() + seconds)
    with (
        mock.patch.object(ratelimit_store, "time", shifted),
        mock.patch.object(throttle, "time", shifted),
    ):
        yield


@contextmanager
def settings(app, **values):
    old = {key: app.config[key] for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(old)


def browser(app, address: str = "198.51.100.7", language: str = "en") -> ClientRequest:
    """A browser of its own at `address`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.set_cookie("portal_locale", language)
    return ClientRequest(client)


def log_in(browser, kind, email, password, *, ok=False):
    endpoint, home, _factory = LOGINS[kind]
    page = browser.post(
        endpoint,
        _data={"email": email, "password": password},
        _expected_status=302 if ok else 400,
        _expected_redirect=home if ok else None,
    )
    return None if ok else page.select_one("#password-error").get_text(" ", strip=True)


# ---- logins -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LOGINS)
def test_failures_lock_the_client_that_made_them_not_the_owner(app, kind):
    account = LOGINS[kind][2]()
    attacker = browser(app, "203.0.113.66")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert WRONG_EN in log_in(attacker, kind, account.email, WRONG)
    # The attacker's client is stopped, right password or not ...
    assert LOCKED_EN in log_in(attacker, kind, account.email, PASSWORD)
    # ... while the owner, from their own client, logs in.
    log_in(browser(app, "198.51.100.7"), kind, account.email, PASSWORD, ok=True)


@pytest.mark.parametrize("kind", LOGINS)
@pytest.mark.parametrize(("language", "locked"), [("en", LOCKED_EN), ("zh_Hans_CN", LOCKED_ZH)])
def test_an_unknown_address_locks_alike_with_the_same_message(app, kind, language, locked):
    account = LOGINS[kind][2]()
    known, unknown = browser(app, "203.0.113.1", language), browser(app, "203.0.113.2", language)
    answers = {"known": [], "unknown": []}
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        answers["known"].append(log_in(known, kind, account.email, WRONG))
        answers["unknown"].append(log_in(unknown, kind, GHOST, WRONG))
    assert answers["known"] == answers["unknown"]
    assert locked in answers["unknown"][-1]
    assert locked not in answers["unknown"][-2]


@pytest.mark.parametrize("kind", LOGINS)
def test_the_lock_ends_with_the_window_and_a_success_forgets_the_failures(app, kind):
    account = LOGINS[kind][2]()
    owner = browser(app)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        log_in(owner, kind, account.email, WRONG)
    log_in(owner, kind, account.email, PASSWORD, ok=True)
    owner = browser(app)  # logged out: a new browser at the same address
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert WRONG_EN in log_in(owner, kind, account.email, WRONG)
    log_in(owner, kind, account.email, WRONG)
    assert LOCKED_EN in log_in(owner, kind, account.email, PASSWORD)
    with later(app.config["LOGIN_LOCK_MINUTES"] * 60 + 1):
        log_in(owner, kind, account.email, PASSWORD, ok=True)


def test_full_width_and_upper_case_addresses_count_as_the_same_account(app):
    user = make_user(Role.CLERK, email="clerk.fw@test.example")
    attacker = browser(app, "203.0.113.9")
    typed = ["CLERK.FW@test.example", "ｃｌｅｒｋ.ｆｗ@test.example", " clerk.fw@TEST.example "]
    for i in range(app.config["LOGIN_MAX_FAILURES"]):
        log_in(attacker, "staff", typed[i % len(typed)], WRONG)
    assert LOCKED_EN in log_in(attacker, "staff", user.email, PASSWORD)
    # The full-width address is the account's address: its owner logs in with it.
    log_in(browser(app), "staff", "ｃｌｅｒｋ．ｆｗ＠ｔｅｓｔ．ｅｘａｍｐｌｅ", PASSWORD, ok=True)


def test_a_client_trying_many_accounts_is_stopped_on_every_account(app):
    user = make_user(Role.CLERK)
    attacker = browser(app, "203.0.113.10")
    with settings(app, LOGIN_CLIENT_MAX_FAILURES=6):
        for i in range(6):
            assert WRONG_EN in log_in(attacker, "staff", f"someone{i}@test.example", WRONG)
        # The seventh address, and even a right password, from this client: refused.
        assert LOCKED_EN in log_in(attacker, "staff", user.email, PASSWORD)
        assert LOCKED_EN in log_in(attacker, "lawyer", GHOST, WRONG)
        # Another client is not affected.
        log_in(browser(app, "198.51.100.20"), "staff", user.email, PASSWORD, ok=True)


def test_good_logins_from_one_address_do_not_count_towards_its_ceiling(app):
    """An office behind one address: colleagues' successes are given back."""
    users = [make_user(Role.CLERK) for _ in range(4)]
    with settings(app, LOGIN_CLIENT_MAX_FAILURES=3):
        for user in users:
            log_in(browser(app, "192.0.2.50"), "staff", user.email, PASSWORD, ok=True)


def test_an_account_tried_from_many_clients_is_slowed_not_closed(app):
    user = make_user(Role.CLERK)
    with settings(app, LOGIN_SLOW_AFTER=8):
        for i in range(8):  # a crowd of clients, each below its own limit
            log_in(browser(app, f"203.0.113.{100 + i}"), "staff", user.email, WRONG)
        owner = browser(app, "198.51.100.30")
        # Slowed: the owner gets an attempt at once, the next one only after LOGIN_SLOW_SECONDS.
        assert WRONG_EN in log_in(owner, "staff", user.email, "Typo-password-1")
        assert LOCKED_EN in log_in(owner, "staff", user.email, PASSWORD)
        with later(app.config["LOGIN_SLOW_SECONDS"] + 1):
            log_in(owner, "staff", user.email, PASSWORD, ok=True)
        # Every other client is slowed alike, never shut out.
        attacker = browser(app, "203.0.113.200")
        assert WRONG_EN in log_in(attacker, "staff", user.email, WRONG)
        assert LOCKED_EN in log_in(attacker, "staff", user.email, WRONG)


def test_an_ipv6_network_counts_as_one_client(app):
    user = make_user(Role.CLERK)
    for i in range(app.config["LOGIN_MAX_FAILURES"]):
        log_in(browser(app, f"2001:db8:1:2::{i + 1:x}"), "staff", user.email, WRONG)
    assert LOCKED_EN in log_in(browser(app, "2001:db8:1:2:ffff::9"), "staff", user.email, PASSWORD)
    log_in(browser(app, "2001:db8:1:3::1"), "staff", user.email, PASSWORD, ok=True)


def test_a_refused_attempt_checks_no_password_known_or_unknown(app, monkeypatch):
    user = make_user(Role.CLERK)
    client = browser(app, "203.0.113.40")
    for email in (user.email, GHOST):
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            log_in(client, "staff", email, WRONG)
    calls = []

    class CountingHasher:
        def __getattr__(self, name):
            return getattr(hasher, name)

        def verify(self, *args):
            calls.append(1)
            return hasher.verify(*args)

    monkeypatch.setattr(credentials, "hasher", CountingHasher())
    for email in (user.email, GHOST):
        assert LOCKED_EN in log_in(client, "staff", email, WRONG)
    assert calls == []


@pytest.mark.parametrize("kind", LOGINS)
def test_a_lock_is_audited_for_a_real_account_only(app, kind):
    account = LOGINS[kind][2]()
    for email in (account.email, GHOST):
        client = browser(app, "203.0.113.41")
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            log_in(client, kind, email, WRONG)
    events = db.session.execute(
        sa.select(audit.AuditEvent.code, audit.AuditEvent.subject_id, audit.AuditEvent.detail)
    ).all()
    locks = [event for event in events if event.code.endswith("login_locked")]
    assert [(e.subject_id, e.detail) for e in locks] == [(str(account.id), "client=203.0.113.41")]


@pytest.mark.parametrize("kind", LOGINS)
def test_every_failed_login_is_logged_with_the_address_and_the_client(app, kind, caplog):
    client = browser(app, "203.0.113.42")
    long = "a.very.long.address." * 12 + "@test.example"
    with caplog.at_level(logging.WARNING, logger="portal.core.credentials"):
        log_in(client, kind, long, WRONG)
        log_in(client, kind, GHOST, WRONG)
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.core.credentials"]
    assert len(lines) == 2
    cut, ghost = lines
    assert f"failed {kind} login: email=a.very.long.address." in cut
    assert f"…(+{len(long) - throttle.LOG_VALUE_LIMIT}) client=203.0.113.42 reason=wrong" in cut
    assert ghost == f"failed {kind} login: email={GHOST} client=203.0.113.42 reason=wrong"


@pytest.mark.parametrize("kind", LOGINS)
def test_control_characters_in_a_logged_address_are_escaped(app, kind, caplog):
    """Whatever reaches the login (forms may refuse some of it earlier), one line per attempt."""
    authenticate = {
        "staff": accounts_services.authenticate,
        "lawyer": lawyers_services.authenticate,
    }[kind]
    typed = "evil\r\nINFO forged line\x1b[31m\u202e\x00@test.example"
    with (
        app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.43"}),
        caplog.at_level(logging.WARNING, logger="portal.core.credentials"),
        pytest.raises(AccountError),
    ):
        authenticate(typed, WRONG)
    [line] = [r.getMessage() for r in caplog.records if r.name == "portal.core.credentials"]
    assert not any(c in line for c in "\r\n\x1b\u202e\x00")
    assert "email=evil\\x0d\\x0aINFO forged line\\x1b[31m\\u202e\\x00@test.example" in line
    assert "client=203.0.113.43" in line


def test_a_deactivated_account_logs_its_failure_too(app, caplog):
    user = make_user(Role.CLERK)
    user.is_active_account = False
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="portal.core.credentials"):
        page = browser(app).post(
            "accounts.login",
            _data={"email": user.email, "password": PASSWORD},
            _expected_status=400,
        )
    assert "This account is deactivated" in page.text
    assert any("reason=deactivated" in r.getMessage() for r in caplog.records)


def test_loggable_escapes_every_invisible_character():
    assert throttle.loggable("a\nb\x00c\\d\u200be") == "a\\x0ab\\x00c\\\\d\\u200be"
    assert throttle.loggable("张三 lawyer") == "张三 lawyer"
    assert throttle.loggable("y" * 10, 4) == "yyyy…(+6)"


# ---- lookups ----------------------------------------------------------------------------------

LOOKUP_LOCKED_EN = "Too many wrong attempts for this number."
LOOKUP_LOCKED_ZH = "该信访编号输错次数过多"


def look_up(client, number, code, *, ok=False):
    return client.post(
        "petitions.lookup",
        _data={"tracking_number": number, "query_code": code},
        _expected_status=302 if ok else 400,
        _expected_redirect="petitions.progress" if ok else None,
        _redirect_values={"number": number},
    )


@pytest.mark.parametrize(
    ("language", "locked"), [("en", LOOKUP_LOCKED_EN), ("zh_Hans_CN", LOOKUP_LOCKED_ZH)]
)
def test_a_stranger_cannot_lock_a_petitioner_out_of_their_progress(app, language, locked):
    petition, code = make_petition()
    stranger = browser(app, "203.0.113.50", language)
    for _ in range(app.config["LOOKUP_MAX_FAILURES"]):
        look_up(stranger, petition.tracking_number, "2345-6789-ABCD")
    assert locked in look_up(stranger, petition.tracking_number, code).text
    # The petitioner, from their own client, still opens it.
    look_up(browser(app, "198.51.100.51", language), petition.tracking_number, code, ok=True)


def test_unknown_tracking_numbers_lock_alike(app):
    petition, _code = make_petition()
    number = petition.tracking_number
    unknown = number[:-1] + ("9" if number[-1] != "9" else "8")
    answers = {}
    for label, typed, address in (
        ("known", number, "203.0.113.52"),
        ("unknown", unknown, "203.0.113.53"),
    ):
        client = browser(app, address)
        answers[label] = [
            look_up(client, typed, "2345-6789-ABCD").select_one("#query_code-error").get_text()
            for _ in range(app.config["LOOKUP_MAX_FAILURES"] + 1)
        ]
    assert answers["known"] == answers["unknown"]
    assert LOOKUP_LOCKED_EN in answers["unknown"][-1]


def test_a_number_tried_from_many_clients_is_slowed_not_closed(app):
    petition, code = make_petition()
    with settings(app, LOOKUP_SLOW_AFTER=6):
        for i in range(6):
            look_up(
                browser(app, f"203.0.113.{150 + i}"), petition.tracking_number, "2345-6789-ABCD"
            )
        owner = browser(app, "198.51.100.60")
        look_up(owner, petition.tracking_number, code, ok=True)
        again = browser(app, "198.51.100.60")
        assert LOOKUP_LOCKED_EN in look_up(again, petition.tracking_number, code).text
        with later(app.config["LOOKUP_SLOW_SECONDS"] + 1):
            look_up(again, petition.tracking_number, code, ok=True)


def test_a_client_trying_many_numbers_is_stopped(app):
    petition, code = make_petition()
    client = browser(app, "203.0.113.70")
    with settings(app, LOOKUP_CLIENT_MAX_FAILURES=4):
        for i in range(4):
            look_up(client, f"XF2026-{900000 + i}", "2345-6789-ABCD")
        assert LOOKUP_LOCKED_EN in look_up(client, petition.tracking_number, code).text
        look_up(browser(app, "198.51.100.71"), petition.tracking_number, code, ok=True)


@pytest.mark.parametrize("kind", LOGINS)
def test_a_nul_byte_in_the_address_is_a_failure_like_any_other(app, kind):
    """No address holds one; on PostgreSQL it must not reach a query."""
    browser(app).post(
        LOGINS[kind][0],
        _data={"email": "nul\x00@test.example", "password": WRONG},
        _expected_status=400,
    )


def test_with_redis_gone_attempts_are_counted_by_the_worker_alone(tmp_path):
    """Redis down is not an outage: the throttle keeps counting, in this worker, and goes back
    to the shared counts once the retry time has passed (core/throttle.py FailSafeStore)."""
    process, url = redis_server.start(tmp_path)
    store = throttle.FailSafeStore(storage_from_string(url))
    assert store.incr("throttle/test", 60) == 1  # shared
    stop_process(process)
    assert store.incr("throttle/test", 60) == 1  # this worker's own count starts
    assert store.incr("throttle/test", 60) == 2
    assert store.get("throttle/test") == 2
