"""Duplicate suggestions: earlier petitions from the same person or with a similar text, ranked
on the petition page, with a one-click merge where the workflow allows it.

The texts are written by hand here; the generated set of bench/duplicates.py measures precision
and recall, never what these tests check.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from portal.core import clock
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import duplicates, workflow
from portal.petitions.models import (
    DuplicateFingerprint,
    DuplicateSuggestion,
    DuplicateWordCount,
    Petition,
    State,
)
from portal.worker import Worker
from tests.factories import login, make_petition, make_user, take_action

BEATEN = {
    "subject": "派出所对我被打一案不予立案",
    "body": (
        "2024年3月5日晚，我在海淀区清河街道一家烧烤店门口被邻居赵德胜用啤酒瓶打伤头部，"
        "经鉴定为轻伤二级，医药费花了一万二千元。我当晚就到清河派出所报案，民警孙立说双方"
        "是邻里纠纷，让我们自行调解，至今没有立案。请求检察院监督派出所立案。"
    ),
}
# The same grievance told again by the victim's son: other words, other order, a typo (邻→令).
BEATEN_RETOLD = {
    "subject": "反映赵德胜打人不立案",
    "body": (
        "清河派出所民警孙立说这只是令里纠纷，叫我们自行调解，到现在还没有立案。"
        "我父亲2024年3月5日晚在清河街道烧烤店门口，被邻居赵德胜拿啤酒瓶打伤了头部，"
        "鉴定是轻伤二级，花了医药费一万二千元。我们多次反映都没有结果，恳请检察机关"
        "依法监督派出所立案。"
    ),
}
# Same kind, same topic and legal words, different facts.
DEFRAUDED = {
    "subject": "派出所对我被骗一案不予立案",
    "body": (
        "2024年6月，我在朝阳区望京被一个自称投资顾问的人骗走八万元，对方叫钱国强。我向"
        "望京派出所报案，民警说属于经济纠纷，不予立案。我已提交转账记录和聊天记录，请求"
        "检察院监督派出所立案。"
    ),
}
# Another assault the police would not register, told with the same stock sentences (被打伤,
# 经鉴定为轻伤二级, 当晚就到…派出所报案, 让我们自行调解, 至今没有立案, 请求检察院监督派出所立案)
# but other people, place, date, injury and amount.
BEATEN_ELSEWHERE = {
    "subject": "邻居打伤我，派出所不立案",
    "body": (
        "2023年11月20日，我在丰台区卢沟桥乡菜市场被摊主钱卫东用板凳打伤腰部，经鉴定为轻伤"
        "二级，花了医药费八千六百元。我当晚就到卢沟桥派出所报案，民警周涛说是买卖纠纷，让我们"
        "自行调解，至今没有立案。请求检察院监督派出所立案。"
    ),
}
WAGES = {
    "subject": "拖欠工资",
    "body": "远航装饰公司拖欠我和另外六名工友半年工资共计九万四千元，老板周海涛一直躲着不见。",
}


def suggested(petition: Petition) -> list[str]:
    """The earlier petitions suggested for `petition`, strongest first (as the page shows), once
    the worker has indexed what came in online."""
    duplicates.index_queued()
    return [shown.earlier.tracking_number for shown in duplicates.suggestions_for(petition)]


# ---- who filed it ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["11010519491231002X", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２ｘ"],
)
def test_an_id_number_is_the_same_however_it_is_typed(typed):
    assert duplicates.normalised_id_number(typed) == "11010519491231002X"


def test_the_x_of_an_id_number_matches_in_either_case_and_an_old_card_is_widened():
    assert duplicates.normalised_id_number("11010519491231002x") == "11010519491231002X"
    # A 15-digit card of before 1999: 19 inserted into the year, the check character added.
    assert duplicates.normalised_id_number("110105491231002") == "11010519491231002X"
    assert duplicates.normalised_id_number("not a number") is None


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "+86 138 1234 5678",
        "0086-138-1234-5678",
        "(+86)138-1234-5678",
        "８６13812345678",
    ],
)
def test_a_mobile_is_the_same_however_it_is_typed(typed):
    assert duplicates.normalised_mobile(typed) == "13812345678"


def test_the_same_person_is_found_by_id_number_or_mobile_whatever_the_formatting(app):
    by_id, _ = make_petition(id_number="11010519491231002X", mobile="13911112222", **WAGES)
    by_mobile, _ = make_petition(mobile="13700001111", **BEATEN)
    later, _ = make_petition(
        id_number="11010519491231002x", mobile="+86 137 0000 1111", **DEFRAUDED
    )
    duplicates.index_queued()
    shown = {s.earlier.tracking_number: s for s in duplicates.suggestions_for(later)}
    assert set(shown) == {by_id.tracking_number, by_mobile.tracking_number}
    assert shown[by_id.tracking_number].suggestion.same_id_number
    assert shown[by_mobile.tracking_number].suggestion.same_mobile


def test_anonymous_petitions_match_by_text_only(app):
    named, _ = make_petition(mobile="13600002222", **WAGES)
    # An anonymous reporter leaves the same mobile only to hear of each step.
    anonymous, _ = make_petition(
        kind="report", is_anonymous=True, mobile="13600002222", notify_by_sms=True, **DEFRAUDED
    )
    assert suggested(anonymous) == []
    again, _ = make_petition(kind="report", is_anonymous=True, mobile=None, **BEATEN)
    retold, _ = make_petition(kind="report", is_anonymous=True, mobile=None, **BEATEN_RETOLD)
    assert suggested(retold) == [again.tracking_number]
    assert named.tracking_number not in suggested(retold)


# ---- what the text says ---------------------------------------------------------------------


def test_a_retold_grievance_is_found_and_the_same_topic_with_other_facts_is_not(app):
    first, _ = make_petition(mobile="13500000001", **BEATEN)
    other, _ = make_petition(mobile="13500000002", **DEFRAUDED)
    retold, _ = make_petition(mobile="13500000003", **BEATEN_RETOLD)
    assert suggested(retold) == [first.tracking_number]
    assert suggested(other) == []
    (shown,) = duplicates.suggestions_for(retold)
    assert not shown.suggestion.same_mobile
    words = shown.suggestion.common_words.split()
    assert {"赵德胜", "啤酒瓶"} <= set(words)


def test_the_same_stock_sentences_about_other_people_and_dates_are_not_a_repeat(app):
    first, _ = make_petition(mobile="13500000011", **BEATEN)
    make_petition(mobile="13500000012", **WAGES)
    other, _ = make_petition(mobile="13500000013", **BEATEN_ELSEWHERE)
    retold, _ = make_petition(mobile="13500000014", **BEATEN_RETOLD)
    assert suggested(other) == []
    assert suggested(retold) == [first.tracking_number]


def test_suggestions_are_ranked_by_how_much_points_to_the_same_matter(app):
    mobile_only, _ = make_petition(mobile="13400000009", **WAGES)
    id_only, _ = make_petition(mobile="13400000001", id_number="11010519491231002X", **DEFRAUDED)
    text_and_id, _ = make_petition(mobile="13400000002", id_number="11010519491231002X", **BEATEN)
    later, _ = make_petition(mobile="13400000009", id_number="11010519491231002X", **BEATEN_RETOLD)
    assert suggested(later) == [
        text_and_id.tracking_number,
        id_only.tracking_number,
        mobile_only.tracking_number,
    ]


# ---- never itself, never a later one ---------------------------------------------------------


def test_a_petition_is_never_suggested_for_itself_nor_a_later_one_for_an_earlier(app):
    first, _ = make_petition(mobile="13300000001", **BEATEN)
    second, _ = make_petition(mobile="13300000001", **BEATEN_RETOLD)
    assert suggested(first) == []
    assert suggested(second) == [first.tracking_number]
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                DuplicateSuggestion.petition_id == DuplicateSuggestion.earlier_id
            )
        )
        == 0
    )


def test_a_letter_registered_late_is_suggested_on_the_petition_that_came_after_it(app):
    clerk = make_user(Role.CLERK)
    online, _ = make_petition(mobile="13200000001", **BEATEN_RETOLD)
    letter, _ = make_petition(
        channel="letter",
        registered_by=clerk,
        received_on=clock.local_today() - timedelta(days=3),
        mobile="13200000009",
        **BEATEN,
    )
    assert suggested(letter) == []
    assert suggested(online) == [letter.tracking_number]


# ---- on the petition page ---------------------------------------------------------------------


def staff(client_request, role=Role.CLERK):
    user = make_user(role)
    client_request.client.set_cookie("portal_locale", "en")
    login(client_request.client, user)
    return user


def test_the_page_shows_each_suggestion_with_why_and_merges_with_one_click(client_request):
    earlier, _ = make_petition(id_number="11010519491231002X", mobile="13100000001", **BEATEN)
    later, _ = make_petition(
        id_number="11010519491231002X", mobile="13100000002", **BEATEN_RETOLD, locale="en"
    )
    staff(client_request)
    duplicates.index_queued()
    page = client_request.get("backoffice.show_petition", number=later.tracking_number)
    (section,) = page.select("section[aria-labelledby=repeats-title]")
    text = section.get_text(" ", strip=True)
    assert earlier.tracking_number in text
    assert "Same ID card number" in text and "Similar text" in text and "赵德胜" in text
    # Personal data of the earlier petitioner is not repeated in the suggestion.
    assert "11010519491231002X" not in text and "13100000001" not in text
    (form,) = section.select("form")
    notice = form.select_one("textarea").get_text()
    assert earlier.tracking_number in notice
    data = {field["name"]: field.get("value", "") for field in form.select("input")}
    data[form.select_one("textarea")["name"]] = notice + " Edited."
    take_action(client_request, later.tracking_number, "merge", data)
    db.session.expire_all()
    assert later.status == State.MERGED and later.merged_into_id == earlier.id
    assert later.replies[-1].body.endswith("Edited.")


def test_a_closed_earlier_petition_is_shown_as_related_without_a_merge_button(client_request):
    earlier, _ = make_petition(mobile="13000000001", **BEATEN)
    earlier.status, earlier.acknowledged_at, earlier.closed_at = (
        State.CLOSED.value,
        clock.now(),
        clock.now(),
    )
    db.session.commit()
    later, _ = make_petition(mobile="13000000001", **BEATEN_RETOLD)
    duplicates.index_queued()
    staff(client_request)
    page = client_request.get("backoffice.show_petition", number=later.tracking_number)
    (section,) = page.select("section[aria-labelledby=repeats-title]")
    assert section.select("form") == []
    assert "Related only" in section.get_text()


def test_the_merge_button_is_offered_only_where_the_workflow_allows_the_merge(client_request):
    earlier, _ = make_petition(mobile="13000000002", **BEATEN)
    later, _ = make_petition(mobile="13000000002", **BEATEN_RETOLD)
    duplicates.index_queued()
    clerk = staff(client_request)
    workflow.acknowledge(later, clerk, notice="已受理。")
    db.session.commit()
    page = client_request.get("backoffice.show_petition", number=later.tracking_number)
    (section,) = page.select("section[aria-labelledby=repeats-title]")
    assert earlier.tracking_number in section.get_text()
    assert section.select("form") == []
    # And a merge posted anyway is refused with the reason.
    page = client_request.post(
        "backoffice.act_on_petition",
        number=later.tracking_number,
        action="merge",
        _data={"merge-into_number": earlier.tracking_number, "merge-notice": "合并。"},
        _expected_status=409,
    )
    assert "cannot merge into an earlier petition now" in page.get_text()


# ---- when it is done -------------------------------------------------------------------------


def test_online_petitions_are_compared_by_the_worker_and_the_page_says_so_until_then(
    client_request,
):
    earlier, _ = make_petition(mobile="13000000003", **BEATEN)
    later, _ = make_petition(mobile="13000000003", **BEATEN_RETOLD)
    # The submission only queued them: nothing of theirs is indexed yet.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DuplicateFingerprint)) == 0
    staff(client_request)
    page = client_request.get("backoffice.show_petition", number=later.tracking_number)
    assert page.select("section[aria-labelledby=repeats-title]") == []
    assert "still waiting to be compared with earlier ones" in page.get_text()

    Worker(current_app.config).round()

    page = client_request.get("backoffice.show_petition", number=later.tracking_number)
    (section,) = page.select("section[aria-labelledby=repeats-title]")
    assert earlier.tracking_number in section.get_text()
    assert "still waiting" not in page.get_text()
    assert not duplicates.is_queued(later)


def test_a_clerks_registration_is_compared_at_once(app):
    online, _ = make_petition(mobile="13000000004", **BEATEN)
    duplicates.index_queued()
    letter, _ = make_petition(
        channel="letter", registered_by=make_user(Role.CLERK), mobile="13000000004", **WAGES
    )
    assert not duplicates.is_queued(letter)
    assert [s.earlier for s in duplicates.suggestions_for(letter)] == [online]


def test_a_petition_indexed_by_another_worker_meanwhile_is_not_counted_twice(app):
    first, _ = make_petition(mobile="13000000005", **BEATEN)
    duplicates.index(first)  # another worker got there first
    db.session.commit()
    counted = db.session.scalar(sa.select(sa.func.sum(DuplicateWordCount.petitions)))

    assert duplicates.index_queued() == 0
    assert not duplicates.is_queued(first)
    assert db.session.scalar(sa.select(sa.func.sum(DuplicateWordCount.petitions))) == counted
