"""A booking's rules are shown before booking and kept: the online change cut-off and the number
to call after it, late times marked and booked only when acknowledged, no past or too-soon time
ever offered, and the day-first calendar's rules as plain functions."""

from __future__ import annotations

import itertools
import secrets
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.appointments import availability, services
from portal.appointments.availability import SlotTime, SlotView
from portal.appointments.models import Booking
from portal.core import clock
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from tests.appointments.factories import CASE, NOW, add_rota_day, at, book
from tests.factories import login, make_user
from tests.lawyers.factories import add_hours, login_lawyer, make_lawyer, make_place

PHONE_LINK = "tel:01012345678"  # SERVICE_CENTRE_PHONE's default, 010-12345678


@pytest.fixture
def place():
    with clock.frozen(NOW):
        place = make_place()
        add_hours(place, start=time(9, 0), end=time(11, 0), capacity=2)
        yield place


# ---- the rules as plain functions --------------------------------------------------------------


def test_the_cut_off_is_the_hours_before_the_start():
    start = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    assert not availability.is_inside_change_cutoff(start, start - timedelta(hours=24), 24)
    assert availability.is_inside_change_cutoff(start, start - timedelta(hours=23, minutes=59), 24)
    assert availability.is_inside_change_cutoff(start, start + timedelta(minutes=1), 24)
    assert not availability.is_inside_change_cutoff(start, start - timedelta(minutes=1), 0)


@pytest.mark.parametrize("month", [date(2026, 2, 1), date(2026, 11, 1), date(2027, 3, 1)])
def test_a_month_is_weeks_from_monday_with_each_of_its_days_once(month):
    weeks = availability.month_weeks(month)
    assert all(len(week) == 7 for week in weeks)
    days = [day for week in weeks for day in week if day is not None]
    assert days[0] == month
    assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(days))
    assert (days[-1] + timedelta(days=1)).day == 1
    assert weeks[0].index(month) == month.weekday()


def test_a_days_free_places_count_only_the_slots_that_can_be_booked_now():
    def view(hour, booked, bookable, closed=False):
        start = datetime(2026, 11, 24, hour, tzinfo=UTC)
        slot = SlotTime(1, "file_reading", start, start + timedelta(minutes=30), 3)
        return SlotView(slot, booked=booked, is_closed=closed, is_bookable=bookable)

    tuesday = [view(1, 0, False), view(2, 1, True), view(3, 3, False), view(4, 0, False, True)]
    free = availability.free_places_by_day({date(2026, 11, 24): tuesday, date(2026, 11, 25): []})
    assert free == {date(2026, 11, 24): 2, date(2026, 11, 25): 0}
    assert availability.bookable(tuesday) == [tuesday[1]]


def test_past_and_too_soon_slots_are_never_offered(app, place):
    days = availability.availability(place.id, "file_reading", NOW.date(), 1)
    keys = {view.slot.key for view in availability.bookable(days[NOW.date()])}
    # 10:00 now: 09:00 and 09:30 are past, 10:00 is within the 30 minutes' notice.
    assert keys == {"2026-11-23T10:30"}


# ---- a time inside the cut-off -----------------------------------------------------------------


def _book(lawyer, place, key, **kwargs):
    return services.book_for_lawyer(
        lawyer,
        place_id=place.id,
        service="file_reading",
        starts_at=at(key),
        case_number=CASE,
        note=None,
        submission_key=secrets.token_urlsafe(32),
        **kwargs,
    )


def test_a_time_inside_the_cut_off_is_booked_only_when_the_lawyer_acknowledges_it(place):
    lawyer = make_lawyer()
    with (
        force_locale("en"),
        pytest.raises(InvalidTransition, match="less than 24 hours") as refused,
    ):
        _book(lawyer, place, "2026-11-24T09:00")
    assert refused.value.field == "accept_late"
    db.session.rollback()
    assert _book(lawyer, place, "2026-11-25T09:00").id  # 47 hours ahead: nothing to accept
    assert _book(lawyer, place, "2026-11-24T09:00", accepts_late_change=True).id


