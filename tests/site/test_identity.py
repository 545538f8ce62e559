"""The site reads as the procuratorate's own: the emblem and name on every page, the footer a
Chinese government site carries (sponsor, address, phones, filings), a contact page with
tap-to-call numbers, and the privacy and accessibility statements, all from settings."""

from __future__ import annotations

import pytest

from portal.site.identity import tel_href

PUBLIC_PAGES = ["site.home", "petitions.new_petition", "disclosure.list_releases", "site.contact"]


def footer_links(page) -> dict[str, str]:
    return {a.get_text(strip=True): a["href"] for a in page.select("footer a")}


@pytest.mark.parametrize("endpoint", PUBLIC_PAGES)
def test_every_page_carries_the_identity_and_the_footer(english, endpoint):
    page = english.get(endpoint)
    emblem = page.select_one("header .brand img.emblem")
    assert emblem["src"].split("?")[0].endswith("/static/emblem.svg")
    assert emblem["alt"] == ""  # the name beside it says who we are
    assert "Example City People's Procuratorate" in page.select_one(".brand").get_text()
    footer = page.select_one("footer").get_text(" ", strip=True)
    assert "Run by" in footer and "Example City People's Procuratorate" in footer
    assert "100 Renmin Road, Example District" in footer
    links = footer_links(page)
    assert links["12309"] == "tel:12309"
    assert links["010-12345678"] == "tel:01012345678"
    assert links["Contact us"] == "/contact"
    assert links["Privacy statement"] == "/privacy"
    assert links["Accessibility statement"] == "/accessibility"
    assert page.select_one("header .tools-hotline a")["href"] == "tel:12309"


def test_the_footer_is_in_chinese_on_chinese_pages(client_request):
    footer = client_request.get("site.home").select_one("footer").get_text(" ", strip=True)
    assert "示例市人民检察院" in footer
    assert "示例市示例区人民路100号" in footer


def test_filings_show_only_once_set(app, english, monkeypatch):
    assert english.get("site.home").select_one(".footer-filings") is None  # none made up
    monkeypatch.setitem(app.config, "SITE_ICP_NUMBER", "示ICP备00000000号-1")
    monkeypatch.setitem(app.config, "SITE_PSB_NUMBER", "示公网安备 11000002000001号")
    monkeypatch.setitem(app.config, "SITE_GOV_CODE", "1100000001")
    app.extensions["pagecache"].clear()  # settings are part of a stored page
    filings = english.get("site.home").select_one(".footer-filings")
    links = {a.get_text(strip=True): a["href"] for a in filings.select("a")}
    assert links["示ICP备00000000号-1"] == "https://beian.miit.gov.cn/"
    assert links["示公网安备 11000002000001号"].endswith("code=11000002000001")
    assert "Government website code: 1100000001" in filings.get_text(" ", strip=True)


def test_the_emblem_can_be_replaced_or_left_out(app, english, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_EMBLEM", "")
    app.extensions["pagecache"].clear()  # settings are part of a stored page
    assert english.get("site.home").select_one("header img") is None


def test_the_contact_page_gives_address_hours_directions_and_numbers_to_call(english):
    page = english.get("site.contact")
    text = page.select_one("main").get_text(" ", strip=True)
    assert "100 Renmin Road" in text
    assert "Monday to Friday, 9:00–12:00 and 13:30–17:30" in text
    assert "Metro line 1 to Renmin Road" in text
    calls = {a.get_text(strip=True): a["href"] for a in page.select("main a.button--call")}
    assert calls == {"Call 12309": "tel:12309", "Call 010-12345678": "tel:01012345678"}


def test_the_contact_page_is_in_the_readers_language(client_request):
    text = client_request.get("site.contact").select_one("main").get_text(" ", strip=True)
    assert "周一至周五" in text
    assert "地铁1号线人民路站" in text


def test_another_procuratorate_sets_its_own_details(app, english, monkeypatch):
    monkeypatch.setitem(app.config, "SERVICE_CENTRE_ADDRESS_EN", "1 Court Street, Other City")
    monkeypatch.setitem(app.config, "SERVICE_CENTRE_PHONE", "+86 21 6000 0000")
    page = english.get("site.contact")
    assert "1 Court Street, Other City" in page.select_one("main").get_text()
    assert page.select_one(f'main a[href="{"tel:+862160000000"}"]') is not None


@pytest.mark.parametrize("endpoint", ["site.privacy_statement", "site.accessibility_statement"])
def test_the_statements_are_public_pages_linking_to_the_contact_page(english, endpoint):
    page = english.get(endpoint)
    assert page.select_one("main a[href='/contact']") is not None
    assert "Set-Cookie" not in english.response.headers


@pytest.mark.parametrize(
    "written, link",
    [
        ("12309", "tel:12309"),
        ("010-1234 5678", "tel:01012345678"),
        ("(0571) 8765-4321", "tel:057187654321"),
        ("+86 10 1234 5678", "tel:+861012345678"),
    ],
)
def test_phone_numbers_become_tap_to_call_links(written, link):
    assert tel_href(written) == link
