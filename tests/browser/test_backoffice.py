"""The back office's flow in a real browser (issue 17): the queues on the dashboard, the petition
page's actions shown open, replies that start from the standard wording and are previewed before
they are sent, and a publisher who checks the public page before publishing. Journeys once per
language; the looks of the dashboard, the petition page and a preview in both languages, both
modes (the elderly switch is on staff pages too), on a phone and a desktop."""

from __future__ import annotations

import re

import pytest

from tests.browser.looks import ELDERLY_COOKIE, MODES, SCREENS, check_looks, keep_screenshot
from tests.browser.support import (
    LANGUAGES,
    Petitioner,
    exact,
    file_petition,
    h1,
    look_up,
    petition_state,
    run_action,
    staff_option,
    texts,
)
from tests.disclosure import samples

pytestmark = pytest.mark.browser

# The second publisher of the demo data (portal/demo.py): whoever reviewed may not publish.
DEMO_REVIEWER = ("reviewer@demo.local", "Demo-reviewer-2026")


def staff_in(
    new_context, staff_state, live_server, role, language, mode="standard", screen="desktop"
):
    context = new_context(
        storage_state=staff_state(role), language=LANGUAGES[language], **SCREENS[screen]
    )
    if mode == "elderly":
        context.add_cookies([{"name": ELDERLY_COOKIE, "value": "elderly", "url": live_server}])
    return context.new_page()


def box(page, label: str):
    return page.get_by_label(label, exact=True)


