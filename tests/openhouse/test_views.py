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
from tests.openhouse.factories import make_gathering, register, sms_to
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


# ---- the public pages ------------------------------------------------------------------------


def _form(page, **data):
    """The page's form with its hidden fields, then `data`."""
    fields = {i["name"]: i.get("value", "") for i in page.select("form input[type=hidden]")}
    return fields | data


def test_every_public_page_opens_with_one_heading(client_request):
    publisher = make_user(Role.PUBLISHER)
    open_day = make_gathering(publisher)
    hearing = make_gathering(publisher, kind="hearing")
    page = client_request.get("openhouse.index")
    assert open_day.title in page.text and hearing.title in page.text
    client_request.get("openhouse.show_gathering", gathering_id=hearing.id)
    assert (
        "张某（人大代表）"
        in client_request.get("openhouse.show_gathering", gathering_id=hearing.id).text
    )
    client_request.get("openhouse.register", gathering_id=open_day.id)
    client_request.get("openhouse.past_hearings")
    client_request.get("openhouse.lookup")
    client_request.get("openhouse.show_gathering", gathering_id=10**12, _expected_status=404)


def test_the_registration_form_keeps_what_was_typed_and_says_what_to_fix(client_request):
    gathering = make_gathering(make_user(Role.PUBLISHER), max_party_size=2)
    page = client_request.get("openhouse.register", gathering_id=gathering.id)
    page = client_request.post(
        "openhouse.register",
        gathering_id=gathering.id,
        _data=_form(page, name="张三", mobile="12345", party_size="9", email="not-an-address"),
        _expected_status=400,
    )
    assert page.select_one("#name")["value"] == "张三"
    assert page.select_one("#mobile")["value"] == "12345"
    errors = {e["id"]: e.text for e in page.select(".error-message")}
    assert {"mobile-error", "email-error", "party_size-error", "declaration-error"} <= set(errors)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_hostile_input_on_the_registration_form_is_refused_on_its_field(client_request):
    gathering = make_gathering(make_user(Role.PUBLISHER))
    for hostile in ("张\x00三", "x" * 5000, "<script>alert(1)</script>\x1b"):
        page = client_request.get("openhouse.register", gathering_id=gathering.id)
        page = client_request.post(
            "openhouse.register",
            gathering_id=gathering.id,
            _data=_form(page, name=hostile, mobile="13800138000", party_size="1", declaration="y"),
            _expected_status=400,
        )
        assert page.select_one("#name-error") is not None
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_a_second_registration_with_the_same_mobile_reveals_nothing(client_request):
    gathering = make_gathering(make_user(Role.PUBLISHER))
    register(gathering, mobile="13800138001")
    page = client_request.get("openhouse.register", gathering_id=gathering.id)
    page = client_request.post(
        "openhouse.register",
        gathering_id=gathering.id,
        _data=_form(page, name="冒名", mobile="13800138001", party_size="1", declaration="y"),
        _expected_status=200,
    )
    assert "KF" not in page.text  # no number, no code, no name of the earlier registrant
    assert "张三" not in page.text
    assert client_request.response.headers["Cache-Control"] == "no-store"


def test_a_form_sent_after_the_window_closed_keeps_what_was_typed(client_request):
    gathering = make_gathering(make_user(Role.PUBLISHER), closes_in=timedelta(minutes=5))
    page = client_request.get("openhouse.register", gathering_id=gathering.id)
    with clock.frozen(clock.now() + timedelta(minutes=6)):
        page = client_request.post(
            "openhouse.register",
            gathering_id=gathering.id,
            _data=_form(page, name="晚到", mobile="13800138009", party_size="1", declaration="y"),
            _expected_status=400,
        )
    assert "报名已截止" in page.select_one("#party_size-error").text  # registration has closed
    assert page.select_one("#name")["value"] == "晚到"


def test_registration_closed_sends_back_to_the_details(client_request):
    gathering = make_gathering(make_user(Role.PUBLISHER), opens_in=timedelta(days=2))
    client_request.get(
        "openhouse.register",
        gathering_id=gathering.id,
        _expected_status=302,
        _expected_redirect="openhouse.show_gathering",
        _redirect_values={"gathering_id": gathering.id},
    )


def test_the_registrant_sees_and_cancels_with_number_and_code(client_request):
    receipt = register(make_gathering(make_user(Role.PUBLISHER)))
    number = receipt.registration.number
    client_request.get(
        "openhouse.show_registration",
        number=number,
        _expected_status=302,
        _expected_redirect="openhouse.lookup",
    )
    page = client_request.post(
        "openhouse.lookup",
        _data={"number": number, "code": "AAAA-BBBB-CCCC"},
        _expected_status=400,
    )
    assert page.select_one("#code-error") is not None
    client_request.post(
        "openhouse.lookup",
        _data={"number": number, "code": receipt.query_code.lower()},
        _expected_redirect="openhouse.show_registration",
        _redirect_values={"number": number},
    )
    client_request.get("openhouse.show_registration", number=number)
    client_request.post(
        "openhouse.withdraw",
        number=number,
        _expected_redirect="openhouse.show_registration",
        _redirect_values={"number": number},
    )
    db.session.refresh(receipt.registration)
    assert receipt.registration.status == "cancelled"


def test_the_juvenile_page_leads_to_the_petition_form_with_the_kind_chosen(client_request):
    page = client_request.get("openhouse.juvenile")
    links = [a["href"] for a in page.select("main a[href]")]
    complaint = url("petitions.new_petition", kind="complaint")
    assert complaint in links and url("petitions.new_petition", kind="report") in links
    assert url("leads.report_lead") in links
    assert any(href.startswith("tel:") for href in links)
    form = client_request.get("petitions.new_petition", kind="complaint")
    assert form.select_one("#kind option[selected]")["value"] == "complaint"


