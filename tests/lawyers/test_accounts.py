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
from tests.core.test_mail import smtp_server  # noqa: F401  (the fixture)
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


def _register(client_request, *, _expected_status=302, **changes):
    return english(client_request).post(
        "lawyers.register",
        _data={**GOOD, **changes},
        _expected_status=_expected_status,
        _expected_redirect="lawyers.account" if _expected_status == 302 else None,
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


def test_the_same_licence_or_e_mail_cannot_register_twice(app, client_request):
    _register(client_request)
    page = _register(
        ClientRequest(app.test_client()), _expected_status=400, email="other@lawfirm.example"
    )
    assert "licence number exists already" in page.text


def test_registration_mails_a_link_that_confirms_the_address(
    app,
    client_request,
    smtp_server,  # noqa: F811
    frozen_now,
):
    _register(client_request)
    assert mail.deliver_pending() == (1, 0)
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
    client_request.post("lawyers.confirm_email", token=token, _expected_redirect="lawyers.account")
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
    with force_locale("en"), pytest.raises(AccountError, match="locked"):
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
