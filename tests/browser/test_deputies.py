"""Deputies' liaison end to end, in both languages, on a phone's width: a deputy registers, is
verified by a clerk, sends a suggestion; a handler drafts the answer and a leader approves it;
the deputy reads and rates it; a clerk invites the deputy to an open day, the deputy accepts and
the clerk sees the reply. Every deputy page is checked with axe and for sideways scrolling."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.support import LANGUAGES, PASSWORD, exact, texts

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


def check_page(axe, page) -> None:
    blocking = [
        v for v in axe.run(page).response["violations"] if v["impact"] in {"serious", "critical"}
    ]
    assert not blocking, [(v["id"], v["nodes"][0]["target"]) for v in blocking]
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{page.url} scrolls sideways at 375 px"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_deputy_registers_sends_a_suggestion_reads_the_approved_answer_and_accepts(
    new_context, staff_page, axe, language
):
    t = texts(language)
    email = f"deputy-{language}@example.com"
    name = {"zh": "林建国代表", "en": "Deputy Lin Jianguo"}[language]
    deputy = new_context(
        language=LANGUAGES[language], viewport=PHONE, is_mobile=True, has_touch=True
    ).new_page()

    # Registration, from the home page's card.
    deputy.goto("/")
    deputy.get_by_role("link", name=exact(t("Deputies and members"))).first.click()
    deputy.get_by_role("link", name=exact(t("Register"))).click()
    check_page(axe, deputy)
    deputy.get_by_label(t("Full name")).fill(name)
    deputy.get_by_label(t("People's congress deputy")).check()
    deputy.get_by_label(t("Level")).select_option("city")
    deputy.get_by_label(t("Congress or committee")).fill("示例市第十七届人民代表大会")
    deputy.get_by_label(t("Work unit and position")).fill("示例市第一中学校长")
    deputy.get_by_label(t("Mobile number")).fill("13900000021")
    deputy.get_by_label(t("E-mail address")).fill(email)
    deputy.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    deputy.get_by_label(t("Password again")).fill(PASSWORD)
    deputy.get_by_role("button", name=exact(t("Register"))).click()
    deputy.wait_for_url(re.compile(r"/deputy/login$"))

    # A clerk verifies the registration.
    clerk = staff_page("clerk", LANGUAGES[language])
    clerk.goto("/staff/deputies/")
    clerk.get_by_role("link", name=exact(name)).click()
    clerk.get_by_role("button", name=exact(t("Verify"))).click()
    clerk.wait_for_load_state()
    expect(clerk.get_by_text(t("Verified"), exact=True).first).to_be_visible()

    # The deputy logs in and sends a suggestion.
    deputy.get_by_label(t("E-mail address")).fill(email)
    deputy.get_by_label(t("Password")).fill(PASSWORD)
    deputy.get_by_role("button", name=exact(t("Log in"))).click()
    deputy.wait_for_url(re.compile(r"/deputy/account$"))
    check_page(axe, deputy)
    deputy.get_by_role("link", name=exact(t("Send a suggestion, criticism or opinion"))).click()
    check_page(axe, deputy)
    deputy.get_by_label(t("Suggestion"), exact=True).check()
    subject = f"关于加强社区矫正监督的建议（{language}）"
    deputy.get_by_label(t("Subject")).fill(subject)
    deputy.get_by_label(t("Your suggestion, criticism or opinion")).fill("建议定期通报监督情况。")
    deputy.get_by_role("button", name=exact(t("Send"))).click()
    deputy.wait_for_url(re.compile(r"/deputy/suggestions/\d+$"))
    suggestion_url = deputy.url

    # A handler drafts the answer; a leader approves it.
    handler = staff_page("handler", LANGUAGES[language])
    handler.goto("/staff/deputies/suggestions")
    handler.locator("tr", has_text=subject).get_by_role("link").click()
    assert handler.get_by_role("heading", level=1).inner_text().endswith(subject)
    answer = "我院已建立社区矫正监督通报制度，每季度通报一次。"
    handler.get_by_label(t("Answer"), exact=True).fill(answer)
    handler.get_by_role("button", name=exact(t("Send for approval"))).click()
    leader = staff_page("leader", LANGUAGES[language])
    leader.goto(handler.url)
    leader.get_by_role("button", name=exact(t("Approve and send the answer"))).click()
    leader.wait_for_load_state()

    # The deputy reads and rates the answer.
    deputy.goto(suggestion_url)
    assert answer in deputy.locator("#answer").inner_text()
    check_page(axe, deputy)
    deputy.get_by_label(t("Basically satisfied (基本满意)")).check()
    deputy.get_by_role("button", name=exact(t("Send my rating"))).click()
    assert deputy.get_by_text(t("Your rating:")).is_visible()

    # An open day: the clerk creates it and invites the deputy, who accepts.
    clerk.goto("/staff/deputies/events/new")
    clerk.get_by_label(t("Kind of event")).select_option("open_day")
    title = f"检察开放日（{language}）"
    clerk.get_by_label(t("Title")).fill(title)
    starts = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=10)).strftime(
        "%Y-%m-%dT09:30"
    )
    clerk.get_by_label(t("Starts at")).fill(starts)
    clerk.get_by_label(t("Place")).fill("示例市人民检察院")
    clerk.get_by_label(t("Description")).fill("参观检察服务中心，座谈交流。")
    clerk.get_by_role("button", name=exact(t("Create the event"))).click()
    clerk.get_by_label(re.compile(re.escape(name))).check()
    clerk.get_by_role("button", name=exact(t("Send the invitations"))).click()

    deputy.goto("/deputy/account")
    invitation = deputy.locator("section", has_text=title)
    invitation.get_by_label(t("Will attend")).check()
    invitation.get_by_role("button", name=exact(t("Send my reply"))).click()
    check_page(axe, deputy)
    clerk.reload()
    assert clerk.locator("tr", has_text=name).get_by_text(t("Will attend")).is_visible()
