"""Closures cancel bookings and tell the lawyers (by e-mail, over real SMTP); the reception day
is booked without an account and cancelled with the code shown once."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, time

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.appointments import availability, services, slots
from portal.appointments.models import Booking, BookingState, Slot
from portal.core import clock, mail
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from tests.core.test_mail import smtp_server  # noqa: F401  (the fixture)
from tests.factories import csrf_token, form_tokens, login, make_user, submit_form
from tests.lawyers.factories import add_hours, make_lawyer, make_place

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def place():
    with clock.frozen(NOW):
        place = make_place()
        add_hours(place, start=time(9, 0), end=time(11, 0), capacity=2)
        add_hours(place, service="reception_day", weekdays=(2,), start=time(14, 0), end=time(16, 0))
        yield place


def _book(lawyer, place, key, case="示检刑诉受〔2026〕1号"):
    booking = services.book_for_lawyer(
        lawyer,
        place_id=place.id,
        service="file_reading",
        starts_at=availability.parse_slot_key(key),
        case_number=case,
        note=None,
        submission_key=secrets.token_urlsafe(32),
    )
    db.session.commit()
    return booking


def test_a_closure_cancels_the_bookings_in_it_and_mails_the_reason(app, client, place, smtp_server):  # noqa: F811
    one, two = make_lawyer(), make_lawyer()
    inside = _book(one, place, "2026-11-24T09:00")
    confirmed = _book(two, place, "2026-11-24T10:00")
    outside = _book(two, place, "2026-11-25T09:00")
    clerk = make_user(Role.CLERK)
    services.confirm(confirmed, clerk)
    db.session.commit()
    mail.deliver_pending()
    smtp_server.messages.clear()

    login(client, clerk)
    response = submit_form(
        client,
        "/staff/appointments/closures",
        {"place": str(place.id), "service": "", "day_from": "2026-11-24", "day_to": "2026-11-24",
         "reason": "检察院举行全院会议，当日暂停接待"},
    )  # fmt: skip
    assert response.status_code == 200, re.findall(
        r"error-message[^>]*>(.*?)</p>", response.get_data(as_text=True), re.S
    )
    db.session.expire_all()
    assert db.session.get(Booking, inside.id).status == BookingState.CANCELLED
    assert db.session.get(Booking, confirmed.id).cancelled_by == "closure"
    assert db.session.get(Booking, outside.id).status == BookingState.REQUESTED
    # The closed day offers nothing any more, and a booking for it is refused.
    days = availability.availability(place.id, "file_reading", NOW.date(), 3)
    assert all(
        view.is_closed and not view.is_bookable for view in days[inside.slot.starts_at.date()]
    )
    with force_locale("en"), pytest.raises(InvalidTransition, match="closed"):
        _book(make_lawyer(), place, "2026-11-24T09:30")
    db.session.rollback()
    mail.deliver_pending()
    told = [
        m["To"]
        for m in smtp_server.messages
        if "检察院举行全院会议" in m.get_payload(decode=True).decode()
    ]
    assert sorted(told) == sorted([one.email, two.email])


def test_a_closure_and_a_booking_of_the_same_slot_never_both_win(place):
    """The closure marks the slot row; the booking's conditional UPDATE then finds it closed."""
    services.close(
        make_user(Role.HANDLER),
        place_id=place.id,
        service="file_reading",
        starts_at=availability.parse_slot_key("2026-11-24T09:00"),
        ends_at=availability.parse_slot_key("2026-11-24T09:30"),
        reason="临时停电",
    )
    db.session.commit()
    slot = db.session.scalar(sa.select(Slot))
    assert slot.closed_at is not None and slot.booked == 0
    with force_locale("en"), pytest.raises(InvalidTransition, match="closed"):
        slots.take_place(slot.id)


