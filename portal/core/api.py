"""What every part of the open data API (/api/v1) shares, whichever domain serves it.

- **Errors in JSON.** A blueprint serving under PREFIX calls `answer_errors_in_json(bp)`: a
  malformed parameter, control characters in the address, any HTTP error and an unexpected
  failure are then answered as `{"error": {"status": ..., "message": ...}}` (the `Error` schema
  below), never with an HTML page. Unknown addresses and wrong methods under the prefix, which
  no blueprint's handler sees, are answered by the catch-all in disclosure/api.py.
- **One description.** The OpenAPI document (served at /api/v1/openapi.json) is assembled here
  from each domain's part: a domain describes its own paths and components beside its routes and
  registers them with `describe()`, as it registers its login loader or audit events, so the
  document covers the whole API while `core` knows no domain and no domain reads another's
  internals. tests/disclosure/test_api.py checks that every route under PREFIX is described.
"""

from __future__ import annotations

import copy

from flask import Blueprint, current_app, jsonify
from werkzeug.exceptions import HTTPException

from portal.core import params
from portal.core.input_guard import ControlCharactersRefused
from portal.extensions import db

PREFIX = "/api/v1"


# ---- errors -----------------------------------------------------------------------------------


def error(status: int, message: str, **extra):
    """An error answer of the API; `extra` adds fields (e.g. why a record was withdrawn)."""
    response = jsonify({"error": {"status": status, "message": message, **extra}})
    response.status_code = status
    return response


def _bad_parameter(exception):
    return error(400, str(exception))


def _control_characters(exception):
    return error(400, "Parameters must not contain control characters.")


def _http_error(exception):
    return error(exception.code or 500, exception.name)


def _unexpected_error(exception):
    current_app.logger.exception("Unhandled error in the API")
    db.session.rollback()
    return error(500, "Internal Server Error")


def answer_errors_in_json(bp: Blueprint) -> None:
    """Answer every error of `bp`'s requests in JSON. A blueprint's handlers take precedence over
    the application's HTML error pages for its requests (also for a database failure, and for a
    refusal raised before the view, as input_guard's is), which is why each API blueprint has
    them."""
    bp.register_error_handler(params.BadParameter, _bad_parameter)
    bp.register_error_handler(ControlCharactersRefused, _control_characters)
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(Exception, _unexpected_error)


# ---- the OpenAPI description ------------------------------------------------------------------


def ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def json_content(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "message"],
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status, repeated"},
                "message": {"type": "string", "description": "What was wrong, in English"},
                "reason": {"type": "string", "description": "Why a record was withdrawn (410)"},
                "withdrawn_at": {"type": "string", "format": "date-time"},
            },
        }
    },
}
BAD_REQUEST = ref("responses", "BadRequest")

# What every part may refer to; each part adds its own with describe().
_paths: dict = {}
_components: dict = {
    "schemas": {"Error": ERROR_SCHEMA},
    "responses": {
        "BadRequest": json_content(
            ref("schemas", "Error"),
            "A parameter is malformed or out of range (the message says which and what is "
            "allowed), or the address holds control characters",
        )
    },
    "parameters": {},
}


def describe(paths: dict, **components: dict) -> None:
    """Add a domain's paths (relative to PREFIX) and components (schemas=, responses=,
    parameters=) to the description. A name described twice is a mistake: it raises."""
    for registry, added in ((_paths, paths), *((_components[k], v) for k, v in components.items())):
        twice = registry.keys() & added.keys()
        if twice:
            raise ValueError(f"Described twice in the API: {sorted(twice)}")
        registry.update(added)


def document() -> dict:
    """The OpenAPI 3 document of every part described so far (each API blueprint's module
    describes its part when it is imported, i.e. once the app is made)."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Sunshine Procuratorate open data API",
            "version": "1.0.0",
            "description": (
                "Published legal documents (redacted), important case releases and the petition "
                "statistics of the procuratorate. Read-only; every answer is JSON, errors "
                "included. Lists are newest first."
            ),
        },
        "servers": [{"url": PREFIX}],
        "paths": copy.deepcopy(_paths),
        "components": copy.deepcopy(_components),
    }
