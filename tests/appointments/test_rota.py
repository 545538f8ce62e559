"""The chief procurator's reception day as a published rota: only rota days are bookable, staff
publish and withdraw days (audited), a withdrawn day cancels its visits and texts the visitors,
and the public page shows the rota with the places left."""

from __future__ import annotations

import secrets
from datetime import date, time

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.appointments import availability, services
from portal.appointments.models import Booking, BookingState, ReceptionRotaDay
from portal.core import audit, clock
from portal.core.outbox import OutboxMessage
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from tests.appointments.factories import NOW, add_rota_day, at
from tests.factories import login, make_user
from tests.lawyers.factories import add_hours, make_place

WEDNESDAY, THURSDAY = date(2026, 11, 25), date(2026, 11, 26)


@pytest.fixture
def place():
    with clock.frozen(NOW):
        yield make_place()


def visit(place, key, mobile="13800001111"):
    receipt = services.book_reception_visit(
        place_id=place.id,
        starts_at=at(key),
        name="王某某",
        mobile=mobile,
        subject="反映案件办理久拖不决的问题",
        submission_key=secrets.token_urlsafe(32),
    )
    db.session.commit()
    return receipt.booking


def publish(staff, place, day=WEDNESDAY, **changes):
    values = dict(
        place_id=place.id,
        day=day,
        leader_name="张明",
        leader_title="检察长",
        start_time=time(9),
        end_time=time(11),
        slot_minutes=30,
        capacity=2,
    )
    rota_day = services.publish_rota_day(staff, **(values | changes))
    db.session.commit()
    return rota_day


def test_only_the_days_of_the_rota_are_bookable_not_every_weekday(place):
    # Reception-day opening hours from before the rota are not read any more.
    add_hours(place, service="reception_day", weekdays=(0, 1, 2, 3, 4))
    assert availability.places_offering("reception_day") == []
    publish(make_user(Role.CLERK), place)
    days = availability.availability(place.id, "reception_day", NOW.date(), 7)
    free = availability.free_places_by_day(days)
    assert {day for day, places in free.items() if places} == {WEDNESDAY}
    assert free[WEDNESDAY] == 4 * 2  # four half-hours of two visitors
    with force_locale("en"), pytest.raises(InvalidTransition, match="do not receive"):
        visit(place, "2026-11-26T09:00")
    assert visit(place, "2026-11-25T09:00").status == BookingState.REQUESTED


def test_publishing_checks_the_place_the_day_the_hours_and_one_day_per_place(place):
    clerk = make_user(Role.CLERK)
    publish(clerk, place)
    with force_locale("en"):
        for changes, field in [
            ({"day": date(2026, 11, 20)}, "day"),
            ({"day": THURSDAY, "end_time": time(9)}, "end_time"),
            ({"day": WEDNESDAY}, "day"),
            ({"day": THURSDAY, "place_id": None}, "place"),
        ]:
            with pytest.raises(InvalidTransition) as refused:
                publish(clerk, place, **changes)
            assert refused.value.field == field
            db.session.rollback()
    rota_day = db.session.scalar(sa.select(ReceptionRotaDay))
    [event] = audit.history(rota_day)
    assert event.code == "appointments.rota_day_published" and event.actor_id == clerk.id


def test_withdrawing_a_day_cancels_its_visits_and_texts_each_visitor(place):
    clerk = make_user(Role.CLERK)
    rota_day = publish(clerk, place)
    first = visit(place, "2026-11-25T09:00", "13800001111")
    second = visit(place, "2026-11-25T10:30", "13800002222")
    with force_locale("en"), pytest.raises(InvalidTransition, match="reason"):
        services.cancel_rota_day(rota_day, clerk, reason=" ")
    result = services.cancel_rota_day(rota_day, clerk, reason="检察长临时出差，接待日取消")
    db.session.commit()
    assert {b.id for b in result.cancelled} == {first.id, second.id}
    for booking in (first, second):
        db.session.refresh(booking)
        assert booking.status == BookingState.CANCELLED and booking.cancelled_by == "closure"
    texts = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.channel == "sms"))
    told = {m.recipient: m for m in texts}
    assert set(told) == {"13800001111", "13800002222"}
    message = told["13800001111"]
    assert message.template == "visit_cancelled"
    assert first.reference in message.body and "11月25日（周三）09:00–09:30" in message.body
    assert "检察长临时出差" in message.body and "010-12345678" in message.body
    assert not rota_day.is_standing and rota_day.closure_id is not None
    assert [e.code for e in audit.history(rota_day)] == [
        "appointments.rota_day_published",
        "appointments.rota_day_cancelled",
    ]
    # The day is no longer offered, and cannot be withdrawn twice; a new one may be published.
    assert availability.places_offering("reception_day") == []
    with force_locale("en"), pytest.raises(InvalidTransition, match="already cancelled"):
        services.cancel_rota_day(rota_day, clerk, reason="again")
    db.session.rollback()
    assert publish(clerk, place, leader_name="李红").is_standing


