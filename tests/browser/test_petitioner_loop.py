"""The petitioner's side of the loop, end to end: the messages leave through the real outbox
commands (`flask send-sms`, `flask send-mail`, as cron runs them) to a real SMS gateway and SMTP
server, and the written notice is read back from the PDF the browser downloads."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.support import (
    STAFF,
    Petitioner,
    answer_petition,
    exact,
    fill_petition,
    look_up,
    petition_state,
    run_action,
    status_on_progress_page,
    submit_petition,
    texts,
    write_png,
)
from tests.pdfs import pdf_text, qr_codes

pytestmark = pytest.mark.browser

ASKED = "请补充派出所出具的报案回执复印件。"
ADDED = "报案回执复印件已拍照上传，另补充报案时间为十月八日上午。"


def texts_to(gateway, mobile: str) -> list[dict]:
    """What the gateway delivered to `mobile`: each message's template parameters, with its
    template id."""
    return [
        {**message["TemplateParam"], "template": message["TemplateCode"]}
        for message in gateway.texts_to(mobile)
    ]


def mails_to(inbox, address: str) -> list[str]:
    return [
        message.get_payload(decode=True).decode()
        for message in inbox.messages
        if message["To"] == address
    ]


def staff_pages(staff_page) -> dict:
    return {role: staff_page(role) for role in ("clerk", "handler", "leader")}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_petitioner_hears_of_every_step_answers_back_and_rates_the_reply(
    new_context, staff_page, operator, outside_world, tmp_path, language
):
    t = texts(language)
    gateway, inbox = outside_world.gateway, outside_world.inbox
    mobile = {"zh": "13900000001", "en": "13900000002"}[language]
    who = Petitioner(mobile=mobile, subject="反映派出所不予立案（全程）")
    address = f"petitioner-{language}@example.com"

    # Filed online, with text messages chosen (the box is ticked for a mobile-only petitioner).
    citizen = new_context(language=language).new_page()
    citizen.goto("/petitions/new")
    fill_petition(citizen, t, who)
    citizen.get_by_label(t("E-mail address (optional)")).fill(address)
    assert citizen.get_by_label(t("Send me a text message (SMS) at each step")).is_checked()
    citizen.get_by_label(t("Send me an e-mail at each step")).check()
    number, code = submit_petition(citizen, t)

    operator("send-sms")
    [received] = texts_to(gateway, who.mobile)
    assert received["number"] == number
    assert received["template"] == ("SMS_2001" if language == "en" else "SMS_1001")

    # Staff ask for material; the petitioner is told and sees the question on the progress page.
    clerk = staff_page("clerk")
    clerk.goto(f"/staff/petitions/{number}")
    run_action(
        clerk,
        texts("zh"),
        "Ask the petitioner a question or for material",
        lambda form: form.get_by_label(texts("zh")("Question or material requested")).fill(ASKED),
    )
    operator("send-sms")
    assert [m["template"] for m in texts_to(gateway, who.mobile)][-1] == "SMS_1006"

    look_up(citizen, t, number, code)
    assert ASKED in citizen.locator("main").inner_text()
    citizen.get_by_label(t("What do you want to add?")).fill(ADDED)
    citizen.get_by_label(t("Files (optional)")).set_input_files(
        str(write_png(tmp_path / "回执.png"))
    )
    citizen.get_by_role("button", name=exact(t("Send the material"))).click()
    citizen.wait_for_load_state()
    assert citizen.locator(".notice--success").count() == 1
    assert ADDED in citizen.locator("main").inner_text()

    # The material waits in the staff's "new material" queue; the petition is then answered.
    clerk.goto("/staff/petitions?queue=new_material")
    assert clerk.get_by_role("link", name=number).count() == 1
    answer_petition(staff_pages(staff_page), number)

    operator("send-sms")
    operator("send-mail")
    kinds = [m["template"] for m in texts_to(gateway, who.mobile)]
    assert "SMS_1007" in kinds  # the reply is sent
    mails = mails_to(inbox, address)
    assert any("经审查，您反映的问题已依法处理" in body for body in mails)

    # The written notice, downloaded from the progress page: its text and its QR code.
    citizen.reload()
    result_link = citizen.locator(".papers a").filter(has_text=t("Reply with the result"))
    with citizen.expect_download() as download:
        result_link.click()
    content = open(download.value.path(), "rb").read()  # noqa: SIM115  (read at once, closed by GC)
    text = pdf_text(content)
    assert "经审查，您反映的问题已依法处理" in text and number in text
    [qr] = qr_codes(content)
    assert re.search(rf"/progress\?number={re.escape(number)}$", qr), qr
    compact_code = re.sub(r"[^0-9A-Za-z]", "", code)
    for message in texts_to(gateway, who.mobile):
        assert compact_code not in json.dumps(message, ensure_ascii=False)
    assert all(compact_code not in body for body in mails)
    assert compact_code not in text and compact_code not in qr

    # Rated "basically satisfied": the petition is closed.
    citizen.get_by_label(t("Basically satisfied (基本满意)")).check()
    citizen.get_by_role("button", name=exact(t("Send my answer"))).click()
    citizen.wait_for_load_state()
    assert citizen.locator(".notice--success").count() == 1
    assert status_on_progress_page(citizen, t) == t("Closed")


def test_a_letter_petitioners_notices_wait_to_be_posted(staff_page):
    t = texts("zh")
    clerk = staff_page("clerk")
    clerk.goto("/staff/petitions/new")
    clerk.get_by_label(t("Letter"), exact=True).check()
    clerk.get_by_label(t("What kind of matter is it?")).select_option("complaint")
    clerk.get_by_label(t("The petitioner's name")).fill("张某某")
    clerk.get_by_label(t("The petitioner's postal address (optional)")).fill(
        "某省某市某区某街道1号"
    )
    clerk.get_by_label(t("Subject"), exact=True).fill("来信反映派出所不予立案")
    clerk.get_by_label(t("What the petitioner reports and asks for")).fill(
        "来信人称其于十月报案，派出所至今未予立案，请求检察院监督。"
    )
    clerk.get_by_role("button", name=exact(t("Register petition"))).click()
    clerk.wait_for_load_state()
    number = clerk.locator("#tracking-number").inner_text().strip()

    answer_petition(staff_pages(staff_page), number)

    clerk.goto("/staff/notices/to-post")
    row = clerk.locator("tbody tr").filter(has=clerk.get_by_text(number))
    assert row.count() == 2  # the notice of acceptance and the result reply
    clerk.goto(f"/staff/petitions/{number}")
    assert petition_state(clerk) == t("Answered")
    notice_link = clerk.get_by_role("table", name=t("Written notices")).locator("a[download]").first
    document_number = notice_link.inner_text().strip()
    with clerk.expect_download() as download:
        notice_link.click()
    content = open(download.value.path(), "rb").read()  # noqa: SIM115
    text = pdf_text(content)
    assert "张某某" in text and "某省某市某区某街道1号" in text and document_number in text
    mark = t("Mark %(number)s posted") % {"number": document_number}
    clerk.get_by_role("button", name=exact(mark)).click()
    clerk.wait_for_load_state()
    assert clerk.get_by_role("button", name=exact(mark)).count() == 0
    notices = clerk.get_by_role("table", name=t("Written notices"))
    assert STAFF["clerk"].name in notices.inner_text()  # who posted it, and when
