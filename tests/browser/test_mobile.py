"""On a phone (375 x 812 CSS pixels) the public pages fit the width: no sideways scrolling."""

from __future__ import annotations

import pytest

from tests.browser.pages import PUBLIC_PAGES
from tests.browser.support import LANGUAGES, texts

pytestmark = pytest.mark.browser

WIDTH = 375

# The elements sticking out on the right, deepest first: what to fix when the page is too wide.
WIDE_ELEMENTS = """(width) => {
  const wide = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    const overflow = e.scrollWidth - e.clientWidth;  // content wider than its box
    const right = r.right + (overflow > 1 ? overflow : 0);
    if (right > width + 0.5 && r.width > 0) {
      const classes = typeof e.className === 'string' ? e.className.trim() : '';
      const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
        + (classes ? '.' + classes.split(/\\s+/).join('.') : '');
      wide.push(name + ' (right edge ' + Math.round(right) + 'px)');
    }
  }
  return wide.reverse().slice(0, 8);
}"""


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page_fits_a_phone_screen(new_context, petitions, name, language):
    context = new_context(
        language=LANGUAGES[language],
        viewport={"width": WIDTH, "height": 812},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    PUBLIC_PAGES[name](page, texts(language), petitions)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= WIDTH, (
        f"{name} ({language}, {page.url}) is {scroll_width}px wide on a {WIDTH}px screen; "
        f"sticking out: {page.evaluate(WIDE_ELEMENTS, WIDTH)}"
    )