def test_the_public_page_shows_the_rota_with_the_places_left(client_request, place):
    add_rota_day(place, WEDNESDAY, leader=("张明", "检察长"), capacity=1)
    add_rota_day(place, date(2026, 12, 9), leader=("李红", "副检察长"))
    visit(place, "2026-11-25T14:00")
    client_request.client.set_cookie("portal_locale", "en")
    page = client_request.get("appointments.reception_day")
    rota = page.select_one("section.rota").get_text(" ", strip=True)
    assert "Wed 25 Nov" in rota and "检察长 张明" in rota and place.name in rota
    assert "3 places left" in rota  # four half-hours of one visitor, one booked
    assert "Wed 9 Dec" in rota and "副检察长 李红" in rota
    # The calendar: the rota days are the links, with their places free.
    linked = [a.get_text(" ", strip=True) for a in page.select("a.month-day")]
    assert len(linked) == 1 and "检察长 张明" in linked[0]  # November; December is a page on
    assert page.select('input[type="radio"]') == []  # no times before a day is chosen
    chosen = client_request.get("appointments.reception_day", day="2026-11-25")
    assert "received by 检察长 张明" in chosen.select_one(".chosen-day").get_text()
    radios = [r["value"] for r in chosen.select('input[name="slot"]')]
    assert radios == ["2026-11-25T14:30", "2026-11-25T15:00", "2026-11-25T15:30"]


def test_staff_publish_and_withdraw_days_on_the_rota_page(client_request, place):
    clerk = make_user(Role.CLERK)
    login(client_request.client, clerk)
    client_request.client.set_cookie("portal_locale", "en")
    form = {"place": str(place.id), "day": "2026-11-25", "leader_name": "张明",
            "leader_title": "检察长", "start_time": "09:00", "end_time": "11:30",
            "slot_minutes": "30", "capacity": "3"}  # fmt: skip
    client_request.post(
        "appointments_admin.rota", _data=form, _expected_redirect="appointments_admin.rota"
    )
    page = client_request.post(
        "appointments_admin.rota", _data=form | {"end_time": "08:00"}, _expected_status=400
    )
    assert "The reception must end after it starts." in page.select_one("#end_time-error").text
    assert page.select_one("#leader_name")["value"] == "张明"  # what was typed is kept
    page = client_request.post("appointments_admin.rota", _data=form, _expected_status=409)
    assert "already has a reception day" in page.select_one("#day-error").text
    rota_day = db.session.scalar(sa.select(ReceptionRotaDay))
    visit(place, "2026-11-25T09:00")
    page = client_request.get("appointments_admin.rota", cancel=rota_day.id)
    assert "Cancel the reception day of Wed 25 Nov" in page.get_text()
    assert "14 places are still free." in page.get_text()  # five half-hours of three, one taken
    client_request.post(
        "appointments_admin.cancel_rota_day",
        rota_day_id=rota_day.id,
        _data={"cancel-reason": ""},
        _expected_status=400,
    )
    page = client_request.post(
        "appointments_admin.cancel_rota_day",
        rota_day_id=rota_day.id,
        _data={"cancel-reason": "检察长临时出差"},
        _expected_status=200,
    )
    assert "Visitors told by SMS" in page.get_text() and "13800001111" in page.get_text()
    db.session.expire_all()
    assert db.session.scalar(sa.select(Booking.status)) == BookingState.CANCELLED


def test_leaders_may_look_at_the_rota_pages_not_change_them(client_request, place):
    rota_day = add_rota_day(place, WEDNESDAY)
    login(client_request.client, make_user(Role.LEADER))
    client_request.get("appointments_admin.rota", _expected_status=403)
    client_request.post(
        "appointments_admin.cancel_rota_day",
        rota_day_id=rota_day.id,
        _data={"cancel-reason": "x"},
        _expected_status=403,
    )
    assert db.session.get(ReceptionRotaDay, rota_day.id).is_standing
