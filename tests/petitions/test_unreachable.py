"""A petitioner who cannot be reached: staff record why (and that contact was made again) on the
petition page, with the roles that work the petition; the outbox records it when the only
contact, an e-mail address, does not exist. The reply rates count such petitions apart (the
statistics' tests); here, the fact is recorded, shown and audited."""

from __future__ import annotations

import smtplib

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.core import audit, clock, mail
from portal.core.permissions import Role
from portal.core.workflow import SYSTEM, InvalidTransition
from portal.extensions import db
from portal.petitions import workflow
from portal.petitions.models import Note, State, Unreachable
from tests.core.test_mail import T0
from tests.factories import make_petition, make_user
from tests.petitions.test_material import staff_act, staff_browser


def codes_of(petition) -> list[str]:
    return [event.code for event in audit.history(petition)]


def accepted(handler=None):
    """A petition accepted by a clerk and, with `handler`, assigned to them."""
    petition, _code = make_petition()
    clerk = make_user(Role.CLERK)
    workflow.acknowledge(petition, clerk, notice="已受理")
    if handler is not None:
        workflow.assign(petition, make_user(Role.LEADER), handler=handler)
    db.session.commit()
    return petition


def test_a_handler_records_it_with_a_reason_and_a_note_then_contact_again(app):
    handler = make_user(Role.HANDLER)
    petition = accepted(handler)
    browser = staff_browser(app, handler)
    page = browser.get("backoffice.show_petition", number=petition.tracking_number)
    assert page.select_one("form[action$='/unreachable']") is not None
    assert page.select_one("form[action$='/contact-restored']") is None

    staff_act(
        browser,
        petition,
        "unreachable",
        {"reason": "wrong_number", "note": "11月20日、21日两次拨打，提示空号。"},
    )
    db.session.refresh(petition)
    assert petition.unreachable_reason == Unreachable.WRONG_NUMBER
    assert petition.unreachable_at is not None and petition.status == State.IN_PROGRESS
    [event] = [e for e in audit.history(petition) if e.code == "petition.unreachable_recorded"]
    assert event.details == {"unreachable": "wrong_number"} and event.actor_id == handler.id
    assert [note.body for note in petition.notes] == ["11月20日、21日两次拨打，提示空号。"]

    page = browser.get("backoffice.show_petition", number=petition.tracking_number)
    assert "Cannot be reached: Wrong or disconnected phone number" in " ".join(
        page.get_text().split()
    )
    assert page.select_one("form[action$='/unreachable']") is None
    queue = browser.get("backoffice.list_petitions", queue="all")
    assert "Cannot be reached" in queue.select_one("tbody tr").get_text()

    staff_act(browser, petition, "contact-restored", {"note": ""})
    db.session.refresh(petition)
    assert petition.unreachable_reason is None and petition.unreachable_at is None
    assert codes_of(petition)[-1] == "petition.contact_restored"
    assert len(petition.notes) == 1  # an empty note is no note


def test_a_missing_reason_is_refused_in_the_readers_language_keeping_the_note(app):
    handler = make_user(Role.HANDLER)
    petition = accepted(handler)
    browser = staff_browser(app, handler)
    page = staff_act(
        browser,
        petition,
        "unreachable",
        {"note": "打了三次"},
        _expected_status=400,
        _expected_redirect=None,
    )
    assert "Choose why the petitioner cannot be reached." in page.get_text()
    assert page.select_one("textarea[name='unreachable-note']").get_text(strip=True) == "打了三次"
    staff_act(
        browser,
        petition,
        "unreachable",
        {"reason": "carrier_pigeon"},
        _expected_status=400,
        _expected_redirect=None,
    )
    db.session.refresh(petition)
    assert petition.unreachable_reason is None


@pytest.mark.parametrize(
    ("role", "works_on_it", "state", "allowed"),
    [
        (Role.CLERK, False, State.RECEIVED, True),
        (Role.CLERK, False, State.IN_PROGRESS, False),  # the handler has it now
        (Role.HANDLER, True, State.IN_PROGRESS, True),
        (Role.HANDLER, False, State.IN_PROGRESS, False),  # not theirs
        (Role.LEADER, False, State.IN_PROGRESS, True),
        (Role.LEADER, False, State.ANSWERED, True),  # the letter with the reply came back
        (Role.LEADER, False, State.CLOSED, False),  # finished
        (Role.PUBLISHER, False, State.RECEIVED, False),
        (Role.ADMIN, False, State.RECEIVED, False),
    ],
)
def test_who_may_record_it_and_when(role, works_on_it, state, allowed):
    user = make_user(role)
    petition, _ = make_petition()
    clerk, leader = make_user(Role.CLERK), make_user(Role.LEADER)
    if state != State.RECEIVED:
        workflow.acknowledge(petition, clerk, notice="已受理")
        handler = user if works_on_it else make_user(Role.HANDLER)
        workflow.assign(petition, leader, handler=handler)
    if state in (State.ANSWERED, State.CLOSED):
        workflow.draft_reply(petition, petition.assigned_to, kind="result", body="答复")
        workflow.approve(petition, leader)
    if state == State.CLOSED:
        workflow.close(petition, make_user(Role.LEADER), reason="已答复")
    db.session.commit()
    assert petition.status == state
    assert workflow.can_record_unreachable(petition, user) is allowed
    if allowed:
        workflow.record_unreachable(petition, user, reason="returned_letter")
        assert workflow.can_record_contact_restored(petition, user)
        workflow.record_contact_restored(petition, user)
    else:
        with pytest.raises(InvalidTransition):
            workflow.record_unreachable(petition, user, reason="returned_letter")


