"""The rules of deputies' liaison, called directly with the clock frozen: the time limit on the
working-day calendar, the two-person rule on answers, ratings, registration and verification,
invitations, and what each step tells the deputy."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.calendar import services as calendar
from portal.core import audit, clock
from portal.core.credentials import AccountError
from portal.core.outbox import OutboxMessage
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.deputies import services
from portal.deputies.models import SuggestionState, Verification
from portal.extensions import db
from tests.deputies.factories import make_deputy, make_event, make_suggestion
from tests.factories import make_user


def _messages():
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


# ---- the time limit --------------------------------------------------------------------------


def test_the_answer_is_due_three_months_after_receipt_moved_past_holidays():
    # Received Monday 23 November 2026: three months on is Tuesday 23 February 2027, a working
    # day. When that day is a holiday (a Spring Festival day, say) it moves to the next working
    # day; when it falls on a Saturday, to Monday.
    admin = make_user(Role.ADMIN)
    with clock.frozen(datetime(2026, 11, 23, 2, 0, tzinfo=UTC)):
        assert make_suggestion(make_deputy()).due_on == date(2027, 2, 23)
        calendar.set_day(date(2027, 2, 23), "holiday", "春节", actor=admin)
        calendar.set_day(date(2027, 2, 24), "holiday", "春节", actor=admin)
        db.session.commit()
        suggestion = make_suggestion(make_deputy())
        assert suggestion.due_on == date(2027, 2, 25)
        assert suggestion.deadline_rule == "3m"
    with clock.frozen(datetime(2026, 11, 27, 2, 0, tzinfo=UTC)):  # Friday: due Saturday 27 Feb
        assert make_suggestion(make_deputy()).due_on == date(2027, 3, 1)


def test_a_month_without_the_day_ends_on_its_last_day():
    with clock.frozen(datetime(2026, 11, 30, 2, 0, tzinfo=UTC)):  # 28 Feb 2027 is a Sunday
        assert make_suggestion(make_deputy()).due_on == date(2027, 3, 1)


def test_a_stored_due_date_does_not_move_when_the_setting_changes(app):
    with clock.frozen(datetime(2026, 11, 23, 2, 0, tzinfo=UTC)):
        suggestion = make_suggestion(make_deputy())
        app.config["DEPUTY_ANSWER_MONTHS"] = 2
        try:
            later = make_suggestion(make_deputy())
        finally:
            app.config["DEPUTY_ANSWER_MONTHS"] = 3
    db.session.refresh(suggestion)
    assert suggestion.due_on == date(2027, 2, 23)
    assert (later.due_on, later.deadline_rule) == (date(2027, 1, 25), "2m")  # 23 Jan: Saturday


# ---- answers: drafted, approved by another leader ---------------------------------------------


def test_the_drafter_of_an_answer_cannot_approve_it(frozen_now):
    suggestion = make_suggestion(make_deputy())
    leader, other_leader = make_user(Role.LEADER), make_user(Role.LEADER)
    services.draft_answer(suggestion, leader, "已研究办理。")
    with pytest.raises(InvalidTransition) as refused:
        services.approve_answer(suggestion, leader)
    assert refused.value.forbidden
    assert suggestion.status == SuggestionState.AWAITING_APPROVAL
    services.approve_answer(suggestion, other_leader)
    db.session.commit()
    assert suggestion.status == SuggestionState.ANSWERED
    assert (suggestion.drafted_by_id, suggestion.approved_by_id) == (leader.id, other_leader.id)


def test_only_leaders_approve_and_a_returned_draft_is_revised(frozen_now):
    suggestion = make_suggestion(make_deputy())
    handler, leader = make_user(Role.HANDLER), make_user(Role.LEADER)
    with pytest.raises(InvalidTransition):
        services.draft_answer(suggestion, make_user(Role.CLERK), "答复")
    services.draft_answer(suggestion, handler, "初稿")
    with pytest.raises(InvalidTransition):
        services.approve_answer(suggestion, make_user(Role.HANDLER))
    services.return_answer(suggestion, leader, "请补充办理结果。")
    assert suggestion.status == SuggestionState.RECEIVED
    assert suggestion.return_comment == "请补充办理结果。"
    services.draft_answer(suggestion, handler, "修改稿：已办结。")
    services.approve_answer(suggestion, leader)
    db.session.commit()
    assert suggestion.answer == "修改稿：已办结。"
    codes = [event.code for event in audit.history(suggestion)]
    assert codes == [
        "deputy_suggestion.received",
        "deputy_suggestion.answer_drafted",
        "deputy_suggestion.answer_returned",
        "deputy_suggestion.answer_drafted",
        "deputy_suggestion.answered",
    ]


def test_the_deputy_is_told_of_receipt_and_of_the_answer_by_sms_and_email(frozen_now):
    deputy = make_deputy()
    suggestion = make_suggestion(deputy)
    received = _messages()
    assert {(m.channel, m.recipient) for m in received} == {
        ("sms", deputy.mobile),
        ("email", deputy.email),
    }
    assert all(suggestion.number in m.body for m in received)
    services.draft_answer(suggestion, make_user(Role.HANDLER), "答复")
    db.session.commit()
    assert len(_messages()) == 2  # a draft tells no one
    services.approve_answer(suggestion, make_user(Role.LEADER))
    db.session.commit()
    answered = _messages()[2:]
    assert sorted(m.template or "email" for m in answered) == ["deputy_answered", "email"]


# ---- ratings ---------------------------------------------------------------------------------


def _answered(deputy):
    suggestion = make_suggestion(deputy)
    services.draft_answer(suggestion, make_user(Role.HANDLER), "答复")
    services.approve_answer(suggestion, make_user(Role.LEADER))
    db.session.commit()
    return suggestion


def test_a_deputy_rates_an_answer_once_and_says_why_when_dissatisfied(frozen_now):
    deputy = make_deputy()
    suggestion = make_suggestion(deputy)
    with pytest.raises(InvalidTransition):
        services.rate_answer(suggestion, deputy, "satisfied", None)  # not answered yet
    suggestion = _answered(deputy)
    with pytest.raises(InvalidTransition):
        services.rate_answer(suggestion, make_deputy(), "satisfied", None)  # not theirs
    with pytest.raises(InvalidTransition) as refused:
        services.rate_answer(suggestion, deputy, "dissatisfied", "  ")
    assert refused.value.field == "comment"
    services.rate_answer(suggestion, deputy, "dissatisfied", "未说明办理结果")
    with pytest.raises(InvalidTransition):
        services.rate_answer(suggestion, deputy, "satisfied", None)
    assert (suggestion.rating, suggestion.rating_comment) == ("dissatisfied", "未说明办理结果")


# ---- accounts --------------------------------------------------------------------------------


def _data(email, name="林代表"):
    return services.DeputyData(
        name=name,
        body="cppcc",
        level="county",
        assembly="示例县政协第十届委员会",
        unit="示例县医院",
        mobile="13911112222",
        email=email,
    )


def test_an_online_registration_waits_for_staff_and_repeats_reveal_nothing(frozen_now):
    deputy = services.register_deputy(_data("lin@test.example"), "pass-word-123")
    db.session.commit()
    assert deputy.status == Verification.PENDING
    with pytest.raises(InvalidTransition):
        make_suggestion(deputy)
    assert services.register_deputy(_data("LIN@test.example"), "pass-word-123") is None
    with pytest.raises(AccountError):
        services.register_deputy(_data("lin2@test.example"), "short")
    with pytest.raises(InvalidTransition):
        services.verify_deputy(deputy, make_user(Role.LEADER))  # leaders look, clerks decide
    services.verify_deputy(deputy, make_user(Role.CLERK))
    db.session.commit()
    assert deputy.is_verified
    assert make_suggestion(deputy).status == SuggestionState.RECEIVED


def test_a_rejection_needs_a_reason_the_person_reads(frozen_now):
    deputy = services.register_deputy(_data("wang@test.example"), "pass-word-123")
    clerk = make_user(Role.CLERK)
    with pytest.raises(InvalidTransition):
        services.reject_deputy(deputy, clerk, " ")
    services.reject_deputy(deputy, clerk, "名册中无此人")
    db.session.commit()
    assert (deputy.status, deputy.rejection_reason) == ("rejected", "名册中无此人")
    assert "名册中无此人" in _messages()[-1].body


def test_staff_register_a_deputy_who_chooses_a_password_by_the_link_once(frozen_now):
    deputy = services.register_by_staff(_data("zhao@test.example"), make_user(Role.HANDLER))
    db.session.commit()
    assert deputy.is_verified
    with pytest.raises(AccountError):
        services.authenticate("zhao@test.example", "anything-123")  # no password yet
    token = services.password_token(deputy)
    assert token in _messages()[-1].body
    services.set_password(token, "new-pass-456")
    db.session.commit()
    assert services.authenticate("zhao@test.example", "new-pass-456") == deputy
    with pytest.raises(services.TokenInvalid):
        services.set_password(token, "other-pass-789")  # used already
    with pytest.raises(AccountError):
        services.register_by_staff(_data("ZHAO@test.example"), make_user(Role.HANDLER))


def test_a_repeated_form_records_one_suggestion(frozen_now):
    deputy = make_deputy()
    key = secrets.token_urlsafe(32)
    data = services.SuggestionData(kind="opinion", subject="意见", body="内容")
    first, repeat = services.submit_suggestion(deputy, data, submission_key=key)
    again, repeat = services.submit_suggestion(deputy, data, submission_key=key)
    assert (again.id, repeat) == (first.id, True)


# ---- events ----------------------------------------------------------------------------------


def test_invitations_go_to_verified_deputies_once_and_replies_change_until_the_start(frozen_now):
    clerk = make_user(Role.CLERK)
    deputy, pending = make_deputy(), make_deputy(verified=False)
    event = make_event(clerk, days_ahead=2)
    invited = services.invite(event, [deputy.id, pending.id, deputy.id], clerk)
    db.session.commit()
    assert [i.deputy_id for i in invited] == [deputy.id]
    assert services.invite(event, [deputy.id], clerk) == []
    assert {m.template for m in _messages() if m.channel == "sms"} == {"deputy_invited"}
    invitation = invited[0]
    with pytest.raises(InvalidTransition):
        services.reply_to_invitation(invitation, make_deputy(), "attend")
    services.reply_to_invitation(invitation, deputy, "decline")
    services.reply_to_invitation(invitation, deputy, "attend")
    assert invitation.reply == "attend"
    with clock.frozen(clock.now() + timedelta(days=3)):
        with pytest.raises(InvalidTransition):
            services.reply_to_invitation(invitation, deputy, "decline")
        with pytest.raises(InvalidTransition):
            services.invite(event, [make_deputy().id], clerk)


def test_an_event_is_in_the_future(frozen_now):
    with pytest.raises(InvalidTransition):
        make_event(make_user(Role.CLERK), days_ahead=-1)
