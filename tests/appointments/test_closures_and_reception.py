"""Closures cancel bookings and tell the lawyers (by e-mail, over real SMTP); the reception day
is booked without an account and cancelled with the code shown once."""

from __future__ import annotations

import re
import secrets
from datetime import date, time

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.appointments import availability, services, slots
from portal.appointments.models import Booking, BookingState, Closure, Slot
from portal.core import audit, clock, mail
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from tests.appointments.factories import NOW, add_rota_day, book
from tests.factories import login, make_user
from tests.lawyers.factories import add_hours, make_lawyer, make_place


@pytest.fixture
def place():
    with clock.frozen(NOW):
        place = make_place()
        add_hours(place, start=time(9, 0), end=time(11, 0), capacity=2)
        add_rota_day(place, date(2026, 11, 25))  # Wednesday, 14:00–16:00
        yield place


def test_a_closure_cancels_the_bookings_in_it_and_mails_the_reason(
    client_request,
    place,
    smtp_server,  # noqa: F811
):
    one, two = make_lawyer(), make_lawyer()
    inside = book(one, place, "2026-11-24T09:00")
    confirmed = book(two, place, "2026-11-24T10:00")
    outside = book(two, place, "2026-11-25T09:00")
    clerk = make_user(Role.CLERK)
    services.confirm(confirmed, clerk)
    db.session.commit()
    mail.deliver_pending()
    smtp_server.messages.clear()

    login(client_request.client, clerk)
    page = client_request.post(
        "appointments_admin.closures",
        _data={"place": str(place.id), "service": "", "day_from": "2026-11-24",
               "day_to": "2026-11-24", "reason": "检察院举行全院会议，当日暂停接待"},
        _expected_status=200,
    )  # fmt: skip
    assert page.select(".error-message") == []
    db.session.expire_all()
    assert db.session.get(Booking, inside.id).status == BookingState.CANCELLED
    assert db.session.get(Booking, confirmed.id).cancelled_by == "closure"
    assert db.session.get(Booking, outside.id).status == BookingState.REQUESTED
    [closure] = db.session.scalars(sa.select(Closure)).all()
    assert [(e.code, e.actor_kind, e.details) for e in audit.history(closure)] == [
        (
            "appointments.closure_created",
            "staff",
            {"cancelled": "2", "reason": "检察院举行全院会议，当日暂停接待"},
        )
    ]
    assert [(e.code, e.actor_kind, e.from_state, e.details) for e in audit.history(confirmed)][
        -1
    ] == ("booking.cancelled_by_closure", "system", "confirmed", {"closure": str(closure.id)})
    # The closed day offers nothing any more, and a booking for it is refused.
    days = availability.availability(place.id, "file_reading", NOW.date(), 3)
    assert all(
        view.is_closed and not view.is_bookable for view in days[inside.slot.starts_at.date()]
    )
    with force_locale("en"), pytest.raises(InvalidTransition, match="closed"):
        book(make_lawyer(), place, "2026-11-24T09:30")
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


def test_citizens_reserve_a_reception_visit_and_cancel_it_with_the_code(
    client_request, new_client_request, place
):
    client_request.client.set_cookie("portal_locale", "en")
    page = client_request.get("appointments.reception_day", place=place.id, day="2026-11-25")
    radios = {radio["value"] for radio in page.select('input[type="radio"][name="slot"]')}
    assert "2026-11-25T14:00" in radios
    tokens = client_request.form_fields(
        "appointments.reception_day", place=place.id, day="2026-11-25"
    )
    data = {**tokens, "place": str(place.id), "slot": "2026-11-25T14:00", "name": "王某某",
            "mobile": "13800001111", "subject": "反映案件办理久拖不决的问题"}  # fmt: skip
    receipt = client_request.post("appointments.reception_day", _data=data, _expected_status=200)
    assert client_request.response.headers["Cache-Control"] == "no-store"
    reference, code = (dd.get_text(strip=True) for dd in receipt.select("dd.code"))
    assert re.fullmatch(r"YY-[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    booking = db.session.scalar(sa.select(Booking))
    assert booking.reference == reference
    assert booking.cancel_code_hash and code.replace("-", "") not in booking.cancel_code_hash
    # The same form again shows the same receipt and books nothing more.
    again = client_request.post("appointments.reception_day", _data=data, _expected_status=200)
    assert [dd.get_text(strip=True) for dd in again.select("dd.code")] == [reference, code]
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 1
    # One visit per mobile and day.
    tokens = client_request.form_fields(
        "appointments.reception_day", place=place.id, day="2026-11-25"
    )
    client_request.post(
        "appointments.reception_day",
        _data={**data, **tokens, "slot": "2026-11-25T15:00"},
        _expected_status=409,
    )

    # Staff see the day's list with the visitor's details.
    staff = new_client_request()
    login(staff.client, make_user(Role.CLERK))
    listing = staff.get("appointments_admin.reception_list", place=place.id, day="2026-11-25")
    assert "王某某" in listing.get_text() and reference in listing.get_text()

    wrong = client_request.post(
        "appointments.cancel_visit",
        _data={"reference": reference, "cancel_code": "ABCD-EFGH-JKMN"},
        _expected_status=400,
    )
    assert "We found no visit" in wrong.get_text()
    client_request.post(
        "appointments.cancel_visit",
        _data={"reference": reference.lower(), "cancel_code": code},
        _expected_redirect="appointments.reception_day",
    )
    db.session.expire_all()
    booking = db.session.get(Booking, booking.id)
    assert booking.status == BookingState.CANCELLED and booking.cancelled_by == "visitor"
    assert db.session.scalar(sa.select(Slot.booked)) == 0
    assert [(e.code, e.actor_kind, e.actor_id) for e in audit.history(booking)] == [
        ("booking.requested", "petitioner", None),
        ("booking.cancelled", "petitioner", None),
    ]


def test_reception_cancel_locks_after_repeated_wrong_codes(app, client_request, place):
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
        client_request.post(
            "appointments.cancel_visit",
            _data={"reference": receipt.booking.reference, "cancel_code": "ZZZZ-ZZZZ-ZZZZ"},
            _expected_status=400,
        )
    client_request.client.set_cookie("portal_locale", "en")
    locked = client_request.post(
        "appointments.cancel_visit",
        _data={"reference": receipt.booking.reference, "cancel_code": receipt.cancel_code},
        _expected_status=400,
    )
    assert "Too many wrong attempts" in locked.get_text()
    assert db.session.get(Booking, receipt.booking.id).status == BookingState.REQUESTED
