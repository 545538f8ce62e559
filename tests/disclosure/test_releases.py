"""Releases go through the same engine and gate as documents: review by one publisher,
publication by another, and only the redacted title and body on any public route. Also the
people panel (documents and releases) and the two-person rule."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale

from portal.core.audit import AuditEvent
from portal.disclosure import services
from portal.disclosure.models import DocumentState, Release, ReleaseState
from portal.extensions import db
from tests.disclosure import samples
from tests.disclosure.factories import (
    audit_codes,
    make_document,
    make_release,
    publish,
    publisher,
    second_publisher,
)
from tests.factories import login

TITLE = "刘强故意伤害案被害人获司法救助"
BODY = (
    "2024年3月，被告人王大伟因琐事殴打被害人刘强，致其轻伤。证人陈小红目睹经过。"
    "检察员李明出庭支持公诉。法院以故意伤害罪判处王大伟有期徒刑一年。"
)
PRIVATE = ("刘强", "王大伟", "陈小红")


def draft(user=None, **fields):
    return make_release(user, title=TITLE, body=BODY, publish=False, **fields)


def api_json(client, endpoint, *, status, **values) -> dict:
    """A JSON answer of the open data API, its status checked."""
    response = client.get(url_for(endpoint, **values))
    assert response.status_code == status, (endpoint, response.status_code)
    return response.get_json()


def as_text(value) -> str:
    """JSON as a reader sees it: every string unescaped."""
    return json.dumps(value, ensure_ascii=False)


# ---- the workflow ----------------------------------------------------------------------------


def test_a_release_is_reviewed_by_one_publisher_and_published_by_another():
    user, other = publisher(), second_publisher()
    release = draft(user)
    with pytest.raises(services.DisclosureRefused, match="review"):
        services.publish_release(release, other)
    services.review(release, user)
    assert release.status == ReleaseState.REVIEWED and release.reviewed_by_id == user.id
    assert release.public_title == "刘某故意伤害案被害人获司法救助"  # named in the body
    assert "王某" in release.public_body and "李明" in release.public_body
    assert not any(name in release.public_body for name in PRIVATE)
    with pytest.raises(services.DisclosureRefused, match="another publisher"):
        services.publish_release(release, user)
    services.publish_release(release, other)
    db.session.commit()
    assert release.status == ReleaseState.PUBLISHED and release.published_by_id == other.id
    assert audit_codes(release) == ["release.created", "release.reviewed", "release.published"]


def test_a_change_after_review_sends_the_release_back_to_draft():
    user = publisher()
    release = draft(user)
    services.review(release, user)
    data = services.ReleaseData(
        title=TITLE, body=BODY + "另查明。", category="case_progress",
        procuratorate="示例市人民检察院", released_on=date(2024, 6, 1),
    )  # fmt: skip
    services.update_release(release, data, user)
    assert release.status == ReleaseState.DRAFT and release.public_title is None
    assert audit_codes(release)[-2:] == ["release.reopened", "release.updated"]
    services.review(release, user)
    services.set_person(release, user, name="李明", role="victim")
    assert release.status == ReleaseState.DRAFT and release.public_body is None


def test_a_published_release_cannot_be_edited_and_its_withdrawal_keeps_it_private(
    client, client_request
):
    user = publisher()
    release = publish(draft(user), user)
    data = services.ReleaseData(
        title="新标题", body=BODY, category="case_progress", procuratorate="示例市人民检察院",
        released_on=date(2024, 6, 1),
    )  # fmt: skip
    with pytest.raises(services.DisclosureRefused):
        services.update_release(release, data, user)
    db.session.rollback()
    services.withdraw_release(release, user, reason="信息有误")
    db.session.commit()
    page = client_request.get(
        "disclosure.show_release", release_id=release.id, _expected_status=410
    )
    html = client_request.response.get_data(as_text=True)
    assert "刘某故意伤害案" in page.get_text() and "信息有误" in page.get_text()
    assert not any(name in html for name in PRIVATE)
    api = as_text(api_json(client, "api.show_release", status=410, release_id=release.id))
    assert "信息有误" in api and not any(name in api for name in PRIVATE)


def test_no_original_field_of_a_release_reaches_any_public_route(client, client_request):
    release = make_release(title=TITLE, body=BODY)
    assert release.status == ReleaseState.PUBLISHED
    ids = {"release_id": release.id}
    pages = [
        ("disclosure.show_release", ids),
        ("disclosure.list_releases", {}),
        ("disclosure.search_page", {"q": "公诉"}),
        ("disclosure.search_page", {"q": "司法救助"}),
    ]
    for endpoint, values in pages:
        client_request.get(endpoint, **values)
        text = client_request.response.get_data(as_text=True)
        for name in PRIVATE:
            assert name not in text, (endpoint, values, name)
    feed = client.get(url_for("disclosure.releases_feed"))
    assert feed.status_code == 200
    for name in PRIVATE:
        assert name not in feed.get_data(as_text=True), ("feed", name)
    for endpoint, values in (("api.list_releases", {}), ("api.show_release", ids)):
        text = as_text(api_json(client, endpoint, status=200, **values))
        for name in PRIVATE:
            assert name not in text, (endpoint, name)
    page = client_request.get("disclosure.show_release", **ids)
    assert page.h1.get_text(strip=True) == release.public_title and "陈某" in page.get_text()
    link = url_for("disclosure.show_release", **ids)
    found = client_request.get("disclosure.search_page", q="司法救助")
    assert "刘某" in found.get_text() and found.select(f'a[href="{link}"]')
    for name in PRIVATE:  # the original words are not in the index either
        missed = client_request.get("disclosure.search_page", q=name)
        assert not missed.select(f'a[href="{link}"]')
    detail = api_json(client, "api.show_release", status=200, **ids)
    assert detail["title"] == release.public_title and detail["body"] == release.public_body


# ---- the gate --------------------------------------------------------------------------------


def _tampered_release():
    """Reviewed, then the stored public body changed behind the engine's back (as if reviewed
    with an older engine): the gate must find the name."""
    user = publisher()
    release = draft(user)
    services.review(release, user)
    release.public_body += "被害人刘强已获救助。"
    db.session.commit()
    return release


def test_the_gate_refuses_and_lists_each_finding_in_english():
    release = _tampered_release()
    with pytest.raises(services.DisclosureRefused) as refused:
        services.publish_release(release, second_publisher())
    message = str(refused.value)
    assert "personal data" in message and "names in the text: “刘强”" in message
    assert db.session.get(Release, release.id).status == ReleaseState.REVIEWED


def test_the_gate_refuses_in_chinese():
    release = _tampered_release()
    with force_locale("zh_Hans_CN"), pytest.raises(services.DisclosureRefused) as refused:
        services.publish_release(release, second_publisher())
    message = str(refused.value)
    assert "个人信息" in message and "正文中的姓名：“刘强”" in message


def test_the_gate_also_guards_documents():
    user = publisher()
    document = make_document(user, text=samples.NON_PROSECUTION)
    services.review(document, user)
    document.redacted_text += "马晓东"
    with pytest.raises(services.DisclosureRefused, match="“马晓东”"):
        services.publish_document(document, second_publisher())


def test_the_review_page_shows_the_findings_before_publishing(english_client, client_request):
    release = _tampered_release()
    login(english_client, second_publisher())
    page = client_request.get("disclosure_admin.edit_release", release_id=release.id)
    problems = page.select_one(".notice--error").get_text()
    assert "Publishing is refused until this is settled" in problems and "“刘强”" in problems


# ---- two people ------------------------------------------------------------------------------


def test_the_reviewer_of_a_document_cannot_publish_it():
    user = publisher()
    document = make_document(user, text=samples.NON_PROSECUTION)
    services.review(document, user)
    with pytest.raises(services.DisclosureRefused, match="another publisher"):
        services.publish_document(document, user)
    services.publish_document(document, second_publisher())
    assert document.status == DocumentState.PUBLISHED


def test_the_database_refuses_a_release_published_by_its_reviewer():
    user = publisher()
    release = draft(user)
    services.review(release, user)
    release.status, release.published_at, release.published_by_id = (
        "published",
        release.reviewed_at,
        user.id,
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_reviewer_is_told_on_the_page(client, client_request):
    user = publisher()
    release = draft(user)
    login(client, user)
    ids = {"release_id": release.id}
    client_request.post(
        "disclosure_admin.review",
        _expected_redirect="disclosure_admin.edit_release",
        _redirect_values=ids,
        **ids,
    )
    page = client_request.post(
        "disclosure_admin.publish", _follow_redirects=True, _expected_status=200, **ids
    )
    assert "另一名发布人员" in page.select_one(".notice--error").get_text()
    assert db.session.get(Release, release.id).status == ReleaseState.REVIEWED


# ---- the people panel ------------------------------------------------------------------------


def test_the_people_panel_lists_every_person_with_role_and_rule(english_client, client_request):
    release = draft()
    login(english_client, publisher())
    page = client_request.get("disclosure_admin.edit_release", release_id=release.id)
    html = page.select_one("table.people-table").get_text()
    assert "Victim" in html and "Official" in html and "Name kept" in html
    assert (
        "Victims, witnesses, persons not prosecuted and other private persons are shielded." in html
    )
    assert "sentenced to three years or less" in html


def test_a_role_changed_to_official_keeps_the_name_and_to_victim_redacts_it(client, client_request):
    user = publisher()
    release = draft(user)
    login(client, user)
    ids = {"release_id": release.id}
    back = {"_expected_redirect": "disclosure_admin.edit_release", "_redirect_values": ids}
    # Typed with a space: 陈 小红 is the 陈小红 of the text.
    client_request.post(
        "disclosure_admin.set_person", _data={"name": "陈 小红", "role": "official"}, **back, **ids
    )
    client_request.post(
        "disclosure_admin.set_person", _data={"name": "李明", "role": "victim"}, **back, **ids
    )
    db.session.expire_all()
    release = db.session.get(Release, release.id)
    assert release.people == [
        {"name": "陈 小红", "role": "official"},
        {"name": "李明", "role": "victim"},
    ]
    publish(release, user)
    assert "陈小红" in release.public_body and "李明" not in release.public_body
    assert "李某" in release.public_body
    page = client_request.get("disclosure.show_release", **ids).get_text()
    api = as_text(api_json(client, "api.show_release", status=200, **ids))
    for text in (page, api):
        assert "陈小红" in text and "李明" not in text
    details = list(db.session.scalars(
        sa.select(AuditEvent.detail)
        .where(AuditEvent.code == "release.person_set")
        .order_by(AuditEvent.id)  # in the order written: PostgreSQL returns rows in any order
    ))  # fmt: skip
    assert details == ["role=official", "role=victim"]


def test_a_publisher_adds_a_person_to_a_document():
    user = publisher()
    document = make_document(user, text="被告人周大海盗窃财物。阿宝在现场望风。检察员李明出庭。")
    services.set_person(document, user, name="阿宝", role="witness")
    person = next(p for p in services.analyse(document).people if p.name == "阿宝")
    assert person.redact and person.source == "publisher"
    publish(document, user)
    assert "阿宝" not in document.redacted_text


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "This name does not occur in the text"), ("zh_Hans_CN", "文中没有这个姓名")],
)
def test_a_person_not_in_the_text_is_a_form_error(client, client_request, language, expected):
    client.set_cookie("portal_locale", language)
    release = draft()
    login(client, publisher())
    ids = {"release_id": release.id}
    page = client_request.post(
        "disclosure_admin.set_person",
        _data={"name": "张三丰", "role": "victim"},
        _expected_status=400,
        **ids,
    )
    assert expected in page.select_one(".error-summary").get_text()
    client_request.post(
        "disclosure_admin.set_person",
        _data={"name": "刘强", "role": "judge"},
        _expected_status=400,
        **ids,
    )
    assert db.session.get(Release, release.id).people == []
