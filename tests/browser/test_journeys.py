"""Whole journeys through the real portal: a citizen files and follows a petition; the staff
accept, assign, answer and approve it; the citizen reads the reply and objects to it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.support import (
    STAFF,
    Petitioner,
    exact,
    fill_petition,
    h1,
    html_lang,
    log_in,
    look_up,
    petition_state,
    run_action,
    staff_option,
    status_on_progress_page,
    submit_petition,
    switch_language,
    texts,
    write_png,
)

pytestmark = pytest.mark.browser
HAN = re.compile(r"[\u4e00-\u9fff]")


def main_nav_link(page, t, name):
    return page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=exact(t(name)))


def test_a_citizen_files_in_chinese_and_follows_it_on_the_progress_page(page):
    t = texts("zh")
    page.goto("/")
    assert html_lang(page) == "zh-Hans"
    assert HAN.search(h1(page)), f"the default page is not in Chinese: {h1(page)!r}"

    main_nav_link(page, t, "File a petition").click()
    assert page.url.endswith("/petitions/new")
    assert HAN.search(page.get_by_role("button", name=exact(t("Submit petition"))).inner_text())
    who = Petitioner(subject="反映看守所违规会见问题")
    fill_petition(page, t, who)
    number, code = submit_petition(page, t)
    assert who.subject in page.locator(".receipt").inner_text()

    # The receipt itself leads to the progress lookup.
    page.locator("main").get_by_role("link", name=exact(t("Check progress"))).click()
    assert page.url.endswith("/progress")
    page.get_by_label(t("Tracking number")).fill(number)
    page.get_by_label(t("Query code")).fill(code)
    page.get_by_role("button", name=exact(t("Show progress"))).click()
    page.wait_for_url(f"**/progress/{number}")
    assert h1(page) == t("Progress of %(number)s") % {"number": number}
    assert status_on_progress_page(page, t) == t("Received")
    assert who.subject in page.locator("main").inner_text()


def test_a_citizen_switches_to_english_and_files_with_an_attachment(page, staff_page, tmp_path):
    page.goto("/")
    english = page.locator("header .language-switch a")
    assert english.inner_text().strip() == "English" and english.get_attribute("lang") == "en"
    switch_language(page)
    assert html_lang(page) == "en"
    t = texts("en")

    main_nav_link(page, t, "File a petition").click()
    photo = write_png(tmp_path / "scene-photo.png")
    who = Petitioner(
        name="Wang Fang",
        subject="Appeal against a court judgment",
        body="The judgment ignored the evidence I gave; I ask for a review.",
        kind="civil_appeal",
    )
    fill_petition(page, t, who, attachment=photo)
    number, code = submit_petition(page, t)
    assert html_lang(page) == "en"

    look_up(page, t, number, code)
    assert status_on_progress_page(page, t) == "Received"
    assert who.subject in page.locator("main").inner_text()

    # The clerk finds the attachment on the petition and downloads the very same file.
    clerk = staff_page("clerk")
    clerk.goto(f"/staff/petitions/{number}")
    link = clerk.get_by_role("link", name="scene-photo.png")
    with clerk.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes() == photo.read_bytes()


def test_a_petition_goes_from_filing_through_the_staff_to_an_objection(new_context):
    t = texts("zh")
    citizen = new_context().new_page()
    who = Petitioner(subject="反映某检察官办案拖延")
    citizen.goto("/petitions/new")
    fill_petition(citizen, t, who)
    number, code = submit_petition(citizen, t)

    # The clerk logs in, finds it among the new petitions and accepts it.
    clerk = new_context().new_page()
    log_in(clerk, STAFF["clerk"], t)
    clerk.goto("/staff/petitions?queue=new")
    clerk.get_by_role("link", name=number).click()
    assert petition_state(clerk) == t("Received")
    notice = "您的控告已受理，我院将依法办理，并在三个月内答复。"
    run_action(
        clerk,
        t,
        "Accept for handling",
        lambda form: form.get_by_label(t("Notice of acceptance")).fill(notice),
    )
    assert petition_state(clerk) == t("Accepted")

    # ... and assigns it to the handler.
    handler_option = staff_option(STAFF["handler"].name, t("Handler"))
    run_action(
        clerk,
        t,
        "Assign to a handler",
        lambda form: form.get_by_label(t("Handler"), exact=True).select_option(
            label=handler_option
        ),
    )
    assert petition_state(clerk) == t("Being handled")

    # The handler finds it in their own queue and drafts the answer.
    handler = new_context().new_page()
    log_in(handler, STAFF["handler"], t)
    handler.goto("/staff/petitions?queue=mine")
    handler.get_by_role("link", name=number).click()
    answer = "经审查，派出所已于十一月二十日立案侦查，我院将继续监督。"
    run_action(
        handler,
        t,
        "Draft a reply",
        lambda form: form.get_by_label(t("Reply"), exact=True).fill(answer),
    )
    assert petition_state(handler) == t("Reply awaiting approval")

    # A leader approves it: the reply is sent.
    leader = new_context().new_page()
    log_in(leader, STAFF["leader"], t)
    leader.goto("/staff/petitions?queue=awaiting_approval")
    leader.get_by_role("link", name=number).click()
    run_action(leader, t, "Approve and send the draft reply")
    assert petition_state(leader) == t("Answered")

    # The citizen looks it up again, reads the reply and objects to it.
    look_up(citizen, t, number, code)
    assert status_on_progress_page(citizen, t) == t("Answered")
    assert answer in citizen.locator(".reply-body").all_inner_texts()
    assert notice in citizen.locator(".reply-body").all_inner_texts()
    objection = "立案后仍无任何进展，请求检察院进一步监督。"
    citizen.get_by_label(t("Dissatisfied (不满意)")).check()
    citizen.get_by_label(t("Your comment")).fill(objection)
    citizen.get_by_role("button", name=exact(t("Send my answer"))).click()
    citizen.wait_for_url(f"**/progress/{number}")
    assert citizen.locator(".notice--success").inner_text().strip() == t(
        "Your objection is recorded. The petition goes back for review."
    )
    assert status_on_progress_page(citizen, t) == t("Objection under review")
    assert citizen.get_by_label(t("Your comment")).count() == 0  # once per reply

    # The petition is back with the staff: under review, with the objection, in the handler's
    # queue. The leader who approved the answer is not offered the review (two people, always);
    # another leader gives it to another handler.
    handler.goto("/staff/petitions?queue=mine")
    row = handler.locator("tbody tr").filter(has=handler.get_by_role("link", name=number))
    assert t("Objection under review") in row.inner_text()
    leader.reload()
    assert petition_state(leader) == t("Objection under review")
    assert (
        leader.locator("details.action summary", has_text=exact(t("Review the objection"))).count()
        == 0
    )
    reviewing = new_context().new_page()
    log_in(reviewing, STAFF["reviewer"], t)
    reviewing.goto(f"/staff/petitions/{number}")
    assert objection in reviewing.locator("main").inner_text()
    second_handler = staff_option(STAFF["second_handler"].name, t("Handler"))
    run_action(
        reviewing,
        t,
        "Review the objection",
        lambda form: form.get_by_label(t("Handler for the review")).select_option(
            label=second_handler
        ),
    )
    assert petition_state(reviewing) == t("Being handled")
