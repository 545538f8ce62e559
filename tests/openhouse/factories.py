"""Keyword factories for the open procuratorate (tests/openhouse, and the suite-wide sweeps)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from itertools import count

import sqlalchemy as sa

from portal.core import clock
from portal.core.outbox import OutboxMessage
from portal.extensions import db
from portal.openhouse import services
from portal.openhouse.models import Gathering

_serial = count(1)


def gathering_data(
    *,
    title="检察开放日：走进检察院",
    starts_in=timedelta(days=14),
    opens_in=timedelta(days=-1),
    closes_in=timedelta(days=7),
    capacity=30,
    max_party_size=3,
    admission="draw",
    **extra,
) -> services.GatheringData:
    now = clock.now()
    return services.GatheringData(
        title=title,
        starts_at=now + starts_in,
        ends_at=now + starts_in + timedelta(hours=3),
        place="示例市人民检察院（示例路1号）",
        description="参观检察服务中心、案件管理中心，旁听模拟庭审。",
        eligibility="年满18周岁的公民",
        notes="请携带身份证。",
        capacity=capacity,
        max_party_size=max_party_size,
        admission=admission,
        registration_opens_at=now + opens_in,
        registration_closes_at=now + closes_in,
        **extra,
    )


def make_gathering(staff, *, kind="open_day", **kwargs) -> Gathering:
    """Announced now. A window that opened in the past is set as data: announcing checks only
    that the start is to come."""
    if kind == "hearing":
        kwargs.setdefault("title", "关于一起刑事申诉案件的公开听证")
        kwargs.setdefault("hearing_officers", "张某（人大代表）、李某（人民监督员）、王某（律师）")
        kwargs.setdefault("max_party_size", 1)
    gathering = services.announce_gathering(kind, gathering_data(**kwargs), staff)
    db.session.commit()
    return gathering


def sms_to(kind: str) -> list[str]:
    """The mobiles an SMS of `kind` is queued for, in order."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.recipient)
            .where(OutboxMessage.channel == "sms", OutboxMessage.template == kind)
            .order_by(OutboxMessage.id)
        )
    )


def next_mobile() -> str:
    return f"139{next(_serial):08d}"


def register(gathering, *, mobile=None, party_size=1, name="张三", email=None, key=None):
    """A registration through the service (the form's checks are the views' tests)."""
    receipt = services.register(
        gathering,
        services.RegistrationData(
            name=name,
            mobile=mobile or next_mobile(),
            email=email,
            party_size=party_size,
            locale="zh_Hans_CN",
        ),
        submission_key=key or secrets.token_urlsafe(32),
    )
    db.session.commit()
    return receipt
