"""Standard wordings of notices (petitions/wording.py): shipped defaults, the administrator's
changes (validated, audited) and the petition page's boxes that start from them."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.core.audit import AuditEvent
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import wording
from portal.petitions.models import NoticeWording, WordingKind
from tests.factories import login, make_petition, make_user
from tests.web import ClientRequest


def box(page, name: str) -> str:
    """A textarea's text as the browser shows it (WTForms starts it with a line break)."""
    return page.select_one(f"textarea[name='{name}']").get_text().removeprefix("\r\n")


def as_user(app, user, locale="en") -> ClientRequest:
    client = app.test_client()
    client.set_cookie("portal_locale", locale)
    login(client, user)
    return ClientRequest(client)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("编号{number}，{received_on}收到。", []),
        ("{procuratorate}\n{today}", []),
        ("Braces themselves: {{ and }}", []),
    ],
)
def test_wordings_with_known_placeholders_are_valid(app, text, expected):
    assert wording.wording_errors(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("编号{numbr}", "{numbr}"),
        ("{name} 你好", "{name}"),
        ("{}", "{}"),
        ("编号{number", "not closed"),
        ("编号number}", "not closed"),
        ("{number!r}", "name in braces only"),
        ("{number:>10}", "name in braces only"),
        ("   ", "Write the wording"),
    ],
)
def test_unknown_placeholders_and_stray_braces_are_refused(app, text, says):
    with app.test_request_context(headers={"Cookie": "portal_locale=en"}):
        errors = wording.wording_errors(text)
    assert errors and says in " ".join(errors)


def test_every_shipped_wording_is_valid_and_fills_in(app, frozen_now):
    petition, _ = make_petition(received_on=date(2026, 11, 20))
    with app.test_request_context():
        for kind in WordingKind:
            for language in wording.LANGUAGES:
                assert wording.wording_errors(wording.DEFAULTS[kind][language]) == [], kind
        text = wording.starting_text(WordingKind.ACKNOWLEDGMENT, petition)
    # In the petitioner's language (the demo petition was filed in Chinese), with its details.
    assert petition.tracking_number in text
    assert "2026年11月20日" in text and "控告" in text
    assert app.config["PROCURATORATE_NAME"] in text
    assert "{" not in text


def test_an_administrator_changes_a_wording_and_it_is_audited(app, frozen_now):
    admin = make_user(Role.ADMIN)
    page = as_user(app, admin)
    form = page.get("backoffice.edit_notice_wording", kind="acknowledgment")
    assert box(form, "zh").startswith("你于{received_on}")
    # An unknown placeholder: refused next to the field, what was typed kept, nothing saved.
    typed = "你于{received_on}提出的{kind}已受理，承办人{handler}。"
    refused = page.post(
        "backoffice.edit_notice_wording",
        kind="acknowledgment",
        _data={"zh": typed, "en": wording.DEFAULTS[WordingKind.ACKNOWLEDGMENT]["en"]},
        _expected_status=400,
    )
    assert "There is no placeholder {handler}" in refused.select_one("#zh-error").get_text()
    assert box(refused, "zh") == typed
    assert db.session.scalar(sa.select(sa.func.count(NoticeWording.id))) == 0

    changed = "编号{number}：本院已受理。\n{procuratorate}"
    page.post(
        "backoffice.edit_notice_wording",
        kind="acknowledgment",
        _data={"zh": changed, "en": wording.DEFAULTS[WordingKind.ACKNOWLEDGMENT]["en"]},
        _expected_redirect="backoffice.list_notice_wordings",
    )
    assert wording.wording(WordingKind.ACKNOWLEDGMENT, "zh") == changed
    assert (
        wording.wording(WordingKind.ACKNOWLEDGMENT, "en")
        == (wording.DEFAULTS[WordingKind.ACKNOWLEDGMENT]["en"])
    )
    (event,) = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.code == "petition.wording_changed")
    ).all()
    assert event.actor_id == admin.id and event.details == {
        "wording": "acknowledgment",
        "language": "zh",
    }
    # The acknowledgment box of a clerk starts from it.
    petition, _ = make_petition()
    clerk_page = as_user(app, make_user(Role.CLERK)).get(
        "backoffice.show_petition", number=petition.tracking_number
    )
    started = box(clerk_page, "acknowledge-notice")
    assert (
        started
        == f"编号{petition.tracking_number}：本院已受理。\n{app.config['PROCURATORATE_NAME']}"
    )


def test_the_boxes_start_from_the_wording_in_the_petitioners_language(app, frozen_now):
    petition, _ = make_petition(locale="en")
    page = as_user(app, make_user(Role.CLERK), locale="zh_Hans_CN").get(
        "backoffice.show_petition", number=petition.tracking_number
    )
    ack = box(page, "acknowledge-notice")
    assert ack.startswith("Your Complaint") or ack.startswith("Your complaint")
    assert petition.tracking_number in ack
    reason = box(page, "not-accept-reason")
    assert "is not accepted" in reason
    transfer = box(page, "transfer-notice")
    assert "transferred" in transfer
