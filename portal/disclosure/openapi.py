"""The OpenAPI 3 description of the open data API (served at /api/v1/openapi.json).

Written by hand as a dict; tests/disclosure/test_api.py checks that every route of the `api`
blueprint is described here and that real responses match the schemas.
"""

from __future__ import annotations

from portal.disclosure.models import PUBLISHABLE_TYPES, ReleaseCategory

_DOCUMENT_TYPES = sorted(str(t) for t in PUBLISHABLE_TYPES)
_CATEGORIES = [str(c) for c in ReleaseCategory]
# Text parameters with control characters are refused (portal.core.input_guard).
_NO_CONTROLS = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "404": {"$ref": "#/components/responses/NotFound"},
}
_PAGING = [
    {"$ref": "#/components/parameters/page"},
    {"$ref": "#/components/parameters/per_page"},
    {"$ref": "#/components/parameters/year"},
]


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Sunshine Procuratorate open data API",
            "version": "1.0.0",
            "description": (
                "Published legal documents (redacted) and important case releases of the "
                "procuratorate. Read-only; every answer is JSON. Lists are newest first."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/documents": {
                "get": {
                    "operationId": "listDocuments",
                    "summary": "Published legal documents",
                    "parameters": [
                        {
                            "name": "type",
                            "in": "query",
                            "schema": {"type": "string", "enum": _DOCUMENT_TYPES},
                        },
                        {
                            "name": "procuratorate",
                            "in": "query",
                            "description": "Without control characters (those are a 400)",
                            "schema": {"type": "string", "maxLength": 100, "pattern": _NO_CONTROLS},
                        },
                        *_PAGING,
                    ],
                    "responses": {
                        "200": _json(_ref("DocumentPage"), "A page of documents"),
                        "400": _ERRORS["400"],
                    },
                }
            },
            "/documents/{document_id}": {
                "get": {
                    "operationId": "getDocument",
                    "summary": "One published document with its redacted text",
                    "parameters": [
                        {
                            "name": "document_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("Document"), "The document"),
                        "400": _ERRORS["400"],
                        "404": _ERRORS["404"],
                        "410": {"$ref": "#/components/responses/Gone"},
                    },
                }
            },
            "/releases": {
                "get": {
                    "operationId": "listReleases",
                    "summary": "Published important case releases",
                    "parameters": [
                        {
                            "name": "category",
                            "in": "query",
                            "schema": {"type": "string", "enum": _CATEGORIES},
                        },
                        *_PAGING,
                    ],
                    "responses": {
                        "200": _json(_ref("ReleasePage"), "A page of releases"),
                        "400": _ERRORS["400"],
                    },
                }
            },
            "/releases/{release_id}": {
                "get": {
                    "operationId": "getRelease",
                    "summary": "One published release",
                    "parameters": [
                        {
                            "name": "release_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("Release"), "The release"),
                        "400": _ERRORS["400"],
                        "404": _ERRORS["404"],
                        "410": {"$ref": "#/components/responses/Gone"},
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This description",
                    "responses": {"200": _json({"type": "object"}, "The OpenAPI document")},
                }
            },
        },
        "components": {
            "parameters": {
                "page": {
                    "name": "page",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100_000, "default": 1},
                },
                "per_page": {
                    "name": "per_page",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                },
                "year": {
                    "name": "year",
                    "in": "query",
                    "description": "Year of the document's date or of the release",
                    "schema": {"type": "integer", "minimum": 1978, "maximum": 2100},
                },
            },
            "responses": {
                "BadRequest": _json(
                    _ref("Error"),
                    "A parameter is malformed, or the address holds control characters",
                ),
                "NotFound": _json(_ref("Error"), "Nothing published has this id"),
                "Gone": _json(_ref("Error"), "Withdrawn; the error has the reason"),
            },
            "schemas": {
                "DocumentSummary": {
                    "type": "object",
                    "required": [
                        "id",
                        "type",
                        "title",
                        "procuratorate",
                        "case_number",
                        "document_date",
                        "published_at",
                        "url",
                    ],
                    "properties": {
                        "id": {"type": "integer"},
                        "type": {"type": "string", "enum": _DOCUMENT_TYPES},
                        "title": {"type": "string"},
                        "procuratorate": {"type": "string"},
                        "case_number": {"type": "string"},
                        "document_date": {"type": "string", "format": "date"},
                        "published_at": {"type": "string", "format": "date-time"},
                        "url": {"type": "string", "format": "uri"},
                    },
                },  # fmt: skip
                "Document": {
                    "allOf": [
                        _ref("DocumentSummary"),
                        {
                            "type": "object",
                            "required": ["text"],
                            "properties": {
                                "text": {"type": "string", "description": "The redacted text"}
                            },
                        },
                    ]
                },
                "ReleaseSummary": {
                    "type": "object",
                    "required": [
                        "id",
                        "title",
                        "category",
                        "procuratorate",
                        "released_on",
                        "published_at",
                        "url",
                    ],
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {
                            "type": "string",
                            "description": "The title as published, with personal data redacted",
                        },
                        "category": {"type": "string", "enum": _CATEGORIES},
                        "procuratorate": {"type": "string"},
                        "released_on": {"type": "string", "format": "date"},
                        "published_at": {"type": "string", "format": "date-time"},
                        "url": {"type": "string", "format": "uri"},
                    },
                },  # fmt: skip
                "Release": {
                    "allOf": [
                        _ref("ReleaseSummary"),
                        {
                            "type": "object",
                            "required": ["body"],
                            "properties": {
                                "body": {
                                    "type": "string",
                                    "description": "The text as published, with personal data redacted",
                                }
                            },
                        },
                    ]
                },
                "DocumentPage": _page_schema("DocumentSummary"),
                "ReleasePage": _page_schema("ReleaseSummary"),
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "message"],
                            "properties": {
                                "status": {"type": "integer"},
                                "message": {"type": "string"},
                                "reason": {"type": "string"},
                                "withdrawn_at": {"type": "string", "format": "date-time"},
                            },
                        }
                    },
                },
            },
        },
    }


def _page_schema(item: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages"],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "pages": {"type": "integer"},
        },
    }
