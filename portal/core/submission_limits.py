"""Rate limits on sending a public form: what is counted is what was submitted, not what was tried.

Per client (the address, as for every Flask-Limiter limit), and per form (endpoint):

- PUBLIC_FORM_LIMIT counts *successful* submissions: a response below 400 (the receipt, or the
  redirect after saving). A form sent back with errors (400) is not counted, so a person who makes
  six mistakes in a minute is never stopped by them; a person who files the same form again and
  again is.
- PUBLIC_FORM_ATTEMPT_LIMIT counts *every* sending of the form, much higher: it keeps a script
  from hammering a form with failing submissions, each of which still costs validation, file
  checks and a virus scan.

Before the view runs, both are tested (a success is counted after the response, by
`deduct_when`), so a refused submission does nothing. It is answered with the same form drawn
again, what was typed and the files already accepted kept, a message saying how long to wait
and the hotline, status 429 and Retry-After (core/errors.py, `too_many_requests`). The counts live
in the shared rate-limit store (Redis, or core/ratelimit_store.py), which every worker sees.
"""

from __future__ import annotations

import math
import time

from flask import current_app

from portal.extensions import limiter


def is_success(response) -> bool:
    """A submission that was saved: anything but an error answer."""
    return response.status_code < 400


def submission_limit() -> str:
    return current_app.config["PUBLIC_FORM_LIMIT"]


def attempt_limit() -> str:
    return current_app.config["PUBLIC_FORM_ATTEMPT_LIMIT"]


def limit_submissions(view):
    """The two limits of the module docstring on a public form's POST."""
    view = limiter.limit(attempt_limit, methods=["POST"], scope="attempts")(view)
    return limiter.limit(
        submission_limit, methods=["POST"], scope="submissions", deduct_when=is_success
    )(view)


def seconds_to_wait() -> int:
    """Until the limit this request broke lets the client in again (at least 1 second); one
    minute when it cannot be told."""
    breached = limiter.current_limit
    if breached is None or not breached.breached:
        return 60
    try:
        return max(1, math.ceil(breached.window.reset_time - time.time()))
    except Exception:  # the store gone as well: the error page must still be drawn
        current_app.logger.exception("Rate-limit reset time unavailable")
        return 60
