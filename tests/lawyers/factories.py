"""Keyword factories for lawyers, places, opening hours and cases (tests/lawyers, tests/appointments)."""

from __future__ import annotations

import io
from datetime import date, time
from itertools import count

from portal.appointments.models import OpeningHours, Place
from portal.cases.models import Case
from portal.core import clock
from portal.extensions import db
from portal.lawyers import services
from portal.lawyers.models import LawyerAccount, Verification
from tests.factories import PASSWORD, PDF, submit_form
from tests.web import url

_serial = count(1)


def make_lawyer(*, verified=True, confirmed=True, email=None, password=PASSWORD, name=None):
    n = next(_serial)
    lawyer = services.register_lawyer(
        services.Registration(
            name=name or f"律师{n}",
            licence_number=f"{11101200910000000 + n:017d}",
            law_firm="示例律师事务所",
            mobile="13900000000",
            email=email or f"lawyer{n}@test.example",
            password=password,
        )
    )
    if confirmed:
        lawyer.email_confirmed_at = clock.now()
    if verified:
        # Set up as data, not through the workflow: a test that is not about verification
        # needs no staff member, audit event or e-mail (tests/lawyers/test_workflow.py checks
        # the real transition).
        lawyer.status, lawyer.verified_at = Verification.VERIFIED.value, clock.now()
    db.session.commit()
    return lawyer


def login_lawyer(client, lawyer: LawyerAccount, password=PASSWORD):
    response = submit_form(
        client, url("lawyers.login"), {"email": lawyer.email, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def make_place(name=None, **hours_kwargs) -> Place:
    place = Place(
        name=name or f"律师接待室{next(_serial)}",
        address="示例市人民路1号",
        is_active=True,
        created_at=clock.now(),
    )
    db.session.add(place)
    db.session.flush()
    db.session.commit()
    return place


def add_hours(
    place,
    *,
    service="file_reading",
    weekdays=(0, 1, 2, 3, 4),
    start=time(9, 0),
    end=time(11, 0),
    minutes=30,
    capacity=3,
):
    for weekday in weekdays:
        db.session.add(
            OpeningHours(
                place_id=place.id,
                service=service,
                weekday=weekday,
                start_time=start,
                end_time=end,
                slot_minutes=minutes,
                capacity=capacity,
                created_at=clock.now(),
            )
        )
    db.session.commit()


def make_case(number=None, category="ordinary") -> Case:
    n = next(_serial)
    now = clock.now()
    case = Case(
        case_number=number or f"示检刑诉受〔2026〕{n}号",
        cause_of_action="盗窃罪",
        procuratorate="示例市人民检察院",
        department="第一检察部",
        accepted_on=date(2026, 10, 1),
        stage="prosecution_review",
        category=category,
        created_at=now,
        updated_at=now,
    )
    db.session.add(case)
    db.session.commit()
    return case


def binding_form(case, **files) -> dict:
    """The form a lawyer sends to take on a case, with good papers unless `files` replaces some
    (each a fresh file object: a posted file is read once)."""
    return {
        "case_number": case.case_number,
        "client_name": "赵某",
        "relation": "defender",
        "mandate": "power_of_attorney",
        "licence": (io.BytesIO(PDF), "执业证.pdf"),
        "firm_letter": (io.BytesIO(PDF), "所函.pdf"),
        "mandate_file": (io.BytesIO(PDF), "委托书.pdf"),
        **files,
    }
