"""Localised error pages. None of them ever shows a stack trace, and each says what really
happened to the request.

Each page has a title and up to two texts: one for opening a page (GET, HEAD) and one for
sending a form (any other method). Whether something was saved is not guessed: views commit
once, at the end (core/__init__.py), so the request's commits are counted (`_note_commit`), and

- a form answered with an error before any commit was not saved, and the page says so;
- once the request has committed, part of it may have been saved: the page says that instead,
  and asks the person to check before sending it again (`MAY_HAVE_BEEN_SAVED`);
- a page that failed to open changed nothing, and the page says only what to do.

A form that fails on the database (locked, read-only, disk full, server gone) or on storing its
files (core/uploads.py, StoreFailed) is not answered with an error page but with the same form
again (`_form_again`), status 503: what was typed is still in it, and the message at the top
says that it was not saved, that the text is kept below, and that files must be chosen again
(no browser refills a file input). The view runs once more with every form's validation
replaced by that message (core/forms.py, `show_unsaved`), so it cannot try to save again, and
outside the rate limits, so the attempt counts once. Where that page cannot be drawn (the
database is gone altogether, or the view answers a button with a redirect) the error page says
that nothing was saved, and nothing more.

A request for a host we do not serve (core/security.py) gets a short plain answer: its URL
adapter could not be built, so no page with links can be drawn for it.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Response, current_app, g, has_request_context, render_template, request
from flask_babel import format_timedelta
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, SecurityError

from portal.core.forms import show_unsaved, unsaved_message
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.pdf import FontMissing
from portal.core.submission_limits import seconds_to_wait
from portal.core.uploads import StoreFailed
from portal.extensions import db, limiter

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
        _l("Please wait a moment"),
        _l(
            "There were many requests from you in a short time, so this one was not answered. "
            "Wait %(wait)s and try again. If you need help now, call the %(hotline)s hotline."
        ),
        _l(
            "There were many submissions from you in a short time, so this one was not "
            "processed and what you sent was not saved yet. Go back with your browser's Back "
            "button: what you typed is still in the form. Wait %(wait)s, then send it again. If "
            "you need help now, call the %(hotline)s hotline."
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
    503: (
        _l("This service is not available at the moment"),
        _l(
            "This page could not be shown because of a problem on our side. Please try again in "
            "a few minutes; if it keeps happening, call the 12309 hotline."
        ),
        _l(
            "Because of a problem on our side, what you sent was not saved. Please try again in "
            "a few minutes; if it keeps happening, call the 12309 hotline."
        ),
    ),
}
# A submission that failed on the database or on storing its files, shown at the top of the same
# form drawn again (_form_again).
NOT_SAVED_TEXT_KEPT = _l(
    "Because of a problem on our side, what you sent was not saved. What you typed is still in "
    "the form below: check it and send it again in a few minutes. If it keeps happening, call "
    "the 12309 hotline."
)
NOT_SAVED_TEXT_KEPT_FILES_AGAIN = _l(
    "Because of a problem on our side, what you sent was not saved. What you typed is still in "
    "the form below, but the files you attached are not: choose them again, check the form and "
    "send it again in a few minutes. If it keeps happening, call the 12309 hotline."
)
FILES_NOT_STORED_TEXT_KEPT = _l(
    "Your files could not be stored because of a problem on our side, so nothing was saved. "
    "What you typed is still in the form below: choose the files again and send it in a few "
    "minutes. If it keeps happening, call the 12309 hotline."
)
# The same, on the error page when the form cannot be drawn again.
FILES_NOT_STORED = _l(
    "Your files could not be stored because of a problem on our side, so nothing was saved. "
    "Please try again in a few minutes; if it keeps happening, call the 12309 hotline."
)
# A form refused by a rate limit, drawn again with what was typed (`too_many_requests`).
RATE_LIMITED_FORM = _l(
    "You have sent this form several times in a short time, so this one was not sent yet. What "
    "you typed is kept below. Wait %(wait)s, then send it again. If you need help now, call the "
    "%(hotline)s hotline."
)
PDF_UNAVAILABLE = _l(
    "The PDF cannot be made at the moment because of a problem on our side. What it holds is on "
    "the page you came from. Please try again later; if it keeps happening, call the 12309 "
    "hotline."
)
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


def _note_commit(session) -> None:
    # A savepoint's release fires after_commit too, but commits nothing yet.
    if has_request_context() and not session.in_nested_transaction():
        g.committed_in_request = True


def forget_commits() -> None:
    """What the request committed so far carried nothing the person sent: the login session's
    touch (core/sessions.py), before the view runs. A failure of the view may then still say
    that nothing was saved."""
    g.pop("committed_in_request", None)


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
    if code == 429:
        return text % _waiting()
    return text


def _waiting() -> dict:
    """How long the person must wait, in their language, and the hotline to call meanwhile."""
    wait = format_timedelta(timedelta(seconds=seconds_to_wait()), add_direction=False)
    return {"wait": wait, "hotline": current_app.config["SERVICE_CENTRE_HOTLINE"]}


def too_many_requests(error):
    """A rate limit held this request back (core/submission_limits.py). A form is drawn again
    with what was typed and when to send it (so nothing is lost, whatever the browser keeps),
    else the error page says how long to wait; Retry-After tells the same to programs."""
    seconds = seconds_to_wait()
    response = None
    if request.method not in ("GET", "HEAD", "OPTIONS") and not committed_in_request():
        response = _form_again(RATE_LIMITED_FORM % _waiting(), status=429)
    response = current_app.make_response(response or render_error(429))
    response.headers["Retry-After"] = str(seconds)
    return response


def _form_again(message, status: int = 503, if_files_kept=None):
    """The failed POST's own page, drawn again by its view with every form's validation replaced
    by `message` (or `if_files_kept`, when the form holds the files sent: core/forms.py), with
    `status`; None when there is no such page showing that message (the view failed again, or
    answered with a redirect, or its template shows no form errors)."""
    show_unsaved(message, if_files_kept=if_files_kept)
    try:
        view = current_app.view_functions[request.endpoint]
        response = current_app.make_response(view(**(request.view_args or {})))
    except Exception:
        current_app.logger.exception("The failed form could not be shown again")
        db.session.rollback()
        return None
    page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    shown = unsaved_message()
    if 300 <= response.status_code < 400 or str(escape(str(shown))) not in page:
        return None
    response.status_code = status
    return response


def _files_were_sent() -> bool:
    return any(file.filename for _name, file in request.files.items(multi=True))


def submission_not_saved(error):
    """A database or storage failure: see the module docstring."""
    if isinstance(error, StoreFailed):
        current_app.logger.error("Files not stored: %s", error)
    else:
        current_app.logger.exception("Database error")
    db.session.rollback()  # removes any file this request stored (core/uploads.py)
    if request.method in ("GET", "HEAD", "OPTIONS") or committed_in_request():
        return render_error(503)
    if isinstance(error, StoreFailed):
        return _form_again(FILES_NOT_STORED_TEXT_KEPT) or render_error(
            503, message=FILES_NOT_STORED
        )
    if _files_were_sent():
        return _form_again(
            NOT_SAVED_TEXT_KEPT_FILES_AGAIN, if_files_kept=NOT_SAVED_TEXT_KEPT
        ) or render_error(503)
    return _form_again(NOT_SAVED_TEXT_KEPT) or render_error(503)


@limiter.request_filter
def _drawing_form_again() -> bool:
    """The view that draws a failed form again was counted against its limit the first time."""
    return unsaved_message() is not None


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

    @app.errorhandler(FontMissing)
    def pdf_cannot_be_made(error):
        # The operator's fix is in the log line (which package to install); the reader is told
        # only what they can do.
        app.logger.error("%s", error)
        db.session.rollback()
        return render_error(503, message=PDF_UNAVAILABLE)

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        text = _("400 Bad Request: this site is not served at the address you used.")
        return Response(text + "\n", 400, mimetype="text/plain")

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        db.session.rollback()
        title, message = CSRF_PAGE
        return render_error(400, title, MAY_HAVE_BEEN_SAVED if committed_in_request() else message)

    app.register_error_handler(sa.exc.DBAPIError, submission_not_saved)
    app.register_error_handler(sa.exc.TimeoutError, submission_not_saved)  # no pooled connection
    app.register_error_handler(StoreFailed, submission_not_saved)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        if error.code == 429:
            return too_many_requests(error)
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        app.logger.exception("Unhandled error")
        db.session.rollback()
        return render_error(500)
