"""Reporting a public-interest litigation lead: the form, the photos as stored, and the lead's
life as a petition (staff answer it, the reporter reads the answer on the progress page)."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from portal.core import audit, filestore
from portal.core.outbox import OutboxMessage
from portal.core.permissions import Role
from portal.extensions import db
from portal.leads.models import PublicInterestLead
from portal.leads.services import coordinates_problem
from portal.petitions.models import Attachment, Petition
from tests.factories import PDF, login, make_user, url
from tests.images import (
    metadata_of,
    phone_jpeg,
    png_claiming,
    truncated_jpeg,
)
from tests.petitions.test_journey import browser, citizen_page, staff_act

LEAD = {
    "harm_field": "ecology",
    "subject": "河道旁工厂夜间偷排污水",
    "body": "东郊河段旁的化工厂每晚十点后通过暗管向河道排放黑色污水，河面有死鱼，气味刺鼻。",
    "location": "示例市东郊河段，化工路与滨河路交叉口以北约200米",
    "latitude": "39.904200",
    "longitude": "116.407400",
    "name": "王某某",
    "mobile": "13800000021",
    "notify_by_sms": "y",
    "declaration": "y",
}


def report(client_request, data, *, files=None, _expected_status=200):
    """Post the lead form with `data` and `files` ({field: [(bytes, name), ...]})."""
    fields = client_request.form_fields("leads.report_lead")
    for name, items in (files or {}).items():
        fields[name] = [(io.BytesIO(content), filename) for content, filename in items]
    return client_request.post(
        "leads.report_lead", _data={**fields, **data}, _expected_status=_expected_status
    )


def receipt_codes(page) -> tuple[str, str]:
    return (
        page.select_one("#tracking-number").get_text(strip=True),
        page.select_one("#query-code").get_text(strip=True),
    )


def petition_numbered(number) -> Petition:
    return db.session.scalar(sa.select(Petition).where(Petition.tracking_number == number))


@pytest.fixture
def english(app):
    return browser(app, english=True)


def test_a_lead_is_answered_by_staff_and_the_reporter_reads_the_answer(app):
    citizen = browser(app, english=True)
    page = report(citizen, LEAD, files={"photos": [(phone_jpeg(), "IMG_2041.JPG")]})
    number, code = receipt_codes(page)
    assert "Ecology and environment" in page.get_text()  # the receipt names the field of harm
    petition = petition_numbered(number)
    assert (petition.kind, petition.channel, petition.status) == (
        "public_interest",
        "web",
        "received",
    )
    lead = db.session.get(PublicInterestLead, petition.id)
    assert (lead.harm_field, lead.latitude, lead.longitude, lead.photos) == (
        "ecology",
        39.9042,
        116.4074,
        1,
    )

    clerk, handler, leader = make_user(Role.CLERK), make_user(Role.HANDLER), make_user(Role.LEADER)
    staff_act(app, clerk, number, "acknowledge", {"notice": "您反映的公益诉讼线索已受理。"})
    staff_act(app, clerk, number, "assign", {"handler_id": handler.id})
    staff_act(
        app, handler, number, "draft-reply",
        {"kind": "result", "body": "经调查，已向生态环境部门发出检察建议。"},
    )  # fmt: skip
    staff_act(app, leader, number, "approve", {})

    _citizen, text = citizen_page(app, number, code)
    assert "经调查，已向生态环境部门发出检察建议。" in text
    assert "示例市东郊河段" in text and "39.904200, 116.407400" in text


def test_staff_see_the_details_and_a_photo_without_metadata(app):
    original = phone_jpeg()
    number, _code = receipt_codes(
        report(browser(app), LEAD, files={"photos": [(original, "IMG_2041.JPG")]})
    )
    staff = browser(app)
    login(staff.client, make_user(Role.CLERK))
    page = staff.get("backoffice.show_petition", number=number)
    assert "示例市东郊河段" in page.get_text()
    link = page.select_one("a[href*='/attachments/']")
    assert link.get_text(strip=True) == "IMG_2041.jpg"
    downloaded = staff.client.get(link["href"])
    assert downloaded.status_code == 200 and downloaded.mimetype == "image/jpeg"
    assert metadata_of(downloaded.data) == {}
    assert downloaded.data != original
    # And the file on disk is the same re-encoded one: nothing of the original is kept.
    [attachment] = db.session.scalars(sa.select(Attachment)).all()
    assert filestore.current().read(attachment.storage_key) == downloaded.data


def test_a_photo_sent_as_a_document_is_re_encoded_too(app):
    page = report(
        browser(app), LEAD, files={"documents": [(phone_jpeg(), "scan.jpg"), (PDF, "检测报告.pdf")]}
    )
    number, _code = receipt_codes(page)
    stored = {
        a.filename: filestore.current().read(a.storage_key)
        for a in db.session.scalars(sa.select(Attachment)).all()
    }
    assert set(stored) == {"scan.jpg", "检测报告.pdf"}
    assert metadata_of(stored["scan.jpg"]) == {}
    assert stored["检测报告.pdf"] == PDF
    assert number


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (png_claiming(100_000, 100_000), "has too many pixels to be opened safely"),
        (truncated_jpeg(), "is damaged or incomplete"),
        (PDF, "is not a photo in JPEG, PNG, WebP"),
    ],
)
def test_a_bad_photo_is_refused_with_a_message_and_what_was_typed_is_kept(english, photo, message):
    page = report(english, LEAD, files={"photos": [(photo, "photo.jpg")]}, _expected_status=400)
    assert message in page.select_one("#error-summary").get_text()
    assert page.select_one("#location")["value"] == LEAD["location"]
    assert LEAD["body"] in page.select_one("#body").get_text()
    assert page.select_one(".held-files") is None  # a refused photo is not held
    assert db.session.scalar(sa.select(sa.func.count(Petition.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


def test_an_oversized_photo_is_refused(app, english):
    limit = app.config["MAX_ATTACHMENT_BYTES"]
    app.config["MAX_ATTACHMENT_BYTES"] = 1000
    try:
        page = report(
            english, LEAD, files={"photos": [(phone_jpeg((400, 400)), "big.jpg")]},
            _expected_status=400,
        )  # fmt: skip
    finally:
        app.config["MAX_ATTACHMENT_BYTES"] = limit
    assert "is larger than" in page.select_one("#error-summary").get_text()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"harm_field": ""}, "harm_field", "Choose the field of the harm."),
        ({"harm_field": "weather"}, "harm_field", "Not a valid choice"),
        ({"location": ""}, "location", "Say where the harm is."),
        ({"latitude": "北纬39度"}, "latitude", "Enter the latitude as a number of degrees"),
        ({"latitude": "91"}, "longitude", "between -90 and 90"),
        ({"longitude": "-180.5"}, "longitude", "between -180 and 180"),
        ({"longitude": "nan"}, "longitude", "Enter the longitude as a number of degrees"),
        ({"longitude": ""}, "longitude", "Give both the latitude and the longitude, or neither."),
        ({"name": ""}, "name", "Enter your full name, or choose to report anonymously."),
    ],
)
def test_bad_input_gets_a_clear_message(english, changes, field, message):
    page = report(english, {**LEAD, **changes}, _expected_status=400)
    assert message in page.select_one(f"#{field}-error").get_text()
    assert page.select_one("#subject")["value"] == LEAD["subject"]


def test_the_coordinates_rule():
    assert coordinates_problem(None, None) is None
    assert coordinates_problem(-90, 180) is None
    assert coordinates_problem(0.0, 0.0) is None
    for latitude, longitude in [(90.0001, 0), (0, -180.0001), (None, 1), (1, None)]:
        assert coordinates_problem(latitude, longitude) is not None
    assert coordinates_problem(float("inf"), 0) is not None


def test_an_anonymous_lead_keeps_no_personal_details_and_sends_no_messages(app):
    """Without JavaScript the personal fields are still sent: the server drops them, and the
    receipt says which were not kept (anonymity: no reply by SMS or e-mail)."""
    anonymous = {**LEAD, "is_anonymous": "y", "name": "王某某"}
    receipt = report(browser(app), anonymous)
    petition = petition_numbered(receipt_codes(receipt)[0])
    assert petition.is_anonymous
    assert (petition.name, petition.mobile, petition.email) == (None, None, None)
    assert not petition.notify_by_sms and not petition.notify_by_email
    assert db.session.scalars(sa.select(OutboxMessage)).all() == []
    assert "姓名" in receipt.select_one(".receipt .notice").get_text()


def test_the_details_and_the_petition_are_one_audited_transaction(app):
    number, _code = receipt_codes(report(browser(app), LEAD))
    petition = petition_numbered(number)
    codes = [event.code for event in audit.history(petition)]
    assert codes[:2] == ["petition.received", "lead.details_recorded"]
    [recorded] = [e for e in audit.history(petition) if e.code == "lead.details_recorded"]
    assert audit.detail_values(recorded.code, recorded.detail) == {
        "field": "ecology",
        "photos": "0",
        "coordinates": "yes",
    }


def test_a_repeated_post_of_the_same_form_files_one_lead(app):
    citizen = browser(app)
    fields = citizen.form_fields("leads.report_lead")
    first = citizen.post("leads.report_lead", _data={**fields, **LEAD}, _expected_status=200)
    again = citizen.post("leads.report_lead", _data={**fields, **LEAD}, _expected_status=200)
    assert receipt_codes(first) == receipt_codes(again)
    assert db.session.scalar(sa.select(sa.func.count(PublicInterestLead.petition_id))) == 1


def test_the_database_holds_the_kind_and_its_anonymity(app):
    """The CHECK constraints the migration rewrote accept a lead, also anonymous, and still
    refuse an anonymous complaint."""
    number, _code = receipt_codes(report(browser(app), {**LEAD, "is_anonymous": "y"}))
    petition = petition_numbered(number)
    assert petition.kind == "public_interest" and petition.is_anonymous
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            petition.kind = "complaint"
            db.session.flush()
    db.session.rollback()
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.execute(
                sa.update(PublicInterestLead).values(latitude=None)  # longitude stays
            )
    db.session.rollback()


def test_the_form_page_may_ask_for_the_position_and_works_in_both_languages(app, english):
    page = english.get("leads.report_lead")
    assert page.select_one("h1").get_text(strip=True) == "Report harm to the public interest"
    assert "geolocation=(self)" in english.response.headers["Permissions-Policy"]
    assert "no-store" in english.response.headers["Cache-Control"]
    chinese = browser(app).get("leads.report_lead")
    assert chinese.select_one("html")["lang"] == "zh-Hans"


def test_a_lead_is_filed_through_its_own_form_online_and_by_a_clerk_through_intake(app):
    """The general online form does not offer the lead kind (it would lose the field of harm and
    the place): the home page sends that kind to the lead form; a clerk registering a lead that
    came by letter still finds it in the staff intake."""
    client = app.test_client()
    home = client.get(url("site.home")).get_data(as_text=True)
    assert f'href="{url("leads.report_lead")}"' in home
    form = client.get(url("petitions.new_petition")).get_data(as_text=True)
    assert 'value="public_interest"' not in form and 'value="report"' in form
    clerk = app.test_client()
    login(clerk, make_user(Role.CLERK))
    intake = clerk.get(url("backoffice.register_petition")).get_data(as_text=True)
    assert 'value="public_interest"' in intake
