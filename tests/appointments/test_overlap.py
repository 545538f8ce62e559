"""One lawyer, one appointment at a time: two bookings of the same lawyer whose times overlap are
refused, whatever their services and places, on booking and on moving, in both languages, and
also when the two requests race (on SQLite and, with TEST_DATABASE_URL, on PostgreSQL)."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import time

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.appointments import services
from portal.appointments.models import Booking, BookingState
from portal.core import clock
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from portal.lawyers.models import LawyerAccount
from tests.appointments.factories import NOW, at, book
from tests.appointments.test_capacity import _race
from tests.factories import make_user
from tests.lawyers.factories import add_hours, login_lawyer, make_lawyer, make_place

ZH_OVERLAP = "您在重叠的时间已有预约"


@pytest.fixture
def places():
    """Two offices: file reading in 30-minute slots at one, meetings in hour slots at the other,
    both 09:00–11:00 on working days."""
    with clock.frozen(NOW):
        reading, meeting = make_place(), make_place()
        add_hours(reading, service="file_reading", start=time(9), end=time(11), minutes=30)
        add_hours(meeting, service="meeting", start=time(9), end=time(11), minutes=60)
        yield reading, meeting


def refused(lawyer, place, key, **kwargs):
    with force_locale("en"), pytest.raises(InvalidTransition, match="overlapping time") as error:
        book(lawyer, place, key, **kwargs)
    db.session.rollback()
    return str(error.value)


def test_overlapping_bookings_of_one_lawyer_are_refused_across_services_and_places(places):
    reading, meeting = places
    lawyer = make_lawyer()
    first = book(lawyer, reading, "2026-11-24T09:30")  # 09:30–10:00
    message = refused(lawyer, meeting, "2026-11-24T09:00", service="meeting", case="示检2号")
    assert first.reference in message and "11月24日（周二）09:30–10:00" in message
    # Another case, the same service and place, the same time: refused too.
    refused(lawyer, reading, "2026-11-24T09:30", case="示检3号")
    # Touching is not overlapping: 10:00–11:00 starts when the first ends.
    book(lawyer, meeting, "2026-11-24T10:00", service="meeting", case="示检2号")
    # Another lawyer may book the same times.
    book(make_lawyer(), meeting, "2026-11-24T09:00", service="meeting", case="示检2号")


def test_a_cancelled_or_declined_booking_no_longer_blocks_the_time(places):
    reading, meeting = places
    lawyer, clerk = make_lawyer(), make_user(Role.CLERK)
    cancelled = book(lawyer, reading, "2026-11-25T09:30")
    services.cancel(cancelled, lawyer, reason="改期")
    db.session.commit()
    declined = book(lawyer, meeting, "2026-11-25T09:00", service="meeting", case="示检2号")
    services.decline(declined, clerk, reason="检察官出差")
    db.session.commit()
    again = book(lawyer, reading, "2026-11-25T09:30", case="示检3号")
    assert again.status == BookingState.REQUESTED


def test_moving_a_booking_onto_another_of_the_same_lawyer_is_refused(places):
    reading, meeting = places
    lawyer = make_lawyer()
    meeting_booking = book(lawyer, meeting, "2026-11-25T09:00", service="meeting")  # 09–10
    reading_booking = book(lawyer, reading, "2026-11-25T10:30", case="示检2号")  # 10:30–11
    for booking, key in (
        (meeting_booking, "2026-11-25T10:00"),
        (reading_booking, "2026-11-25T09:30"),
    ):
        with force_locale("en"), pytest.raises(InvalidTransition, match="overlapping time"):
            services.reschedule(booking, lawyer, starts_at=at(key))
        db.session.rollback()
    services.reschedule(reading_booking, lawyer, starts_at=at("2026-11-25T10:00"))  # 10–10:30
    db.session.commit()
    assert clock.as_utc(reading_booking.slot.starts_at) == at("2026-11-25T10:00")


def _new_booking_form(browser, place_id):
    return browser.form_fields(
        "appointments.new_booking", service="meeting", place=place_id, day="2026-11-24"
    )


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en", "You already have a booking at an overlapping time"), ("zh_Hans_CN", ZH_OVERLAP)],
)
def test_the_booking_page_says_why_in_the_lawyers_language(
    places, client_request, locale, expected
):
    reading, meeting = places
    lawyer = make_lawyer()
    with clock.frozen(NOW):
        book(lawyer, reading, "2026-11-24T09:30")
        login_lawyer(client_request.client, lawyer)
        client_request.client.set_cookie("portal_locale", locale)
        page = client_request.post(
            "appointments.new_booking",
            _data={
                **_new_booking_form(client_request, meeting.id),
                "service": "meeting",
                "place": str(meeting.id),
                "slot": "2026-11-24T09:00",
                "case_number": "示检刑诉受〔2026〕2号",
                "accept_late": "y",
            },
            _expected_status=409,
        )
    assert expected in page.get_text()
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 1


def test_parallel_bookings_of_one_lawyer_at_one_time_end_in_one(app, places):
    """Eight requests of the same lawyer, each for another case, service or office but all at
    09:00 on one day, released together: exactly one books, seven are refused."""
    reading, meeting = places
    third = make_place()
    add_hours(third, service="opinions", start=time(9), end=time(11), minutes=30)
    lawyer_id, place_ids = make_lawyer().id, (reading.id, meeting.id, third.id)
    services_of = ("file_reading", "meeting", "opinions")
    db.session.commit()  # the main thread holds no transaction while the racers run

    def attempt(i):
        lawyer = db.session.get(LawyerAccount, lawyer_id)
        with clock.frozen(NOW):
            try:
                services.book_for_lawyer(
                    lawyer,
                    place_id=place_ids[i % 3],
                    service=services_of[i % 3],
                    starts_at=at("2026-11-24T09:00"),
                    case_number=f"示检刑诉受〔2026〕{i + 10}号",
                    note=None,
                    submission_key=secrets.token_urlsafe(32),
                    accepts_late_change=True,
                )
            except InvalidTransition as error:
                db.session.rollback()
                return f"refused: {error}"
            db.session.commit()
            return "booked"

    results = _race(app, 8, attempt)
    outcomes = Counter(r if r == "booked" else r.split(":")[0] for r in results)
    assert outcomes == {"booked": 1, "refused": 7}, results
    [held] = db.session.scalars(sa.select(Booking).where(Booking.active_key.is_not(None))).all()
    # Each refusal names the booking that won (in the default language, Chinese).
    assert all(held.reference in r for r in results if r != "booked"), results


def test_a_repeated_post_of_the_same_form_returns_the_booking_instead_of_refusing(places):
    reading, _meeting = places
    lawyer = make_lawyer()
    key = secrets.token_urlsafe(32)
    first = book(lawyer, reading, "2026-11-24T09:30", submission_key=key)
    again = book(lawyer, reading, "2026-11-24T09:30", submission_key=key)
    assert again.id == first.id
