"""The public case query: only a verified person's own code opens a case, every failure gets the
same answer after the same work, numbers lock, clients are rate-limited, nothing else leaks."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from portal.cases import services
from portal.core import clock, codes
from portal.core.lookups import LookupLock
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import services as petition_services
from tests.cases.factories import make_case, make_grant
from tests.factories import csrf_token, make_user, submit_form


@pytest.fixture
def english(client, frozen_now):
    client.set_cookie("portal_locale", "en")
    return client


def look_up(client, number, code):
    return submit_form(client, "/cases/query", {"case_number": number, "query_code": code})


def without_values(response):
    return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))


def test_number_and_code_open_the_case_page(english):
    case = make_case(
        cause_of_action="故意伤害罪",
        time_limit_on=date(2026, 4, 2),
        result="本院于2026年3月20日决定提起公诉",
        coercive_measures="2026年3月3日起取保候审",
        seized_property="扣押手机一部",
    )
    services.change_stage(
        case, make_user(Role.HANDLER), stage="prosecution_review", changed_on=date(2026, 3, 10),
        note="移送审查起诉",
    )  # fmt: skip
    db.session.commit()
    _grant, code = make_grant(case)
    response = look_up(english, case.case_number, codes.format_code(code).lower())
    assert response.status_code == 302
    assert response.location.endswith(f"/cases/{case.id}")
    assert code not in response.location
    page = english.get(response.location)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    for shown in (
        case.case_number, "故意伤害罪", "第一检察部", "取保候审", "扣押手机一部",
        "本院于2026年3月20日决定提起公诉", "Review for prosecution", "Received", "移送审查起诉",
        "Mar 2, 2026", "Apr 2, 2026",
    ):  # fmt: skip
        assert shown in html, shown
    assert code not in html and codes.format_code(code) not in html


def test_the_case_number_may_be_typed_with_other_brackets_and_digits(english):
    case = make_case(case_number="京检一部刑诉〔2026〕12号")
    _grant, code = make_grant(case)
    assert look_up(english, " 京检一部刑诉［２０２６］０１２ ", code).status_code == 302


def test_unknown_case_and_wrong_code_get_the_same_answer(english):
    case = make_case()
    _grant, code = make_grant(case)
    wrong = look_up(english, case.case_number, "2345-6789-ABCD-EF")
    unknown = look_up(english, "示检刑诉受〔2026〕999号", code)
    no_grant = look_up(english, make_case().case_number, code)
    assert wrong.status_code == unknown.status_code == no_grant.status_code == 400
    assert without_values(wrong) == without_values(unknown) == without_values(no_grant)
    assert "We found no case with this case number and query code." in without_values(wrong)
    assert wrong.headers["Cache-Control"] == "no-store"


def test_every_failure_costs_one_hash_verification(english, monkeypatch):
    """The same work for an unknown number, a case without codes and a case with many codes,
    so that timing does not tell whether a case exists or how many people may query it."""
    case = make_case()
    tags = {make_grant(case, relation=r)[0].code_tag for r in ("party", "defender", "agent")}
    tag = next(a + b for a in codes.CODE_ALPHABET for b in codes.CODE_ALPHABET if a + b not in tags)
    wrong = tag + "6789ABCDEFGH"  # no grant shares its first characters: no real hash to try
    calls = []
    real = codes.code_matches
    monkeypatch.setattr(codes, "code_matches", lambda *a: calls.append(1) or real(*a))
    for number in (case.case_number, "示检刑诉受〔2026〕999号", make_case().case_number):
        calls.clear()
        assert services.find_for_query(number, wrong) is None
        assert len(calls) == 1, number
    db.session.rollback()


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "2026-1",
        "示检刑诉受2026年1号",
        "示检刑诉受〔26〕1号",
        "示〔2026〕1号",
        "示检刑诉受〔2026〕0号",
        "' OR 1=1 --",
        "示检刑诉受〔2026〕1号\x00",
        "<script>alert(1)</script>",
    ],
)
def test_malformed_case_numbers_get_a_clear_message(english, typed):
    response = look_up(english, typed, "2345-6789-ABCD-EF")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the case number as it is written on the case documents" in html
    assert "<script>alert(1)</script>" not in html
    assert db.session.query(LookupLock).count() == 0  # not a lookup: nothing counted


def test_a_too_long_case_number_and_empty_fields_get_their_own_messages(english):
    long = look_up(english, "示" * 61 + "〔2026〕1号", "x")
    assert long.status_code == 400
    assert "Use at most 60 characters." in long.get_data(as_text=True)
    empty = look_up(english, "", "").get_data(as_text=True)
    assert "Enter the case number." in empty and "Enter your query code." in empty


def test_repeated_wrong_codes_lock_the_number_even_for_the_right_code(english, app):
    case = make_case()
    _grant, code = make_grant(case)
    for _ in range(app.config["LOOKUP_MAX_FAILURES"]):
        assert look_up(english, case.case_number, "2345-6789-ABCD-EF").status_code == 400
    locked = look_up(english, case.case_number, code)
    assert locked.status_code == 400
    assert "Too many wrong attempts for this case number" in locked.get_data(as_text=True)
    # Another case is not affected, nor a petition lookup.
    other = make_case()
    _other_grant, other_code = make_grant(other)
    assert look_up(english, other.case_number, other_code).status_code == 302


def test_unknown_numbers_lock_too_and_the_lock_expires(english, app, frozen_now):
    number = "示检刑诉受〔2026〕777号"
    for _ in range(app.config["LOOKUP_MAX_FAILURES"]):
        look_up(english, number, "2345-6789-ABCD-EF")
    with pytest.raises(services.LookupLocked):
        services.find_for_query("示检刑诉受[2026]777", "ANYCODE")
    with clock.frozen(frozen_now + timedelta(minutes=app.config["LOOKUP_LOCK_MINUTES"] + 1)):
        assert services.find_for_query(number, "2345-6789-ABCD-EF") is None
    db.session.rollback()


def test_the_case_and_petition_lookups_count_separately(english, app):
    case = make_case()
    _grant, code = make_grant(case)
    for _ in range(app.config["LOOKUP_MAX_FAILURES"]):
        petition_services.find_for_petitioner(case.case_number, "WRONGCODE234")
    db.session.commit()
    assert look_up(english, case.case_number, code).status_code == 302


def test_lookups_are_rate_limited_per_client(english, app):
    app.config["LOOKUP_LIMIT"] = "3 per minute"
    try:
        statuses = [
            look_up(english, f"示检刑诉受〔2026〕{900 + i}号", "2345-6789-ABCD-EF").status_code
            for i in range(4)
        ]
    finally:
        app.config["LOOKUP_LIMIT"] = "1000 per minute"
    assert statuses == [400, 400, 400, 429]


def test_the_page_needs_the_code_in_this_session(english, app):
    case = make_case()
    _grant, code = make_grant(case)
    assert english.get(f"/cases/{case.id}").status_code == 302
    other = app.test_client()
    look_up(other, case.case_number, code)
    assert other.get(f"/cases/{case.id}").status_code == 200
    assert english.get(f"/cases/{case.id}").status_code == 302


def test_a_code_opens_only_its_own_case(english):
    mine, theirs = make_case(), make_case()
    _grant, my_code = make_grant(mine)
    make_grant(theirs)
    assert look_up(english, theirs.case_number, my_code).status_code == 400
    look_up(english, mine.case_number, my_code)
    assert english.get(f"/cases/{theirs.id}").status_code == 302


def test_the_page_shows_no_personal_data_other_grants_or_internal_records(english):
    case = make_case(category="juvenile")
    _mine, code = make_grant(case, person_name="张三丰")
    other, _ = make_grant(case, person_name="李四光", relation="defender")
    other.verification_note = "律师证号 11101200910123456"
    db.session.commit()
    look_up(english, case.case_number, code)
    html = english.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Party to the case" in html  # the viewer's own relation, not their name
    for private in (
        "张三丰",
        "李四光",
        "11101200910123456",
        "Defender",
        "Juvenile",
        "clerk",
        "Case query code issued",
    ):
        assert private not in html, private


def test_a_revoked_code_stops_working_at_once(english):
    case = make_case()
    grant, code = make_grant(case)
    look_up(english, case.case_number, code)
    assert english.get(f"/cases/{case.id}").status_code == 200
    services.revoke_grant(grant, make_user(Role.HANDLER))
    db.session.commit()
    assert english.get(f"/cases/{case.id}").status_code == 302  # the open page shuts
    assert look_up(english, case.case_number, code).status_code == 400  # and the code fails


def test_leaving_ends_access_and_access_expires(english, app, frozen_now):
    case = make_case()
    _grant, code = make_grant(case)
    look_up(english, case.case_number, code)
    minutes = app.config["PROGRESS_ACCESS_MINUTES"]
    with clock.frozen(frozen_now + timedelta(minutes=minutes - 1)):
        assert english.get(f"/cases/{case.id}").status_code == 200
    with clock.frozen(frozen_now + timedelta(minutes=minutes + 1)):
        assert english.get(f"/cases/{case.id}").status_code == 302
    look_up(english, case.case_number, code)
    token = csrf_token(english.get(f"/cases/{case.id}").get_data(as_text=True))
    english.post("/cases/end", data={"csrf_token": token})
    assert english.get(f"/cases/{case.id}").status_code == 302


def test_the_code_never_travels_in_a_query_string(english):
    case = make_case()
    _grant, code = make_grant(case)
    response = english.get(f"/cases/query?case_number={case.case_number}&query_code={code}")
    assert response.status_code == 200
    assert english.get(f"/cases/{case.id}").status_code == 302


def test_each_view_is_in_the_audit_trail(english):
    case = make_case()
    grant, code = make_grant(case)
    look_up(english, case.case_number, code)
    from portal.core.audit import AuditEvent

    event = db.session.query(AuditEvent).filter_by(code="case.queried").one()
    assert (event.subject_kind, event.subject_id) == (
        "case",
        str(case.id),
    ) and event.detail == f"grant={grant.id}"
    assert event.actor_id is None


def test_the_query_page_is_linked_from_the_home_page(client):
    assert 'href="/cases/query"' in client.get("/").get_data(as_text=True)
