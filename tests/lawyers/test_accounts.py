"""Lawyer registration, e-mail confirmation over real SMTP, login and staff verification.

The verification rules themselves (which state, who, the e-mail first) are checked state by
state in test_workflow.py; here they are seen through the pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.core import audit, clock, mail
from portal.core.credentials import AccountError
from portal.core.permissions import Role
from portal.extensions import db
from portal.lawyers import services
from portal.lawyers.models import LawyerAccount
from tests.factories import PASSWORD, login, make_user
from tests.lawyers.factories import login_lawyer, make_lawyer
from tests.web import ClientRequest, url

GOOD = {
    "name": "张律师",
    "licence_number": "11101200910123456",
    "law_firm": "示例律师事务所",
    "mobile": "13912345678",
    "email": "zhang@lawfirm.example",
    "password": PASSWORD,
    "password_again": PASSWORD,
}


def english(client_request) -> ClientRequest:
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


def _register(client_request, *, _expected_status=302, _follow_redirects=False, **changes):
    """Post the registration form; whatever was registered before, success goes to the login."""
    return english(client_request).post(
        "lawyers.register",
        _data={**GOOD, **changes},
        _expected_status=_expected_status,
        _expected_redirect="lawyers.login" if _expected_status == 302 else None,
        _follow_redirects=_follow_redirects,
    )


def _staff(app, role) -> ClientRequest:
    staff = ClientRequest(app.test_client())
    login(staff.client, make_user(role))
    return english(staff)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("licence_number", "1110120091012345", "17 digits"),
        ("licence_number", "1110120091012345X", "17 digits"),
        ("mobile", "12345", "mobile number of 11 digits"),
        ("email", "not-an-address", "e-mail address like"),
        ("password", "short1", "at least 10 characters"),
        ("password", "onlyletterslong", "both letters and digits"),
        ("name", "", "Enter your full name"),
    ],
)
def test_registration_refuses_bad_input_with_a_clear_message(client_request, field, value, message):
    changes = {field: value}
    if field == "password":
        changes["password_again"] = value
    page = _register(client_request, _expected_status=400, **changes)
    assert message in page.text
    assert db.session.scalar(sa.select(sa.func.count(LawyerAccount.id))) == 0


def test_a_licence_number_with_spaces_is_accepted_as_its_17_digits(client_request):
    _register(client_request, licence_number="11101 2009 1012 3456")
    assert db.session.scalar(sa.select(LawyerAccount.licence_number)) == "11101200910123456"


def outbox(to: str | None = None) -> list[mail.OutboxMessage]:
    messages = db.session.scalars(sa.select(mail.OutboxMessage).order_by(mail.OutboxMessage.id))
    return [m for m in messages if to is None or m.recipient == to]


def test_registration_answers_alike_for_a_new_and_a_registered_address(app, client_request):
    """Nothing on the page, in the cookies' effect or in the next page tells whether the address
    or licence number was registered already; the owner alone is told, by e-mail."""
    new = _register(client_request, _follow_redirects=True, _expected_status=200)
    owner = db.session.scalar(sa.select(LawyerAccount))
    answers = {"new": new}
    for label, changes in (
        ("same address", {"licence_number": "11101200910654321"}),
        ("same licence", {"email": "other@lawfirm.example"}),
        ("same address, other case", {"email": "Zhang@LawFirm.EXAMPLE"}),
    ):
        answers[label] = _register(
            ClientRequest(app.test_client()),
            _follow_redirects=True,
            _expected_status=200,
            **changes,
        )
    texts = {
        label: page.select_one("main").get_text(" ", strip=True) for label, page in answers.items()
    }
    assert texts["same address"] == texts["new"]
    assert texts["same address, other case"] == texts["new"]
    # The licence case names the address typed, as the new case does.
    assert texts["same licence"] == texts["new"].replace(GOOD["email"], "other@lawfirm.example")
    assert "sending an e-mail about this registration to zhang@lawfirm.example" in texts["new"]
    assert db.session.scalar(sa.select(sa.func.count(LawyerAccount.id))) == 1
    # The owner hears of the attempts once (at most one notice an hour), nobody else at all.
    notices = [m for m in outbox() if "tried to register" in m.subject or "尝试" in m.subject]
    assert [m.recipient for m in notices] == [owner.email]
    assert {m.recipient for m in outbox()} == {owner.email}


def test_registration_costs_one_password_hash_whether_new_or_registered(
    app, client_request, monkeypatch
):
    """The slow step is the same for both, so timing does not tell either."""
    calls = []
    real = services.hasher

    class CountingHasher:
        def __getattr__(self, name):
            return getattr(real, name)

        def hash(self, password):
            calls.append(1)
            return real.hash(password)

    monkeypatch.setattr(services, "hasher", CountingHasher())
    _register(client_request)
    assert len(calls) == 1
    _register(ClientRequest(app.test_client()), licence_number="11101200910654321")
    assert len(calls) == 2


def test_registration_logs_nobody_in(client_request):
    _register(client_request)
    client_request.get("lawyers.account", _expected_status=302, _expected_redirect="lawyers.login")


@pytest.mark.parametrize(
    "typed",
    [
        "lawyеr1@lawfirm.example",  # a Cyrillic е among Latin letters
        "lawyer1@lawfirм.example",  # a Cyrillic м in the domain
        "аре@lawfirm.example",  # all Cyrillic, every letter a Latin look-alike
        "lawyer1@xn--lawfrm-7of.example",  # an IDNA label that decodes to a mixed one
    ],
)
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This e-mail address contains letters that can be mistaken for others"),
        ("zh_Hans_CN", "该电子邮箱含有容易与其他字符混淆的字母"),
    ],
)
def test_look_alike_addresses_are_refused_with_a_clear_message(
    client_request, typed, language, message
):
    client_request.client.set_cookie("portal_locale", language)
    page = client_request.post(
        "lawyers.register", _data={**GOOD, "email": typed}, _expected_status=400
    )
    assert message in page.select_one("#email-error").get_text()
    assert page.select_one("input[name=email]")["value"] == typed  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count(LawyerAccount.id))) == 0


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This name contains letters that can be mistaken for others"),
        ("zh_Hans_CN", "该姓名含有容易与其他字符混淆的字母"),
    ],
)
def test_a_name_mixing_look_alike_scripts_is_refused(client_request, language, message):
    client_request.client.set_cookie("portal_locale", language)
    page = client_request.post(
        "lawyers.register", _data={**GOOD, "name": "Zhang Wеi"}, _expected_status=400
    )
    assert message in page.select_one("#name-error").get_text()


def test_full_width_and_look_alike_twins_of_an_account_are_not_created(app, client_request):
    make_lawyer(email="lawyer1@lawfirm.example")
    for typed, licence in (
        ("ｌａｗｙｅｒ１@lawfirm.example", "11101200910777771"),  # the same address, full width
        ("LAWYER1@LAWFIRM.EXAMPLE", "11101200910777772"),
        ("lawyerl@lawfirm.example", "11101200910777773"),  # "l" for "1": the same skeleton
    ):
        _register(ClientRequest(app.test_client()), email=typed, licence_number=licence)
    assert db.session.scalars(sa.select(LawyerAccount.email)).all() == ["lawyer1@lawfirm.example"]
    # A different address is welcome.
    _register(client_request, email="lawyer2@lawfirm.example", licence_number="11101200910777774")
    assert db.session.scalar(sa.select(sa.func.count(LawyerAccount.id))) == 2


def test_the_address_is_stored_and_found_in_its_canonical_form(client_request):
    _register(client_request, email="Ｚｈａｎｇ@LawFirm.example")
    lawyer = db.session.scalar(sa.select(LawyerAccount))
    assert lawyer.email == "zhang@lawfirm.example"
    assert services.find_by_email(" ＺＨＡＮＧ@lawfirm.example") is lawyer


def test_registration_mails_a_link_that_confirms_the_address(
    app,
    client_request,
    smtp_server,  # noqa: F811
    frozen_now,
):
    _register(client_request)
    assert mail.deliver_pending().sent == 1
    [message] = smtp_server.messages
    assert message["To"] == GOOD["email"]
    body = message.get_payload(decode=True).decode()
    lawyer = db.session.scalar(sa.select(LawyerAccount))
    token = services.confirmation_token(lawyer)  # the clock is frozen: the same token
    # The subject here is the link itself: the public address of the confirmation page.
    link = app.config["PUBLIC_BASE_URL"] + url("lawyers.confirm_email", token=token)
    assert re.search(r"https?://\S+", body).group(0) == link
    client_request.get("lawyers.confirm_email", token=token)
    assert lawyer.email_confirmed_at is None  # opening the link alone changes nothing
    client_request.post("lawyers.confirm_email", token=token, _expected_redirect="lawyers.login")
    db.session.expire_all()
    assert db.session.get(LawyerAccount, lawyer.id).email_confirmed_at is not None


def test_a_confirmation_link_expires_and_a_forged_one_is_refused(app, client_request):
    lawyer = make_lawyer(confirmed=False, verified=False)
    token = services.confirmation_token(lawyer)
    later = clock.now() + timedelta(hours=app.config["LAWYER_CONFIRM_HOURS"] + 1)
    with (
        clock.frozen(later),
        force_locale("en"),
        pytest.raises(services.TokenInvalid, match="expired"),
    ):
        services.confirm_email(token)
    with force_locale("en"), pytest.raises(services.TokenInvalid, match="not valid"):
        services.confirm_email(token[:-3] + "abc")
    page = english(client_request).get(
        "lawyers.confirm_email", token=token[:-3] + "abc", _expected_status=400
    )
    assert "This link is not valid" in page.text
    services.confirm_email(token)
    assert lawyer.email_confirmed_at is not None


def test_login_locks_after_repeated_failures(app):
    lawyer = make_lawyer()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        with pytest.raises(AccountError):
            services.authenticate(lawyer.email, "wrong-password-1")
        db.session.commit()
    with force_locale("en"), pytest.raises(AccountError, match="Too many failed"):
        services.authenticate(lawyer.email, PASSWORD)


def test_a_password_change_ends_other_sessions(app, client_request):
    lawyer = make_lawyer()
    other = ClientRequest(app.test_client())
    login_lawyer(client_request.client, lawyer)
    login_lawyer(other.client, lawyer)
    client_request.post(
        "lawyers.change_password",
        _data={"current_password": PASSWORD, "new_password": "New-secret-99"},
        _expected_redirect="lawyers.account",
    )
    client_request.get("lawyers.account")
    other.get("lawyers.account", _expected_status=302, _expected_redirect="lawyers.login")


def decision_forms(page, lawyer) -> list[str]:
    """The decisions a staff page on `lawyer` offers, as forms posting to their endpoints."""
    endpoints = {
        url(f"lawyers_admin.{action}_lawyer", lawyer_id=lawyer.id): action
        for action in ("verify", "reject")
    }
    return [endpoints[form["action"]] for form in page.find_all("form", action=endpoints.get)]


def test_staff_see_the_decisions_they_may_take(app):
    confirmed = make_lawyer(verified=False)
    unconfirmed = make_lawyer(verified=False, confirmed=False)
    verified = make_lawyer()
    clerk = _staff(app, Role.CLERK)
    page = clerk.get("lawyers_admin.show_lawyer", lawyer_id=confirmed.id)
    assert decision_forms(page, confirmed) == ["verify", "reject"]
    page = clerk.get("lawyers_admin.show_lawyer", lawyer_id=unconfirmed.id)
    assert decision_forms(page, unconfirmed) == ["reject"]
    assert "has not confirmed the e-mail address yet" in page.text
    page = clerk.get("lawyers_admin.show_lawyer", lawyer_id=verified.id)
    assert decision_forms(page, verified) == []


def test_staff_verify_or_reject_with_a_reason_the_lawyer_reads(app):
    pending = make_lawyer(verified=False)
    unconfirmed = make_lawyer(verified=False, confirmed=False)
    clerk = _staff(app, Role.CLERK)
    page = clerk.post("lawyers_admin.verify_lawyer", lawyer_id=unconfirmed.id, _expected_status=409)
    assert "has not confirmed the e-mail address yet" in page.text
    clerk.post(
        "lawyers_admin.verify_lawyer",
        lawyer_id=pending.id,
        _expected_redirect="lawyers_admin.show_lawyer",
        _redirect_values={"lawyer_id": pending.id},
    )
    db.session.expire_all()
    assert db.session.get(LawyerAccount, pending.id).is_verified
    again = clerk.post("lawyers_admin.verify_lawyer", lawyer_id=pending.id, _expected_status=409)
    assert "This account has been decided already." in again.text

    other = make_lawyer(verified=False)
    token = clerk.csrf_token()
    clerk.post(
        "lawyers_admin.reject_lawyer",
        lawyer_id=other.id,
        _data={"reject-csrf_token": token, "reject-reason": ""},
        _expected_status=400,
    )
    clerk.post(
        "lawyers_admin.reject_lawyer",
        lawyer_id=other.id,
        _data={"reject-csrf_token": token, "reject-reason": "执业证号与司法局名录不符"},
        _expected_redirect="lawyers_admin.show_lawyer",
        _redirect_values={"lawyer_id": other.id},
    )
    codes = db.session.scalars(sa.select(audit.AuditEvent.code)).all()
    assert codes.count("lawyer.verified") == 1 and codes.count("lawyer.rejected") == 1
    # The lawyer reads the reason on their page, and by e-mail.
    lawyer_client = ClientRequest(app.test_client())
    login_lawyer(lawyer_client.client, other)
    assert "执业证号与司法局名录不符" in lawyer_client.get("lawyers.account").text
    assert any(
        "执业证号与司法局名录不符" in m.body
        for m in db.session.scalars(sa.select(mail.OutboxMessage))
    )


def test_a_leader_may_look_but_not_decide(app):
    lawyer = make_lawyer(verified=False)
    leader = _staff(app, Role.LEADER)
    page = leader.get("lawyers_admin.show_lawyer", lawyer_id=lawyer.id)
    assert decision_forms(page, lawyer) == []
    leader.post("lawyers_admin.verify_lawyer", lawyer_id=lawyer.id, _expected_status=403)
    assert db.session.get(LawyerAccount, lawyer.id).status == "pending"


def test_only_verified_lawyers_can_book(client_request):
    lawyer = make_lawyer(verified=False)
    login_lawyer(client_request.client, lawyer)
    client_request.get("appointments.new_booking", _expected_status=403)
    client_request.post(
        "appointments.new_booking",
        _data={"slot": "2026-11-24T09:00", "case_number": "示检刑诉受〔2026〕1号"},
        _expected_status=403,
    )


def test_a_registration_that_loses_a_race_answers_as_any_other(client_request, monkeypatch):
    """Two registrations of one address at once: the second meets the unique index, and is
    answered as a registered address is (no 500, no message that says so)."""
    _register(client_request)
    # As if the first had not been committed yet when the second looked.
    monkeypatch.setattr(services, "find_by_email", lambda email: None)
    monkeypatch.setattr(services.identity, "confusable_with", lambda *a, **k: None)
    typed = {k: v for k, v in GOOD.items() if k != "password_again"}
    again = services.Registration(**{**typed, "licence_number": "11101200910654321"})
    assert services.register_lawyer(again) is None
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(LawyerAccount.id))) == 1
