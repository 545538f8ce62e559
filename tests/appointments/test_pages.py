"""Every page of lawyer services and appointments renders with one h1, for the roles that use it."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, time

from portal.appointments import availability, services
from portal.core import clock
from portal.core.permissions import Role
from portal.extensions import db
from tests.factories import h1, login, make_user
from tests.lawyers.factories import add_hours, login_lawyer, make_case, make_lawyer, make_place


def test_pages_render_with_one_heading(app, client):
    with clock.frozen(datetime(2026, 11, 23, 2, 0, tzinfo=UTC)):
        place = make_place()
        add_hours(place, start=time(9, 0), end=time(11, 0))
        make_case()
        lawyer = make_lawyer()
        booking = services.book_for_lawyer(
            lawyer, place_id=place.id, service="file_reading",
            starts_at=availability.parse_slot_key("2026-11-25T09:00"),
            case_number="示检刑诉受〔2026〕1号", note="第1-3卷", submission_key=secrets.token_urlsafe(32),
        )  # fmt: skip
        db.session.commit()
        login_lawyer(client, lawyer)
        for url in ("/lawyer/", f"/lawyer/bookings/{booking.id}",
                    f"/lawyer/bookings/{booking.id}/reschedule", "/lawyer/cases/bind",
                    "/lawyer/password", "/appointments", "/reception-day",
                    "/reception-day/cancel"):  # fmt: skip
            response = client.get(url)
            assert response.status_code == 200, url
            assert h1(response.get_data(as_text=True)), url
        staff = app.test_client()
        login(staff, make_user(Role.HANDLER))
        for url in ("/staff/appointments/", "/staff/appointments/week",
                    f"/staff/appointments/week?place={place.id}&day=2026-11-25",
                    f"/staff/appointments/bookings/{booking.id}",
                    "/staff/appointments/reception-day", "/staff/appointments/closures",
                    "/staff/lawyers/", f"/staff/lawyers/{lawyer.id}", "/staff/lawyers/bindings"):  # fmt: skip
            response = staff.get(url)
            assert response.status_code == 200, url
            assert h1(response.get_data(as_text=True)), url
        admin = app.test_client()
        login(admin, make_user(Role.ADMIN))
        for url in ("/staff/appointments/places", f"/staff/appointments/places/{place.id}",
                    "/staff/lawyers/exclusions"):  # fmt: skip
            response = admin.get(url)
            assert response.status_code == 200, url
            assert h1(response.get_data(as_text=True)), url
