"""The open data API's part for published documents and releases (api.py), in the OpenAPI 3
description that portal/core/api.py assembles and serves at /api/v1/openapi.json.

Written by hand as dicts; tests/disclosure/test_api.py checks that every route under /api/v1 is
described and that real responses match the schemas.
"""

from __future__ import annotations

from portal.core.api import BAD_REQUEST, json_content, ref
from portal.disclosure.models import PUBLISHABLE_TYPES, ReleaseCategory

_DOCUMENT_TYPES = sorted(str(t) for t in PUBLISHABLE_TYPES)
_CATEGORIES = [str(c) for c in ReleaseCategory]
# Text parameters with control characters are refused (portal.core.input_guard).
_NO_CONTROLS = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"


def _ref(name: str) -> dict:
    return ref("schemas", name)


_ERRORS = {"400": BAD_REQUEST, "404": ref("responses", "NotFound")}
_PAGING = [
    {"$ref": "#/components/parameters/page"},
    {"$ref": "#/components/parameters/per_page"},
    {"$ref": "#/components/parameters/year"},
]


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


PATHS = {
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
                "200": json_content(_ref("DocumentPage"), "A page of documents"),
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
                "200": json_content(_ref("Document"), "The document"),
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
                "200": json_content(_ref("ReleasePage"), "A page of releases"),
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
                "200": json_content(_ref("Release"), "The release"),
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
            "responses": {"200": json_content({"type": "object"}, "The OpenAPI document")},
        }
    },
}

COMPONENTS = {
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
        "NotFound": json_content(_ref("Error"), "Nothing published has this id"),
        "Gone": json_content(_ref("Error"), "Withdrawn; the error has the reason"),
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
                    "properties": {"text": {"type": "string", "description": "The redacted text"}},
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
    },
}
