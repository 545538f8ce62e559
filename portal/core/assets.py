"""Static files that browsers and the reverse proxy may keep for a year, and still never stale.

Every `url_for('static', filename=...)` carries `v=`, the first characters of a hash of the file
as it is on disk (read once per process), so a release that changes portal.css changes the URLs
of the pages that link it, and an old copy is never asked for again. A request for the current
`v` is answered with `Cache-Control: public, max-age=31536000, immutable` by Flask, and nginx
(deploy/nginx/portal-proxy.conf) serves /static/ itself with the same header; any other request
for a static file (no `v`, or an old one) gets Flask's default, revalidated each time.

The hash is of the file's content, not its modification time: every host of a cluster, each
with its own checkout, names the same file the same way.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import Flask, request

VERSION_PARAMETER = "v"
VERSION_LENGTH = 12  # hex digits: 48 bits, plenty to tell releases of one file apart
IMMUTABLE = "public, max-age=31536000, immutable"


@functools.cache
def _version(folder: str, filename: str) -> str | None:
    path = Path(folder) / filename
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:  # a missing file: its URL is left as it was, and answers 404
        return None
    return digest[:VERSION_LENGTH]


def init_app(app: Flask) -> None:
    folder = app.static_folder

    @app.url_defaults
    def _add_version(endpoint, values):
        if endpoint == "static" and VERSION_PARAMETER not in values:
            version = _version(folder, values.get("filename", ""))
            if version:
                values[VERSION_PARAMETER] = version

    @app.after_request
    def _cache_versioned(response):
        if (
            request.endpoint == "static"
            and response.status_code == 200
            and request.args.get(VERSION_PARAMETER)
            == _version(folder, (request.view_args or {}).get("filename", ""))
        ):
            response.headers["Cache-Control"] = IMMUTABLE
        return response
