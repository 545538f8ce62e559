"""What the browser tests do again and again, written the way a person uses the pages: by the
labels and button texts they read, in the language the page is in.

`texts(language)` translates the portal's English source strings with the same compiled
catalogue the server uses (translations/*.mo, built by `make translations`), so the tests find
"提交" on the Chinese page and "Submit petition" on the English one without copying either.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.support import Translations

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Browser-tests-7-horses"
LANGUAGES = {"zh": "zh_Hans_CN", "en": "en"}
HTML_LANG = {"zh": "zh-Hans", "en": "en"}


@dataclass(frozen=True)
class Staff:
    email: str
    role: str
    name: str


STAFF = {
    "clerk": Staff("clerk@procuratorate.example", "clerk", "Clerk Wang"),
    "handler": Staff("handler@procuratorate.example", "handler", "Handler Li"),
    "leader": Staff("leader@procuratorate.example", "leader", "Leader Zhao"),
    # Two people, always: the review of an objection goes to a leader and a handler who gave
    # no part of the answer objected to.
    "reviewer": Staff("reviewer@procuratorate.example", "leader", "Leader Zhou"),
    "second_handler": Staff("handler2@procuratorate.example", "handler", "Handler Wu"),
    "admin": Staff("admin@procuratorate.example", "admin", "Admin Sun"),
    "publisher": Staff("publisher@procuratorate.example", "publisher", "Publisher Qian"),
}


@cache
def staff_option(name: str, role: str) -> str:
    """How a member of staff is offered in a list: name and role, the role in brackets of the
    page's language (full-width in Chinese)."""
    return f"{name}（{role}）" if re.search(r"[\u4e00-\u9fff]", role) else f"{name} ({role})"


def texts(language: str):
    """gettext for "zh" or "en": what the server shows for an English source string."""
    if language == "en":
        return lambda message: message
    catalogue = Translations.load(str(ROOT / "translations"), [LANGUAGES[language]])
    return catalogue.gettext


