"""Keyword factories for deputies' liaison (tests/deputies, and the suite-wide sweeps)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from itertools import count

from portal.core import clock
from portal.deputies import services
from portal.deputies.models import DeputyAccount, Verification
from portal.extensions import db
from tests.factories import PASSWORD, submit_form
from tests.web import url

_serial = count(1)


def make_deputy(*, verified=True, email=None, password=PASSWORD, name=None) -> DeputyAccount:
    n = next(_serial)
    deputy = services.register_deputy(
        services.DeputyData(
            name=name or f"代表{n}",
            body="congress",
            level="city",
            assembly="示例市第十七届人民代表大会",
            unit="示例市第一中学校长",
            mobile="13900000000",
            email=email or f"deputy{n}@test.example",
        ),
        password,
    )
    if verified:
        # Set up as data: tests that are not about verification need no staff decision
        # (tests/deputies/test_services.py checks the real transition).
        deputy.status, deputy.verified_at = Verification.VERIFIED.value, clock.now()
    db.session.commit()
    return deputy


def login_deputy(client, deputy: DeputyAccount, password=PASSWORD):
    response = submit_form(
        client, url("deputies.login"), {"email": deputy.email, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def make_suggestion(deputy, *, subject="建议加强未成年人检察工作", body="建议在学校开展法治宣传。"):
    suggestion, _repeat = services.submit_suggestion(
        deputy,
        services.SuggestionData(kind="suggestion", subject=subject, body=body),
        submission_key=secrets.token_urlsafe(32),
    )
    db.session.commit()
    return suggestion


def make_event(staff, *, days_ahead=7, title="检察开放日"):
    event = services.create_event(
        services.EventData(
            kind="open_day",
            title=title,
            starts_at=clock.now() + timedelta(days=days_ahead),
            place="示例市人民检察院",
            description="参观检察服务中心，座谈交流。",
        ),
        staff,
    )
    db.session.commit()
    return event
