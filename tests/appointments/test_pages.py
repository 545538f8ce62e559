"""Every page of lawyer services and appointments renders with one h1, for the roles that use it
(client_request checks the status and the one h1 of each page)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, time

from portal.appointments import availability, services
from portal.core import clock
from portal.core.permissions import Role
from portal.extensions import db
from tests.factories import login, make_user
from tests.lawyers.factories import add_hours, login_lawyer, make_case, make_lawyer, make_place


def test_pages_render_with_one_heading(client_request, new_client_request):
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
        login_lawyer(client_request.client, lawyer)
        for endpoint, values in [
            ("lawyers.account", {}),
            ("appointments.new_booking", {}),
            ("appointments.show_booking", {"booking_id": booking.id}),
            ("appointments.reschedule_booking", {"booking_id": booking.id}),
            ("lawyers.bind_case", {}),
            ("lawyers.change_password", {}),
            ("appointments.services_page", {}),
            ("appointments.reception_day", {}),
            ("appointments.cancel_visit", {}),
        ]:
            client_request.get(endpoint, **values)
        staff = new_client_request()
        login(staff.client, make_user(Role.HANDLER))
        for endpoint, values in [
            ("appointments_admin.day_schedule", {}),
            ("appointments_admin.week_schedule", {}),
            ("appointments_admin.week_schedule", {"place": place.id, "day": "2026-11-25"}),
            ("appointments_admin.show_booking", {"booking_id": booking.id}),
            ("appointments_admin.reception_list", {}),
            ("appointments_admin.closures", {}),
            ("lawyers_admin.list_lawyers", {}),
            ("lawyers_admin.show_lawyer", {"lawyer_id": lawyer.id}),
            ("lawyers_admin.list_bindings", {}),
        ]:
            staff.get(endpoint, **values)
        admin = new_client_request()
        login(admin.client, make_user(Role.ADMIN))
        for endpoint, values in [
            ("appointments_admin.places", {}),
            ("appointments_admin.edit_place", {"place_id": place.id}),
            ("lawyers_admin.edit_exclusions", {}),
        ]:
            admin.get(endpoint, **values)
