"""The open data API, every part of it whichever blueprint serves it, and its OpenAPI
description: every route described, real responses conform, every part answers alike (errors in
JSON, cacheable, read-only), and never a document's original text."""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
import sqlalchemy as sa
from flask import url_for

from portal.core import api
from portal.disclosure import services
from portal.extensions import db
from tests.disclosure import samples
from tests.disclosure.factories import (
    make_document,
    make_published_document,
    make_release,
    publisher,
)


def conforms(response, path: str, method: str = "GET") -> None:
    """`response` is what the description documents for `path` (relative to the API's prefix),
    `method` and its status: validated by Schemathesis, which reads OpenAPI 3.0 as written
    (nullable, closed objects, patterns, formats, the content type)."""
    operation = schemathesis.openapi.from_dict(api.document())[path][method]
    operation.validate_response(response)


def api_rules(app):
    """(rule, path in the description) of every route under the API's prefix, whatever blueprint
    serves it, but the catch-all that answers what no route matches."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(f"{api.PREFIX}/") and rule.endpoint != "api.not_found":
            yield rule, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(api.PREFIX))


def test_every_api_route_is_described_and_nothing_else(app):
    # The description's paths are relative to the API's prefix (its `servers` entry).
    spec = api.document()
    assert spec["servers"] == [{"url": api.PREFIX}]
    routes = dict((path, rule) for rule, path in api_rules(app))
    assert {"/documents", "/statistics", "/openapi.json"} <= routes.keys()
    assert set(spec["paths"]) == routes.keys()
    for path, rule in routes.items():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], (path, method)


def get(client, endpoint, *, status=200, **values):
    """A JSON response of the API by endpoint, its status checked."""
    response = client.get(url_for(endpoint, **values))
    assert response.status_code == status, (endpoint, values, response.get_data(as_text=True))
    assert response.is_json, (endpoint, values)
    return response


def test_the_description_is_served(client):
    response = get(client, "api.openapi_document")
    assert response.json["openapi"].startswith("3.")
    assert response.json == api.document()
    conforms(response, "/openapi.json")


@pytest.fixture
def published():
    user = publisher()
    document = make_published_document(user, text=samples.NON_PROSECUTION)
    release = make_release(user)
    draft = make_document(user, text=samples.INDICTMENT, doc_type="indictment")
    return document, release, draft


def test_lists_and_details_conform_to_the_description(client, published):
    document, release, _draft = published
    listing = get(client, "api.list_documents")
    conforms(listing, "/documents")
    assert [item["id"] for item in listing.json["items"]] == [document.id]
    detail = get(client, "api.show_document", document_id=document.id)
    conforms(detail, "/documents/{document_id}")
    assert detail.json["text"] == document.redacted_text
    releases = get(client, "api.list_releases", category="case_progress", per_page=5)
    conforms(releases, "/releases")
    assert releases.json["total"] == 1 and releases.json["per_page"] == 5
    one = get(client, "api.show_release", release_id=release.id)
    conforms(one, "/releases/{release_id}")


def test_the_original_is_never_served(client, published):
    document, _release, draft = published
    for endpoint, values in (
        ("api.list_documents", {}),
        ("api.show_document", {"document_id": document.id}),
    ):
        body = json.dumps(get(client, endpoint, **values).json, ensure_ascii=False)
        assert "马晓东" not in body and "320102199901091234" not in body
        assert "original" not in body
    get(client, "api.show_document", document_id=draft.id, status=404)


def test_filters(client, published):
    assert get(client, "api.list_documents", type="protest").json["total"] == 0
    assert get(client, "api.list_documents", type="non_prosecution", year=2024).json["total"] == 1
    assert get(client, "api.list_documents", year=2023).json["total"] == 0


@pytest.mark.parametrize(
    ("endpoint", "values"),
    [("api.list_documents", {"page": 0}), ("api.list_documents", {"page": "x"}),
     ("api.list_documents", {"per_page": 1000}), ("api.list_documents", {"type": "review_report"}),
     ("api.list_documents", {"year": 99}), ("api.list_releases", {"category": "nope"}),
     ("api.list_documents", {"procuratorate": "检" * 101})],
)  # fmt: skip
def test_bad_parameters_are_400_in_json(client, endpoint, values):
    response = get(client, endpoint, status=400, **values)
    conforms(response, "/documents" if endpoint == "api.list_documents" else "/releases")


@pytest.mark.parametrize(
    ("endpoint", "values"),
    [("api.show_document", {"document_id": 999}), ("api.show_release", {"release_id": 999}),
     # The catch-all that answers, in JSON, for any path under the API no route matches.
     ("api.not_found", {"anything": "nothing-here"})],
)  # fmt: skip
def test_not_found_is_json(client, endpoint, values):
    get(client, endpoint, status=404, **values)


def test_a_wrong_method_is_json(client):
    response = client.post(url_for("api.list_documents"))
    assert response.status_code == 405 and response.is_json


# ---- every part of the API answers alike, whatever blueprint serves it -------------------------


def api_paths(app) -> dict:
    """An address of every API route (an id nothing has for a path parameter) by endpoint."""
    return {
        rule.endpoint: url_for(rule.endpoint, **dict.fromkeys(rule.arguments, 999))
        for rule, _path in api_rules(app)
    }


def assert_error(response, status: int) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json", response.mimetype
    assert response.json["error"]["status"] == status and response.json["error"]["message"]


def test_every_api_route_answers_errors_in_json(app, client):
    paths = api_paths(app)
    assert "statistics_api.public_statistics" in paths
    for endpoint, path in paths.items():
        assert_error(client.get(f"{path}?year=%1B"), 400)  # control characters (input_guard)
        assert_error(client.get(f"{path}/nothing-here"), 404)
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            response = client.open(path, method=method)
            assert_error(response, 405)
            assert response.headers["Allow"] == "GET, HEAD", endpoint


@pytest.mark.parametrize(
    "failure",
    [RuntimeError("a bug"), sa.exc.OperationalError("SELECT 1", {}, Exception("server gone"))],
    ids=["bug", "database"],
)
def test_every_api_route_answers_a_failure_in_json(app, client, monkeypatch, failure):
    """A bug or a lost database is a JSON 500 on every part, never the site's HTML error page."""

    def failing_view(**_values):
        raise failure

    for endpoint, path in api_paths(app).items():
        monkeypatch.setitem(app.view_functions, endpoint, failing_view)
        assert_error(client.get(path), 500)


