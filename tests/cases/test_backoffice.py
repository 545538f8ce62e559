"""Staff work on cases: entry with validation, editing, stage changes, query codes, roles."""

from __future__ import annotations

from datetime import date

import pytest

from portal.cases.models import Case, CaseQueryGrant, CaseStageChange
from portal.core import codes
from portal.core.audit import AuditEvent
from portal.core.permissions import Role
from portal.extensions import db
from tests.cases.factories import make_case, make_grant
from tests.factories import form_tokens, h1, login, make_user, submit_form

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
def clerk(client, frozen_now):
    client.set_cookie("portal_locale", "en")
    user = make_user(Role.CLERK)
    login(client, user)
    return user


def events(code):
    return db.session.query(AuditEvent).filter_by(code=code).order_by(AuditEvent.id).all()


def test_a_clerk_enters_a_case(client, clerk):
    response = submit_form(client, "/staff/cases/new", VALID)
    assert response.status_code == 302
    case = db.session.query(Case).one()
    assert response.location.endswith(f"/staff/cases/{case.id}")
    assert (case.stage, case.accepted_on, case.time_limit_on) == (
        "received",
        date(2026, 3, 2),
        date(2026, 4, 1),
    )
    assert [(c.stage, c.changed_on) for c in case.stage_changes] == [("received", date(2026, 3, 2))]
    [event] = events("case.created")
    assert event.actor_id == clerk.id and (event.subject_kind, event.subject_id) == (
        "case",
        str(case.id),
    )
    page = client.get(response.location)
    assert page.status_code == 200 and h1(page.get_data(as_text=True)) == f"Case {case.case_number}"


