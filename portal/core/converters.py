"""URL converters with bounds, registered for every route by the app factory.

A path segment that no converter accepts is a 404 like any unknown address. Without bounds a
20-digit id reaches the database, where SQLite raises OverflowError and PostgreSQL a DataError
(ids are 32-bit `integer` columns): a 500 from nothing but a typed address.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, UnicodeConverter

# The largest value of an SQL `integer` (PostgreSQL, and what every id column here is).
MAX_ID = 2**31 - 1
# The longest string segment a route takes (petition numbers, dates, tokens, action names).
MAX_SEGMENT = 200


class BoundedIntConverter(IntegerConverter):
    """`<int:...>`: ASCII digits only (not other scripts' digits, which int() would accept),
    at most ten of them, and at most MAX_ID."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        bound = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bound, signed=signed)


class BoundedStringConverter(UnicodeConverter):
    """`<name>` and `<string:...>`: one path segment of at most MAX_SEGMENT characters with no
    control characters (those never belong in an identifier)."""

    def __init__(self, map, minlength=1, maxlength=None, length=None):
        super().__init__(map, minlength=minlength, maxlength=maxlength or MAX_SEGMENT, length=length)
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f\x7f-\x9f]", 1)


def register(app) -> None:
    """Call before any blueprint is registered: rules pick their converter when added."""
    app.url_map.converters.update(
        int=BoundedIntConverter, default=BoundedStringConverter, string=BoundedStringConverter
    )
