"""The open data API and its OpenAPI description: every route described, responses conform,
errors in JSON, and never a document's original text."""

from __future__ import annotations

import json
import re

import pytest
from flask import url_for

from portal.disclosure import openapi, services
from portal.extensions import db
from tests.disclosure import samples
from tests.disclosure.factories import (
    make_document,
    make_published_document,
    make_release,
    publisher,
)

SPEC = openapi.document()


def resolve(schema):
    while "$ref" in schema:
        *_, kind, name = schema["$ref"].split("/")
        schema = SPEC["components"][kind][name]
    return schema


def conforms(value, schema, path="$"):
    """A small validator for the subset of JSON Schema the description uses."""
    schema = resolve(schema)
    if "allOf" in schema:
        for part in schema["allOf"]:
            conforms(value, part, path)
        return
    kind = schema.get("type")
    if kind == "object":
        assert isinstance(value, dict), path
        for key in schema.get("required", []):
            assert key in value, f"{path}.{key} missing"
        for key, sub in schema.get("properties", {}).items():
            if key in value and value[key] is not None:
                conforms(value[key], sub, f"{path}.{key}")
    elif kind == "array":
        assert isinstance(value, list), path
        for index, item in enumerate(value):
            conforms(item, schema["items"], f"{path}[{index}]")
    elif kind == "integer":
        assert isinstance(value, int), path
    elif kind == "string":
        assert isinstance(value, str), path
        if "enum" in schema:
            assert value in schema["enum"], path


def response_schema(path, status, method="get"):
    response = resolve(SPEC["paths"][path][method]["responses"][str(status)])
    return response["content"]["application/json"]["schema"]


def test_every_api_route_is_described(app):
    # The description's paths are relative to the API's prefix (its `servers` entry).
    prefix = app.blueprints["api"].url_prefix
    described = set(SPEC["paths"])
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.not_found":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(prefix))
        assert path in described, path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in SPEC["paths"][path], (path, method)


def get(client, endpoint, *, status=200, **values):
    """A JSON response of the API by endpoint, its status checked."""
    response = client.get(url_for(endpoint, **values))
    assert response.status_code == status, (endpoint, values, response.get_data(as_text=True))
    assert response.is_json, (endpoint, values)
    return response


def test_the_description_is_served(client):
    response = get(client, "api.openapi_document")
    assert response.json["openapi"].startswith("3.")
    assert response.json == SPEC


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
    conforms(listing.json, response_schema("/documents", 200))
    assert [item["id"] for item in listing.json["items"]] == [document.id]
    detail = get(client, "api.show_document", document_id=document.id)
    conforms(detail.json, response_schema("/documents/{document_id}", 200))
    assert detail.json["text"] == document.redacted_text
    releases = get(client, "api.list_releases", category="case_progress", per_page=5)
    conforms(releases.json, response_schema("/releases", 200))
    assert releases.json["total"] == 1 and releases.json["per_page"] == 5
    one = get(client, "api.show_release", release_id=release.id)
    conforms(one.json, response_schema("/releases/{release_id}", 200))


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
    conforms(response.json, response_schema("/documents", 400))


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


def test_a_withdrawn_document_is_410_with_the_reason(client, published):
    document, _release, _draft = published
    services.withdraw_document(document, publisher(), reason="更正")
    db.session.commit()
    response = get(client, "api.show_document", status=410, document_id=document.id)
    assert response.json["error"]["reason"] == "更正"
    conforms(response.json, response_schema("/documents/{document_id}", 410))
    assert get(client, "api.list_documents").json["total"] == 0
