"""Locale choice: the visitor's explicit choice (kept in a cookie), else Simplified Chinese.

The browser's Accept-Language is deliberately not consulted: the portal's audience reads Chinese
first, and a page that switches language on its own confuses people who share a computer.

Dates and times for the templates (`format_date`, `format_datetime`): Babel's own formatting
with the locale's patterns parsed once per locale and format. Flask-Babel's functions look the
locale, the time zone and the patterns up again on every call, about 25 microseconds each; a
petition page with 300 audit events formats 500 times. A test holds the two to the same output.

Translations in the templates (`_`, `gettext`, `ngettext`; `page_gettext`): bound to the page's
catalogue once per page. Flask-Babel's template callables look the locale and the catalogue up
again for every string, about 10 microseconds each, and a public page translates 50 to 100
strings (the header, navigation and footer alone about 25). Macros imported without context,
and Python's `_` and `_l` (`gettext`, `lazy_gettext`: the labels of forms and choices), find the
catalogue through `translations`, kept for the locale in force.

Appointment times (`format_day`, `format_time_range`) have one style of their own, the way
Chinese booking services write a visit: `12月2日（周三）09:30–10:00`, and in English
`Wed 2 Dec, 09:30–10:00`. A booked time is read on a phone, in an SMS and on a printed
receipt: a start without its end, seconds, or a time-zone name (中国标准时间) only get in the
way, and every page, message and calendar file about a booking uses this one style.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import (
    DateTimePattern,
    format_skeleton,
    get_date_format,
    get_datetime_format,
    get_day_names,
    get_time_format,
    parse_pattern,
)
from babel.lists import format_list as babel_format_list
from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import get_locale, get_timezone, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup

from portal.core import clock

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


def translations():
    """flask_babel.get_translations(), kept for the locale in force. Templates ask for it at
    every string (some 40 on a page), and flask_babel finds it each time through three look-ups
    of its context and the locale's name: a quarter of drawing a page. It is kept by the
    identity of the locale object, which force_locale and refresh replace, so that both still
    switch the language (tests/core/test_template_translations.py)."""
    context = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(context, "babel_locale", None)
    if locale is None:  # not chosen yet in this request: flask_babel chooses it
        return get_translations()
    kept = getattr(context, "portal_translations", None)
    if kept is None or kept[0] is not locale:
        kept = context.portal_translations = (locale, get_translations())
    return kept[1]


def gettext(string: str, **variables) -> str:
    """flask_babel.gettext, through `translations`: the portal's `_` in Python."""
    translated = translations().ugettext(string)
    return translated % variables if variables else translated


def lazy_gettext(string: str, **variables) -> LazyString:
    """flask_babel.lazy_gettext, translated through `gettext` when used: the portal's `_l`, for
    the labels of forms and choices, drawn on every page that shows them."""
    return LazyString(gettext, string, **variables)


def install_template_gettext(jinja_env) -> None:
    """The templates' _(), ngettext() and their p-forms, as flask_babel installs them, through
    `translations`."""
    jinja_env.install_gettext_callables(
        gettext=lambda string: translations().ugettext(string),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )


def page_gettext() -> dict:
    """`_`, `gettext` and `ngettext` for the templates of one page (a context processor), bound
    to its catalogue. They behave as the Jinja "newstyle" callables that Flask-Babel installs as
    globals, which still serve what no context processor reaches (macros imported without
    context): the translation is always a format string, Markup where the template autoescapes,
    so that the values put into it are escaped and the translation is not."""
    catalogue = translations()
    translate, translate_plural = catalogue.ugettext, catalogue.ungettext

    @pass_eval_context
    def bound_gettext(eval_ctx, string: str, **variables):
        translated = translate(string)
        # The catalogue's text is ours, trusted as Jinja's own callables trust it.
        return (Markup(translated) if eval_ctx.autoescape else translated) % variables  # noqa: S704

    @pass_eval_context
    def bound_ngettext(eval_ctx, singular: str, plural: str, num: int, **variables):
        variables.setdefault("num", num)
        translated = translate_plural(singular, plural, num)
        return (Markup(translated) if eval_ctx.autoescape else translated) % variables  # noqa: S704

    return {"_": bound_gettext, "gettext": bound_gettext, "ngettext": bound_ngettext}


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


@dataclass(frozen=True)
class Punctuation:
    """The marks that join pieces of text (a label and its value, two parts, an aside), as the
    language writes them: Chinese text takes full-width marks with no spaces around them."""

    colon: str
    comma: str
    semicolon: str
    open: str  # before an aside, the space included where the language puts one
    close: str


