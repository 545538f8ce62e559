"""URL converters with bounds, registered for every route by the app factory.

A path segment that no converter accepts is a 404 like any unknown address. Without bounds a
20-digit id reaches the database, where SQLite raises OverflowError and PostgreSQL a DataError
(ids are 32-bit `integer` columns): a 500 from nothing but a typed address.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter

# The largest value of an SQL `integer` (PostgreSQL, and what every id column here is).
MAX_ID = 2**31 - 1
# The longest string segment a route takes: petition numbers, dates and action names are short;
# a signed token naming an e-mail address (up to 254 characters) runs to some 400.
MAX_SEGMENT = 1024


def digits_up_to(limit: int) -> str:
    """A regular expression for the decimal numbers from 0 to `limit` (no leading zeros beyond
    the length of `limit`). Out-of-range ids then match no rule at all, so that a catch-all
    route (the API's JSON 404) still answers for them, as for any other unknown address."""
    text = str(limit)
    parts = [f"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for i, digit in enumerate(map(int, text)):
        low = 1 if i == 0 else 0
        if digit > low:
            parts.append(f"{text[:i]}[{low}-{digit - 1}][0-9]{{{len(text) - i - 1}}}")
    parts.append(text)
    return "(?:" + "|".join(parts) + ")"


class BoundedIntConverter(IntegerConverter):
    """`<int:...>`: ASCII digits only (not other scripts' digits, which int() would accept),
    and at most MAX_ID."""

    regex = digits_up_to(MAX_ID)

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        bound = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bound, signed=signed)


class BoundedStringConverter(UnicodeConverter):
    """`<name>` and `<string:...>`: one path segment of at most MAX_SEGMENT characters with no
    control characters (those never belong in an identifier)."""

    def __init__(self, map, minlength=1, maxlength=None, length=None):
        super().__init__(
            map, minlength=minlength, maxlength=maxlength or MAX_SEGMENT, length=length
        )
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f\x7f-\x9f]", 1)


class WholePathConverter(PathConverter):
    """`<path:...>` that also takes line breaks (Werkzeug's stops at them), so that a catch-all
    route, such as the API's JSON 404, answers for every address under it. Control characters
    are then refused by portal.core.input_guard in the format of the route's blueprint."""

    regex = r"[^/][\s\S]*?"


def register(app) -> None:
    """Call before any blueprint is registered: rules pick their converter when added."""
    app.url_map.converters.update(
        int=BoundedIntConverter,
        default=BoundedStringConverter,
        string=BoundedStringConverter,
        path=WholePathConverter,
    )
