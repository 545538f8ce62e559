"""The open procuratorate's services on the database: one registration per mobile, the window and
the seats, allocating places (all fit, or a recorded and audited draw), cancelling, changing, and
who is told what."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.core import audit, clock, codes
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from portal.openhouse import rules, services
from portal.openhouse.models import Registration
from tests.factories import make_user
from tests.openhouse.factories import gathering_data, make_gathering, register, sms_to


@pytest.fixture(autouse=True)
def english_messages(app):
    """The refusals are read in English here (the catalogue says them in Chinese too)."""
    with force_locale("en"):
        yield


@pytest.fixture
def publisher():
    return make_user(Role.PUBLISHER)


def _data(mobile, party_size=1):
    return services.RegistrationData(
        name="王五", mobile=mobile, email=None, party_size=party_size, locale="zh_Hans_CN"
    )


def test_one_registration_per_mobile_and_the_owner_is_reminded(publisher):
    gathering = make_gathering(publisher)
    first = register(gathering, mobile="13700001111")
    with pytest.raises(services.AlreadyRegistered):
        services.register(
            gathering, _data("13700001111", 2), submission_key=secrets.token_urlsafe(32)
        )
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
    assert sms_to("openhouse_already_registered") == ["13700001111"]
    reminder = audit.history(first.registration)[-1]
    assert reminder.code == "openhouse_registration.already_registered"


def test_the_same_form_sent_twice_registers_once_with_the_same_code(publisher):
    gathering = make_gathering(publisher)
    key = secrets.token_urlsafe(32)
    first = register(gathering, key=key)
    again = register(gathering, key=key)
    assert again.is_repeat and again.registration.id == first.registration.id
    assert again.query_code == first.query_code


def test_the_same_mobile_may_register_for_another_open_day(publisher):
    register(make_gathering(publisher), mobile="13700002222")
    register(make_gathering(publisher), mobile="13700002222")
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 2


def test_registration_outside_the_window_is_refused_on_the_field(publisher):
    gathering = make_gathering(publisher, opens_in=timedelta(days=1))
    with pytest.raises(InvalidTransition) as refused:
        register(gathering)
    assert refused.value.field == "party_size"


def test_first_come_confirms_at_once_until_the_seats_are_gone(publisher):
    gathering = make_gathering(publisher, kind="hearing", admission="first_come", capacity=2)
    one = register(gathering).registration
    two = register(gathering).registration
    assert (one.status, one.confirmation_number) == ("confirmed", f"{gathering.id}-001")
    assert two.confirmation_number == f"{gathering.id}-002"
    with pytest.raises(InvalidTransition, match="All seats are taken"):
        register(gathering)
    db.session.rollback()
    assert sms_to("openhouse_received") == []  # told once: confirmed
    assert len(sms_to("openhouse_confirmed")) == 2


def test_when_all_fit_everyone_is_confirmed_without_a_draw(publisher):
    gathering = make_gathering(publisher, capacity=10)
    for party in (3, 3, 2):
        register(gathering, party_size=party)
    with clock.frozen(clock.now() + timedelta(days=8)):
        allocation = services.allocate_places(gathering, publisher)
    db.session.commit()
    assert not allocation.drawn and gathering.draw_seed is None
    assert {r.status for r in gathering.registrations} == {"confirmed"}
    assert len(sms_to("openhouse_confirmed")) == 3


def test_the_places_cannot_be_allocated_while_registration_is_open(publisher):
    gathering = make_gathering(publisher)
    register(gathering)
    with pytest.raises(InvalidTransition, match="still open"):
        services.allocate_places(gathering, publisher)


def test_an_oversubscribed_open_day_is_drawn_from_a_recorded_seed(publisher):
    gathering = make_gathering(publisher, capacity=4, max_party_size=2)
    for party in (2, 1, 2, 1, 2, 1, 1):
        register(gathering, party_size=party)
    with clock.frozen(clock.now() + timedelta(days=8)):
        allocation = services.allocate_places(gathering, publisher)
    db.session.commit()
    assert allocation.drawn and len(gathering.draw_seed) == 32
    confirmed = [r for r in gathering.registrations if r.status == "confirmed"]
    assert sum(r.party_size for r in confirmed) <= 4
    not_drawn = [r for r in gathering.registrations if r.status == "not_drawn"]
    assert len(confirmed) + len(not_drawn) == 7
    # Anyone can recompute it from the seed and the list.
    again = rules.draw(
        [rules.Entry(r.number, r.party_size) for r in gathering.registrations],
        gathering.capacity,
        gathering.draw_seed,
    )
    assert sorted(again.winners) == sorted(r.number for r in confirmed)
    event = next(e for e in audit.history(gathering) if e.code == "openhouse_gathering.allocated")
    assert event.details["seed"] == gathering.draw_seed and event.details["drawn"] == "yes"
    assert sorted(sms_to("openhouse_not_drawn")) == sorted(r.mobile for r in not_drawn)
    assert sorted(sms_to("openhouse_confirmed")) == sorted(r.mobile for r in confirmed)
    assert len({r.confirmation_number for r in confirmed}) == len(confirmed)


def test_the_registrant_finds_and_cancels_with_number_and_code(publisher):
    gathering = make_gathering(publisher)
    receipt = register(gathering)
    number = receipt.registration.number
    assert services.find_for_registrant(number, "WRONG-CODE") is None
    found = services.find_for_registrant(number.lower(), codes.format_code(receipt.query_code))
    assert found is receipt.registration
    services.withdraw_registration(found)
    db.session.commit()
    assert found.status == "cancelled"
    assert sms_to("openhouse_withdrawn") == [found.mobile]
    with pytest.raises(InvalidTransition):
        services.withdraw_registration(found)


def test_a_mobile_cancelled_frees_nothing_for_a_second_ticket(publisher):
    """One registration per mobile holds even after a cancellation: the draw stays one ticket
    per person, and a cancelled registrant who wants to come again calls us."""
    gathering = make_gathering(publisher)
    receipt = register(gathering, mobile="13700003333")
    services.withdraw_registration(receipt.registration)
    db.session.commit()
    with pytest.raises(services.AlreadyRegistered):
        register(gathering, mobile="13700003333")


def test_cancelling_tells_every_registrant_with_the_reason(publisher):
    gathering = make_gathering(publisher)
    a, b = register(gathering).registration, register(gathering).registration
    with pytest.raises(InvalidTransition):
        services.cancel_gathering(gathering, publisher, "  ")
    services.cancel_gathering(gathering, publisher, "因故取消")
    db.session.commit()
    assert {a.status, b.status} == {"cancelled"}
    assert sorted(sms_to("openhouse_cancelled")) == sorted([a.mobile, b.mobile])


def test_a_new_time_is_told_to_registrants_but_a_typo_fix_is_not(publisher):
    with clock.frozen(clock.now()):
        gathering = make_gathering(publisher)
        registration = register(gathering).registration
        fixed = gathering_data(title="检察开放日（更正）")
        assert services.update_gathering(gathering, fixed, publisher) == ["title"]
        db.session.commit()
        assert sms_to("openhouse_changed") == []
        later = gathering_data(title="检察开放日（更正）", starts_in=timedelta(days=15))
        assert services.update_gathering(gathering, later, publisher) == ["starts_at", "ends_at"]
        db.session.commit()
    assert sms_to("openhouse_changed") == [registration.mobile]


def test_the_capacity_cannot_fall_below_the_places_given(publisher):
    gathering = make_gathering(publisher, kind="hearing", admission="first_come", capacity=5)
    register(gathering)
    register(gathering)
    with pytest.raises(InvalidTransition) as refused:
        services.update_gathering(
            gathering, gathering_data(capacity=1, admission="first_come"), publisher
        )
    assert refused.value.field == "capacity"


def test_a_hearing_outcome_only_once_held(publisher):
    hearing = make_gathering(publisher, kind="hearing")
    with pytest.raises(InvalidTransition, match="once the hearing has been held"):
        services.publish_outcome(hearing, publisher, "同意不起诉。")
    with clock.frozen(clock.now() + timedelta(days=15)):
        services.publish_outcome(hearing, publisher, "同意不起诉。")
    assert hearing.status == "concluded" and hearing.outcome == "同意不起诉。"


def test_an_open_day_has_no_outcome(publisher):
    open_day = make_gathering(publisher)
    with clock.frozen(clock.now() + timedelta(days=15)), pytest.raises(InvalidTransition):
        services.publish_outcome(open_day, publisher, "结果")


def test_announcing_refuses_times_out_of_order(publisher):
    with pytest.raises(InvalidTransition) as refused:
        services.announce_gathering(
            "open_day", gathering_data(closes_in=timedelta(days=20)), publisher
        )
    assert refused.value.field == "registration_closes_at"
    with pytest.raises(InvalidTransition) as refused:
        services.announce_gathering(
            "open_day", gathering_data(starts_in=timedelta(days=-1)), publisher
        )
    assert refused.value.field == "starts_at"


def test_only_organisers_move_a_gathering(publisher):
    gathering = make_gathering(publisher)
    with pytest.raises(InvalidTransition) as refused:
        services.cancel_gathering(gathering, make_user(Role.LEADER), "原因")
    assert refused.value.forbidden
