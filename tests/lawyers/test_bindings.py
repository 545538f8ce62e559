"""Binding a case with papers, staff review, online file reading with expiry and a logged
download, and the categories excluded from online reading.

Which decision may follow which state is checked state by state in test_workflow.py; here the
pages offer and take those decisions."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from portal.core import audit, clock
from portal.core.permissions import Role
from portal.extensions import db
from portal.lawyers.models import BindingStatus, CaseBinding, CaseFileDelivery
from tests.factories import login, make_user
from tests.lawyers.factories import login_lawyer, make_case, make_lawyer
from tests.web import ClientRequest, url

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\nstartxref\n0\n%%EOF\n"


def _pdf(name):
    return (io.BytesIO(PDF), name)


def _bind(client_request, case_number, *, _expected_status=302, **changes):
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
    data = {name: value for name, value in data.items() if value is not None}
    page = client_request.post("lawyers.bind_case", _data=data, _expected_status=_expected_status)
    if _expected_status == 302:  # to the new binding's page
        binding_id = db.session.scalar(sa.select(sa.func.max(CaseBinding.id)))
        target = url("lawyers.show_binding", binding_id=binding_id)
        assert urlsplit(client_request.response.location).path == target
    return page


def _staff(app, role=Role.HANDLER) -> ClientRequest:
    staff = ClientRequest(app.test_client())
    login(staff.client, make_user(role))
    return staff


def _lawyer(app, lawyer=None) -> ClientRequest:
    lawyer_client = ClientRequest(app.test_client())
    login_lawyer(lawyer_client.client, lawyer or make_lawyer())
    lawyer_client.client.set_cookie("portal_locale", "en")
    return lawyer_client


def _deliver(staff, binding, *, days="3", name="电子卷宗.pdf", _expected_status=302):
    return staff.post(
        "lawyers_admin.deliver_case_file",
        binding_id=binding.id,
        _data={"deliver-csrf_token": staff.csrf_token(), "deliver-days": days,
               "deliver-case_file": (io.BytesIO(PDF), name)},
        _expected_status=_expected_status,
    )  # fmt: skip


def _downloads():
    return db.session.scalars(
        sa.select(audit.AuditEvent).where(audit.AuditEvent.code == "case_file.downloaded")
    ).all()


def _decision_forms(page, binding) -> list[str]:
    endpoints = {
        url(f"lawyers_admin.{action}_binding", binding_id=binding.id): action
        for action in ("approve", "reject")
    }
    return [endpoints[form["action"]] for form in page.find_all("form", action=endpoints.get)]


def test_binding_needs_all_papers_and_a_known_case(app):
    case = make_case()
    lawyer = _lawyer(app)
    missing = _bind(lawyer, case.case_number, mandate_file=None, _expected_status=400)
    assert "Attach the power of attorney" in missing.text
    unknown = _bind(lawyer, "示检刑诉受〔2026〕999号", _expected_status=400)
    assert "We have no case" in unknown.text
    fake = _bind(
        lawyer,
        case.case_number,
        licence=(io.BytesIO(b"<html>hi</html>"), "x.pdf"),
        _expected_status=400,
    )
    assert "Its content decides" in fake.text
    assert db.session.scalar(sa.select(sa.func.count(CaseBinding.id))) == 0


def test_binding_review_delivery_download_and_expiry(app):
    case = make_case()
    lawyer_account = make_lawyer()
    lawyer = _lawyer(app, lawyer_account)
    _bind(lawyer, case.case_number)
    binding = db.session.scalar(sa.select(CaseBinding))
    assert binding.status == BindingStatus.REQUESTED and len(binding.documents) == 3
    again = _bind(lawyer, case.case_number, _expected_status=400)
    assert "You have already asked to be bound to this case." in again.text

    staff = _staff(app)
    page = staff.get("lawyers_admin.show_binding", binding_id=binding.id)
    assert _decision_forms(page, binding) == ["approve", "reject"]
    document = binding.documents[0]
    staff.get("lawyers_admin.download_document", binding_id=binding.id, document_id=document.id)
    assert staff.response.data == PDF
    [viewed] = audit.history(binding)[1:]  # after "binding.requested"
    assert (viewed.code, viewed.detail) == ("binding.document_viewed", f"document={document.id}")
    staff.post(
        "lawyers_admin.approve_binding",
        binding_id=binding.id,
        _expected_redirect="lawyers_admin.show_binding",
        _redirect_values={"binding_id": binding.id},
    )
    page = staff.get("lawyers_admin.show_binding", binding_id=binding.id)
    assert _decision_forms(page, binding) == []
    _deliver(staff, binding)
    delivery = db.session.scalar(sa.select(CaseFileDelivery))

    # The lawyer downloads; the download is in the audit trail.
    assert "电子卷宗.pdf" in lawyer.get("lawyers.show_binding", binding_id=binding.id).text
    lawyer.get("lawyers.download_case_file", delivery_id=delivery.id)
    assert lawyer.response.data == PDF
    assert lawyer.response.headers["Cache-Control"] == "private, no-store"
    logged = _downloads()
    assert [(e.subject_kind, e.subject_id) for e in logged] == [("delivery", str(delivery.id))]
    assert logged[0].details == {"lawyer": str(lawyer_account.id)}

    # Another lawyer cannot; and after the period nobody can.
    _lawyer(app).get("lawyers.download_case_file", delivery_id=delivery.id, _expected_status=404)
    with clock.frozen(clock.now() + timedelta(days=3, minutes=1)):
        lawyer = _lawyer(app, lawyer_account)  # the earlier login has long ended
        lawyer.get(
            "lawyers.download_case_file",
            delivery_id=delivery.id,
            _expected_status=302,
            _expected_redirect="lawyers.show_binding",
            _redirect_values={"binding_id": binding.id},
        )
    assert len(_downloads()) == 1


def test_a_decided_binding_cannot_be_decided_again(app):
    case = make_case()
    _bind(_lawyer(app), case.case_number)
    binding = db.session.scalar(sa.select(CaseBinding))
    staff = _staff(app, Role.CLERK)
    staff.client.set_cookie("portal_locale", "en")
    staff.post("lawyers_admin.approve_binding", binding_id=binding.id)
    page = staff.post("lawyers_admin.approve_binding", binding_id=binding.id, _expected_status=409)
    assert "This request has been decided already." in page.text
    assert [e.code for e in audit.history(binding)] == ["binding.requested", "binding.approved"]


def test_a_leader_may_look_but_not_decide(app):
    case = make_case()
    _bind(_lawyer(app), case.case_number)
    binding = db.session.scalar(sa.select(CaseBinding))
    leader = _staff(app, Role.LEADER)
    page = leader.get("lawyers_admin.show_binding", binding_id=binding.id)
    assert _decision_forms(page, binding) == []
    leader.post("lawyers_admin.approve_binding", binding_id=binding.id, _expected_status=403)
    assert db.session.get(CaseBinding, binding.id).status == "requested"


def test_a_rejected_binding_shows_the_reason_and_may_be_asked_again(app):
    case = make_case()
    lawyer = _lawyer(app)
    _bind(lawyer, case.case_number)
    binding = db.session.scalar(sa.select(CaseBinding))
    staff = _staff(app, Role.CLERK)
    staff.post(
        "lawyers_admin.reject_binding",
        binding_id=binding.id,
        _data={"reject-csrf_token": staff.csrf_token(), "reject-reason": "委托书缺少委托人签名"},
        _expected_redirect="lawyers_admin.show_binding",
        _redirect_values={"binding_id": binding.id},
    )
    assert "委托书缺少委托人签名" in lawyer.get("lawyers.show_binding", binding_id=binding.id).text
    _bind(lawyer, case.case_number)


def test_excluded_cases_refuse_online_reading_and_offer_an_appointment(app):
    juvenile = make_case(category="juvenile")
    restricted = make_case(category="other_restricted")
    lawyer = _lawyer(app)
    admin = _staff(app, Role.ADMIN)
    page = admin.get("lawyers_admin.edit_exclusions")
    # The law's categories are listed as such and cannot be chosen (nor removed).
    choices = [option["value"] for option in page.select("select[name=category] option")]
    assert choices == ["", "ordinary", "other_restricted"]
    admin.post(
        "lawyers_admin.edit_exclusions",
        _data={
            "category": "other_restricted",
            "reason": "本院规定：涉及国家安全的案件不提供互联网阅卷。",
        },
        _expected_redirect="lawyers_admin.edit_exclusions",
    )
    staff = _staff(app)
    staff.client.set_cookie("portal_locale", "en")
    for case, words in ((juvenile, "Juvenile cases are not read online"),
                        (restricted, "涉及国家安全的案件不提供互联网阅卷")):  # fmt: skip
        _bind(lawyer, case.case_number)
        binding = db.session.scalar(sa.select(CaseBinding).where(CaseBinding.case_id == case.id))
        staff.post("lawyers_admin.approve_binding", binding_id=binding.id)
        page = staff.get("lawyers_admin.show_binding", binding_id=binding.id)
        assert words in page.text
        assert not page.find("form", action=url("lawyers_admin.deliver_case_file",
                                                 binding_id=binding.id))  # fmt: skip
        # Posted all the same, the delivery is refused with the reason.
        refused = _deliver(staff, binding, name="卷宗.pdf", _expected_status=409)
        assert words in refused.text
        assert db.session.scalar(sa.select(sa.func.count(CaseFileDelivery.id))) == 0
        page = lawyer.get("lawyers.show_binding", binding_id=binding.id)
        assert words in page.text
        assert page.find(
            "a",
            href=url("appointments.new_booking", service="file_reading",
                     case_number=case.case_number),
        )  # fmt: skip
    # The admin's list is editable: removing the category allows it again.
    admin.post(
        "lawyers_admin.delete_exclusion",
        category="other_restricted",
        _expected_redirect="lawyers_admin.edit_exclusions",
    )
    binding = db.session.scalar(sa.select(CaseBinding).where(CaseBinding.case_id == restricted.id))
    page = lawyer.get("lawyers.show_binding", binding_id=binding.id)
    assert "涉及国家安全" not in page.text
