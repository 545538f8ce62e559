"""Localised error pages. None of them ever shows a stack trace."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.extensions import db

PAGES = {
    400: (
        _l("The request could not be understood"),
        _l("Check the address or the form and try again."),
    ),
    403: (
        _l("You do not have access to this page"),
        _l("If you think you should, ask your administrator."),
    ),
    404: (_l("Page not found"), _l("Check the address, or start again from the home page.")),
    405: (_l("This action is not available here"), _l("Go back and use the buttons on the page.")),
    413: (
        _l("The files are too large"),
        _l(
            "Each file may be at most 10 MB and five files at most. Go back, remove or shrink a file, and submit again."
        ),
    ),
    429: (
        _l("Too many attempts"),
        _l("For your security, please wait a few minutes and then try again."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l(
            "Nothing you sent was lost. Please try again in a few minutes, or call the 12309 hotline."
        ),
    ),
}
CSRF_PAGE = (
    _l("This page has expired"),
    _l(
        "For your security, forms expire. Go back, reload the page, and submit again; check your entries before you do."
    ),
)


def render_error(code: int, title=None, message=None):
    default_title, default_message = PAGES.get(code, PAGES[400])
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=title or default_title,
            message=message or default_message,
        ),
        code,
    )


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        db.session.rollback()
        return render_error(400, *CSRF_PAGE)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        app.logger.exception("Unhandled error")
        db.session.rollback()
        return render_error(500)
