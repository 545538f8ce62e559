"""Staff work on cases: entry with validation, editing, stage changes, query codes, roles."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest

from portal.cases.models import Case, CaseQueryGrant, CaseStageChange
from portal.core import codes
from portal.core.audit import AuditEvent
from portal.core.permissions import Role
from portal.extensions import db
from tests.cases.factories import make_case, make_grant
from tests.factories import login, make_user
from tests.web import url

VALID = {
    "case_number": "示检刑诉受〔2026〕15号",
    "cause_of_action": "盗窃罪",
    "procuratorate": "示例市人民检察院",
    "department": "第一检察部",
    "accepted_on": "2026-03-02",
    "time_limit_on": "2026-04-01",
    "stage": "received",
    "category": "ordinary",
    "result": "",
    "coercive_measures": "取保候审",
    "seized_property": "",
}


@pytest.fixture
def clerk(client_request, frozen_now):
    client_request.client.set_cookie("portal_locale", "en")
    user = make_user(Role.CLERK)
    login(client_request.client, user)
    return user


def events(code):
    return db.session.query(AuditEvent).filter_by(code=code).order_by(AuditEvent.id).all()


def html(client_request) -> str:
    return client_request.response.get_data(as_text=True)


def new_case(client_request, data, _expected_status=302):
    return client_request.post(
        "cases_admin.new_case", _data=data, _expected_status=_expected_status
    )


def test_a_clerk_enters_a_case(client_request, clerk):
    new_case(client_request, VALID)
    case = db.session.query(Case).one()
    location = urlsplit(client_request.response.location).path
    assert location == url("cases_admin.show_case", case_id=case.id)
    assert (case.stage, case.accepted_on, case.time_limit_on) == (
        "received",
        date(2026, 3, 2),
        date(2026, 4, 1),
    )
    assert [(c.stage, c.changed_on) for c in case.stage_changes] == [("received", date(2026, 3, 2))]
    [event] = events("case.created")
    assert event.actor_id == clerk.id
    assert (event.subject_kind, event.subject_id) == ("case", str(case.id))
    page = client_request.get("cases_admin.show_case", case_id=case.id)
    assert page.h1.get_text(strip=True) == f"Case {case.case_number}"


def test_the_case_number_is_stored_in_its_one_form(client_request, clerk):
    new_case(client_request, {**VALID, "case_number": " 示检刑诉受[２０２６]００７ "})
    assert db.session.query(Case).one().case_number == "示检刑诉受〔2026〕7号"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("case_number", "", "Enter the case number."),
        ("case_number", "2026-15", "Enter the case number as it is written on the case documents"),
        (
            "case_number",
            "示检刑诉受〔2027〕1号",
            "The year in the case number cannot be later than",
        ),
        ("case_number", "示" * 61, "Use at most 60 characters."),
        ("cause_of_action", "", "Enter the cause of action."),
        ("cause_of_action", "盗" * 201, "Use at most 200 characters."),
        ("procuratorate", "", "Enter the procuratorate that handles the case."),
        ("department", "", "Enter the department that handles the case."),
        ("accepted_on", "", "Enter the date of acceptance as year-month-day."),
        ("accepted_on", "2026-13-01", "Enter the date as year-month-day, like 2026-03-05."),
        ("accepted_on", "2026-12-01", "The date of acceptance cannot be in the future."),
        ("time_limit_on", "yesterday", "Enter the date as year-month-day, like 2026-03-05."),
        ("time_limit_on", "2026-03-01", "The time limit cannot be before the date of acceptance."),
        ("stage", "", "Choose the stage the case is in."),
        ("stage", "sentenced", "Choose one of the listed stages."),
        ("category", "secret", "Choose one of the listed categories."),
        ("result", "x\x00y", "Remove the invisible control characters from this text."),
        ("coercive_measures", "x" * 2001, "Use at most 2000 characters."),
    ],
)
def test_each_rule_has_its_message_and_the_values_are_kept(
    client_request, clerk, field, value, message
):
    page = new_case(client_request, {**VALID, field: value}, _expected_status=400)
    assert message in page.text
    assert page.find("a", href=f"#{field}")  # the summary links to the field
    assert page.find(attrs={"name": field, "aria-invalid": "true"})
    assert page.title.get_text().startswith("Error:")
    if field != "department":  # what was typed stays
        assert page.find("input", attrs={"name": "department"})["value"] == "第一检察部"
    assert db.session.query(Case).count() == 0


def test_dates_may_be_typed_the_way_excel_writes_them(client_request, clerk):
    new_case(client_request, {**VALID, "accepted_on": "2026/3/2", "time_limit_on": "2026年4月1日"})
    case = db.session.query(Case).one()
    assert (case.accepted_on, case.time_limit_on) == (date(2026, 3, 2), date(2026, 4, 1))


def test_a_case_number_can_be_entered_once(client_request, clerk):
    make_case(case_number=VALID["case_number"])
    page = new_case(client_request, VALID, _expected_status=400)
    assert "A case with the number 示检刑诉受〔2026〕15号 is already recorded." in page.text


def test_editing_changes_the_details_but_not_the_stage(client_request, clerk):
    case = make_case()
    page = client_request.get("cases_admin.edit_case", case_id=case.id)
    assert not page.find(attrs={"name": "stage"})
    assert page.find("input", attrs={"name": "cause_of_action"})["value"] == case.cause_of_action
    data = {**VALID, "case_number": case.case_number, "result": "决定不起诉", "stage": "closed"}
    client_request.post(
        "cases_admin.edit_case",
        case_id=case.id,
        _data=data,
        _expected_redirect="cases_admin.show_case",
        _redirect_values={"case_id": case.id},
    )
    db.session.refresh(case)
    assert case.result == "决定不起诉" and case.stage == "received"
    [event] = events("case.updated")
    assert "result" in event.detail and "stage" not in event.detail


def test_editing_refuses_another_case_s_number(client_request, clerk):
    case, other = make_case(), make_case()
    page = client_request.post(
        "cases_admin.edit_case",
        case_id=case.id,
        _data={**VALID, "case_number": other.case_number},
        _expected_status=400,
    )
    assert "is already recorded" in page.text


def change_stage(client_request, case, _expected_status=302, **data):
    return client_request.post(
        "cases_admin.change_stage", case_id=case.id, _data=data, _expected_status=_expected_status
    )


def test_stage_changes_build_the_timeline(client_request, clerk):
    case = make_case()
    change_stage(client_request, case, stage="arrest_review", changed_on="2026-03-05",
                 note="提请批准逮捕")  # fmt: skip
    assert urlsplit(client_request.response.location).path == url(
        "cases_admin.show_case", case_id=case.id
    )
    change_stage(client_request, case, stage="prosecution_review", changed_on="2026-04-01")
    db.session.refresh(case)
    assert case.stage == "prosecution_review"
    assert [c.stage for c in case.stage_changes] == ["received", "arrest_review",
                                                     "prosecution_review"]  # fmt: skip
    [first, _second] = events("case.stage_changed")
    assert (first.from_state, first.to_state) == ("received", "arrest_review")


@pytest.mark.parametrize(
    "data, message, status",
    [
        ({"stage": "", "changed_on": "2026-03-05"}, "Choose the new stage.", 400),
        ({"stage": "indicted", "changed_on": ""}, "Enter the date the case entered this stage.",
         400),
        ({"stage": "received", "changed_on": "2026-03-05"}, "The case is already at this stage.",
         409),
        ({"stage": "indicted", "changed_on": "2026-12-01"}, "The date cannot be in the future.",
         409),
        ({"stage": "indicted", "changed_on": "2026-03-01"}, "The date cannot be before", 409),
    ],
)  # fmt: skip
def test_stage_change_rules(client_request, clerk, data, message, status):
    case = make_case()
    page = change_stage(client_request, case, _expected_status=status, **data)
    assert message in page.text
    assert db.session.query(CaseStageChange).count() == 1


def issue(client_request, case, *, _expected_status=400, **data):
    fields = {"person_name": "张某某", "relation": "defender", "verification": "lawyer_papers",
              "verification_note": "", "confirm": "y", **data}  # fmt: skip
    tokens = client_request.form_fields("cases_admin.issue_query_code", case_id=case.id)
    return client_request.post(
        "cases_admin.issue_query_code",
        case_id=case.id,
        _data={**tokens, **fields},
        _expected_status=_expected_status,
    )


def test_a_query_code_is_shown_once_and_stored_hashed(client_request, clerk):
    case = make_case()
    tokens = client_request.form_fields("cases_admin.issue_query_code", case_id=case.id)
    assert set(tokens) == {"csrf_token", "submission_key"}
    fields = {"person_name": "王律师", "relation": "defender", "verification": "lawyer_papers",
              "confirm": "y"}  # fmt: skip

    def post():
        return client_request.post(
            "cases_admin.issue_query_code",
            case_id=case.id,
            _data={**tokens, **fields},
            _expected_status=200,
        )

    page = post()
    assert client_request.response.headers["Cache-Control"] == "no-store"
    grant = db.session.query(CaseQueryGrant).one()
    shown = page.find(id="query-code").get_text()
    code = codes.normalise_code(shown)
    assert len(code) == 14 and set(code) <= set(codes.CODE_ALPHABET)
    assert codes.check_code(grant.code_hash, code).matches and code not in grant.code_hash
    assert grant.code_tag == code[:2] and grant.issued_by_id == clerk.id
    # The same form again (a double-click, a reload) issues nothing and shows no code.
    repeat = post()
    assert db.session.query(CaseQueryGrant).count() == 1
    assert shown not in str(repeat) and "already submitted" in repeat.text
    [event] = events("case.query_code_issued")
    assert "王律师" not in event.detail and f"grant={grant.id}" in event.detail
    page = client_request.get("cases_admin.show_case", case_id=case.id)
    assert "王律师" in page.text and shown not in html(client_request)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"person_name": ""}, "full name."),
        ({"relation": ""}, "Choose how the person relates to the case."),
        ({"relation": "friend"}, "Choose how the person relates to the case."),
        ({"verification": ""}, "Choose how you verified who the person is."),
        ({"verification": "other"}, "Describe how you verified who the person is."),
        ({"confirm": ""}, "Confirm that you checked the person and their papers."),
    ],
)
def test_issuing_a_code_needs_a_checked_person(client_request, clerk, data, message):
    case = make_case()
    page = issue(client_request, case, **data)
    assert message in page.text
    assert db.session.query(CaseQueryGrant).count() == 0


def test_revoking_a_code(client_request, clerk):
    case = make_case()
    grant, _code = make_grant(case, person_name="赵某")

    def revoke(on_case, **kwargs):
        return client_request.post(
            "cases_admin.revoke_grant", case_id=on_case.id, grant_id=grant.id, **kwargs
        )

    revoke(case, _expected_redirect="cases_admin.show_case", _redirect_values={"case_id": case.id})
    db.session.refresh(grant)
    assert grant.revoked_at is not None and grant.revoked_by_id == clerk.id
    assert len(events("case.query_code_revoked")) == 1
    again = revoke(case, _follow_redirects=True, _expected_status=200)
    assert "already revoked" in again.text
    assert len(events("case.query_code_revoked")) == 1
    revoke(make_case(), _expected_status=404)  # the grant is not the other case's


def test_search_by_case_number(client_request, clerk):
    make_case(case_number="示检刑诉受〔2026〕101号")
    make_case(case_number="京检一部刑诉〔2026〕12号")
    text = client_request.get("cases_admin.list_cases", q="京检").text
    assert "京检一部刑诉〔2026〕12号" in text and "示检刑诉受〔2026〕101号" not in text
    text = client_request.get("cases_admin.list_cases", q="[2026]101").text
    assert "示检刑诉受〔2026〕101号" in text and "京检一部" not in text
    assert "No case matches." in client_request.get("cases_admin.list_cases", q="%").text


def links_and_forms(page) -> set[str]:
    """Every place a page lets its reader go or post to."""
    return {a["href"] for a in page.find_all("a", href=True)} | {
        form["action"] for form in page.find_all("form", action=True)
    }


def test_a_leader_reads_but_does_not_change(client_request, frozen_now):
    case = make_case()
    grant, _code = make_grant(case)
    login(client_request.client, make_user(Role.LEADER))
    page = client_request.get("cases_admin.list_cases")
    offered = links_and_forms(page)
    assert url("cases_admin.new_case") not in offered
    assert url("cases_admin.import_cases") not in offered
    offered = links_and_forms(client_request.get("cases_admin.show_case", case_id=case.id))
    for endpoint, values in [
        ("cases_admin.change_stage", {"case_id": case.id}),
        ("cases_admin.edit_case", {"case_id": case.id}),
        ("cases_admin.issue_query_code", {"case_id": case.id}),
        ("cases_admin.revoke_grant", {"case_id": case.id, "grant_id": grant.id}),
    ]:
        assert url(endpoint, **values) not in offered, endpoint
    for endpoint, values in [
        ("cases_admin.new_case", {}),
        ("cases_admin.import_cases", {}),
        ("cases_admin.edit_case", {"case_id": case.id}),
        ("cases_admin.issue_query_code", {"case_id": case.id}),
    ]:
        client_request.get(endpoint, _expected_status=403, **values)
    client_request.post("cases_admin.change_stage", case_id=case.id, _expected_status=403)
    client_request.post(
        "cases_admin.revoke_grant", case_id=case.id, grant_id=grant.id, _expected_status=403
    )


def test_a_clerk_is_offered_every_change(client_request, clerk):
    case = make_case()
    grant, _code = make_grant(case)
    offered = links_and_forms(client_request.get("cases_admin.list_cases"))
    assert {url("cases_admin.new_case"), url("cases_admin.import_cases")} <= offered
    offered = links_and_forms(client_request.get("cases_admin.show_case", case_id=case.id))
    assert {
        url("cases_admin.change_stage", case_id=case.id),
        url("cases_admin.edit_case", case_id=case.id),
        url("cases_admin.issue_query_code", case_id=case.id),
        url("cases_admin.revoke_grant", case_id=case.id, grant_id=grant.id),
    } <= offered


@pytest.mark.parametrize("role", [Role.PUBLISHER, Role.ADMIN])
def test_publishers_and_admins_are_refused(client_request, role):
    login(client_request.client, make_user(role))
    client_request.get("cases_admin.list_cases", _expected_status=403)


@pytest.mark.parametrize("role", [Role.CLERK, Role.HANDLER])
def test_clerks_and_handlers_manage_cases(client_request, role, frozen_now):
    login(client_request.client, make_user(role))
    for endpoint in ("cases_admin.list_cases", "cases_admin.new_case", "cases_admin.import_cases"):
        client_request.get(endpoint)  # 200 with one h1


def test_every_case_page_has_one_h1_and_its_forms_a_csrf_token(client_request, clerk):
    case = make_case()
    make_grant(case)
    for endpoint, values in [
        ("cases_admin.list_cases", {}),
        ("cases_admin.new_case", {}),
        ("cases_admin.import_cases", {}),
        ("cases_admin.show_case", {"case_id": case.id}),
        ("cases_admin.edit_case", {"case_id": case.id}),
        ("cases_admin.issue_query_code", {"case_id": case.id}),
        ("cases.lookup", {}),
    ]:
        page = client_request.get(endpoint, **values)  # 200 with one h1
        assert page.find("input", attrs={"name": "csrf_token"}), endpoint
