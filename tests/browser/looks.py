"""How a page looks to everyone, checked the same way by every browser journey: in both modes
(standard and elderly, 长辈版), on a phone (375 px) and a desktop (1280 px).

`check_looks` asserts that a page is axe-clean (no serious or critical violation), no wider than
the screen, and that its text meets a contrast of 4.5:1 in the standard mode (3:1 for large text,
as WCAG AA says) and 7:1 in the elderly mode; in the elderly mode its text is at least 24 px
(18 pt) and its controls at least 60 x 60 px, as the MIIT's rules for elderly-friendly websites
ask. `keep_screenshot` keeps a full-page screenshot in test-output/browser/screenshots/.
"""

from __future__ import annotations

from tests.browser.conftest import OUTPUT
from tests.browser.support import LANGUAGES
from tests.browser.test_accessibility import check as check_axe
from tests.browser.test_mobile import WIDE_ELEMENTS

MODES = ["standard", "elderly"]
ELDERLY_COOKIE = "portal_display"
SCREENS = {
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
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


def keep_screenshot(page, name: str) -> None:
    folder = OUTPUT / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def check_looks(axe, page, name: str, *, language: str, mode: str, screen: str) -> None:
    """Axe, width, contrast and (elderly mode) sizes of the page as it is now."""
    assert is_elderly(page) == (mode == "elderly")
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
