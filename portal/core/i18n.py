"""Locale choice: the visitor's explicit choice (kept in a cookie), else Simplified Chinese.

The browser's Accept-Language is deliberately not consulted: the portal's audience reads Chinese
first, and a page that switches language on its own confuses people who share a computer.

Dates and times for the templates (`format_date`, `format_datetime`): Babel's own formatting
with the locale's patterns parsed once per locale and format. Flask-Babel's functions look the
locale, the time zone and the patterns up again on every call, about 25 microseconds each; a
petition page with 300 audit events formats 500 times. A test holds the two to the same output.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import (
    DateTimePattern,
    get_date_format,
    get_datetime_format,
    get_time_format,
    parse_pattern,
)
from flask import current_app, has_request_context, request
from flask_babel import get_locale, get_timezone

_NAMED_FORMATS = ("full", "long", "medium", "short")

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


@lru_cache(maxsize=64)
def _date_pattern(locale: Locale, format: str) -> DateTimePattern:
    if format in _NAMED_FORMATS:
        format = get_date_format(format, locale=locale).pattern
    return parse_pattern(format)


@lru_cache(maxsize=64)
def _datetime_patterns(
    locale: Locale, format: str
) -> tuple[str | None, DateTimePattern, DateTimePattern | None]:
    """(how the locale joins date and time, the date pattern, the time pattern) for a named
    format; (None, the pattern, None) for a pattern of one's own."""
    if format not in _NAMED_FORMATS:
        return None, parse_pattern(format), None
    joined = get_datetime_format(format, locale=locale).replace("'", "")
    date_pattern = parse_pattern(get_date_format(format, locale=locale).pattern)
    return joined, date_pattern, parse_pattern(get_time_format(format, locale=locale).pattern)


def format_date(value: date, format: str = "medium") -> str:
    """As flask_babel.format_date: the date in the page's language."""
    if isinstance(value, datetime):
        value = value.date()
    locale = get_locale()
    return _date_pattern(locale, format).apply(value, locale)


def format_datetime(value: datetime, format: str = "medium") -> str:
    """As flask_babel.format_datetime: the moment in the portal's time zone (a naive value is
    UTC, as the database hands it back) and the page's language."""
    locale = get_locale()
    moment = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(get_timezone())
    joined, date_pattern, time_pattern = _datetime_patterns(locale, format)
    if joined is None:
        return date_pattern.apply(moment, locale)
    time_text = time_pattern.apply(moment.timetz(), locale, reference_date=moment.date())
    return joined.replace("{0}", time_text).replace("{1}", date_pattern.apply(moment, locale))
