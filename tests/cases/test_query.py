"""The public case query: only a verified person's own code opens a case, every failure gets the
same answer after the same work, numbers lock, clients are rate-limited, nothing else leaks."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from portal.cases import services
from portal.core import clock, codes, throttle
from portal.core.permissions import Role
from portal.extensions import db, limiter
from portal.petitions import services as petition_services
from tests.cases.factories import make_case, make_grant
from tests.core.test_throttling import later
from tests.factories import make_user
from tests.web import ClientRequest, url


@pytest.fixture
def english(client_request, frozen_now):
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


def look_up(client_request, number, code, *, opens=None, _expected_status=400):
    """Post the query form; `opens`: the case it must open (a redirect to its page)."""
    page = client_request.post(
        "cases.lookup",
        _data={"case_number": number, "query_code": code},
        _expected_status=302 if opens is not None else _expected_status,
        _expected_redirect="cases.show_case" if opens is not None else None,
        _redirect_values={"case_id": opens.id} if opens is not None else None,
    )
    return page


def html(client_request) -> str:
    return client_request.response.get_data(as_text=True)


def without_values(client_request):
    return re.sub(r'value="[^"]*"', "", html(client_request))


def shut(client_request, case):
    """The case page is shut to this browser: back to the query form."""
    client_request.get(
        "cases.show_case", case_id=case.id, _expected_status=302, _expected_redirect="cases.lookup"
    )


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
    look_up(english, case.case_number, codes.format_code(code).lower(), opens=case)
    assert code not in english.response.location
    page = english.get("cases.show_case", case_id=case.id)
    assert english.response.headers["Cache-Control"] == "no-store"
    for shown in (
        case.case_number, "故意伤害罪", "第一检察部", "取保候审", "扣押手机一部",
        "本院于2026年3月20日决定提起公诉", "Review for prosecution", "Received", "移送审查起诉",
        "Mar 2, 2026", "Apr 2, 2026",
    ):  # fmt: skip
        assert shown in page.text, shown
    assert code not in html(english) and codes.format_code(code) not in html(english)


def test_the_case_number_may_be_typed_with_other_brackets_and_digits(english):
    case = make_case(case_number="京检一部刑诉〔2026〕12号")
    _grant, code = make_grant(case)
    look_up(english, " 京检一部刑诉［２０２６］０１２ ", code, opens=case)


def test_unknown_case_and_wrong_code_get_the_same_answer(english):
    case = make_case()
    _grant, code = make_grant(case)
    look_up(english, case.case_number, "2345-6789-ABCD-EF")
    wrong = without_values(english)
    assert english.response.headers["Cache-Control"] == "no-store"
    look_up(english, "示检刑诉受〔2026〕999号", code)
    unknown = without_values(english)
    look_up(english, make_case().case_number, code)
    no_grant = without_values(english)
    assert wrong == unknown == no_grant
    assert "We found no case with this case number and query code." in wrong


def test_every_failure_costs_one_hash_verification(english, monkeypatch):
    """The same work for an unknown number, a case without codes and a case with many codes,
    so that timing does not tell whether a case exists or how many people may query it."""
    case = make_case()
    tags = {make_grant(case, relation=r)[0].code_tag for r in ("party", "defender", "agent")}
    tag = next(a + b for a in codes.CODE_ALPHABET for b in codes.CODE_ALPHABET if a + b not in tags)
    wrong = tag + "6789ABCDEFGH"  # no grant shares its first characters: no real hash to try
    calls = []
    real = codes.check_code
    monkeypatch.setattr(codes, "check_code", lambda *a, **k: calls.append(1) or real(*a, **k))
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
        "<script>alert(1)</script>",
    ],
)
def test_malformed_case_numbers_get_a_clear_message(english, typed):
    page = look_up(english, typed, "2345-6789-ABCD-EF")
    assert "Enter the case number as it is written on the case documents" in page.text
    assert "<script>alert(1)</script>" not in html(english)
    assert limiter.storage.get(f"throttle/LOOKUP/client/{throttle.client_address()}") == 0


def test_a_control_character_is_refused_beside_the_field_and_counts_nothing(english):
    page = look_up(english, "示检刑诉受〔2026〕1号\x00", "2345-6789-ABCD-EF")
    assert "Remove the invisible control characters from this text." in page.text
    assert limiter.storage.get(f"throttle/LOOKUP/client/{throttle.client_address()}") == 0


def test_a_too_long_case_number_and_empty_fields_get_their_own_messages(english):
    long = look_up(english, "示" * 61 + "〔2026〕1号", "x")
    assert "Use at most 60 characters." in long.text
    empty = look_up(english, "", "").text
    assert "Enter the case number." in empty and "Enter your query code." in empty


def test_repeated_wrong_codes_lock_the_number_even_for_the_right_code(english, app):
    case = make_case()
    _grant, code = make_grant(case)
    for _ in range(app.config["LOOKUP_MAX_FAILURES"]):
        look_up(english, case.case_number, "2345-6789-ABCD-EF")
    locked = look_up(english, case.case_number, code)
    assert "Too many wrong attempts for this case number" in locked.text
    # Another case is not affected, nor a petition lookup.
    other = make_case()
    _other_grant, other_code = make_grant(other)
    look_up(english, other.case_number, other_code, opens=other)


def test_unknown_numbers_lock_too_and_the_lock_expires(english, app, frozen_now):
    number = "示检刑诉受〔2026〕777号"
    for _ in range(app.config["LOOKUP_MAX_FAILURES"]):
        look_up(english, number, "2345-6789-ABCD-EF")
    # Written another way, the number is the same number: locked for this client.
    locked = look_up(english, "示检刑诉受[2026]777", "2345-6789-ABCD-EF")
    assert "Too many wrong attempts for this case number" in locked.text
    with later(app.config["LOOKUP_LOCK_MINUTES"] * 60 + 1):
        again = look_up(english, number, "2345-6789-ABCD-EF")
    assert "We found no case with this case number and query code" in again.text


def test_a_stranger_cannot_lock_the_owner_of_a_case_number_out(english, app):
    """The lock is the client's own (portal/core/throttle.py): the person with the code, from
    their own browser, still opens the case."""
    case = make_case()
    _grant, code = make_grant(case)
    stranger = ClientRequest(app.test_client())
    stranger.client.environ_base["REMOTE_ADDR"] = "203.0.113.99"
    stranger.client.set_cookie("portal_locale", "en")
    for _ in range(app.config["LOOKUP_MAX_FAILURES"]):
        look_up(stranger, case.case_number, "2345-6789-ABCD-EF")
    assert (
        "Too many wrong attempts for this case number"
        in look_up(stranger, case.case_number, code).text
    )
    look_up(english, case.case_number, code, opens=case)


def test_the_case_and_petition_lookups_count_separately(english, app):
    case = make_case()
    _grant, code = make_grant(case)
    for _ in range(app.config["LOOKUP_MAX_FAILURES"]):
        petition_services.find_for_petitioner(case.case_number, "WRONGCODE234")
    db.session.commit()
    look_up(english, case.case_number, code, opens=case)


def test_lookups_are_rate_limited_per_client(english, app):
    app.config["LOOKUP_LIMIT"] = "3 per minute"
    try:
        for i in range(3):
            look_up(english, f"示检刑诉受〔2026〕{900 + i}号", "2345-6789-ABCD-EF")
        look_up(english, "示检刑诉受〔2026〕903号", "2345-6789-ABCD-EF", _expected_status=429)
    finally:
        app.config["LOOKUP_LIMIT"] = "1000 per minute"


def test_the_page_needs_the_code_in_this_session(english, app):
    case = make_case()
    _grant, code = make_grant(case)
    shut(english, case)
    other = ClientRequest(app.test_client())
    look_up(other, case.case_number, code, opens=case)
    other.get("cases.show_case", case_id=case.id)
    shut(english, case)


def test_a_code_opens_only_its_own_case(english):
    mine, theirs = make_case(), make_case()
    _grant, my_code = make_grant(mine)
    make_grant(theirs)
    look_up(english, theirs.case_number, my_code)
    look_up(english, mine.case_number, my_code, opens=mine)
    shut(english, theirs)


def test_the_page_shows_no_personal_data_other_grants_or_internal_records(english):
    case = make_case(category="juvenile")
    _mine, code = make_grant(case, person_name="张三丰")
    other, _ = make_grant(case, person_name="李四光", relation="defender")
    other.verification_note = "律师证号 11101200910123456"
    db.session.commit()
    look_up(english, case.case_number, code, opens=case)
    english.get("cases.show_case", case_id=case.id)
    shown = html(english)
    assert "Party to the case" in shown  # the viewer's own relation, not their name
    for private in (
        "张三丰",
        "李四光",
        "11101200910123456",
        "Defender",
        "Juvenile",
        "clerk",
        "Case query code issued",
    ):
        assert private not in shown, private


def test_a_revoked_code_stops_working_at_once(english):
    case = make_case()
    grant, code = make_grant(case)
    look_up(english, case.case_number, code, opens=case)
    english.get("cases.show_case", case_id=case.id)
    services.revoke_grant(grant, make_user(Role.HANDLER))
    db.session.commit()
    shut(english, case)  # the open page shuts
    look_up(english, case.case_number, code)  # and the code fails


def test_leaving_ends_access_and_access_expires(english, app, frozen_now):
    case = make_case()
    _grant, code = make_grant(case)
    look_up(english, case.case_number, code, opens=case)
    minutes = app.config["PROGRESS_ACCESS_MINUTES"]
    with clock.frozen(frozen_now + timedelta(minutes=minutes - 1)):
        english.get("cases.show_case", case_id=case.id)
    with clock.frozen(frozen_now + timedelta(minutes=minutes + 1)):
        shut(english, case)
    look_up(english, case.case_number, code, opens=case)
    english.get("cases.show_case", case_id=case.id)
    english.post("cases.end_access", _expected_redirect="cases.lookup")
    shut(english, case)


def test_the_code_never_travels_in_a_query_string(english):
    case = make_case()
    _grant, code = make_grant(case)
    english.get("cases.lookup", case_number=case.case_number, query_code=code)
    assert code in urlsplit(english.response.request.url).query  # it was sent, and ignored
    shut(english, case)


def test_each_view_is_in_the_audit_trail(english):
    case = make_case()
    grant, code = make_grant(case)
    look_up(english, case.case_number, code, opens=case)
    from portal.core.audit import AuditEvent

    event = db.session.query(AuditEvent).filter_by(code="case.queried").one()
    assert (event.subject_kind, event.subject_id) == ("case", str(case.id))
    assert event.detail == f"grant={grant.id}"
    assert event.actor_id is None


def test_the_query_page_is_linked_from_the_home_page(client_request):
    page = client_request.get("site.home")
    assert page.find("a", href=url("cases.lookup"))
