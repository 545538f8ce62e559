"""The elderly mode (长辈版), required of public-service sites by the MIIT's rules for
elderly-friendly websites (《互联网网站适老化通用设计规范》, 2021): larger type and controls,
higher contrast, a shorter navigation, and a switch to it and back on every page.

The choice is remembered in a cookie of its own, like the language, and never in the session:
public pages stay free of sessions, so the page cache can keep one copy of each page per
language and mode (PAGE_VARIANT_COOKIES, portal/core/pagecache.py).
"""

from __future__ import annotations

from flask import current_app

STANDARD = "standard"
ELDERLY = "elderly"


def display_mode_cookie() -> str:
    """The cookie's name: `__Host-display` in production (see portal/config.py)."""
    return current_app.config["DISPLAY_MODE_COOKIE_NAME"]


def display_mode(cookies) -> str:
    """ELDERLY when the reader chose it, else STANDARD (also for any value not ours)."""
    return ELDERLY if cookies.get(display_mode_cookie()) == ELDERLY else STANDARD
