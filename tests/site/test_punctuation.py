"""Chinese pages are punctuated as Chinese is written: full-width marks (，：；（）), never an ASCII
comma, colon, semicolon or bracket against a Chinese character, whether the text comes from the
catalogue, a template joining two values, or the code (core/i18n.py `punctuation`,
`format_list`).

Every page a visitor and each member of staff reaches by following links from where they start
is read in Chinese, with the demo data loaded: so a new page or a new joined value is checked
without being listed here. Text a person typed, formulas in quotation marks and code are left
alone.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask_babel import force_locale

from portal.core import i18n

HAN = "\u4e00-\u9fff"
ASCII_AGAINST_HAN = re.compile(rf"[{HAN}）][,:;?!]|[,:;?!(][{HAN}]|[{HAN}] ?\((?!\d)|\)[{HAN}]")
QUOTED = re.compile(r"“[^”]*”")
NOT_FOLLOWED = re.compile(
    r"logout|/language|/display|\.(pdf|csv|ics|png|xlsx|atom)$|download|/files/"
)
STAFF = {
    "clerk": ("clerk@demo.local", "Demo-clerk-2026"),
    "handler": ("handler@demo.local", "Demo-handler-2026"),
    "leader": ("leader@demo.local", "Demo-leader-2026"),
    "publisher": ("publisher@demo.local", "Demo-publisher-2026"),
    "admin": ("admin@demo.local", "Demo-admin-2026"),
}
PAGES_PER_VISITOR = 150


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    return app


def misplaced_marks(html: str) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    for hidden in page(["script", "style", "code", "textarea", "input"]):
        hidden.decompose()
    text = QUOTED.sub("“”", re.sub(r"\s+", " ", page.get_text(" ")))
    return [text[max(0, m.start() - 20) : m.end() + 20] for m in ASCII_AGAINST_HAN.finditer(text)]


def crawl(client, start: str) -> dict[str, list[str]]:
    """Every page reachable from `start` by links (up to PAGES_PER_VISITOR), each with the
    misplaced marks found on it."""
    seen, queue, found = set(), [start], {}
    while queue and len(seen) < PAGES_PER_VISITOR:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        html = response.get_data(as_text=True)
        if marks := misplaced_marks(html):
            found[path] = marks
        for link in BeautifulSoup(html, "html.parser").select("a[href]"):
            href = link["href"].split("#")[0]
            if href.startswith("/") and not urlsplit(href).netloc and not NOT_FOLLOWED.search(href):
                queue.append(href)
    return found


def test_the_marks_follow_the_language(app):
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        assert i18n.punctuation() == i18n.FULL_WIDTH
        assert i18n.format_list(["姓名", "手机号码", "住址"]) == "姓名、手机号码和住址"
    with app.test_request_context(), force_locale("en"):
        assert i18n.punctuation() == i18n.ASCII
        assert i18n.format_list(["name", "mobile", "address"]) == "name, mobile, and address"


def test_public_pages_in_chinese_use_full_width_marks(demo):
    assert crawl(demo.test_client(), "/") == {}


@pytest.mark.parametrize("role", list(STAFF))
def test_back_office_pages_in_chinese_use_full_width_marks(demo, role):
    client = demo.test_client()
    email, password = STAFF[role]
    login_page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    response = client.post(
        "/staff/login", data={"csrf_token": token, "email": email, "password": password}
    )
    assert response.status_code == 302
    assert crawl(client, "/staff/") == {}