def test_the_home_page_leads_to_both(client_request):
    page = client_request.get("site.home")
    links = {a["href"] for a in page.select("main a[href]")}
    assert {url("openhouse.index"), url("openhouse.juvenile")} <= links


# ---- the staff pages -------------------------------------------------------------------------


def test_a_leader_reads_the_registrations_without_names_or_mobiles(client_request):
    gathering = make_gathering(make_user(Role.PUBLISHER))
    registration = register(gathering, mobile="13800138002", name="赵六").registration
    login(client_request.client, make_user(Role.LEADER))
    page = client_request.get("openhouse_admin.show_gathering", gathering_id=gathering.id)
    assert registration.number in page.text
    assert "赵六" not in page.text and "13800138002" not in page.text
    assert page.select_one("form[action$='/allocate']") is None  # organisers' action
    client_request.post(
        "openhouse_admin.export_registrations",
        gathering_id=gathering.id,
        _data={"file_format": "csv"},
        _expected_status=200,
    )
    exported = client_request.response.get_data().decode("utf-8-sig")
    assert registration.number in exported and "赵六" not in exported


def test_the_publisher_exports_the_list_with_names_for_the_door(client_request):
    gathering = make_gathering(make_user(Role.PUBLISHER))
    register(gathering, mobile="13800138003", name="钱七")
    login(client_request.client, make_user(Role.PUBLISHER))
    client_request.post(
        "openhouse_admin.export_registrations",
        gathering_id=gathering.id,
        _data={"file_format": "csv"},
        _expected_status=200,
    )
    exported = client_request.response.get_data().decode("utf-8-sig")
    assert "钱七" in exported and "13800138003" in exported
    assert client_request.response.headers["Cache-Control"] == "private, no-store"


def test_the_publisher_draws_and_cancels_through_the_page(client_request):
    publisher = make_user(Role.PUBLISHER)
    closes_in = timedelta(minutes=5)
    gathering = make_gathering(publisher, capacity=1, max_party_size=1, closes_in=closes_in)
    for _ in range(3):
        register(gathering)
    login(client_request.client, publisher)
    with clock.frozen(clock.now() + closes_in):
        page = client_request.get("openhouse_admin.show_gathering", gathering_id=gathering.id)
        assert page.select_one("form[action$='/allocate']") is not None
        client_request.post(
            "openhouse_admin.allocate_places",
            gathering_id=gathering.id,
            _expected_redirect="openhouse_admin.show_gathering",
            _redirect_values={"gathering_id": gathering.id},
        )
        page = client_request.get("openhouse_admin.show_gathering", gathering_id=gathering.id)
    assert page.select_one("#draw-seed").text == gathering.draw_seed
    page = client_request.post(
        "openhouse_admin.cancel_gathering",
        gathering_id=gathering.id,
        _data={"cancel-reason": ""},
        _expected_status=400,
    )
    assert page.select_one("#cancel-reason-error") is not None
    client_request.post(
        "openhouse_admin.cancel_gathering",
        gathering_id=gathering.id,
        _data={"cancel-reason": "场馆维修"},
        _expected_redirect="openhouse_admin.show_gathering",
        _redirect_values={"gathering_id": gathering.id},
    )
    assert gathering.status == "cancelled"


def test_the_announcement_form_says_what_is_wrong_next_to_each_field(client_request):
    login(client_request.client, make_user(Role.PUBLISHER))
    page = client_request.get("openhouse_admin.announce", kind="hearing")
    page = client_request.post(
        "openhouse_admin.announce",
        kind="hearing",
        _data=_form(page, title="听证", capacity="abc", starts_at="tomorrow", max_party_size="0"),
        _expected_status=400,
    )
    for field in ("capacity", "starts_at", "max_party_size", "hearing_officers", "place"):
        assert page.select_one(f"#{field}-error") is not None, field
    assert page.select_one("#title")["value"] == "听证"
    other_kind = url("openhouse_admin.announce", kind="hearing").replace("hearing", "other")
    assert client_request.client.get(other_kind).status_code == 404


def test_the_publisher_edits_a_hearing(client_request):
    publisher = make_user(Role.PUBLISHER)
    hearing = make_gathering(publisher, kind="hearing")
    login(client_request.client, publisher)
    page = client_request.get("openhouse_admin.edit_gathering", gathering_id=hearing.id)
    shown = clock.as_utc(hearing.starts_at).astimezone(clock.zone()).strftime("%Y-%m-%dT%H:%M")
    assert page.select_one("#starts_at")["value"] == shown  # Beijing time, as it is typed
    assert page.select_one("#hearing_officers").text.strip() == hearing.hearing_officers
    starts_at = clock.as_utc(hearing.starts_at)
    data = {
        field["name"]: field.get("value", "")
        for field in page.select("form input")
        if field.get("type") != "checkbox"
    }
    data |= {t["name"]: t.text for t in page.select("form textarea")}
    data |= {"admission": "draw", "place": "新址：听证室（二楼）", "is_open_to_observers": "y"}
    client_request.post(
        "openhouse_admin.edit_gathering",
        gathering_id=hearing.id,
        _data=data,
        _expected_redirect="openhouse_admin.show_gathering",
        _redirect_values={"gathering_id": hearing.id},
    )
    assert hearing.place == "新址：听证室（二楼）"
    assert clock.as_utc(hearing.starts_at) == starts_at.replace(second=0, microsecond=0)
