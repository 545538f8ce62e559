"""Locale choice: the visitor's explicit choice (kept in a cookie), else Simplified Chinese.

The browser's Accept-Language is deliberately not consulted: the portal's audience reads Chinese
first, and a page that switches language on its own confuses people who share a computer.
"""

from __future__ import annotations

from flask import current_app, has_request_context, request

LOCALE_COOKIE = "portal_locale"


def locale_cookie() -> str:
    """The language cookie's name: `__Host-locale` in production (see portal/config.py)."""
    return current_app.config.get("LOCALE_COOKIE_NAME", LOCALE_COOKIE)


def select_locale() -> str:
    chosen = request.cookies.get(locale_cookie()) if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def html_lang(locale) -> str:
    """The value of <html lang>: zh-Hans for Simplified Chinese, as screen readers expect."""
    return "zh-Hans" if str(locale).startswith("zh") else "en"
