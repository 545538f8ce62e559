"""The holiday calendar administrators keep (portal/calendar/): the page, its audit trail, and
the working days it gives the deadline rules."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.calendar import services
from portal.calendar.models import CalendarDay
from portal.core import audit
from portal.core.permissions import Role
from portal.extensions import db
from tests.factories import login, make_user, second_worker

D = date.fromisoformat


@pytest.fixture
def admin(client_request):
    user = make_user(Role.ADMIN)
    client_request.client.set_cookie("portal_locale", "en")
    login(client_request.client, user)
    return user


def listed_days(page) -> list[list[str]]:
    return [
        [cell.get_text(strip=True) for cell in row.select("td")[:3]]
        for row in page.select("tbody tr")
        if len(row.select("td")) == 4
    ]


def test_an_administrator_lists_changes_and_removes_a_day(client_request, admin):
    page = client_request.get("calendar_admin.edit_calendar", year=2026)
    assert listed_days(page) == []
    client_request.post(
        "calendar_admin.edit_calendar",
        year=2026,
        _data={"day": "2026-10-01", "kind": "holiday", "name": "国庆节"},
        _expected_redirect="calendar_admin.edit_calendar",
    )
    client_request.post(
        "calendar_admin.edit_calendar",
        _data={"day": "2026-10-10", "kind": "workday", "name": "国庆调休"},
        _expected_redirect="calendar_admin.edit_calendar",
    )
    page = client_request.get("calendar_admin.edit_calendar", year=2026)
    assert [row[1:] for row in listed_days(page)] == [
        ["Public holiday", "国庆节"],
        ["Make-up working day", "国庆调休"],
    ]
    # Setting a listed day again changes it.
    client_request.post(
        "calendar_admin.edit_calendar",
        _data={"day": "2026-10-10", "kind": "holiday", "name": "国庆节"},
        _expected_redirect="calendar_admin.edit_calendar",
    )
    assert db.session.get(CalendarDay, D("2026-10-10")).kind == "holiday"
    client_request.post(
        "calendar_admin.delete_day",
        day="2026-10-10",
        _expected_redirect="calendar_admin.edit_calendar",
    )
    assert [d.day for d in db.session.scalars(sa.select(CalendarDay))] == [D("2026-10-01")]
    trail = [(e.code, e.actor_id, e.details) for e in audit.history(("day", "2026-10-10"))]
    assert trail == [
        ("calendar.day_set", admin.id, {"kind": "workday"}),
        ("calendar.day_set", admin.id, {"kind": "holiday"}),
        ("calendar.day_removed", admin.id, {}),
    ]


def test_a_day_needs_a_date_a_kind_and_a_name(client_request, admin):
    page = client_request.post(
        "calendar_admin.edit_calendar",
        _data={"day": "", "kind": "holiday", "name": ""},
        _expected_status=400,
    )
    assert "Enter the date as year-month-day." in page.get_text()
    assert "Enter a name for the day." in page.get_text()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarDay)) == 0


def test_the_calendar_decides_working_days():
    services.set_day(D("2026-10-01"), "holiday", "国庆节", actor=None)  # a Thursday
    services.set_day(D("2026-10-10"), "workday", "国庆调休", actor=None)  # a Saturday
    db.session.commit()
    calendar = services.load_calendar(D("2026-09-01"))
    assert not calendar.is_working_day(D("2026-10-01"))
    assert calendar.is_working_day(D("2026-10-02"))  # an ordinary Friday
    assert not calendar.is_working_day(D("2026-10-03"))  # an ordinary Saturday
    assert calendar.is_working_day(D("2026-10-10"))


def test_every_worker_counts_with_a_changed_day_from_its_next_deadline_on(app):
    """Each worker keeps the calendar (it is read for every deadline) until a day changes, on
    any worker: an administrator's holiday counts in the very next submission's deadlines."""
    other = second_worker(app)

    def thursday_in_other_worker() -> bool:
        with other.app_context():
            return services.load_calendar(D("2026-09-01")).is_working_day(D("2026-10-01"))

    assert thursday_in_other_worker()
    assert thursday_in_other_worker()  # kept
    services.set_day(D("2026-10-01"), "holiday", "国庆节", actor=None)
    db.session.commit()
    assert not thursday_in_other_worker()
    services.remove_day(D("2026-10-01"), actor=None)
    db.session.commit()
    assert thursday_in_other_worker()


def test_a_day_not_yet_committed_counts_only_in_its_own_transaction():
    services.set_day(D("2026-10-01"), "holiday", "国庆节", actor=None)
    db.session.flush()
    assert not services.load_calendar(D("2026-09-01")).is_working_day(D("2026-10-01"))
    db.session.rollback()
    assert services.load_calendar(D("2026-09-01")).is_working_day(D("2026-10-01"))
