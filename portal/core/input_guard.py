"""The first check every request passes: no control characters in the address.

A NUL byte in a query parameter makes PostgreSQL refuse the statement (a 500), and other control
characters (tab, newline, escape) have no business in an address: they split log lines and
headers, and a browser drops a tab or newline from a URL, so that "/\\t/evil.example" becomes
"//evil.example". Refused here, once, for the path, every query parameter (names and values) and
every form field name. Form *values* are checked by the forms themselves
(portal.core.forms.PortalForm), so that the person who pasted an invisible character gets a
message beside the field and keeps what they typed.

The refusal is a 400 with a page in the visitor's language; the API answers it in its own JSON
format by registering a handler for ControlCharactersRefused.
"""

from __future__ import annotations

import re

from flask import request
from werkzeug.exceptions import BadRequest

from portal.core.errors import render_error
from portal.core.i18n import lazy_gettext as _l

# C0 controls, DEL and the C1 controls: nothing in an address or a field name may hold them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")

TITLE = _l("The request contains characters we cannot accept")
MESSAGE = _l(
    "The address or the form contains invisible control characters, for example from pasted "
    "text. Go back, remove them or type the text again, and try once more."
)


class ControlCharactersRefused(BadRequest):
    description = "Control characters are not accepted in the address or in field names."


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def refuse_control_characters() -> None:
    texts = [request.path]
    texts.extend(text for pair in request.args.items(multi=True) for text in pair)
    if request.method in ("POST", "PUT", "PATCH"):
        texts.extend(request.form.keys())
        texts.extend(request.files.keys())
    if any(has_control_characters(text) for text in texts):
        raise ControlCharactersRefused()


def register(app) -> None:
    app.before_request(refuse_control_characters)
    app.register_error_handler(
        ControlCharactersRefused, lambda error: render_error(400, TITLE, MESSAGE)
    )
