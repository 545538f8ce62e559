"""Localised error pages. None of them ever shows a stack trace, and each says what really
happened to the request.

Each page has a title and up to two texts: one for opening a page (GET, HEAD) and one for
sending a form (any other method). Whether something was saved is not guessed: views commit
once, at the end (core/__init__.py), so the request's commits are counted (`_note_commit`), and

- a form answered with an error before any commit was not saved, and the page says so;
- once the request has committed, part of it may have been saved: the page says that instead,
  and asks the person to check before sending it again (`MAY_HAVE_BEEN_SAVED`);
- a page that failed to open changed nothing, and the page says only what to do.

A request for a host we do not serve (core/security.py) gets a short plain answer: its URL
adapter could not be built, so no page with links can be drawn for it.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, current_app, g, has_request_context, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from portal.extensions import db

# code: (title, text when opening a page, text when sending a form)
PAGES = {
    400: (
        _l("The request could not be understood"),
        _l(
            "Something in the address could not be read, so nothing was done. Check the address "
            "and try again, or start again from the home page."
        ),
        _l(
            "Something in what you sent could not be read, so it was not saved. Go back, check "
            "your entries and send the form again."
        ),
    ),
    403: (
        _l("You do not have access to this page"),
        _l(
            "You may not open this page. If you think you should, staff can ask their "
            "administrator; anyone else can call the 12309 hotline."
        ),
        _l(
            "You may not do this, so nothing was changed. If you think you should, staff can "
            "ask their administrator; anyone else can call the 12309 hotline."
        ),
    ),
    404: (
        _l("Page not found"),
        _l(
            "There is no page at this address: it may be mistyped, or what it showed has been "
            "removed. Check the address, or start again from the home page."
        ),
        _l(
            "There is nothing at this address to send a form to, so what you sent was not "
            "saved. Go back, reload the page and try again."
        ),
    ),
    405: (
        _l("This action is not available here"),
        _l(
            "This address cannot be used this way, so nothing was done. Go back and use the "
            "links and buttons on the page."
        ),
        _l(
            "This address cannot be used this way, so what you sent was not saved. Go back and "
            "use the links and buttons on the page."
        ),
    ),
    413: (
        _l("What you sent is too large"),
        None,  # only a form can be too large
        _l(
            "What you sent is larger than we accept, so it was not saved. Attach at most "
            "%(count)s files of at most %(size)s MB each; shorten a very long text or attach it "
            "as a file. Then go back and send the form again."
        ),
    ),
    429: (
        _l("Too many attempts"),
        _l(
            "There were too many requests from you in a short time, so this one was not "
            "answered. For your security, wait a few minutes and try again."
        ),
        _l(
            "There were too many attempts from you in a short time, so this one was not "
            "processed and what you sent was not saved. For your security, wait a few minutes "
            "and try again."
        ),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l(
            "This page could not be shown because of an error on our side. Please try again in "
            "a few minutes; if it keeps happening, call the 12309 hotline."
        ),
        _l(
            "Your request was not completed because of an error on our side, and what you sent "
            "was not saved. Please try again in a few minutes; if it keeps happening, call the "
            "12309 hotline."
        ),
    ),
}
CSRF_PAGE = (
    _l("This page has expired"),
    _l(
        "For your security, forms expire, so what you sent was not saved. Go back, reload the "
        "page, check your entries and send the form again."
    ),
)
MAY_HAVE_BEEN_SAVED = _l(
    "Part of your request may have been saved before this happened. Before you send it again, "
    "check whether it went through (for example on your progress or account page); if you are "
    "not sure, call the 12309 hotline."
)


def _note_commit(_session) -> None:
    if has_request_context():
        g.committed_in_request = True


def committed_in_request() -> bool:
    """Whether this request has committed anything to the database so far."""
    return bool(g.get("committed_in_request"))


def default_message(code: int):
    """What happened, for the request being answered (see the module docstring)."""
    _title, page_text, form_text = PAGES.get(code, PAGES[400])
    is_form = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
    if has_request_context() and committed_in_request():
        return MAY_HAVE_BEEN_SAVED
    text = form_text if is_form or page_text is None else page_text
    if code == 413:
        return text % {
            "count": current_app.config["MAX_ATTACHMENTS"],
            "size": current_app.config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024),
        }
    return text


def render_error(code: int, title=None, message=None):
    default_title = PAGES.get(code, PAGES[400])[0]
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=title or default_title,
            message=message or default_message(code),
        ),
        code,
    )


def register(app) -> None:
    if not sa.event.contains(db.session, "after_commit", _note_commit):
        sa.event.listen(db.session, "after_commit", _note_commit)

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        text = _("400 Bad Request: this site is not served at the address you used.")
        return Response(text + "\n", 400, mimetype="text/plain")

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        db.session.rollback()
        title, message = CSRF_PAGE
        return render_error(400, title, MAY_HAVE_BEEN_SAVED if committed_in_request() else message)

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
