"""A slot never takes more bookings than its capacity, also when many requests race for it.

Each racer has its own thread, app context, session and database connection, against the real
test database (a SQLite file with WAL and a busy timeout, or PostgreSQL with TEST_DATABASE_URL).
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from datetime import UTC, datetime, time

import pytest
import sqlalchemy as sa

from portal.appointments import availability, services
from portal.appointments.models import Booking, BookingState, Slot
from portal.core import clock
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from portal.lawyers.models import LawyerAccount, Verification
from tests.factories import url
from tests.lawyers.factories import add_hours, login_lawyer, make_lawyer, make_place

RACERS = 30
CAPACITY = 3
# Monday 23 November 2026, 10:00 in Beijing; the slot is on Tuesday at 09:00.
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SLOT_KEY = "2026-11-24T09:00"
SLOT_DAY = SLOT_KEY[:10]


@pytest.fixture
def frozen():
    with clock.frozen(NOW):
        yield


def _bulk_lawyers(n: int) -> list[int]:
    """Verified lawyers without n argon2 hashes: one real account's hash is copied."""
    template = make_lawyer()
    ids = [template.id]
    for i in range(n - 1):
        lawyer = LawyerAccount(
            name=f"并发律师{i}",
            licence_number=f"{22201200910000000 + i:017d}",
            law_firm="并发律师事务所",
            mobile="13900000000",
            email=f"race{i}@test.example",
            password_hash=template.password_hash,
            created_at=clock.now(),
            email_confirmed_at=clock.now(),
            status=Verification.VERIFIED.value,
            verified_at=clock.now(),
            failed_logins=0,
        )
        db.session.add(lawyer)
        db.session.flush()
        ids.append(lawyer.id)
    db.session.commit()
    return ids


def _race(app, n, attempt):
    """Run attempt(i) in n threads released together; returns their results."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[i] = attempt(i)
            except Exception as error:  # noqa: BLE001  (reported by the assertion below)
                db.session.rollback()
                results[i] = f"error: {error!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_thirty_parallel_bookings_for_a_slot_of_three_end_in_exactly_three(app, frozen):
    place = make_place()
    add_hours(place, weekdays=(1,), start=time(9, 0), end=time(10, 0), capacity=CAPACITY)
    lawyer_ids = _bulk_lawyers(RACERS)
    place_id = place.id
    db.session.commit()  # the main thread holds no transaction while the racers run

    def attempt(i):
        lawyer = db.session.get(LawyerAccount, lawyer_ids[i])
        try:
            services.book_for_lawyer(
                lawyer,
                place_id=place_id,
                service="file_reading",
                starts_at=availability.parse_slot_key(SLOT_KEY),
                case_number="示检刑诉受〔2026〕1号",
                note=None,
                submission_key=secrets.token_urlsafe(32),
                accepts_late_change=True,
            )
        except InvalidTransition as error:
            db.session.rollback()
            return f"refused: {error}"
        db.session.commit()
        return "booked"

    results = _race(app, RACERS, attempt)
    outcomes = Counter(r if r == "booked" else r.split(":")[0] for r in results)
    assert outcomes == {"booked": CAPACITY, "refused": RACERS - CAPACITY}, results
    slot = db.session.scalar(sa.select(Slot))
    assert (slot.capacity, slot.booked) == (CAPACITY, CAPACITY)
    held = db.session.scalar(
        sa.select(sa.func.count(Booking.id)).where(Booking.status == BookingState.REQUESTED)
    )
    assert held == CAPACITY
    print(f"\n[{db.engine.dialect.name}] {RACERS} racers, capacity {CAPACITY}: {dict(outcomes)}")


def test_thirty_parallel_posts_through_the_http_stack_end_in_exactly_three(
    app, frozen, new_client_request
):
    place = make_place()
    add_hours(place, weekdays=(1,), start=time(9, 0), end=time(10, 0), capacity=CAPACITY)
    lawyer_ids = _bulk_lawyers(RACERS)
    place_id = place.id
    db.session.commit()

    browsers, forms = [], []
    for lawyer_id in lawyer_ids:
        browser = new_client_request()
        login_lawyer(browser.client, db.session.get(LawyerAccount, lawyer_id))
        forms.append(
            browser.form_fields(
                "appointments.new_booking", service="file_reading", place=place_id, day=SLOT_DAY
            )
        )
        browsers.append(browser)
    db.session.commit()
    # Built here: the racing threads have no request context to build URLs in.
    new_booking_url = url("appointments.new_booking")

    def attempt(i):
        response = browsers[i].client.post(
            new_booking_url,
            data={
                **forms[i],
                "service": "file_reading",
                "place": str(place_id),
                "slot": SLOT_KEY,
                "case_number": "示检刑诉受〔2026〕1号",
                "accept_late": "y",  # the slot is less than a day away
            },
        )
        return response.status_code

    results = _race(app, RACERS, attempt)
    assert Counter(results) == {302: CAPACITY, 409: RACERS - CAPACITY}, results
    slot = db.session.scalar(sa.select(Slot))
    assert slot.booked == CAPACITY
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == CAPACITY
