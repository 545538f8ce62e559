"""Access a browser earned by giving a record's number and its code (a petition's progress page,
a record inquiry's status page), kept in the signed session under one key per service.

A grant lasts PROGRESS_ACCESS_MINUTES and names which code it was given with (the service's
mark of the stored hash): a code replaced since, a recovered one, ends the access."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, redirect, session

from portal.core import clock


def grant(key: str, number: str, code_mark: str) -> None:
    """Remember that this browser gave `number` and the code marked `code_mark`; expired grants
    are dropped on the way."""
    now = clock.now().timestamp()
    grants = {
        other: given
        for other, given in session.get(key, {}).items()
        if isinstance(given, dict) and given.get("until", 0) > now
    }
    grants[number] = {
        "until": now + current_app.config["PROGRESS_ACCESS_MINUTES"] * 60,
        "code": code_mark,
    }
    session[key] = grants


def current(key: str, number: str) -> dict | None:
    """This browser's unexpired grant for `number` ({"code": mark, ...}), or None."""
    given = session.get(key, {}).get(number)
    if not isinstance(given, dict) or given.get("until", 0) <= clock.now().timestamp():
        return None
    return given


def granted_record(key: str, number: str, *, find: Callable, code_mark: Callable, lookup_url: str):
    """The record numbered `number` (`find(number)`) when this browser was granted it with the
    code it still has (`code_mark(record)`); otherwise the browser goes back to the lookup form
    (`lookup_url`), and an unknown number is a 404."""
    given = current(key, number)
    if given is None:
        abort(redirect(lookup_url))
    record = find(number) or abort(404)
    if given.get("code") != code_mark(record):
        abort(redirect(lookup_url))
    return record
