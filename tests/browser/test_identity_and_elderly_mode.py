"""The site's identity pages and the elderly mode (长辈版) in a real browser: in both languages,
both modes, on a phone (375 px) and a desktop (1280 px), each page held to tests/browser/looks.py.
The home page's screenshots in every combination are kept in test-output/browser/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.looks import (
    ELDERLY_COOKIE,
    MODES,
    SCREENS,
    check_looks,
    is_elderly,
    keep_screenshot,
    open_page,
)
from tests.browser.pages import PUBLIC_PAGES
from tests.browser.support import LANGUAGES, exact, h1, texts

pytestmark = pytest.mark.browser

# The identity pages, the home page, and a form (for the size of its controls).
CHECKED_PAGES = ["home", "contact", "privacy", "accessibility", "intake", "intake-errors"]


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("name", CHECKED_PAGES)
def test_page_is_accessible_fits_and_is_legible(
    new_context, live_server, axe, petitions, name, language, mode, screen
):
    page = open_page(new_context, live_server, language=language, mode=mode, screen=screen)
    PUBLIC_PAGES[name](page, texts(language), petitions)
    if name == "home":
        keep_screenshot(page, f"home-{language}-{mode}-{screen}")
    check_looks(axe, page, name, language=language, mode=mode, screen=screen)


def cookie_names(page) -> set[str]:
    return {cookie["name"] for cookie in page.context.cookies()}


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_visitor_turns_the_elderly_mode_on_finds_how_to_call_and_turns_it_off(
    new_context, live_server, language, screen
):
    t = texts(language)
    page = open_page(new_context, live_server, language=language, mode="standard", screen=screen)
    page.goto("/")
    assert not is_elderly(page)
    page.get_by_role("link", name=exact(t("Elderly mode"))).click()
    page.wait_for_load_state()
    assert is_elderly(page)
    assert re.search(r"/$", page.url)  # back on the page it was chosen on
    # The shorter menu leads to the contact page and its numbers to call.
    page.locator(".site-nav").get_by_role("link", name=exact(t("Contact us"))).click()
    page.wait_for_load_state()
    assert h1(page) == t("Contact us")
    assert is_elderly(page)
    call = page.locator("main").get_by_role(
        "link", name=exact(t("Call %(number)s") % {"number": "12309"})
    )
    assert call.get_attribute("href") == "tel:12309"
    # Kept on every page, in a cookie of its own: no session for reading.
    page.goto("/privacy")
    assert is_elderly(page)
    assert cookie_names(page) == {"portal_locale", ELDERLY_COOKIE}
    # Another language keeps the mode.
    page.locator("header .language-switch a").click()
    page.wait_for_load_state()
    assert is_elderly(page)
    other = texts("en" if language == "zh" else "zh")
    page.get_by_role("link", name=exact(other("Standard version"))).click()
    page.wait_for_load_state()
    assert not is_elderly(page)
    assert ELDERLY_COOKIE not in cookie_names(page)
    assert page.url.endswith("/privacy")


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_what_was_typed_survives_switching_mode_and_language(new_context, live_server, language):
    t = texts(language)
    page = open_page(new_context, live_server, language=language, mode="standard", screen="phone")
    page.goto("/petitions/new")
    page.get_by_label(t("Subject"), exact=True).fill("反映派出所不予立案")
    page.get_by_label(t("What happened, and what do you ask for?")).fill("本人于今年十月报案。")
    page.get_by_role("link", name=exact(t("Elderly mode"))).click()
    page.wait_for_load_state()
    assert is_elderly(page)
    assert page.get_by_label(t("Subject"), exact=True).input_value() == "反映派出所不予立案"
    page.locator("header .language-switch a").click()
    page.wait_for_load_state()
    other = texts("en" if language == "zh" else "zh")
    body = page.get_by_label(other("What happened, and what do you ask for?"))
    assert body.input_value() == "本人于今年十月报案。"
    # Kept for that one reload only: a later visit starts empty.
    page.goto("/petitions/new")
    assert page.get_by_label(other("Subject"), exact=True).input_value() == ""
