"""Releases go through the same engine and gate as documents: review by one publisher,
publication by another, and only the redacted title and body on any public route. Also the
people panel (documents and releases) and the two-person rule."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
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
from tests.factories import csrf_token, h1, login

TITLE = "刘强故意伤害案被害人获司法救助"
BODY = (
    "2024年3月，被告人王大伟因琐事殴打被害人刘强，致其轻伤。证人陈小红目睹经过。"
    "检察员李明出庭支持公诉。法院以故意伤害罪判处王大伟有期徒刑一年。"
)
PRIVATE = ("刘强", "王大伟", "陈小红")


def draft(user=None, **fields):
    return make_release(user, title=TITLE, body=BODY, publish=False, **fields)


def _tokens(client, url):
    return {"csrf_token": csrf_token(client.get(url).get_data(as_text=True))}


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


def test_a_published_release_cannot_be_edited_and_its_withdrawal_keeps_it_private(client):
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
    response = client.get(f"/case-information/releases/{release.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 410 and "刘某故意伤害案" in html and "信息有误" in html
    assert not any(name in html for name in PRIVATE)
    api = client.get(f"/api/v1/releases/{release.id}")
    assert api.status_code == 410 and not any(
        name in api.get_data(as_text=True) for name in PRIVATE
    )


def test_no_original_field_of_a_release_reaches_any_public_route(client):
    release = make_release(title=TITLE, body=BODY)
    assert release.status == ReleaseState.PUBLISHED
    routes = [
        f"/case-information/releases/{release.id}",
        "/case-information/releases",
        "/case-information/releases/feed.atom",
        "/api/v1/releases",
        f"/api/v1/releases/{release.id}",
        "/case-information/search?q=公诉",
        "/case-information/search?q=司法救助",
    ]
    for url in routes:
        response = client.get(url)
        text = response.get_data(as_text=True)
        assert response.status_code == 200, url
        for name in PRIVATE:
            assert name not in text and json.dumps(name)[1:-1] not in text, (url, name)
    page = client.get(f"/case-information/releases/{release.id}").get_data(as_text=True)
    assert h1(page) == release.public_title and "陈某" in page
    found = client.get("/case-information/search?q=司法救助").get_data(as_text=True)
    assert "刘某" in found and f"/case-information/releases/{release.id}" in found
    for name in PRIVATE:  # the original words are not in the index either
        missed = client.get(f"/case-information/search?q={name}").get_data(as_text=True)
        assert f"/case-information/releases/{release.id}" not in missed
    detail = client.get(f"/api/v1/releases/{release.id}").get_json()
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


def test_the_review_page_shows_the_findings_before_publishing(english_client):
    release = _tampered_release()
    login(english_client, second_publisher())
    html = english_client.get(f"/staff/disclosure/releases/{release.id}").get_data(as_text=True)
    assert "Publishing is refused until this is settled" in html and "“刘强”" in html


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


def test_the_reviewer_is_told_on_the_page(client):
    user = publisher()
    release = draft(user)
    login(client, user)
    url = f"/staff/disclosure/releases/{release.id}"
    client.post(f"{url}/review", data=_tokens(client, url))
    response = client.post(f"{url}/publish", data=_tokens(client, url), follow_redirects=True)
    assert "另一名发布人员" in response.get_data(as_text=True)
    assert db.session.get(Release, release.id).status == ReleaseState.REVIEWED


# ---- the people panel ------------------------------------------------------------------------


def test_the_people_panel_lists_every_person_with_role_and_rule(english_client):
    release = draft()
    login(english_client, publisher())
    html = english_client.get(f"/staff/disclosure/releases/{release.id}").get_data(as_text=True)
    assert 'class="people-table"' in html
    assert "Victim" in html and "Official" in html and "Name kept" in html
    assert (
        "Victims, witnesses, persons not prosecuted and other private persons are shielded." in html
    )
    assert "sentenced to three years or less" in html


def test_a_role_changed_to_official_keeps_the_name_and_to_victim_redacts_it(client):
    user = publisher()
    release = draft(user)
    login(client, user)
    url = f"/staff/disclosure/releases/{release.id}"
    # Typed with a space: 陈 小红 is the 陈小红 of the text.
    response = client.post(
        f"{url}/people", data={**_tokens(client, url), "name": "陈 小红", "role": "official"}
    )
    assert response.status_code == 302
    client.post(f"{url}/people", data={**_tokens(client, url), "name": "李明", "role": "victim"})
    db.session.expire_all()
    release = db.session.get(Release, release.id)
    assert release.people == [
        {"name": "陈 小红", "role": "official"},
        {"name": "李明", "role": "victim"},
    ]
    publish(release, user)
    assert "陈小红" in release.public_body and "李明" not in release.public_body
    assert "李某" in release.public_body
    for page in (f"/case-information/releases/{release.id}", f"/api/v1/releases/{release.id}"):
        text = client.get(page).get_data(as_text=True)
        assert "陈小红" in text or "\\u9648\\u5c0f\\u7ea2" in text
        assert "李明" not in text and "\\u674e\\u660e" not in text
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
def test_a_person_not_in_the_text_is_a_form_error(client, language, expected):
    client.set_cookie("portal_locale", language)
    release = draft()
    login(client, publisher())
    url = f"/staff/disclosure/releases/{release.id}"
    response = client.post(
        f"{url}/people", data={**_tokens(client, url), "name": "张三丰", "role": "victim"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "error-summary" in html and expected in html
    response = client.post(
        f"{url}/people", data={**_tokens(client, url), "name": "刘强", "role": "judge"}
    )
    assert response.status_code == 400
    assert db.session.get(Release, release.id).people == []