def test_citizens_reserve_a_reception_visit_and_cancel_it_with_the_code(app, client, place):
    client.set_cookie("portal_locale", "en")
    page = client.get(f"/reception-day?place={place.id}")
    assert page.status_code == 200 and 'value="2026-11-25T14:00"' in page.get_data(as_text=True)
    tokens = form_tokens(client, f"/reception-day?place={place.id}")
    data = {**tokens, "place": str(place.id), "slot": "2026-11-25T14:00", "name": "王某某",
            "mobile": "13800001111", "subject": "反映案件办理久拖不决的问题"}  # fmt: skip
    response = client.post("/reception-day", data=data)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    reference = re.search(r"YY-[A-Z0-9]{4}-[A-Z0-9]{4}", html).group(0)
    code = re.search(r'class="code">([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})<', html).group(1)
    booking = db.session.scalar(sa.select(Booking))
    assert booking.cancel_code_hash and code.replace("-", "") not in booking.cancel_code_hash
    # The same form again shows the same receipt and books nothing more.
    again = client.post("/reception-day", data=data)
    assert code in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 1
    # One visit per mobile and day.
    tokens = form_tokens(client, f"/reception-day?place={place.id}")
    twice = client.post("/reception-day", data={**data, **tokens, "slot": "2026-11-25T15:00"})
    assert twice.status_code == 409

    # Staff see the day's list with the visitor's details.
    staff = app.test_client()
    login(staff, make_user(Role.CLERK))
    listing = staff.get(f"/staff/appointments/reception-day?place={place.id}&day=2026-11-25")
    assert "王某某" in listing.get_data(as_text=True) and reference in listing.get_data(
        as_text=True
    )

    wrong = submit_form(
        client, "/reception-day/cancel", {"reference": reference, "cancel_code": "ABCD-EFGH-JKMN"}
    )
    assert wrong.status_code == 400 and "We found no visit" in wrong.get_data(as_text=True)
    right = submit_form(
        client, "/reception-day/cancel", {"reference": reference.lower(), "cancel_code": code}
    )
    assert right.status_code == 302
    db.session.expire_all()
    booking = db.session.get(Booking, booking.id)
    assert booking.status == BookingState.CANCELLED and booking.cancelled_by == "visitor"
    assert db.session.scalar(sa.select(Slot.booked)) == 0


def test_reception_cancel_locks_after_repeated_wrong_codes(app, client, place):
    receipt = services.book_reception_visit(
        place_id=place.id,
        starts_at=availability.parse_slot_key("2026-11-25T14:00"),
        name="李某",
        mobile="13800002222",
        subject="申诉事项",
        submission_key=secrets.token_urlsafe(32),
    )
    db.session.commit()
    for _ in range(app.config["LOOKUP_MAX_FAILURES"]):
        submit_form(client, "/reception-day/cancel",
                    {"reference": receipt.booking.reference, "cancel_code": "ZZZZ-ZZZZ-ZZZZ"})  # fmt: skip
    client.set_cookie("portal_locale", "en")
    locked = submit_form(
        client,
        "/reception-day/cancel",
        {"reference": receipt.booking.reference, "cancel_code": receipt.cancel_code},
    )
    assert "Too many wrong attempts" in locked.get_data(as_text=True)
    assert db.session.get(Booking, receipt.booking.id).status == BookingState.REQUESTED


def test_staff_routes_refuse_the_roles_that_must_not_use_them(app, client, place):
    checks = {
        Role.PUBLISHER: ["/staff/appointments/", "/staff/lawyers/", "/staff/appointments/closures"],
        Role.LEADER: ["/staff/appointments/closures", "/staff/appointments/places"],
        Role.CLERK: ["/staff/appointments/places", "/staff/lawyers/exclusions"],
        Role.ADMIN: ["/staff/appointments/", "/staff/lawyers/"],
    }
    for role, urls in checks.items():
        user_client = app.test_client()
        login(user_client, make_user(role))
        for url in urls:
            assert user_client.get(url).status_code == 403, (role, url)
    leader = app.test_client()
    login(leader, make_user(Role.LEADER))
    booking = _book(make_lawyer(), place, "2026-11-24T09:00")
    page = leader.get(f"/staff/appointments/bookings/{booking.id}")
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    assert leader.post(f"/staff/appointments/bookings/{booking.id}/confirm",
                       data={"csrf_token": token}).status_code == 403  # fmt: skip


def test_admin_sets_up_a_place_and_its_hours(client):
    login(client, make_user(Role.ADMIN))
    response = submit_form(
        client, "/staff/appointments/places",
        {"name": "律师接待室", "address": "示例市人民路1号一楼", "is_active": "y"},
    )  # fmt: skip
    assert response.status_code == 302
    url = response.location
    response = submit_form(
        client, url,
        {"hours-service": "file_reading", "hours-weekday": "1", "hours-start_time": "09:00",
         "hours-end_time": "08:00", "hours-slot_minutes": "30", "hours-capacity": "2"},
    )  # fmt: skip
    assert response.status_code == 400
    tokens = form_tokens(client, url)
    response = client.post(
        url,
        data={"hours-csrf_token": tokens["csrf_token"], "hours-service": "file_reading",
              "hours-weekday": "1", "hours-start_time": "09:00", "hours-end_time": "11:00",
              "hours-slot_minutes": "30", "hours-capacity": "2"},
    )  # fmt: skip
    assert response.status_code == 302
    assert "09:00–11:00" in client.get(url).get_data(as_text=True)
