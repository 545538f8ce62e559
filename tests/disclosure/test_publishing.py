"""The document workflow: review, the publishing rules, withdrawal, the audit trail, and the
publisher's pages (side-by-side preview, adding and dropping redactions)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import url_for

from portal.core.audit import AuditEvent
from portal.core.permissions import Role
from portal.disclosure import services
from portal.disclosure.models import DocumentState, LegalDocument
from portal.extensions import db
from tests.disclosure import samples
from tests.disclosure.factories import (
    audit_codes,
    make_document,
    publish,
    publisher,
    second_publisher,
)
from tests.factories import confirm_preview, login, make_user


def test_an_unreviewed_document_cannot_be_published():
    user = publisher()
    document = make_document(user, text=samples.NON_PROSECUTION)
    with pytest.raises(services.DisclosureRefused, match="review"):
        services.publish_document(document, user)
    db.session.rollback()
    assert db.session.get(LegalDocument, document.id).status == DocumentState.DRAFT


def test_review_then_publish_records_every_step():
    user, other = publisher(), second_publisher()
    document = make_document(user, text=samples.NON_PROSECUTION)
    publish(document, user, by=other)
    assert document.status == DocumentState.PUBLISHED
    assert "马晓东" not in document.redacted_text and "马某" in document.redacted_text
    assert document.reviewed_by_id == user.id and document.published_by_id == other.id
    assert audit_codes(document) == ["document.created", "document.reviewed", "document.published"]


def test_a_document_with_personal_data_left_is_refused():
    """The publisher dropped nothing, yet the reviewed text still holds a number (as if the
    text had been reviewed with an older engine): the check at publication refuses it."""
    user = publisher()
    document = make_document(user, text=samples.NON_PROSECUTION)
    services.review(document, user)
    document.redacted_text += "\n被害人另一手机号码13700001111。"
    with pytest.raises(services.DisclosureRefused, match="personal data"):
        services.publish_document(document, second_publisher())


def test_numbers_cannot_be_dropped_but_names_can():
    user = publisher()
    document = make_document(user, text=samples.NON_PROSECUTION)
    with pytest.raises(services.DisclosureRefused):
        services.drop_redaction(document, user, text="320102199901091234", kind="id_number")
    services.drop_redaction(document, user, text="周小川", kind="name")
    publish(document, user)
    assert "周小川" in document.redacted_text
    assert "马晓东" not in document.redacted_text


def test_internal_working_documents_are_never_published():
    user = publisher()
    document = make_document(user, text="审查报告：被告人张某涉嫌盗窃。", doc_type="review_report")
    services.review(document, user)
    with pytest.raises(services.DisclosureRefused, match="Internal"):
        services.publish_document(document, user)


def test_an_indictment_needs_the_judgment_in_force():
    user = publisher()
    document = make_document(user, text=samples.INDICTMENT, doc_type="indictment")
    services.review(document, user)
    other = second_publisher()
    with pytest.raises(services.DisclosureRefused, match="judgment"):
        services.publish_document(document, other)
    services.publish_document(document, other, judgment_in_force_on=date(2024, 6, 1))
    assert document.status == DocumentState.PUBLISHED


def test_a_minors_case_needs_the_publishers_confirmation_and_no_drops():
    user = publisher()
    document = make_document(user, text=samples.MINOR_CASE, doc_type="indictment")
    assert document.involves_minor  # detected from the text
    with pytest.raises(services.DisclosureRefused, match="minor"):
        services.drop_redaction(document, user, text="郑国强", kind="name")
    services.review(document, user)
    other = second_publisher()
    with pytest.raises(services.DisclosureRefused, match="minor"):
        services.publish_document(document, other, judgment_in_force_on=date(2024, 6, 1))
    services.publish_document(
        document, other, judgment_in_force_on=date(2024, 6, 1), minor_shielded=True
    )
    assert document.minor_shielding_confirmed_at is not None
    for secret in ("郑国强", "宋佳佳", "唐丽华", "阳光小学"):
        assert secret not in document.redacted_text


def test_the_minors_flag_set_by_hand_applies_the_rule():
    user = publisher()
    text = "被告人魏长青盗窃被害人章小雨的书包。证人邹平看见。"
    document = make_document(user, text=text)
    services.drop_redaction(document, user, text="邹平", kind="name")
    services.mark_involves_minor(document, user)
    assert document.dropped_terms == []
    publish(document, user, minor_shielded=True)
    assert "邹平" not in document.redacted_text


def test_a_change_after_review_sends_the_document_back_to_draft():
    user = publisher()
    document = make_document(user, text=samples.NON_PROSECUTION)
    services.review(document, user)
    services.add_term(document, user, text="科技公司", kind="custom")
    assert document.status == DocumentState.DRAFT and document.redacted_text is None
    publish(document, user)
    assert "科技公司" not in document.redacted_text
    assert "document.reopened" in audit_codes(document)


def test_withdrawal_keeps_the_record_and_the_reason():
    user = publisher()
    document = publish(make_document(user, text=samples.NON_PROSECUTION), user)
    with pytest.raises(services.DisclosureRefused):
        services.withdraw_document(document, user, reason="  ")
    services.withdraw_document(document, user, reason="文书有误，更正后重新发布")
    db.session.commit()
    assert document.status == DocumentState.WITHDRAWN
    assert document.redacted_text and document.published_at  # history kept
    with pytest.raises(services.DisclosureRefused):
        services.publish_document(document, user)
    assert audit_codes(document)[-1] == "document.withdrawn"


def test_only_publishers_may_change_documents():
    document = make_document(text=samples.NON_PROSECUTION)
    with pytest.raises(services.DisclosureRefused):
        services.review(document, make_user(Role.ADMIN))


def test_audit_details_never_carry_the_redacted_terms():
    user = publisher()
    document = make_document(user, text=samples.NON_PROSECUTION)
    services.add_term(document, user, text="科技公司", kind="custom")
    services.drop_redaction(document, user, text="周小川", kind="name")
    db.session.commit()
    details = " ".join(d or "" for d in db.session.scalars(sa.select(AuditEvent.detail)))
    assert "科技公司" not in details and "周小川" not in details


# ---- the publisher's pages -------------------------------------------------------------------


def test_the_publisher_pastes_reviews_and_publishes_through_the_pages(
    client, client_request, new_client_request
):
    user = publisher()
    login(client, user)
    client_request.post(
        "disclosure_admin.new_document",
        _data={
            "doc_type": "non_prosecution",
            "procuratorate": "示例市东城区人民检察院",
            "case_number": "东检刑不诉[2024]7号",
            "document_date": "2024-05-10",
            "text": samples.NON_PROSECUTION,
        },
    )
    document = db.session.scalar(sa.select(LegalDocument))
    assert document.case_number == "东检刑不诉〔2024〕7号"
    ids = {"document_id": document.id}
    assert urlsplit(client_request.response.location).path == url_for(
        "disclosure_admin.show_document", **ids
    )
    page = client_request.get("disclosure_admin.show_document", **ids)
    # Side by side: the original with the redactions marked, and the redacted text.
    assert page.select_one(".side-by-side")
    assert "马晓东" in [mark.get_text() for mark in page.select("mark.redaction")]
    assert "马某" in [mark.get_text() for mark in page.select("mark.replacement")]
    back = {"_expected_redirect": "disclosure_admin.show_document", "_redirect_values": ids}
    # Add a redaction, drop a proposed one, review.
    client_request.post(
        "disclosure_admin.add_term", _data={"term": "科技公司", "kind": "custom"}, **back, **ids
    )
    client_request.post(
        "disclosure_admin.drop_redaction", _data={"kind": "name", "text": "周小川"}, **back, **ids
    )
    client_request.post("disclosure_admin.review", **back, **ids)
    # The reviewer is refused; a second publisher publishes.
    client_request.post("disclosure_admin.publish", **back, **ids)
    db.session.expire_all()
    assert db.session.get(LegalDocument, document.id).status == DocumentState.REVIEWED
    other = new_client_request()
    login(other.client, second_publisher())
    # The public page as it will read first; publishing is the confirmation.
    preview = other.post("disclosure_admin.publish", _expected_status=200, **ids)
    assert "马某" in preview.select_one(".public-preview .formal-doc").get_text()
    db.session.expire_all()
    assert db.session.get(LegalDocument, document.id).status == DocumentState.REVIEWED
    confirm_preview(other, preview, **back)
    db.session.expire_all()
    document = db.session.get(LegalDocument, document.id)
    assert document.status == DocumentState.PUBLISHED
    assert "科技公司" not in document.redacted_text and "周小川" in document.redacted_text


def test_a_refusal_is_shown_and_changes_nothing(english_client, client_request):
    user = publisher()
    document = make_document(user, text=samples.INDICTMENT, doc_type="indictment")
    services.review(document, user)
    db.session.commit()
    login(english_client, second_publisher())
    page = client_request.post(
        "disclosure_admin.publish",
        document_id=document.id,
        _follow_redirects=True,
        _expected_status=200,
    )
    assert "judgment" in page.select_one(".notice--error").get_text()
    db.session.expire_all()
    assert db.session.get(LegalDocument, document.id).status == DocumentState.REVIEWED


def test_the_new_document_form_explains_its_errors(client, client_request):
    login(client, publisher())
    page = client_request.post(
        "disclosure_admin.new_document",
        _data={"doc_type": "", "procuratorate": "", "case_number": "123", "document_date": ""},
        _expected_status=400,
    )
    assert page.select_one(".error-summary")
    assert "示检刑诉〔2024〕123号" in page.get_text()


def test_other_roles_are_refused(client, client_request):
    login(client, make_user(Role.ADMIN))
    client_request.get("disclosure_admin.index", _expected_status=403)
    client_request.get("disclosure_admin.new_document", _expected_status=403)


def test_publishing_is_bound_to_the_previewed_public_text(english_client, client_request):
    """A second review between the preview and the confirmation changes the public text: the
    confirmation is refused with the new text to check, and nothing is published."""
    user = publisher()
    document = make_document(user, text=samples.NON_PROSECUTION)
    services.review(document, user)
    db.session.commit()
    login(english_client, second_publisher())
    ids = {"document_id": document.id}
    preview = client_request.post("disclosure_admin.publish", _expected_status=200, **ids)
    assert "Nothing is published yet" in preview.get_text()
    # Meanwhile the first publisher redacts one more term and reviews again.
    document = db.session.get(LegalDocument, document.id)
    term = document.redacted_text[:4]
    services.add_term(document, user, text=term, kind="custom")
    services.review(document, user)
    db.session.commit()
    refused = confirm_preview(client_request, preview, _expected_status=409)
    assert "Not published: the public text has changed" in refused.get_text()
    db.session.expire_all()
    assert db.session.get(LegalDocument, document.id).status == DocumentState.REVIEWED
    confirm_preview(
        client_request,
        refused,
        _expected_redirect="disclosure_admin.show_document",
        _redirect_values=ids,
    )
    db.session.expire_all()
    assert db.session.get(LegalDocument, document.id).status == DocumentState.PUBLISHED
