"""A lost query code is recovered with a one-time code sent to the mobile (or e-mail) the
petition was filed with: the same answer for any number, the code expires, works once and is
throttled, and the new query code replaces the old one."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.core import audit, clock
from portal.core.outbox import OutboxMessage
from portal.extensions import db
from portal.petitions import recovery, services
from portal.petitions.models import QueryCodeRecovery
from tests.factories import make_petition, submit_form, url

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
MOBILE = "13912345678"


def sent_code() -> str:
    message = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.subject.in_(["recovery_code"]) | OutboxMessage.body.contains("code"))
        .order_by(OutboxMessage.id.desc())
    ).first()
    if message.parameters:
        return json.loads(message.parameters)["code"]
    return next(word for word in message.body.replace(",", " ").split() if word.isdigit())


def recovery_messages() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(
                (OutboxMessage.subject == "recovery_code") | OutboxMessage.body.contains("one-time")
            )
        )
    )


def test_the_code_sent_by_sms_sets_a_new_query_code_and_the_old_one_dies():
    petition, old_code = make_petition(mobile=MOBILE)
    recovery.request_code(petition.tracking_number, "+86 139 1234 5678")
    db.session.commit()
    [message] = recovery_messages()
    assert message.channel == "sms" and message.recipient == MOBILE
    code = json.loads(message.parameters)["code"]
    assert len(code) == 6 and code.isdigit()
    stored = db.session.scalar(sa.select(QueryCodeRecovery))
    assert code not in stored.code_hash  # kept only hashed

    new_code = recovery.reset_query_code(petition.tracking_number, code)
    db.session.commit()
    assert new_code and new_code != old_code
    assert services.find_for_petitioner(petition.tracking_number, old_code) is None
    assert services.find_for_petitioner(petition.tracking_number, new_code) == petition
    assert recovery.reset_query_code(petition.tracking_number, code) is None  # single use
    codes = [e.code for e in audit.history(petition)]
    assert "petition.recovery_code_sent" in codes and "petition.query_code_reset" in codes
    assert all(code not in (e.detail or "") for e in audit.history(petition))


def test_a_petitioner_who_gave_only_an_e_mail_gets_the_code_by_e_mail():
    petition, _ = make_petition(
        mobile=None, email="Citizen@Test.example", channel="letter", locale="en"
    )
    recovery.request_code(petition.tracking_number, "citizen@test.example")
    db.session.commit()
    [message] = recovery_messages()
    assert message.channel == "email" and message.recipient == "Citizen@Test.example"
    assert recovery.reset_query_code(petition.tracking_number, sent_code())


def test_the_code_expires():
    with clock.frozen(T0):
        petition, _ = make_petition(mobile=MOBILE)
        recovery.request_code(petition.tracking_number, MOBILE)
        db.session.commit()
    code = sent_code()
    with clock.frozen(T0 + timedelta(minutes=11)):
        assert recovery.reset_query_code(petition.tracking_number, code) is None


def test_a_newer_code_replaces_an_earlier_one():
    petition, _ = make_petition(mobile=MOBILE)
    recovery.request_code(petition.tracking_number, MOBILE)
    db.session.commit()
    first = sent_code()
    recovery.request_code(petition.tracking_number, MOBILE)
    db.session.commit()
    second = sent_code()
    if first != second:
        assert recovery.reset_query_code(petition.tracking_number, first) is None
    assert recovery.reset_query_code(petition.tracking_number, second)


def test_a_wrong_contact_or_an_unknown_number_sends_nothing():
    petition, _ = make_petition(mobile=MOBILE)
    recovery.request_code(petition.tracking_number, "13900000000")
    recovery.request_code("XF2026-999999", MOBILE)
    db.session.commit()
    assert recovery_messages() == []


def test_codes_sent_to_one_number_are_limited(app):
    petition, _ = make_petition(mobile=MOBILE)
    for _ in range(app.config["RECOVERY_CODES_PER_HOUR"] + 2):
        recovery.request_code(petition.tracking_number, MOBILE)
        db.session.commit()
    assert len(recovery_messages()) == app.config["RECOVERY_CODES_PER_HOUR"]


@pytest.mark.parametrize("known", [True, False], ids=["known number", "unknown number"])
def test_wrong_codes_are_throttled_for_known_and_unknown_numbers_alike(app, known):
    petition, _ = make_petition(mobile=MOBILE)
    number = petition.tracking_number if known else "XF2026-888888"
    recovery.request_code(number, MOBILE)
    db.session.commit()
    for _ in range(app.config["RECOVERY_MAX_FAILURES"]):
        assert recovery.reset_query_code(number, "000000") is None
    with pytest.raises(recovery.RecoveryThrottled):
        recovery.reset_query_code(number, sent_code() if known else "123456")


def test_the_pages_answer_the_same_for_any_number_and_show_the_new_code_once(client):
    petition, old_code = make_petition(mobile=MOBILE)
    answers = []
    for number, contact in (
        (petition.tracking_number, MOBILE),
        (petition.tracking_number, "13900000000"),
        ("XF2026-999999", MOBILE),
    ):
        response = submit_form(
            client,
            url("petitions.recover_code"),
            {"tracking_number": number, "contact": contact},
            follow_redirects=True,
        )
        assert response.status_code == 200
        page = response.get_data(as_text=True).replace(number, "<number>")
        answers.append(page.split("<main", 1)[-1].split("csrf_token")[0])
    assert answers[0] == answers[1] == answers[2]

    wrong = submit_form(
        client,
        url("petitions.enter_recovery_code"),
        {"tracking_number": petition.tracking_number, "one_time_code": "000000"},
    )
    assert wrong.status_code == 400
    right = submit_form(
        client,
        url("petitions.enter_recovery_code"),
        {"tracking_number": petition.tracking_number, "one_time_code": sent_code()},
    )
    assert right.status_code == 200 and right.headers["Cache-Control"] == "no-store"
    shown = right.get_data(as_text=True).split('id="query-code">')[1].split("<")[0]
    assert services.find_for_petitioner(petition.tracking_number, shown) is not None
    assert services.find_for_petitioner(petition.tracking_number, old_code) is None


def test_the_lookup_page_leads_to_recovery(client_request):
    page = client_request.get("petitions.lookup")
    assert page.find("a", href=url("petitions.recover_code"))


def test_a_progress_page_opened_with_the_lost_code_closes_when_a_new_code_is_set(app):
    """Someone who found the paper with the old code and opened the page keeps no access once
    the owner has set a new code; the owner's own browser is let in with the new one."""
    petition, old_code = make_petition(mobile=MOBILE)
    finder, owner = app.test_client(), app.test_client()
    progress = url("petitions.progress", number=petition.tracking_number)
    lookup = {"tracking_number": petition.tracking_number, "query_code": old_code}
    assert submit_form(finder, url("petitions.lookup"), lookup).status_code == 302
    assert finder.get(progress).status_code == 200

    submit_form(
        owner,
        url("petitions.recover_code"),
        {"tracking_number": petition.tracking_number, "contact": MOBILE},
    )
    submit_form(
        owner,
        url("petitions.enter_recovery_code"),
        {"tracking_number": petition.tracking_number, "one_time_code": sent_code()},
    )
    assert owner.get(progress).status_code == 200
    closed = finder.get(progress)
    assert closed.status_code == 302
    assert closed.location.endswith(url("petitions.lookup"))
