"""The site's identity pages and the elderly mode (长辈版) in a real browser: in both languages,
both modes, on a phone (375 px) and a desktop (1280 px).

Every page checked here is axe-clean (no serious or critical violation), no wider than the
screen, and its text meets a contrast of 4.5:1 in the standard mode (3:1 for large text, as WCAG
AA says) and 7:1 in the elderly mode; in the elderly mode its text is at least 24 px (18 pt) and
its controls at least 60 x 60 px, as the MIIT's rules for elderly-friendly websites ask. The home
page's screenshots in every combination are kept in test-output/browser/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import OUTPUT
from tests.browser.pages import PUBLIC_PAGES
from tests.browser.support import LANGUAGES, exact, h1, texts
from tests.browser.test_accessibility import check as check_axe
from tests.browser.test_mobile import WIDE_ELEMENTS

pytestmark = pytest.mark.browser

ELDERLY_COOKIE = "portal_display"
SCREENS = {
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
# The identity pages, the home page, and a form (for the size of its controls).
CHECKED_PAGES = ["home", "contact", "privacy", "accessibility", "intake", "intake-errors"]
MIN_CONTRAST = {"standard": 4.5, "elderly": 7.0}
ELDERLY_TEXT_PX = 24  # 18 pt
ELDERLY_CONTROL_PX = 60

# Every visible piece of text, with its colour against the background it is drawn on (the first
# ancestor with an opaque background), its size and weight.
TEXT_COLOURS = """() => {
  const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = rgb(getComputedStyle(e).backgroundColor);
      if (colour.length === 3 || colour[3] > 0.99) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const found = [];
  for (const e of document.querySelectorAll('body *')) {
    const text = Array.from(e.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
    if (!text) continue;
    const style = getComputedStyle(e);
    const box = e.getBoundingClientRect();
    if (style.visibility === 'hidden' || box.width < 2 || box.height < 2 || box.right < 0) continue;
    const [l1, l2] = [luminance(rgb(style.color)), luminance(background(e))].sort((a, b) => b - a);
    found.push({text: text.slice(0, 40), tag: e.tagName.toLowerCase(), ratio: (l1 + 0.05) / (l2 + 0.05),
                size: parseFloat(style.fontSize), bold: parseInt(style.fontWeight, 10) >= 700});
  }
  return found;
}"""

# The controls a person taps, with their size.
CONTROL_SIZES = """() => Array.from(document.querySelectorAll(
    'main .button, main button, main select, main textarea, main .checkbox, main .radio,'
    + 'main input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
    + '.site-nav a, .tools-switches a'))
  .filter((e) => e.getBoundingClientRect().width > 0)
  .map((e) => ({name: (e.innerText || e.name || e.className).trim().slice(0, 40),
                width: e.getBoundingClientRect().width, height: e.getBoundingClientRect().height}))"""


def open_page(new_context, live_server, *, language, mode, screen):
    context = new_context(language=LANGUAGES[language], **SCREENS[screen])
    if mode == "elderly":
        context.add_cookies([{"name": ELDERLY_COOKIE, "value": "elderly", "url": live_server}])
    return context.new_page()


def is_elderly(page) -> bool:
    return "elderly-mode" in (page.locator("html").get_attribute("class") or "")


def too_little_contrast(page, mode) -> list[str]:
    problems = []
    for text in page.evaluate(TEXT_COLOURS):
        large = text["size"] >= 24 or (text["bold"] and text["size"] >= 18.66)
        needed = MIN_CONTRAST[mode] if mode == "elderly" or not large else 3.0
        if text["ratio"] < needed - 0.005:
            problems.append(f"{text['tag']} {text['text']!r}: {text['ratio']:.2f} < {needed}")
    return problems


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("mode", ["standard", "elderly"])
@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("name", CHECKED_PAGES)
def test_page_is_accessible_fits_and_is_legible(
    new_context, live_server, axe, petitions, name, language, mode, screen
):
    page = open_page(new_context, live_server, language=language, mode=mode, screen=screen)
    PUBLIC_PAGES[name](page, texts(language), petitions)
    assert is_elderly(page) == (mode == "elderly")
    if name == "home":
        folder = OUTPUT / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"home-{language}-{mode}-{screen}.png"), full_page=True)

    check_axe(axe, page, f"{name}-{mode}-{screen}", language)
    width = SCREENS[screen]["viewport"]["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, (
        f"{name} is {scroll_width}px wide on a {width}px screen; "
        f"sticking out: {page.evaluate(WIDE_ELEMENTS, width)}"
    )
    problems = too_little_contrast(page, mode)
    assert not problems, f"{name} ({language}, {mode}): too little contrast:\n" + "\n".join(
        problems[:10]
    )
    if mode == "elderly":
        small_text = [
            f"{t['tag']} {t['text']!r}: {t['size']}px"
            for t in page.evaluate(TEXT_COLOURS)
            if t["size"] < ELDERLY_TEXT_PX - 0.1
        ]
        assert not small_text, f"{name}: text under {ELDERLY_TEXT_PX}px:\n" + "\n".join(
            small_text[:10]
        )
        small_controls = [
            f"{c['name']!r}: {c['width']:.0f} x {c['height']:.0f}"
            for c in page.evaluate(CONTROL_SIZES)
            if min(c["width"], c["height"]) < ELDERLY_CONTROL_PX - 0.5
        ]
        assert not small_controls, f"{name}: controls under 60 x 60 px:\n" + "\n".join(
            small_controls[:10]
        )


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