def test_the_case_number_is_stored_in_its_one_form(client, clerk):
    submit_form(
        client, "/staff/cases/new", {**VALID, "case_number": " 示检刑诉受[２０２６]００７ "}
    )
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
def test_each_rule_has_its_message_and_the_values_are_kept(client, clerk, field, value, message):
    response = submit_form(client, "/staff/cases/new", {**VALID, field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert f'href="#{field}"' in html  # the summary links to the field
    assert 'aria-invalid="true"' in html
    assert "<title>Error:" in html
    assert 'value="第一检察部"' in html or field == "department"  # what was typed stays
    assert db.session.query(Case).count() == 0


def test_dates_may_be_typed_the_way_excel_writes_them(client, clerk):
    submit_form(client, "/staff/cases/new", {**VALID, "accepted_on": "2026/3/2",
                                             "time_limit_on": "2026年4月1日"})  # fmt: skip
    case = db.session.query(Case).one()
    assert (case.accepted_on, case.time_limit_on) == (date(2026, 3, 2), date(2026, 4, 1))


def test_a_case_number_can_be_entered_once(client, clerk):
    make_case(case_number=VALID["case_number"])
    response = submit_form(client, "/staff/cases/new", VALID)
    assert response.status_code == 400
    assert (
        "A case with the number 示检刑诉受〔2026〕15号 is already recorded."
        in response.get_data(as_text=True)
    )


def test_editing_changes_the_details_but_not_the_stage(client, clerk):
    case = make_case()
    page = client.get(f"/staff/cases/{case.id}/edit").get_data(as_text=True)
    assert 'name="stage"' not in page and case.cause_of_action in page
    data = {**VALID, "case_number": case.case_number, "result": "决定不起诉", "stage": "closed"}
    response = submit_form(client, f"/staff/cases/{case.id}/edit", data)
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.result == "决定不起诉" and case.stage == "received"
    [event] = events("case.updated")
    assert "result" in event.detail and "stage" not in event.detail


def test_editing_refuses_another_case_s_number(client, clerk):
    case, other = make_case(), make_case()
    data = {**VALID, "case_number": other.case_number}
    response = submit_form(client, f"/staff/cases/{case.id}/edit", data)
    assert response.status_code == 400 and "is already recorded" in response.get_data(as_text=True)


def change_stage(client, case, **data):
    url = f"/staff/cases/{case.id}"
    tokens = form_tokens(client, url)
    return client.post(f"{url}/stage", data={**tokens, **data})


def test_stage_changes_build_the_timeline(client, clerk):
    case = make_case()
    response = change_stage(client, case, stage="arrest_review", changed_on="2026-03-05",
                            note="提请批准逮捕")  # fmt: skip
    assert response.status_code == 302
    change_stage(client, case, stage="prosecution_review", changed_on="2026-04-01")
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
def test_stage_change_rules(client, clerk, data, message, status):
    case = make_case()
    response = change_stage(client, case, **data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert db.session.query(CaseStageChange).count() == 1


def issue(client, case, **data):
    fields = {"person_name": "张某某", "relation": "defender", "verification": "lawyer_papers",
              "verification_note": "", "confirm": "y", **data}  # fmt: skip
    return submit_form(client, f"/staff/cases/{case.id}/grants/new", fields)


def test_a_query_code_is_shown_once_and_stored_hashed(client, clerk):
    case = make_case()
    url = f"/staff/cases/{case.id}/grants/new"
    tokens = form_tokens(client, url)
    fields = {"person_name": "王律师", "relation": "defender", "verification": "lawyer_papers",
              "confirm": "y"}  # fmt: skip
    response = client.post(url, data={**tokens, **fields})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    grant = db.session.query(CaseQueryGrant).one()
    shown = html.split('id="query-code">')[1].split("<")[0]
    code = codes.normalise_code(shown)
    assert len(code) == 14 and set(code) <= set(codes.CODE_ALPHABET)
    assert codes.code_matches(grant.code_hash, code) and code not in grant.code_hash
    assert grant.code_tag == code[:2] and grant.issued_by_id == clerk.id
    # The same form again (a double-click, a reload) issues nothing and shows no code.
    repeat = client.post(url, data={**tokens, **fields}).get_data(as_text=True)
    assert db.session.query(CaseQueryGrant).count() == 1
    assert shown not in repeat and "already submitted" in repeat
    [event] = events("case.query_code_issued")
    assert "王律师" not in event.detail and f"grant={grant.id}" in event.detail
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "王律师" in page and shown not in page


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
def test_issuing_a_code_needs_a_checked_person(client, clerk, data, message):
    case = make_case()
    response = issue(client, case, **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.query(CaseQueryGrant).count() == 0


def test_revoking_a_code(client, clerk):
    case = make_case()
    grant, _code = make_grant(case, person_name="赵某")
    url = f"/staff/cases/{case.id}/grants/{grant.id}/revoke"
    tokens = form_tokens(client, f"/staff/cases/{case.id}")
    assert client.post(url, data=tokens).status_code == 302
    db.session.refresh(grant)
    assert grant.revoked_at is not None and grant.revoked_by_id == clerk.id
    assert len(events("case.query_code_revoked")) == 1
    again = client.post(url, data=tokens, follow_redirects=True).get_data(as_text=True)
    assert "already revoked" in again
    other = make_case()
    assert client.post(f"/staff/cases/{other.id}/grants/{grant.id}/revoke",
                       data=tokens).status_code == 404  # fmt: skip


def test_search_by_case_number(client, clerk):
    make_case(case_number="示检刑诉受〔2026〕101号")
    make_case(case_number="京检一部刑诉〔2026〕12号")
    html = client.get("/staff/cases/?q=京检").get_data(as_text=True)
    assert "京检一部刑诉〔2026〕12号" in html and "示检刑诉受〔2026〕101号" not in html
    html = client.get("/staff/cases/?q=[2026]101").get_data(as_text=True)
    assert "示检刑诉受〔2026〕101号" in html and "京检一部" not in html
    assert "No case matches." in client.get("/staff/cases/?q=%25").get_data(as_text=True)


def test_a_leader_reads_but_does_not_change(client, frozen_now):
    case = make_case()
    grant, _code = make_grant(case)
    leader = make_user(Role.LEADER)
    login(client, leader)
    assert client.get("/staff/cases/").status_code == 200
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "/stage" not in page and "/revoke" not in page and "/grants/new" not in page
    for url in ("/staff/cases/new", "/staff/cases/import", f"/staff/cases/{case.id}/edit",
                f"/staff/cases/{case.id}/grants/new"):  # fmt: skip
        assert client.get(url).status_code == 403, url
    token = form_tokens(client, f"/staff/cases/{case.id}")
    for url in (f"/staff/cases/{case.id}/stage",
                f"/staff/cases/{case.id}/grants/{grant.id}/revoke"):  # fmt: skip
        assert client.post(url, data=token).status_code == 403, url


@pytest.mark.parametrize("role", [Role.PUBLISHER, Role.ADMIN])
def test_publishers_and_admins_are_refused(client, role):
    login(client, make_user(role))
    assert client.get("/staff/cases/").status_code == 403


@pytest.mark.parametrize("role", [Role.CLERK, Role.HANDLER])
def test_clerks_and_handlers_manage_cases(client, role, frozen_now):
    login(client, make_user(role))
    for url in ("/staff/cases/", "/staff/cases/new", "/staff/cases/import"):
        response = client.get(url)
        assert response.status_code == 200, url
        h1(response.get_data(as_text=True))


def test_every_case_page_has_one_h1_and_its_forms_a_csrf_token(client, clerk):
    case = make_case()
    make_grant(case)
    for url in ("/staff/cases/", "/staff/cases/new", "/staff/cases/import",
                f"/staff/cases/{case.id}", f"/staff/cases/{case.id}/edit",
                f"/staff/cases/{case.id}/grants/new", "/cases/query"):  # fmt: skip
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        h1(html)
        assert 'name="csrf_token"' in html, url
