"""The home page, the language switch and a health check. The home page lists the kinds of
petition through portal.petitions.queries (a domain reads another only through its services
and queries)."""

from flask import Blueprint, current_app, make_response, redirect, render_template, url_for
from sqlalchemy import text

from portal.core.i18n import locale_cookie
from portal.core.pagecache import public_page
from portal.core.permissions import next_or
from portal.extensions import db
from portal.petitions import queries as petitions

bp = Blueprint("site", __name__)


@bp.route("/")
@public_page()
def home():
    return render_template("site/home.html", kinds=petitions.intake_kinds())


@bp.route("/language/<string:locale>")
def switch_language(locale: str):
    """The language link in every page's header: remember the choice in a cookie of its own and
    go back. A link rather than a form, so that no public page needs a session (and a CSRF
    token) for it; someone else's link can at worst change the language of the pages."""
    response = make_response(redirect(next_or(url_for(".home"))))
    if locale in current_app.config["LANGUAGES"]:
        response.set_cookie(
            locale_cookie(),
            locale,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@bp.route("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
