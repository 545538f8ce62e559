"""Query-string parameters, parsed one way everywhere: bounded numbers, ISO dates in a range,
choices from a list, short text.

Each parser returns the default when the parameter is absent or empty and raises BadParameter
(a ValueError whose message names the parameter and what is allowed) when it is malformed or
out of range; `lenient()` turns that into the default, for HTML pages where a bad filter is
ignored rather than refused. The API answers BadParameter with a 400. Nothing a visitor types
into the address bar reaches the database or date arithmetic unchecked: a page of 10**30 or a
day of 9999-12-31 (plus a week) would otherwise be a 500.
"""

from __future__ import annotations

import re
from datetime import date

PAGES = {"low": 1, "high": 10_000}
YEARS = {"low": 1978, "high": 2100}
DAYS = {"low": date(1970, 1, 1), "high": date(2100, 12, 31)}

_INTEGER = re.compile(r"-?[0-9]{1,18}")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadParameter(ValueError):
    """A list or search parameter is malformed; the message says which and what is allowed."""


def _raw(args, name: str) -> str | None:
    raw = args.get(name)
    return None if raw is None or raw.strip() == "" else raw.strip()


def int_arg(args, name: str, *, low: int, high: int, default: int | None = None) -> int | None:
    raw = _raw(args, name)
    if raw is None:
        return default
    if not _INTEGER.fullmatch(raw):
        raise BadParameter(f"{name} must be a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise BadParameter(f"{name} must be between {low} and {high}")
    return value


def bounded_int(raw, *, low: int = 1, high: int = 2**31 - 1) -> int | None:
    """`raw` (a parameter or a form value) as a whole number between low and high (by default
    a possible database id), else None."""
    text = "" if raw is None else str(raw).strip()
    if not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def page_arg(args, name: str = "page") -> int:
    """The page of a list: 1 unless a valid page number is given."""
    return lenient(int_arg, args, name, **PAGES, default=1)


def date_arg(args, name: str, *, low: date, high: date, default: date | None = None):
    """A day written as YYYY-MM-DD, between `low` and `high`."""
    raw = _raw(args, name)
    if raw is None:
        return default
    try:
        if not _ISO_DAY.fullmatch(raw):
            raise ValueError
        value = date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a date written as YYYY-MM-DD") from None
    if not low <= value <= high:
        raise BadParameter(f"{name} must be between {low.isoformat()} and {high.isoformat()}")
    return value


def choice_arg(args, name: str, allowed) -> str | None:
    raw = _raw(args, name)
    if raw is None:
        return None
    if raw not in {str(value) for value in allowed}:
        raise BadParameter(f"{name} must be one of: {', '.join(str(v) for v in allowed)}")
    return raw


def text_arg(args, name: str, *, max_length: int = 100) -> str | None:
    raw = _raw(args, name)
    if raw is not None and len(raw) > max_length:
        raise BadParameter(f"{name} must be at most {max_length} characters")
    return raw


def lenient(parse, *args, **kwargs):
    """`parse(*args, **kwargs)`, or its default when the parameter is malformed."""
    try:
        return parse(*args, **kwargs)
    except BadParameter:
        return kwargs.get("default")