def test_an_anonymous_report_has_no_contact_to_fail():
    petition, _ = make_petition(kind="report", is_anonymous=True, name=None, mobile=None)
    leader = make_user(Role.LEADER)
    assert not workflow.can_record_unreachable(petition, leader)
    with force_locale("en"), pytest.raises(InvalidTransition, match="anonymous"):
        workflow.record_unreachable(petition, leader, reason="no_answer")
    with pytest.raises(InvalidTransition):
        workflow.record_unreachable(petition, SYSTEM, reason="email_bounced")


def test_it_is_recorded_once_until_contact_is_made_again():
    leader = make_user(Role.LEADER)
    petition = accepted()
    workflow.record_unreachable(petition, leader, reason="no_answer")
    with force_locale("en"), pytest.raises(InvalidTransition, match="already recorded"):
        workflow.record_unreachable(petition, leader, reason="wrong_number")
    workflow.record_contact_restored(petition, leader)
    with force_locale("en"), pytest.raises(InvalidTransition, match="not recorded"):
        workflow.record_contact_restored(petition, leader)


def test_a_staff_action_offered_only_to_those_allowed_is_refused_to_others(app):
    petition = accepted(make_user(Role.HANDLER))
    other = staff_browser(app, make_user(Role.HANDLER))
    staff_act(
        other,
        petition,
        "unreachable",
        {"reason": "no_answer"},
        _expected_status=403,
        _expected_redirect=None,
    )
    db.session.refresh(petition)
    assert petition.unreachable_reason is None
    assert db.session.scalar(sa.select(sa.func.count(Note.id))) == 0


# ---- the outbox: an e-mail address that does not exist --------------------------------------


def test_an_address_that_does_not_exist_marks_a_petitioner_with_no_other_contact(
    app,
    smtp_server,  # noqa: F811
):
    with clock.frozen(T0):
        only_email, _ = make_petition(mobile=None, email="nobody@example.cn")
        with_mobile, _ = make_petition(email="nobody@example.cn")
        finished, _ = make_petition(mobile=None, email="nobody@example.cn")
        workflow.not_accept(finished, make_user(Role.CLERK), reason="不属于管辖")
        workflow.close(finished, make_user(Role.LEADER), reason="已告知")
        db.session.commit()
        smtp_server.unknown.add("nobody@example.cn")
        mail.deliver_pending()
    for petition in (only_email, with_mobile, finished):
        db.session.refresh(petition)
    assert only_email.unreachable_reason == Unreachable.EMAIL_BOUNCED
    [event] = [e for e in audit.history(only_email) if e.code == "petition.unreachable_recorded"]
    assert (event.actor_kind, event.details) == ("system", {"unreachable": "email_bounced"})
    assert with_mobile.unreachable_reason is None  # still reachable by phone: staff decide
    assert finished.unreachable_reason is None


def test_a_temporary_failure_marks_no_one(app, smtp_server):  # noqa: F811
    with clock.frozen(T0):
        petition, _ = make_petition(mobile=None, email="busy@example.cn")
        smtp_server.refusing = True
        mail.deliver_pending()
    db.session.refresh(petition)
    assert petition.unreachable_reason is None


@pytest.mark.parametrize(
    ("reply", "missing"),
    [
        ((550, b"5.1.1 No such mailbox"), True),
        ((550, b"Mailbox not found. http://service.mail.qq.com/"), True),
        ((553, b"5.1.3 Bad recipient address syntax"), True),
        ((550, b"5.7.1 Relaying denied"), False),  # our server's problem, not the address's
        ((554, b"5.7.1 Message rejected as spam"), False),
        ((452, b"4.2.2 Mailbox full"), False),
    ],
)
def test_only_a_missing_mailbox_counts_as_a_wrong_address(reply, missing):
    error = smtplib.SMTPRecipientsRefused({"x@example.cn": reply})
    assert mail.EMAIL.refuses_recipient(error) is missing
    assert mail.EMAIL.refuses_recipient(smtplib.SMTPDataError(550, b"5.1.1 nope")) is False
