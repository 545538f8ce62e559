"""The home page, the contact page and the site's statements, the language and display-mode
switches, and a health check. The home page lists the kinds of petition through
portal.petitions.queries (a domain reads another only through its services and queries)."""

from flask import (
    Blueprint,
    current_app,
    has_request_context,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from sqlalchemy import text

from portal.core.i18n import locale_cookie
from portal.core.pagecache import public_page
from portal.core.permissions import next_or
from portal.extensions import db
from portal.petitions import queries as petitions
from portal.site import display, identity

bp = Blueprint("site", __name__)

# A choice of language or display mode is kept for a year.
CHOICE_SECONDS = 365 * 24 * 3600


@bp.app_context_processor
def identity_for_templates():
    """What every page's header and footer show: the site's identity and the display mode."""
    config = current_app.config
    return {
        "service_centre": identity.service_centre(
            config, chinese=str(get_locale()).startswith("zh")
        ),
        "filings": identity.filings(config),
        "emblem": config["SITE_EMBLEM"],
        "elderly_mode": has_request_context()
        and display.display_mode(request.cookies) == display.ELDERLY,
    }


bp.add_app_template_filter(identity.tel_href, "tel_href")


@bp.route("/")
@public_page()
def home():
    return render_template("site/home.html", kinds=petitions.intake_kinds())


@bp.route("/contact")
@public_page()
def contact():
    return render_template("site/contact.html")


@bp.route("/privacy")
@public_page()
def privacy_statement():
    return render_template("site/privacy.html")


@bp.route("/accessibility")
@public_page()
def accessibility_statement():
    return render_template("site/accessibility.html")


def _remember_choice(response, cookie: str, value: str | None):
    """Keep a reader's choice in its own cookie (None forgets it): HttpOnly, for this site
    only, Secure in production, as `__Host-` names require."""
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    if value is None:
        response.delete_cookie(cookie, httponly=True, samesite="Lax", secure=secure)
    else:
        response.set_cookie(
            cookie, value, max_age=CHOICE_SECONDS, httponly=True, samesite="Lax", secure=secure
        )
    return response


@bp.route("/language/<string:locale>")
def switch_language(locale: str):
    """The language link in every page's header: remember the choice in a cookie of its own and
    go back. A link rather than a form, so that no public page needs a session (and a CSRF
    token) for it; someone else's link can at worst change the language of the pages."""
    response = make_response(redirect(next_or(url_for(".home"))))
    if locale in current_app.config["LANGUAGES"]:
        _remember_choice(response, locale_cookie(), locale)
    return response


@bp.route("/display/<any(standard, elderly):mode>")
def switch_display_mode(mode: str):
    """The elderly-mode link in every page's header, a link for the same reasons as the
    language's. Back to the standard mode forgets the cookie, so the reader's requests are
    again the plain ones the page cache answers most."""
    response = make_response(redirect(next_or(url_for(".home"))))
    return _remember_choice(
        response, display.display_mode_cookie(), mode if mode == display.ELDERLY else None
    )


@bp.route("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