def test_the_booking_page_marks_late_times_and_asks_for_the_acknowledgement(client_request, place):
    lawyer = make_lawyer()
    login_lawyer(client_request.client, lawyer)
    client_request.client.set_cookie("portal_locale", "en")
    tokens = client_request.form_fields("appointments.new_booking", day="2026-11-24")
    data = {**tokens, "service": "file_reading", "place": str(place.id),
            "slot": "2026-11-24T09:00", "case_number": CASE}  # fmt: skip
    page = client_request.post("appointments.new_booking", _data=data, _expected_status=409)
    error = page.select_one("#accept_late-error").get_text()
    assert "less than 24 hours" in error
    assert page.select_one('input[name="slot"][value="2026-11-24T09:00"]').has_attr("checked")
    assert page.select_one("#case_number")["value"] == CASE  # nothing typed is lost
    label = page.select_one('label[for="accept_late"]').get_text()
    assert "cannot be changed or cancelled online" in label and "010-12345678" in label
    client_request.post(
        "appointments.new_booking", _data=data | {"accept_late": "y"}, _expected_status=302
    )
    booking = db.session.scalar(sa.select(Booking))
    assert booking.lawyer_id == lawyer.id
    assert clock.as_utc(booking.slot.starts_at) == at("2026-11-24T09:00")


def test_the_rules_and_the_number_come_before_the_first_field(client_request, place):
    login_lawyer(client_request.client, make_lawyer())
    page = client_request.get("appointments.new_booking", day="2026-11-25")
    html = str(page.select_one("main"))
    rules = page.select_one(".booking-rules")
    assert rules.select_one(f'a[href="{PHONE_LINK}"]') is not None
    assert html.index("booking-rules") < html.index('name="slot"')


def test_the_reception_page_and_receipt_give_the_number_to_call(client_request, place):
    add_rota_day(place, date(2026, 11, 25))
    page = client_request.get("appointments.reception_day", day="2026-11-25")
    assert page.select_one(f'.booking-rules a[href="{PHONE_LINK}"]') is not None
    tokens = client_request.form_fields("appointments.reception_day", day="2026-11-25")
    receipt = client_request.post(
        "appointments.reception_day",
        _data={
            **tokens,
            "place": str(place.id),
            "slot": "2026-11-25T14:00",
            "name": "王某某",
            "mobile": "13800001111",
            "subject": "反映案件办理的问题",
        },  # fmt: skip
        _expected_status=200,
    )
    assert receipt.select_one(f'a[href="{PHONE_LINK}"]') is not None
    assert "11月25日（周三）14:00–14:30" in receipt.get_text()


# ---- after the cut-off -------------------------------------------------------------------------


def test_after_the_cut_off_the_page_offers_the_phone_and_the_refusal_names_it(
    client_request, place
):
    lawyer = make_lawyer()
    booking = book(lawyer, place, "2026-11-24T09:00")
    login_lawyer(client_request.client, lawyer)
    client_request.client.set_cookie("portal_locale", "en")
    page = client_request.get("appointments.show_booking", booking_id=booking.id)
    assert page.select_one(f'main a.button--call[href="{PHONE_LINK}"]') is not None
    assert page.select_one("#reason") is None  # no cancel form that can only fail
    assert "Tue 24 Nov, 09:00–09:30" in page.get_text()
    page = client_request.post(
        "appointments.cancel_booking",
        booking_id=booking.id,
        _data={"reason": "生病"},
        _expected_status=409,
    )
    assert "call 010-12345678" in page.select_one("#reason-error").get_text()
    assert page.select_one(f'main a.button--call[href="{PHONE_LINK}"]') is not None
    page = client_request.get("appointments.reschedule_booking", booking_id=booking.id)
    assert page.select('input[name="slot"]') == []
    assert page.select_one(f'main a.button--call[href="{PHONE_LINK}"]') is not None


def test_a_lawyer_moves_a_booking_day_first_and_staff_see_the_new_time(
    client_request, new_client_request, place
):
    lawyer = make_lawyer()
    booking = book(lawyer, place, "2026-11-26T09:00")
    login_lawyer(client_request.client, lawyer)
    page = client_request.get("appointments.reschedule_booking", booking_id=booking.id)
    assert page.select('input[name="slot"]') == [] and page.select("a.month-day")
    tokens = client_request.form_fields(
        "appointments.reschedule_booking", booking_id=booking.id, day="2026-11-27"
    )
    client_request.post(
        "appointments.reschedule_booking",
        booking_id=booking.id,
        _data={**tokens, "slot": "2026-11-27T10:00"},
        _expected_redirect="appointments.show_booking",
        _redirect_values={"booking_id": booking.id},
    )
    db.session.refresh(booking)
    assert clock.as_utc(booking.slot.starts_at) == at("2026-11-27T10:00")
    staff = new_client_request()
    login(staff.client, make_user(Role.CLERK))
    day = staff.get("appointments_admin.day_schedule", place=place.id, day="2026-11-27")
    assert "11月27日（周五）" in day.select_one("h1").get_text()
    assert "10:00–10:30" in day.select_one("table").get_text()