def preview_acknowledgment(page, t):
    page.locator("#action-acknowledge").get_by_role(
        "button", name=exact(t("Preview: %(action)s") % {"action": t("Accept for handling")})
    ).click()
    page.wait_for_load_state()
    assert h1(page) == t("Check before sending: %(action)s") % {"action": t("Accept for handling")}


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("name", ["dashboard", "petition", "confirmation"])
def test_back_office_pages_are_accessible_and_fit(
    new_context, staff_state, live_server, axe, petitions, name, language, mode, screen
):
    t = texts(language)
    role = "leader" if name == "dashboard" else "clerk"
    page = staff_in(new_context, staff_state, live_server, role, language, mode, screen)
    if name == "dashboard":
        page.goto("/staff/")
        assert page.locator(".queue-label", has_text=exact(t("Objections under review"))).count()
    else:
        number, _ = petitions.received
        page.goto(f"/staff/petitions/{number}")
        # The step the state waits for is open on the page, its box started from the wording.
        assert number in box(page, t("Notice of acceptance")).input_value()
        if name == "confirmation":
            preview_acknowledgment(page, t)  # nothing is sent: the petition stays received
    keep_screenshot(page, f"backoffice-{name}-{language}-{mode}-{screen}")
    check_looks(axe, page, f"backoffice-{name}", language=language, mode=mode, screen=screen)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_reply_starts_from_the_wording_is_previewed_and_sent(
    new_context, staff_state, live_server, language
):
    t = texts(language)
    citizen = new_context(language=LANGUAGES[language]).new_page()
    number, code = file_petition(
        citizen, t, Petitioner(subject=f"后台流程测试（{language}）", mobile="13800138111")
    )
    clerk = staff_in(new_context, staff_state, live_server, "clerk", language)
    clerk.goto(f"/staff/petitions/{number}")
    assert petition_state(clerk) == t("Received")
    # The acknowledgment box starts from the standard wording, filled in with the petition.
    notice = box(clerk, t("Notice of acceptance"))
    started = notice.input_value()
    assert number in started and "{" not in started
    typed = started + "\n请于十日内补充报案回执复印件。"
    notice.fill(typed)
    preview_acknowledgment(clerk, t)
    # Exactly what the petitioner will read, on the progress page and by SMS; nothing sent yet.
    assert clerk.locator(".reply--preview .reply-body").inner_text() == typed
    sms = t("SMS to %(recipient)s") % {"recipient": "13800138111"}
    assert clerk.get_by_role("heading", name=exact(sms)).count() == 1
    # Back to edit keeps what was typed; previewed again, it is sent.
    clerk.get_by_role("button", name=exact(t("Back to edit"))).click()
    clerk.wait_for_load_state()
    assert box(clerk, t("Notice of acceptance")).input_value() == typed
    assert petition_state(clerk) == t("Received")
    preview_acknowledgment(clerk, t)
    clerk.get_by_role("button", name=exact(t("Send to the petitioner"))).click()
    clerk.wait_for_load_state()
    assert petition_state(clerk) == t("Accepted")
    run_action(
        clerk,
        t,
        "Assign to a handler",
        lambda form: form.get_by_label(t("Handler"), exact=True).select_option(
            label=staff_option("Handler Li", t("Handler"))
        ),
    )
    # The handler's reply starts from the wording of an answer; they write the result in.
    handler = staff_in(new_context, staff_state, live_server, "handler", language)
    handler.goto(f"/staff/petitions/{number}")
    reply = box(handler, t("Reply"))
    assert number in reply.input_value()
    answer = re.sub(r"[（(][^）)]*[）)]", "派出所已立案侦查", reply.input_value(), count=1)
    run_action(handler, t, "Draft a reply", lambda form: box(form, t("Reply")).fill(answer))
    # The leader sees the draft as the petitioner will, and sends it.
    leader = staff_in(new_context, staff_state, live_server, "leader", language)
    leader.goto(f"/staff/petitions/{number}")
    leader.locator("#action-approve button[type=submit]").click()
    leader.wait_for_load_state()
    assert leader.locator(".reply--preview .reply-body").inner_text() == answer
    keep_screenshot(leader, f"backoffice-approve-preview-{language}-standard-desktop")
    leader.get_by_role("button", name=exact(t("Send to the petitioner"))).click()
    leader.wait_for_load_state()
    assert petition_state(leader) == t("Answered")
    # The petitioner reads both, as previewed.
    look_up(citizen, t, number, code)
    bodies = citizen.locator(".reply .reply-body").all_inner_texts()
    assert typed in bodies and answer in bodies


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_publisher_checks_the_public_page_and_publishes(
    new_context, staff_state, live_server, language
):
    t = texts(language)
    publisher = staff_in(new_context, staff_state, live_server, "publisher", language)
    publisher.goto("/staff/disclosure/documents/new")
    publisher.get_by_label(t("Type of document")).select_option("non_prosecution")
    publisher.get_by_label(t("Procuratorate")).fill("示例市东城区人民检察院")
    publisher.get_by_label(t("Document number")).fill(f"示东检刑不诉〔2026〕{len(language)}7号")
    publisher.get_by_label(t("Date of the document")).fill("2026-03-02")
    publisher.get_by_label(t("Or paste the text")).fill(samples.NON_PROSECUTION)
    publisher.get_by_role("button", name=exact(t("Save and propose redactions"))).click()
    publisher.wait_for_load_state()
    review_url = publisher.url
    publisher.get_by_role("button", name=exact(t("Mark as reviewed"))).click()
    publisher.wait_for_load_state()

    second = new_context(language=LANGUAGES[language]).new_page()
    second.goto("/staff/login")
    second.get_by_label(t("E-mail address")).fill(DEMO_REVIEWER[0])
    second.get_by_label(t("Password")).fill(DEMO_REVIEWER[1])
    second.get_by_role("button", name=exact(t("Log in"))).click()
    second.wait_for_url(re.compile(r"/staff/$"))
    second.goto(review_url)
    second.get_by_role("button", name=exact(t("Publish the redacted text"))).click()
    second.wait_for_load_state()
    assert h1(second) == t("Check before publishing")
    public_text = second.locator(".public-preview .formal-doc").inner_text()
    for name in samples.NON_PROSECUTION_NAMES:
        assert name not in public_text
    keep_screenshot(second, f"backoffice-publish-preview-{language}-standard-desktop")
    second.get_by_role("button", name=exact(t("Publish"))).click()
    second.wait_for_load_state()
    assert second.locator(".notice--success").inner_text().strip() == t("Published.")
    document_id = re.search(r"/documents/(\d+)", review_url).group(1)
    reader = new_context(language=LANGUAGES[language]).new_page()
    reader.goto(f"/case-information/documents/{document_id}")
    assert reader.locator(".formal-doc").inner_text().strip() == public_text.strip()
