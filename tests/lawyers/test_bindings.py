"""Binding a case with papers, staff review, online file reading with expiry and a logged
download, and the categories excluded from online reading."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from portal.core import audit, clock
from portal.core.permissions import Role
from portal.extensions import db
from portal.lawyers.models import BindingStatus, CaseBinding, CaseFileDelivery
from tests.factories import csrf_token, form_tokens, login, make_user, submit_form
from tests.lawyers.factories import login_lawyer, make_case, make_lawyer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name):
    return (io.BytesIO(PDF), name)


def _bind(client, case_number, **changes):
    data = {
        "case_number": case_number,
        "client_name": "赵某",
        "relation": "defender",
        "mandate": "power_of_attorney",
        "licence": _pdf("执业证.pdf"),
        "firm_letter": _pdf("所函.pdf"),
        "mandate_file": _pdf("委托书.pdf"),
        **changes,
    }
    return submit_form(client, "/lawyer/cases/bind", data, content_type="multipart/form-data")


def _staff(app, role=Role.HANDLER):
    staff_client = app.test_client()
    user = make_user(role)
    login(staff_client, user)
    return staff_client, user


def test_binding_needs_all_papers_and_a_known_case(client):
    case = make_case()
    login_lawyer(client, make_lawyer())
    client.set_cookie("portal_locale", "en")
    missing = _bind(client, case.case_number, mandate_file=None)
    assert missing.status_code == 400
    assert "Attach the power of attorney" in missing.get_data(as_text=True)
    unknown = _bind(client, "示检刑诉受〔2026〕999号")
    assert unknown.status_code == 400 and "We have no case" in unknown.get_data(as_text=True)
    fake = _bind(client, case.case_number, licence=(io.BytesIO(b"<html>hi</html>"), "x.pdf"))
    assert fake.status_code == 400 and "Its content decides" in fake.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CaseBinding.id))) == 0


def test_binding_review_delivery_download_and_expiry(app, client):
    case = make_case()
    lawyer = make_lawyer()
    login_lawyer(client, lawyer)
    response = _bind(client, case.case_number)
    assert response.status_code == 302
    binding = db.session.scalar(sa.select(CaseBinding))
    assert binding.status == BindingStatus.REQUESTED and len(binding.documents) == 3
    again = _bind(client, case.case_number)
    assert again.status_code == 400  # one live binding per lawyer and case

    staff, handler = _staff(app)
    page = staff.get(f"/staff/lawyers/bindings/{binding.id}")
    token = csrf_token(page.get_data(as_text=True))
    document = binding.documents[0]
    assert staff.get(f"/staff/lawyers/bindings/{binding.id}/documents/{document.id}").data == PDF
    assert (
        staff.post(
            f"/staff/lawyers/bindings/{binding.id}/approve", data={"csrf_token": token}
        ).status_code
        == 302
    )
    response = staff.post(
        f"/staff/lawyers/bindings/{binding.id}/deliveries",
        data={"deliver-csrf_token": token, "deliver-days": "3",
              "deliver-case_file": (io.BytesIO(PDF), "电子卷宗.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302
    delivery = db.session.scalar(sa.select(CaseFileDelivery))

    # The lawyer downloads; the download is in the audit trail.
    assert "电子卷宗.pdf" in client.get(f"/lawyer/cases/{binding.id}").get_data(as_text=True)
    download = client.get(f"/lawyer/files/{delivery.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Cache-Control"] == "private, no-store"
    logged = db.session.scalars(
        sa.select(audit.AuditEvent).where(audit.AuditEvent.code == "case_file.downloaded")
    ).all()
    assert [(e.subject_kind, e.subject_id) for e in logged] == [("delivery", str(delivery.id))]
    assert f"lawyer:{lawyer.id}" in logged[0].detail

    # Another lawyer cannot; and after the period nobody can.
    other = app.test_client()
    login_lawyer(other, make_lawyer())
    assert other.get(f"/lawyer/files/{delivery.id}").status_code == 404
    with clock.frozen(clock.now() + timedelta(days=3, minutes=1)):
        expired = client.get(f"/lawyer/files/{delivery.id}")
    assert expired.status_code == 302
    assert len(db.session.scalars(
        sa.select(audit.AuditEvent).where(audit.AuditEvent.code == "case_file.downloaded")
    ).all()) == 1  # fmt: skip


def test_a_rejected_binding_shows_the_reason_and_may_be_asked_again(app, client):
    case = make_case()
    login_lawyer(client, make_lawyer())
    _bind(client, case.case_number)
    binding = db.session.scalar(sa.select(CaseBinding))
    staff, _user = _staff(app, Role.CLERK)
    token = csrf_token(staff.get(f"/staff/lawyers/bindings/{binding.id}").get_data(as_text=True))
    response = staff.post(
        f"/staff/lawyers/bindings/{binding.id}/reject",
        data={"reject-csrf_token": token, "reject-reason": "委托书缺少委托人签名"},
    )
    assert response.status_code == 302
    assert "委托书缺少委托人签名" in client.get(f"/lawyer/cases/{binding.id}").get_data(
        as_text=True
    )
    assert _bind(client, case.case_number).status_code == 302


def test_excluded_cases_refuse_online_reading_and_offer_an_appointment(app, client):
    juvenile = make_case(category="juvenile")
    restricted = make_case(category="other_restricted")
    lawyer = make_lawyer()
    login_lawyer(client, lawyer)
    admin_client, _admin = _staff(app, Role.ADMIN)
    response = submit_form(
        admin_client,
        "/staff/lawyers/exclusions",
        {
            "category": "other_restricted",
            "reason": "本院规定：涉及国家安全的案件不提供互联网阅卷。",
        },
    )
    assert response.status_code == 302
    staff, _user = _staff(app)
    client.set_cookie("portal_locale", "en")
    for case, words in ((juvenile, "Juvenile cases are not read online"),
                        (restricted, "涉及国家安全的案件不提供互联网阅卷")):  # fmt: skip
        assert _bind(client, case.case_number).status_code == 302
        binding = db.session.scalar(sa.select(CaseBinding).where(CaseBinding.case_id == case.id))
        token = csrf_token(
            staff.get(f"/staff/lawyers/bindings/{binding.id}").get_data(as_text=True)
        )
        staff.post(f"/staff/lawyers/bindings/{binding.id}/approve", data={"csrf_token": token})
        refused = staff.post(
            f"/staff/lawyers/bindings/{binding.id}/deliveries",
            data={"deliver-csrf_token": token, "deliver-days": "3",
                  "deliver-case_file": (io.BytesIO(PDF), "卷宗.pdf")},
            content_type="multipart/form-data",
        )  # fmt: skip
        assert refused.status_code in (200, 409)
        assert db.session.scalar(sa.select(sa.func.count(CaseFileDelivery.id))) == 0
        page = client.get(f"/lawyer/cases/{binding.id}").get_data(as_text=True)
        assert words in page
        assert "/lawyer/bookings/new?service=file_reading" in page
    # The admin's list is editable: removing the category allows it again.
    tokens = form_tokens(admin_client, "/staff/lawyers/exclusions")
    admin_client.post("/staff/lawyers/exclusions/other_restricted/delete", data=tokens)
    binding = db.session.scalar(sa.select(CaseBinding).where(CaseBinding.case_id == restricted.id))
    assert "涉及国家安全" not in client.get(f"/lawyer/cases/{binding.id}").get_data(as_text=True)
