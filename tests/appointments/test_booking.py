"""Booking rules: notice and horizon, holidays, one booking per case/service/day, reschedule and
cancel limits, someone else's booking, double submission, the calendar page and the .ics file."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.appointments import availability, services
from portal.appointments.models import Booking, BookingState, Slot
from portal.calendar.models import CalendarDay
from portal.core import audit, clock
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from tests.appointments.factories import CASE, NOW, at, book
from tests.factories import login, make_user, url
from tests.lawyers.factories import add_hours, login_lawyer, make_lawyer, make_place


@pytest.fixture
def setup():
    with clock.frozen(NOW):
        place = make_place()
        add_hours(place, start=time(9, 0), end=time(11, 0), capacity=2)
        yield place


def refused(message, lawyer, place, key, **kwargs):
    with force_locale("en"), pytest.raises(InvalidTransition, match=message):
        book(lawyer, place, key, **kwargs)
    db.session.rollback()


def test_minimum_notice_horizon_past_and_hours(app, setup):
    lawyer = make_lawyer()
    refused("in the past", lawyer, setup, "2026-11-23T09:00")
    with clock.frozen(datetime(2026, 11, 23, 0, 45, tzinfo=UTC)):  # 08:45, slot at 09:00
        refused("at least 30 minutes", lawyer, setup, "2026-11-23T09:00")
    far = date(2026, 11, 23) + timedelta(days=app.config["BOOKING_HORIZON_DAYS"] + 7)
    far -= timedelta(days=far.weekday())  # a Monday
    refused("at most 90 days ahead", lawyer, setup, f"{far.isoformat()}T09:00")
    refused("do not receive at this time", lawyer, setup, "2026-11-24T13:00")
    refused("do not receive at this time", lawyer, setup, "2026-11-28T09:00")  # Saturday
    assert book(lawyer, setup, "2026-11-24T09:00").status == BookingState.REQUESTED


def test_holidays_have_no_slots_and_make_up_days_follow_monday(setup):
    db.session.add(CalendarDay(day=date(2026, 11, 25), kind="holiday", name="测试假日"))
    db.session.add(CalendarDay(day=date(2026, 11, 28), kind="workday", name="调休"))
    db.session.commit()
    lawyer = make_lawyer()
    refused("may be a holiday", lawyer, setup, "2026-11-25T09:00")
    days = availability.availability(setup.id, "file_reading", date(2026, 11, 23), 7)
    assert days[date(2026, 11, 25)] == []
    assert len(days[date(2026, 11, 28)]) == 4  # 09:00–11:00 in 30-minute slots, as on Monday
    assert book(lawyer, setup, "2026-11-28T09:30").slot_id


def test_one_booking_per_case_service_and_day(setup):
    lawyer = make_lawyer()
    book(lawyer, setup, "2026-11-25T09:00")
    refused("already have a booking for this case", lawyer, setup, "2026-11-25T10:00")
    book(lawyer, setup, "2026-11-25T10:00", case="示检刑诉受〔2026〕2号")
    book(lawyer, setup, "2026-11-26T10:00")  # another day
    first = db.session.scalar(sa.select(Booking).order_by(Booking.id))
    services.cancel(first, lawyer, reason="改期")
    db.session.commit()
    book(lawyer, setup, "2026-11-25T10:30")  # free again once cancelled


def test_the_database_holds_the_one_booking_rule_too(setup):
    lawyer = make_lawyer()
    first = book(lawyer, setup, "2026-11-24T09:00")
    twin = Booking(
        reference="YY-TEST-TEST",
        submission_key_hash="x" * 64,
        slot_id=first.slot_id,
        service="file_reading",
        status="requested",
        lawyer_id=lawyer.id,
        case_number=CASE,
        active_key=first.active_key,
        created_at=clock.now(),
    )
    db.session.add(twin)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_double_submission_makes_one_booking(setup):
    lawyer = make_lawyer()
    key = secrets.token_urlsafe(32)
    first = book(lawyer, setup, "2026-11-24T09:00", submission_key=key)
    again = book(lawyer, setup, "2026-11-24T09:00", submission_key=key)
    assert again.id == first.id
    assert db.session.scalar(sa.select(Slot.booked)) == 1


def test_cancel_and_reschedule_only_until_the_cut_off(app, setup):
    lawyer = make_lawyer()
    booking = book(lawyer, setup, "2026-11-25T09:00")
    with force_locale("en"), pytest.raises(InvalidTransition, match="reason"):
        services.cancel(booking, lawyer, reason=" ")
    services.reschedule(booking, lawyer, starts_at=at("2026-11-26T10:00"))
    db.session.commit()
    slots = {clock.as_utc(s.starts_at): s.booked for s in db.session.scalars(sa.select(Slot))}
    assert slots == {at("2026-11-25T09:00"): 0, at("2026-11-26T10:00"): 1}
    assert booking.status == BookingState.REQUESTED
    late = at("2026-11-26T10:00") - timedelta(hours=app.config["BOOKING_CHANGE_CUTOFF_HOURS"] - 1)
    with clock.frozen(late), force_locale("en"):
        with pytest.raises(InvalidTransition, match="until 24 hours before"):
            services.cancel(booking, lawyer, reason="有事")
        with pytest.raises(InvalidTransition, match="until 24 hours before"):
            services.reschedule(booking, lawyer, starts_at=at("2026-11-27T10:00"))
    services.cancel(booking, lawyer, reason="当事人已委托他人")
    db.session.commit()
    assert booking.status == BookingState.CANCELLED and booking.active_key is None
    assert db.session.scalar(sa.select(sa.func.sum(Slot.booked))) == 0


def test_reschedule_into_a_full_slot_leaves_the_booking_where_it_was(setup):
    one, two, three = make_lawyer(), make_lawyer(), make_lawyer()
    book(one, setup, "2026-11-25T09:00")
    book(two, setup, "2026-11-25T09:00")
    mine = book(three, setup, "2026-11-26T09:00")
    with force_locale("en"), pytest.raises(InvalidTransition, match="just been taken"):
        services.reschedule(mine, three, starts_at=at("2026-11-25T09:00"))
    db.session.rollback()
    db.session.expire_all()
    mine = db.session.get(Booking, mine.id)
    assert clock.as_utc(mine.slot.starts_at) == at("2026-11-26T09:00")
    assert sorted(db.session.scalars(sa.select(Slot.booked))) == [1, 2]


def test_someone_elses_booking_is_not_found_and_cannot_be_changed(client_request, setup):
    owner, other = make_lawyer(), make_lawyer()
    booking = book(owner, setup, "2026-11-25T09:00")
    with force_locale("en"), pytest.raises(InvalidTransition, match="cannot cancel") as refused:
        services.cancel(booking, other, reason="x")
    assert refused.value.forbidden is True
    db.session.rollback()
    login_lawyer(client_request.client, other)
    client_request.get("appointments.show_booking", booking_id=booking.id, _expected_status=404)
    client_request.get("appointments.booking_ics", booking_id=booking.id, _expected_status=404)
    client_request.post(
        "appointments.cancel_booking",
        booking_id=booking.id,
        _data={"reason": "x"},
        _expected_status=404,
    )
    client_request.get(
        "appointments.reschedule_booking", booking_id=booking.id, _expected_status=404
    )
    assert db.session.get(Booking, booking.id).status == BookingState.REQUESTED
    # A lawyer id in the form is ignored: the booking is always the logged-in lawyer's.
    tokens = client_request.form_fields(
        "appointments.new_booking", place=setup.id, day="2026-11-26"
    )
    client_request.post(
        "appointments.new_booking",
        _data={**tokens, "lawyer_id": str(owner.id), "service": "file_reading",
               "place": str(setup.id), "slot": "2026-11-26T09:00", "case_number": CASE},
        _expected_redirect="appointments.show_booking",
        _redirect_values={"booking_id": booking.id + 1},
    )  # fmt: skip
    newest = db.session.scalar(sa.select(Booking).order_by(Booking.id.desc()))
    assert newest.id == booking.id + 1 and newest.lawyer_id == other.id


def test_the_page_offers_a_month_of_days_first_then_the_chosen_days_free_times(
    client_request, setup
):
    lawyer = make_lawyer()
    book(make_lawyer(), setup, "2026-11-24T09:00")
    login_lawyer(client_request.client, lawyer)
    client_request.client.set_cookie("portal_locale", "en")
    page = client_request.get("appointments.new_booking", service="file_reading", place=setup.id)
    # No time is listed before a day is chosen; each day with free places is a link saying how
    # many (today, at 10:00, only 10:30 is not too soon: 2 places; Tuesday: 7 of 8 places).
    assert page.select('input[type="radio"]') == []
    days = {a.get_text(" ", strip=True): a["href"] for a in page.select("a.month-day")}
    assert any("Tue 24 Nov: 7 places free" in text for text in days)
    assert any("Mon 23 Nov: 2 places free" in text for text in days)
    assert not any("Sat 28 Nov" in text for text in days)  # no hours on Saturdays
    page = client_request.get(
        "appointments.new_booking", service="file_reading", place=setup.id, day="2026-11-23"
    )
    radios = {radio["value"] for radio in page.select('input[type="radio"][name="slot"]')}
    assert radios == {"2026-11-23T10:30"}  # 09:00, 09:30 past; 10:00 within 30 minutes
    page = client_request.get(
        "appointments.new_booking", service="file_reading", place=setup.id, day="2026-11-24"
    )
    labels = [label.get_text(" ", strip=True) for label in page.select(".slot-list label")]
    assert labels[0].startswith("09:00–09:30 1 place free")
    assert "Cannot be changed or cancelled online" in labels[0]  # 23 hours away
    assert page.select_one("input[name=accept_late]") is not None
    assert "2 places free" in labels[-1]


def test_booking_through_the_page_then_the_ics_parses(client_request, setup):
    lawyer = make_lawyer()
    login_lawyer(client_request.client, lawyer)
    tokens = client_request.form_fields(
        "appointments.new_booking", service="meeting", place=setup.id, day="2026-11-24"
    )
    add_hours(setup, service="meeting", weekdays=(1,), start=time(14, 0), end=time(15, 0))
    client_request.post(
        "appointments.new_booking",
        _data={**tokens, "service": "meeting", "place": str(setup.id),
               "slot": "2026-11-24T14:00", "case_number": "示检刑诉受[2026]01号",
               "note": "讨论羁押必要性; 会见, 时间"},
        _expected_status=302,
    )  # fmt: skip
    booking = db.session.scalar(sa.select(Booking))
    assert booking.case_number == CASE and booking.service == "meeting"
    assert client_request.response.location == url(
        "appointments.show_booking", booking_id=booking.id
    )
    page = client_request.get("appointments.show_booking", booking_id=booking.id)
    assert page.select_one("dd.code").get_text(strip=True) == booking.reference
    client_request.get("appointments.booking_ics", booking_id=booking.id)
    ics = client_request.response
    assert ics.headers["Content-Type"].startswith("text/calendar")
    raw = ics.get_data()
    assert raw.count(b"\r\n") >= 15 and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(raw)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]).startswith(f"booking-{booking.reference}@")
    assert event.decoded("DTSTART") == at("2026-11-24T14:00")
    assert event.decoded("DTEND") == at("2026-11-24T14:30")
    assert booking.reference in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "TENTATIVE"


def test_staff_confirm_decline_check_in_and_no_show(client_request, setup):
    lawyer = make_lawyer()
    first = book(lawyer, setup, "2026-11-24T09:00")
    second = book(lawyer, setup, "2026-11-24T09:30", case="示检刑诉受〔2026〕2号")
    clerk = make_user(Role.CLERK)
    services.confirm(first, clerk)
    with force_locale("en"), pytest.raises(InvalidTransition, match="cannot check in") as refused:
        services.check_in(first, make_user(Role.LEADER))  # leaders look, they do not act
    assert refused.value.forbidden is True
    with force_locale("en"), pytest.raises(InvalidTransition, match="not started"):
        services.record_no_show(first, clerk)
    with force_locale("en"), pytest.raises(InvalidTransition, match="reason"):
        services.decline(second, clerk, reason="")
    services.decline(second, clerk, reason="承办检察官出差")
    db.session.commit()
    assert second.status == BookingState.DECLINED and second.active_key is None
    with clock.frozen(at("2026-11-24T09:05")):
        services.check_in(first, clerk)
    db.session.commit()
    assert first.status == BookingState.CHECKED_IN
    assert [e.code for e in audit.history(first)] == [
        "booking.requested",
        "booking.confirmed",
        "booking.checked_in",
    ]
    assert [e.code for e in audit.history(second)] == ["booking.requested", "booking.declined"]
    # The day list shows them, and is printable.
    login(client_request.client, clerk)
    page = client_request.get("appointments_admin.day_schedule", place=setup.id, day="2026-11-24")
    codes = {link.get_text(strip=True) for link in page.select("table a")}
    assert {first.reference, second.reference} <= codes
    assert page.select(".print-button")
    # A no-show for a confirmed booking once the slot has started.
    third = book(lawyer, setup, "2026-11-24T10:00", case="示检刑诉受〔2026〕3号")
    services.confirm(third, clerk)
    with clock.frozen(at("2026-11-24T10:40")):
        services.record_no_show(third, clerk)
    db.session.commit()
    assert third.status == BookingState.NO_SHOW


def test_the_lawyer_sees_requested_until_confirmed(client_request, setup):
    lawyer = make_lawyer()
    booking = book(lawyer, setup, "2026-11-24T09:00")
    login_lawyer(client_request.client, lawyer)
    client_request.client.set_cookie("portal_locale", "en")
    account = client_request.get("lawyers.account")
    assert "Requested, waiting for confirmation" in account.get_text()
    services.confirm(booking, make_user(Role.HANDLER))
    db.session.commit()
    page = client_request.get("appointments.show_booking", booking_id=booking.id)
    assert "Confirmed" in page.get_text()
    assert "Requested, waiting for confirmation" not in page.get_text()
