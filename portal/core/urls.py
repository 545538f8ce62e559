"""Links that leave the site: absolute URLs for e-mails, SMS and printed notices.

Built from PUBLIC_BASE_URL and the URL map without a request, so that the CLI (sweeps, the
outbox), closures and tests build the same link a page would.
"""

from __future__ import annotations

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path
