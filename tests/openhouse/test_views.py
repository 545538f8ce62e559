"""The pages of the open procuratorate, through the client: staff announce, the public
registers, staff see the registration; guards on the staff pages; hostile and wrong input on the
public forms gets a message next to the field."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.core import clock
from portal.core.permissions import Role
from portal.extensions import db
from portal.openhouse.models import Gathering, Registration
from tests.factories import login, make_user, submit_form
from tests.openhouse.factories import sms_to
from tests.web import url


def _local(moment) -> str:
    return moment.astimezone(clock.zone()).strftime("%Y-%m-%dT%H:%M")


def test_staff_announce_the_public_registers_and_staff_see_it(app, client):
    publisher = make_user(Role.PUBLISHER)
    login(client, publisher)
    now = clock.now()
    response = submit_form(
        client,
        url("openhouse_admin.announce", kind="open_day"),
        {
            "title": "检察开放日：走进检察院",
            "starts_at": _local(now + timedelta(days=20)),
            "ends_at": _local(now + timedelta(days=20, hours=3)),
            "place": "示例市人民检察院",
            "description": "参观检察服务中心。",
            "eligibility": "年满18周岁的公民",
            "capacity": "40",
            "max_party_size": "2",
            "admission": "draw",
            "registration_opens_at": _local(now - timedelta(hours=1)),
            "registration_closes_at": _local(now + timedelta(days=10)),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    gathering = db.session.scalar(sa.select(Gathering))
    assert gathering.capacity == 40 and gathering.max_party_size == 2

    public = app.test_client()
    page = public.get(url("openhouse.index")).get_data(as_text=True)
    assert "检察开放日：走进检察院" in page
    register_url = url("openhouse.register", gathering_id=gathering.id)
    response = submit_form(
        public,
        register_url,
        {"name": "李四", "mobile": "138 0013 8000", "party_size": "2", "declaration": "y"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    registration = db.session.scalar(sa.select(Registration))
    assert registration.mobile == "13800138000" and registration.party_size == 2
    assert registration.number in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert sms_to("openhouse_received") == ["13800138000"]

    staff_page = client.get(url("openhouse_admin.show_gathering", gathering_id=gathering.id))
    text = staff_page.get_data(as_text=True)
    assert "李四" in text and "13800138000" in text and registration.number in text