def test_every_api_route_is_cacheable_json_with_the_same_headers(app, client):
    """The answers are the same for everyone (no personal data), so caches may keep them; no
    part adds or lacks a header the others have (CORS, rate limits, caching: none of them
    carries a rate limit or CORS headers)."""
    header_names = {}
    for endpoint, path in api_paths(app).items():
        response = client.get(path)
        assert response.status_code in (200, 404), (endpoint, response.status_code)
        assert response.mimetype == "application/json", endpoint
        assert "no-store" not in response.headers.get("Cache-Control", ""), endpoint
        names = frozenset(name.lower() for name in response.headers.keys())
        header_names.setdefault(response.status_code, {})[endpoint] = names
        if response.status_code == 200:  # a validator, and caches must ask before reusing
            assert {"etag", "cache-control", "vary"} <= names, endpoint
    for status, by_endpoint in header_names.items():
        assert len(set(by_endpoint.values())) == 1, (status, by_endpoint)


def test_a_withdrawn_document_is_410_with_the_reason(client, published):
    document, _release, _draft = published
    services.withdraw_document(document, publisher(), reason="更正")
    db.session.commit()
    response = get(client, "api.show_document", status=410, document_id=document.id)
    assert response.json["error"]["reason"] == "更正"
    conforms(response, "/documents/{document_id}")
    assert get(client, "api.list_documents").json["total"] == 0
