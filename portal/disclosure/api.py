"""Read-only open data API for published documents and releases, described by openapi.py;
what every part of /api/v1 shares (JSON errors, the assembled description) is core/api.py.

Every answer is JSON, errors included (400 for a malformed parameter, 404, 405, 410 for a
withdrawn item with the reason, 500): never an HTML page. Only published text is served, never a
document's original. Links (`url`) are built from PUBLIC_BASE_URL, never from the request's Host.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from portal.core import params
from portal.core.api import PREFIX, answer_errors_in_json, describe, document, error
from portal.core.clock import as_utc
from portal.core.pagecache import public_page
from portal.core.urls import public_url
from portal.disclosure import openapi, queries
from portal.disclosure.models import (
    TOPIC,
    DocumentState,
    LegalDocument,
    Release,
    ReleaseCategory,
    ReleaseState,
)
from portal.disclosure.views import PUBLIC_TYPES
from portal.extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)  # read-only: nothing to forge
answer_errors_in_json(bp)
describe(openapi.PATHS, **openapi.COMPONENTS)


def _iso(moment) -> str | None:
    return as_utc(moment).isoformat() if moment else None


def document_json(document: LegalDocument, *, with_text: bool) -> dict:
    data = {
        "id": document.id,
        "type": document.doc_type,
        "title": document.title,
        "procuratorate": document.procuratorate,
        "case_number": document.case_number,
        "document_date": document.document_date.isoformat(),
        "published_at": _iso(document.published_at),
        "url": public_url("disclosure.show_document", document_id=document.id),
    }
    if with_text:
        data["text"] = document.redacted_text
    return data


def release_json(release: Release, *, with_text: bool) -> dict:
    data = {
        "id": release.id,
        "title": release.public_title,
        "category": release.category,
        "procuratorate": release.procuratorate,
        "released_on": release.released_on.isoformat(),
        "published_at": _iso(release.published_at),
        "url": public_url("disclosure.show_release", release_id=release.id),
    }
    if with_text:
        data["body"] = release.public_body
    return data


def _paging():
    page = params.int_arg(request.args, "page", low=1, high=100_000, default=1)
    per_page = params.int_arg(
        request.args, "per_page", low=1, high=queries.MAX_PER_PAGE, default=queries.PER_PAGE
    )
    return page, per_page


def _page_json(query, page: int, per_page: int, serialise) -> dict:
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return {
        "items": [serialise(item, with_text=False) for item in result.items],
        "page": page,
        "per_page": per_page,
        "total": result.total,
        "pages": result.pages,
    }


@bp.route("/documents")
@public_page(TOPIC)
def list_documents():
    doc_type = params.choice_arg(request.args, "type", PUBLIC_TYPES)
    procuratorate = params.text_arg(request.args, "procuratorate")
    year = params.int_arg(request.args, "year", **params.YEARS)
    page, per_page = _paging()
    query = queries.public_documents(doc_type=doc_type, procuratorate=procuratorate, year=year)
    return jsonify(_page_json(query, page, per_page, document_json))


@bp.route("/documents/<int:document_id>")
@public_page(TOPIC)
def show_document(document_id: int):
    document = queries.public_document(document_id)
    return _detail(document, "document", DocumentState.WITHDRAWN, document_json)


def _detail(record, name: str, withdrawn_state, to_json):
    """One published record as JSON; 404 when there is none, 410 with the reason once withdrawn."""
    if record is None:
        return error(404, f"No published {name} has this id.")
    if record.status == withdrawn_state:
        return error(
            410,
            f"This {name} was withdrawn.",
            reason=record.withdrawal_reason,
            withdrawn_at=_iso(record.withdrawn_at),
        )
    return jsonify(to_json(record, with_text=True))


@bp.route("/releases")
@public_page(TOPIC)
def list_releases():
    category = params.choice_arg(request.args, "category", list(ReleaseCategory))
    year = params.int_arg(request.args, "year", **params.YEARS)
    page, per_page = _paging()
    query = queries.public_releases(category=category, year=year)
    return jsonify(_page_json(query, page, per_page, release_json))


@bp.route("/releases/<int:release_id>")
@public_page(TOPIC)
def show_release(release_id: int):
    release = queries.public_release(release_id)
    return _detail(release, "release", ReleaseState.WITHDRAWN, release_json)


@bp.route("/openapi.json")
@public_page()
def openapi_document():
    """The description of the whole API, every domain's part (portal/core/api.py)."""
    return jsonify(document())


@bp.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(anything: str):
    """Unknown addresses and methods under /api/v1 answer in JSON too: routing errors never
    reach a blueprint's error handlers, so this catch-all takes what no API route matches."""
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(request.path, method="GET")
    except HTTPException:
        endpoint = None
    if endpoint and endpoint != "api.not_found" and request.method != "GET":
        response = error(405, "This API is read-only: use GET.")
        response.headers["Allow"] = "GET, HEAD"
        return response
    return error(404, "No such API endpoint. See /api/v1/openapi.json.")
