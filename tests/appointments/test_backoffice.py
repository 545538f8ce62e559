"""The appointments back office: who may open which page and act on a booking (the tables are
written out from the rules, not read from the guards), and administrators setting up places and
opening hours, each change with its audit event."""

from __future__ import annotations

from datetime import time

import pytest
import sqlalchemy as sa
from flask import current_app

from portal.appointments.models import Booking, BookingState, OpeningHours, Place
from portal.core import audit, clock
from portal.core.permissions import Role
from portal.extensions import db
from tests.appointments.factories import NOW, book
from tests.factories import login, make_user, url
from tests.lawyers.factories import add_hours, make_lawyer, make_place


@pytest.fixture
def place():
    with clock.frozen(NOW):
        place = make_place()
        add_hours(place, start=time(9, 0), end=time(11, 0), capacity=2)
        yield place


# Who may open each back-office page of appointments, written out from the rules: clerks and
# handlers run appointments, leaders look at the schedules and bookings, closures and the
# reception rota are also set by administrators, places and hours only by administrators; publishers have no part in it.
PAGES = {
    "appointments_admin.day_schedule": {"clerk", "handler", "leader"},
    "appointments_admin.week_schedule": {"clerk", "handler", "leader"},
    "appointments_admin.reception_list": {"clerk", "handler", "leader"},
    "appointments_admin.show_booking": {"clerk", "handler", "leader"},
    "appointments_admin.closures": {"clerk", "handler", "admin"},
    "appointments_admin.rota": {"clerk", "handler", "admin"},
    "appointments_admin.places": {"admin"},
    "appointments_admin.edit_place": {"admin"},
}
# Who may act on a booking: clerks and handlers only.
ACTIONS = {
    "appointments_admin.confirm_booking": {"clerk", "handler"},
    "appointments_admin.check_in_booking": {"clerk", "handler"},
    "appointments_admin.no_show_booking": {"clerk", "handler"},
    "appointments_admin.decline_booking": {"clerk", "handler"},
}
ROLES = ("clerk", "handler", "leader", "publisher", "admin")


def endpoint_arguments(endpoint: str) -> set[str]:
    [rule] = current_app.url_map.iter_rules(endpoint)
    return set(rule.arguments)


def test_each_role_opens_exactly_the_back_office_pages_the_rules_give_it(new_client_request, place):
    booking = book(make_lawyer(), place, "2026-11-24T09:00")
    values = {"booking_id": booking.id, "place_id": place.id}
    for role in ROLES:
        browser = new_client_request()
        login(browser.client, make_user(Role(role)))
        for endpoint, admitted in PAGES.items():
            needs = {k: v for k, v in values.items() if k in endpoint_arguments(endpoint)}
            browser.get(endpoint, _expected_status=200 if role in admitted else 403, **needs)


def test_only_those_who_run_appointments_may_act_on_a_booking(new_client_request, place):
    """Refused roles get 403 from the guard and the booking stays as it was."""
    booking = book(make_lawyer(), place, "2026-11-24T09:00")
    for role in ROLES:
        browser = new_client_request()
        login(browser.client, make_user(Role(role)))
        for endpoint, admitted in ACTIONS.items():
            if role in admitted:
                continue
            browser.post(
                endpoint,
                booking_id=booking.id,
                _data={"decline-reason": "x"},
                _expected_status=403,
            )
    assert db.session.get(Booking, booking.id).status == BookingState.REQUESTED
    assert [e.code for e in audit.history(booking)] == ["booking.requested"]
    for number, role in enumerate(sorted(ACTIONS["appointments_admin.confirm_booking"]), 2):
        fresh = book(make_lawyer(), place, "2026-11-24T10:00", case=f"示检刑诉受〔2026〕{number}号")
        browser = new_client_request()
        login(browser.client, make_user(Role(role)))
        browser.post(
            "appointments_admin.confirm_booking",
            booking_id=fresh.id,
            _expected_redirect="appointments_admin.show_booking",
            _redirect_values={"booking_id": fresh.id},
        )
        db.session.expire_all()
        assert db.session.get(Booking, fresh.id).status == BookingState.CONFIRMED


def test_admin_sets_up_a_place_and_its_hours(client_request):
    login(client_request.client, make_user(Role.ADMIN))
    client_request.post(
        "appointments_admin.places",
        _data={"name": "律师接待室", "address": "示例市人民路1号一楼", "is_active": "y"},
        _expected_status=302,
    )
    # Only the id is kept: requests here share the test's session, and a Place held by the test
    # would keep its loaded hours across them.
    place_id = db.session.scalar(sa.select(Place.id).where(Place.name == "律师接待室"))
    assert client_request.response.location == url(
        "appointments_admin.edit_place", place_id=place_id
    )
    assert [e.code for e in audit.history(("place", place_id))] == ["appointments.place_saved"]
    hours = {"hours-csrf_token": client_request.csrf_token(), "hours-service": "file_reading",
             "hours-weekday": "1", "hours-start_time": "09:00", "hours-slot_minutes": "30",
             "hours-capacity": "2"}  # fmt: skip
    client_request.post(
        "appointments_admin.edit_place",
        place_id=place_id,
        _data={**hours, "hours-end_time": "08:00"},
        _expected_status=400,
    )
    client_request.post(
        "appointments_admin.edit_place",
        place_id=place_id,
        _data={**hours, "hours-end_time": "11:00"},
        _expected_redirect="appointments_admin.edit_place",
        _redirect_values={"place_id": place_id},
    )
    page = client_request.get("appointments_admin.edit_place", place_id=place_id)
    assert "09:00–11:00" in page.select_one("table").get_text()
    assert [e.code for e in audit.history(("place", place_id))] == [
        "appointments.place_saved",
        "appointments.hours_added",
    ]
    # Removing the hours is recorded on the place too.
    opening_id = db.session.scalar(sa.select(OpeningHours.id))
    client_request.post(
        "appointments_admin.delete_hours",
        hours_id=opening_id,
        _expected_redirect="appointments_admin.edit_place",
        _redirect_values={"place_id": place_id},
    )
    assert db.session.scalar(sa.select(sa.func.count(OpeningHours.id))) == 0
    assert [e.code for e in audit.history(("place", place_id))][-1] == "appointments.hours_removed"


def test_two_places_cannot_share_a_name(client_request):
    login(client_request.client, make_user(Role.ADMIN))
    client_request.client.set_cookie("portal_locale", "en")
    first, second = make_place(name="一号接待室"), make_place(name="二号接待室")
    page = client_request.post(
        "appointments_admin.places",
        _data={"name": " 一号接待室 ", "address": "示例市人民路1号", "is_active": "y"},
        _expected_status=400,
    )
    assert "A place with this name exists already." in page.get_text()
    page = client_request.post(
        "appointments_admin.edit_place",
        place_id=second.id,
        _data={
            "place-name": first.name,
            "place-address": "示例市人民路2号",
            "place-is_active": "y",
        },
        _expected_status=400,
    )
    assert "A place with this name exists already." in page.get_text()
    db.session.expire_all()
    assert db.session.get(Place, second.id).name == "二号接待室"