FULL_WIDTH = Punctuation(colon="：", comma="，", semicolon="；", open="（", close="）")
ASCII = Punctuation(colon=": ", comma=", ", semicolon="; ", open=" (", close=")")


def punctuation() -> Punctuation:
    return FULL_WIDTH if _language(get_locale()) == "zh" else ASCII


class ReadersPunctuation:
    """`punct` in templates (macros included): `{{ a }}{{ punct.colon }}{{ b }}`, in the
    language of the page being drawn."""

    def __getattr__(self, name: str) -> str:
        return getattr(punctuation(), name)


def format_list(items) -> str:
    """Items joined as the reader's language lists them: 姓名、手机号码和住址; name, mobile, and
    address (Babel's CLDR list patterns: no ASCII commas in Chinese text)."""
    return babel_format_list([str(item) for item in items], locale=get_locale())


def format_date(value: date, format: str = "medium") -> str:
    """As flask_babel.format_date: the date in the page's language."""
    if isinstance(value, datetime):
        value = value.date()
    return _formatted_date(value, get_locale(), format)


@lru_cache(maxsize=4096)
def _formatted_date(value: date, locale: Locale, format: str) -> str:
    """Kept: a list or a page of search results shows the same few dates over and over, and
    applying the pattern costs ten times as much as finding it here."""
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


# The day of an appointment, per language (others read as English): without the year while it
# is this year's, with it otherwise (a booking made in December for January).
_DAY_PATTERNS = {"zh": ("M月d日（E）", "y年M月d日（E）"), "en": ("EEE d MMM", "EEE d MMM y")}
# Chinese writes the times straight after the bracket; English after a comma.
_RANGE_JOINS = {"zh": "{day}{times}", "en": "{day}, {times}"}
_DASH = "\u2013"  # the en dash of a range, in both languages


def _language(locale: Locale) -> str:
    return "zh" if locale.language == "zh" else "en"


def _local(value: datetime) -> datetime:
    """A moment in the portal's zone (a naive value is UTC, as the database hands it back)."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(get_timezone())


def format_day(value: date, *, today: date | None = None) -> str:
    """The day of an appointment: `12月2日（周三）`, `Wed 2 Dec`; with the year when it is
    not the year of `today` (the portal's today unless given)."""
    if isinstance(value, datetime):
        value = _local(value).date()
    locale = get_locale()
    this_year, other_year = _DAY_PATTERNS[_language(locale)]
    year = (today or clock.local_today()).year
    return _date_pattern(locale, this_year if value.year == year else other_year).apply(
        value, locale
    )


def format_times(starts_at: datetime, ends_at: datetime) -> str:
    """The clock times of an appointment on its day: `09:30–10:00`."""
    return f"{_local(starts_at):%H:%M}{_DASH}{_local(ends_at):%H:%M}"


def format_time_range(starts_at: datetime, ends_at: datetime, *, today: date | None = None) -> str:
    """When an appointment is: `12月2日（周三）09:30–10:00`, `Wed 2 Dec, 09:30–10:00`. One
    that ends on a later day (which no slot does) names both days."""
    start, end = _local(starts_at), _local(ends_at)
    join = _RANGE_JOINS[_language(get_locale())]
    if start.date() == end.date():
        return join.format(
            day=format_day(start.date(), today=today), times=format_times(start, end)
        )
    first = join.format(day=format_day(start.date(), today=today), times=f"{start:%H:%M}")
    last = join.format(day=format_day(end.date(), today=today), times=f"{end:%H:%M}")
    return f"{first} {_DASH} {last}"


class TimeRange:
    """`format_time_range` put off until the text is shown, for a lazily translated message
    built before the page's language is known (a refusal raised in a service)."""

    def __init__(self, starts_at: datetime, ends_at: datetime):
        self.starts_at, self.ends_at = starts_at, ends_at

    def __str__(self) -> str:
        return format_time_range(self.starts_at, self.ends_at)


def format_month(value: date) -> str:
    """A month as a calendar's title: `2026年12月`, `December 2026`."""
    return format_skeleton("yMMMM", value, locale=get_locale())


def weekday_names() -> list[tuple[str, str]]:
    """(short, full) names of the weekdays from Monday, for a month calendar's columns: `周一`
    and `星期一`, `Mon` and `Monday`."""
    locale = get_locale()
    short, full = get_day_names("abbreviated", locale=locale), get_day_names("wide", locale=locale)
    return [(short[day], full[day]) for day in range(7)]
