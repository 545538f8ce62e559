"""Lawyer registration, e-mail confirmation over real SMTP, login and staff verification."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.core import audit, clock, mail
from portal.core.credentials import AccountError, load_account
from portal.core.permissions import Role
from portal.extensions import db
from portal.lawyers import services
from portal.lawyers.models import LawyerAccount
from tests.core.test_mail import smtp_server  # noqa: F401  (the fixture)
from tests.factories import PASSWORD, csrf_token, form_tokens, login, make_user, submit_form
from tests.lawyers.factories import login_lawyer, make_lawyer

GOOD = {
    "name": "张律师",
    "licence_number": "11101200910123456",
    "law_firm": "示例律师事务所",
    "mobile": "13912345678",
    "email": "zhang@lawfirm.example",
    "password": PASSWORD,
    "password_again": PASSWORD,
}


def _register(client, **changes):
    client.set_cookie("portal_locale", "en")
    return submit_form(client, "/lawyer/register", {**GOOD, **changes})


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
def test_registration_refuses_bad_input_with_a_clear_message(client, field, value, message):
    changes = {field: value}
    if field == "password":
        changes["password_again"] = value
    response = _register(client, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(LawyerAccount.id))) == 0


def test_a_licence_number_with_spaces_is_accepted_as_its_17_digits(client):
    response = _register(client, licence_number="11101 2009 1012 3456")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(LawyerAccount.licence_number)) == "11101200910123456"


def test_the_same_licence_or_e_mail_cannot_register_twice(client):
    assert _register(client).status_code == 302
    other = client.application.test_client()
    response = _register(other, email="other@lawfirm.example")
    assert response.status_code == 400
    assert "licence number exists already" in response.get_data(as_text=True)


def test_registration_mails_a_link_that_confirms_the_address(app, client, smtp_server):  # noqa: F811
    assert _register(client).status_code == 302
    assert mail.deliver_pending() == (1, 0)
    [message] = smtp_server.messages
    assert message["To"] == GOOD["email"]
    body = message.get_payload(decode=True).decode()
    link = re.search(r"http://\S+/lawyer/confirm/\S+", body).group(0)
    path = link.split("127.0.0.1:8000", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    lawyer = db.session.scalar(sa.select(LawyerAccount))
    assert lawyer.email_confirmed_at is None  # opening the link alone changes nothing
    response = client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(LawyerAccount, lawyer.id).email_confirmed_at is not None


def test_a_confirmation_link_expires_and_a_forged_one_is_refused(app, client):
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
    assert client.get(f"/lawyer/confirm/{token[:-3]}abc").status_code == 400
    services.confirm_email(token)
    assert lawyer.email_confirmed_at is not None


def test_login_locks_after_repeated_failures_and_the_loader_dispatches_on_the_prefix(app):
    lawyer = make_lawyer()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        with pytest.raises(AccountError):
            services.authenticate(lawyer.email, "wrong-password-1")
        db.session.commit()
    with force_locale("en"), pytest.raises(AccountError, match="locked"):
        services.authenticate(lawyer.email, PASSWORD)
    assert load_account(lawyer.get_id()) is lawyer
    assert load_account(f"lawyer:{lawyer.id}:wrong-token") is None
    staff = make_user(Role.CLERK)
    assert load_account(staff.get_id()) is staff
    assert load_account(f"{lawyer.id}:{lawyer.session_token}") is not lawyer


def test_a_password_change_ends_other_sessions(app, client):
    lawyer = make_lawyer()
    other = app.test_client()
    login_lawyer(client, lawyer)
    login_lawyer(other, lawyer)
    response = submit_form(
        client, "/lawyer/password", {"current_password": PASSWORD, "new_password": "New-secret-99"}
    )
    assert response.status_code == 302
    assert client.get("/lawyer/").status_code == 200
    assert other.get("/lawyer/").status_code == 302


def test_staff_verify_or_reject_with_a_reason_the_lawyer_reads(app, client):
    pending = make_lawyer(verified=False)
    unconfirmed = make_lawyer(verified=False, confirmed=False)
    clerk = make_user(Role.CLERK)
    login(client, clerk)
    client.set_cookie("portal_locale", "en")
    page = client.get(f"/staff/lawyers/{unconfirmed.id}")
    token = csrf_token(page.get_data(as_text=True))
    refused = client.post(f"/staff/lawyers/{unconfirmed.id}/verify", data={"csrf_token": token})
    assert refused.status_code == 409
    assert (
        client.post(f"/staff/lawyers/{pending.id}/verify", data={"csrf_token": token}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(LawyerAccount, pending.id).is_verified

    other = make_lawyer(verified=False)
    empty = client.post(
        f"/staff/lawyers/{other.id}/reject", data={"reject-csrf_token": token, "reject-reason": ""}
    )
    assert empty.status_code == 400
    response = client.post(
        f"/staff/lawyers/{other.id}/reject",
        data={"reject-csrf_token": token, "reject-reason": "执业证号与司法局名录不符"},
    )
    assert response.status_code == 302
    codes = db.session.scalars(sa.select(audit.AuditEvent.code)).all()
    assert "lawyer.verified" in codes and "lawyer.rejected" in codes
    # The lawyer reads the reason on their page, and by e-mail.
    lawyer_client = app.test_client()
    login_lawyer(lawyer_client, other)
    assert "执业证号与司法局名录不符" in lawyer_client.get("/lawyer/").get_data(as_text=True)
    assert any(
        "执业证号与司法局名录不符" in m.body
        for m in db.session.scalars(sa.select(mail.OutboxMessage))
    )


def test_a_leader_may_look_but_not_decide(client):
    lawyer = make_lawyer(verified=False)
    login(client, make_user(Role.LEADER))
    page = client.get(f"/staff/lawyers/{lawyer.id}")
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    assert (
        client.post(f"/staff/lawyers/{lawyer.id}/verify", data={"csrf_token": token}).status_code
        == 403
    )


def test_only_verified_lawyers_can_book(app, client):
    lawyer = make_lawyer(verified=False)
    login_lawyer(client, lawyer)
    assert client.get("/lawyer/bookings/new").status_code == 403
    tokens = form_tokens(client, "/lawyer/")
    response = client.post(
        "/lawyer/bookings/new",
        data={**tokens, "slot": "2026-11-24T09:00", "case_number": "示检刑诉受〔2026〕1号"},
    )
    assert response.status_code == 403
