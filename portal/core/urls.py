"""Links that leave the site: absolute URLs for e-mails, SMS and printed notices.

Built from PUBLIC_BASE_URL and the URL map without a request, so that the CLI (sweeps, the
outbox), closures and tests build the same link a page would.

Links to many items of one kind on a page (`id_urls`): url_for once, then the number put in.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, url_for

# Stands for the number in the one link that id_urls builds; no item has an id this large.
_MARKER = 9_081_726_354_657


def public_url(endpoint: str, **values) -> str:
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def id_urls(endpoint: str, name: str) -> Callable[[int], str]:
    """`url_for(endpoint, **{name: number})` for every item of a list at the price of one
    url_for (about 8 microseconds each, 20 a page of search results). For rules that take the
    number through an `int` converter, which writes its digits and nothing else."""
    before, marker, after = url_for(endpoint, **{name: _MARKER}).partition(str(_MARKER))
    if not marker:
        raise ValueError(f"{endpoint} does not write {name} as its digits")
    return lambda number: f"{before}{int(number)}{after}"
