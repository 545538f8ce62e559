"""What every response carries for its safety: strict security headers, `no-store` where the page
shows personal or staff data, and the refusal of a request for a host we do not serve.

**Caching.** One rule, `is_private()`, decides for every response. A response is private, and
gets `Cache-Control: no-store` and `Pragma: no-cache` (so neither the browser, its back button
after logout, nor a proxy keeps a copy), when

1. it answers a form (any method other than GET, HEAD, OPTIONS): receipts, a form shown again
   with what was typed, a lookup's answer;
2. someone is logged in (staff or a lawyer): every page they see carries their name, and most
   their work;
3. its view is guarded (`core.permissions`: staff and lawyer pages, also when the guard answers
   with a redirect or a refusal); or
4. it belongs to a blueprint not declared cacheable: the app factory names the blueprints whose
   pages are the same for everyone (the home page, published documents and releases, the open
   data API); every other blueprint (petitions and their progress pages, case queries, lawyers,
   appointments, accounts...) is private by default, so a new one starts safe.

Static files and addresses no route answers are left as they are.

**Hosts.** In production Flask's TRUSTED_HOSTS holds the host of PUBLIC_BASE_URL (see
portal/config.py); a request for any other Host fails when its context is made, and
`refuse_untrusted_host` answers it with 400 before any other hook runs, so nothing is built
from a forged Host. Links that leave a page are built by core.urls.public_url in any case.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, current_app, g, request, session
from werkzeug.exceptions import SecurityError

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALWAYS_AS_IS = frozenset({"static"})  # endpoints the caching rule never touches


def add_security_headers(response, *, hsts: bool):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if hsts:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def is_logged_in() -> bool:
    """Whether the request belongs to a logged-in account, without loading it: the user Flask-Login
    already loaded, else the session's login mark (read without marking the session accessed)."""
    user = g.get("_login_user")
    if user is not None:
        return bool(getattr(user, "is_authenticated", False))
    return "_user_id" in session


def is_private(cacheable_blueprints: Iterable[str]) -> bool:
    """The caching rule of the module docstring, for the current request."""
    if request.method not in SAFE_METHODS:
        return True
    if is_logged_in():
        return True
    if request.endpoint is None:
        return False  # no route matched: the same 404 for everyone
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and hasattr(view, "admits"):
        return True
    return request.blueprint not in set(cacheable_blueprints)


def no_store(response):
    """Nothing of the response may be stored; a view's own "private, no-store" is kept."""
    if "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def refuse_untrusted_host():
    """Answer a request for an untrusted Host (Flask recorded the refusal as the routing error)
    before any other before-request hook can build a URL or read the session from it."""
    if isinstance(request.routing_exception, SecurityError):
        raise request.routing_exception


def init_app(app: Flask, *, cacheable_blueprints: Iterable[str]) -> None:
    """Wire the rules of this module: the host check first of the before-request hooks, the
    headers and the caching rule after every request (error pages included)."""
    hsts = app.config["PORTAL_ENV"] == "production"
    cacheable = frozenset(cacheable_blueprints)
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_untrusted_host)

    @app.after_request
    def protect_response(response):
        add_security_headers(response, hsts=hsts)
        if request.endpoint not in ALWAYS_AS_IS and is_private(cacheable):
            no_store(response)
        return response