def exact(text: str):
    """A regex matching the whole text, for accessible names that must be exactly this."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def h1(page) -> str:
    return page.locator("h1").inner_text().strip()


def switch_language(page) -> None:
    """Follow the language link in the header (it shows the other language's name)."""
    page.locator("header .language-switch a").click()
    page.wait_for_load_state()


# ---- citizens --------------------------------------------------------------------------------


@dataclass
class Petitioner:
    name: str = "刘某某"
    mobile: str = "13800138000"
    subject: str = "反映派出所不予立案"
    body: str = "本人于今年十月报案，派出所至今未予立案，也未出具书面决定，请求检察院监督。"
    kind: str = "complaint"


def fill_petition(page, t, who: Petitioner, *, attachment: Path | None = None) -> None:
    page.get_by_label(t("What kind of matter is it?")).select_option(who.kind)
    page.get_by_label(t("Full name")).fill(who.name)
    page.get_by_label(t("Mobile number")).fill(who.mobile)
    page.get_by_label(t("Subject"), exact=True).fill(who.subject)
    page.get_by_label(t("What happened, and what do you ask for?")).fill(who.body)
    if attachment is not None:
        page.get_by_label(t("Supporting documents (optional)")).set_input_files(str(attachment))
    page.get_by_label(
        t(
            "I declare that what I have written is true, and I understand that false accusations "
            "are punishable by law."
        )
    ).check()


def submit_petition(page, t) -> tuple[str, str]:
    """Press submit on a filled form; returns (tracking number, query code) from the receipt."""
    page.get_by_role("button", name=exact(t("Submit petition"))).click()
    page.wait_for_load_state()
    assert h1(page) == t("Your petition is received"), _page_problem(page)
    return receipt_codes(page)


def receipt_codes(page) -> tuple[str, str]:
    number = page.locator("#tracking-number").inner_text().strip()
    code = page.locator("#query-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z]{2}\d{4}-\d{6}", number), number
    assert len(re.sub(r"[^0-9A-Za-z]", "", code)) == 12, code
    return number, code


def file_petition(page, t, who: Petitioner | None = None, **kwargs) -> tuple[str, str]:
    page.goto("/petitions/new")
    fill_petition(page, t, who or Petitioner(), **kwargs)
    return submit_petition(page, t)


def look_up(page, t, number: str, code: str) -> None:
    """Open the progress page of a petition through the lookup form."""
    page.goto("/progress")
    page.get_by_label(t("Tracking number")).fill(number)
    page.get_by_label(t("Query code")).fill(code)
    page.get_by_role("button", name=exact(t("Show progress"))).click()
    page.wait_for_url(re.compile(rf"/progress/{re.escape(number)}$"))
    assert number in h1(page)


def status_on_progress_page(page, t) -> str:
    row = page.locator(".summary-list > div", has=page.locator("dt", has_text=exact(t("Status"))))
    return row.locator("dd").inner_text().strip()


# ---- staff -----------------------------------------------------------------------------------


def log_in(page, staff: Staff, t=None) -> None:
    t = t or texts("zh")
    page.goto("/staff/login")
    page.get_by_label(t("E-mail address")).fill(staff.email)
    page.get_by_label(t("Password")).fill(PASSWORD)
    page.get_by_role("button", name=exact(t("Log in"))).click()
    page.wait_for_url(re.compile(r"/staff/$"))


def open_action(page, t, title: str):
    """The form of an action on the petition page: shown open, or behind "More actions" (which
    is opened here); returns its form."""
    section = page.locator("section.action-form").filter(
        has=page.locator("h3", has_text=exact(t(title)))
    )
    more = page.locator("details.action").filter(has=section)
    if more.count() and not more.evaluate("details => details.open"):
        more.locator("summary").click()
    return section.locator("form")


def run_action(page, t, title: str, fill=None) -> None:
    """Take the action; one that sends the petitioner something shows what they will read
    first, and is sent from there unchanged."""
    form = open_action(page, t, title)
    if fill:
        fill(form)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    if page.locator("form.confirm-actions").count():
        page.get_by_role("button", name=exact(t("Send to the petitioner"))).click()
        page.wait_for_load_state()
    assert page.locator(".notice--success").count() == 1, _page_problem(page)


def petition_state(page) -> str:
    return page.locator("h1 .tag").inner_text().strip()


def _page_problem(page) -> str:
    errors = page.locator(".error-summary, .error-message, .notice--error").all_inner_texts()
    return f"{page.url}: h1={page.locator('h1').all_inner_texts()} errors={errors}"


# ---- files -----------------------------------------------------------------------------------


def write_png(path: Path, width: int = 40, height: int = 30) -> Path:
    """A small, real PNG (a grey rectangle), so the upload check by content accepts it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


def answer_petition(pages: dict, number: str, t=None) -> None:
    """Work a `received` petition to `answered` with logged-in staff pages by role."""
    t = t or texts("zh")
    clerk, handler, leader = pages["clerk"], pages["handler"], pages["leader"]
    clerk.goto(f"/staff/petitions/{number}")
    run_action(
        clerk,
        t,
        "Accept for handling",
        lambda form: form.get_by_label(t("Notice of acceptance")).fill(
            "您的控告已受理，我院将依法办理。"
        ),
    )
    run_action(
        clerk,
        t,
        "Assign to a handler",
        lambda form: form.get_by_label(t("Handler"), exact=True).select_option(
            label=staff_option(STAFF["handler"].name, t("Handler"))
        ),
    )
    handler.goto(f"/staff/petitions/{number}")
    answer = "经审查，您反映的问题已依法处理：派出所已立案侦查。"
    run_action(
        handler,
        t,
        "Draft a reply",
        lambda form: form.get_by_label(t("Reply"), exact=True).fill(answer),
    )
    leader.goto(f"/staff/petitions/{number}")
    run_action(leader, t, "Approve and send the draft reply")
    assert petition_state(leader) == t("Answered")
