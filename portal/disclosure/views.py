"""Public pages: important case information, legal documents, search.

Only published text is ever shown: a document's redacted text and a release's redacted title
and body (public_title, public_body), never their originals. A withdrawn
item keeps its address, which answers 410 Gone with the reason for the withdrawal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType
from xml.etree import ElementTree as ET

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale

from portal.core import params, pdf
from portal.core.clock import as_utc, local_date
from portal.core.i18n import format_date, html_lang
from portal.core.i18n import gettext as _
from portal.core.pagecache import public_page
from portal.core.urls import id_urls, public_url
from portal.disclosure import layout, queries, search
from portal.disclosure.models import (
    PUBLISHABLE_TYPES,
    TOPIC,
    DocumentState,
    DocumentType,
    ReleaseCategory,
    ReleaseState,
)
from portal.extensions import db, limiter

bp = Blueprint("disclosure", __name__)
PUBLIC_TYPES = [t for t in DocumentType if t in PUBLISHABLE_TYPES]
FEED_SIZE = 50


def _page() -> int:
    """On HTML pages a malformed page or filter is ignored rather than refused."""
    return params.page_arg(request.args)


# ---- releases --------------------------------------------------------------------------------


@bp.route("/case-information/releases")
@public_page(TOPIC)
def list_releases():
    category = params.lenient(params.choice_arg, request.args, "category", list(ReleaseCategory))
    page = db.paginate(
        queries.public_releases(category=category),
        page=_page(),
        per_page=queries.PER_PAGE,
        error_out=False,
    )
    return render_template(
        "disclosure/releases.html", page=page, category=category, categories=list(ReleaseCategory)
    )


@bp.route("/case-information/releases/<int:release_id>")
@public_page(TOPIC)
def show_release(release_id: int):
    release = queries.public_release(release_id) or abort(404)
    if release.status == ReleaseState.WITHDRAWN:
        return render_template(
            "disclosure/withdrawn.html", item=release, title=release.public_title
        ), 410
    return render_template("disclosure/release.html", release=release)


_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _XML_INVALID.sub("", value or "")


@bp.route("/case-information/releases/feed.atom")
@public_page(TOPIC)
def releases_feed():
    """An Atom feed of the latest releases, built with ElementTree so every value is escaped.
    Its links are built from PUBLIC_BASE_URL (core.urls), never from the request's Host, so a
    cache or aggregator can never be handed links to another site."""
    releases = db.session.scalars(queries.public_releases().limit(FEED_SIZE)).all()
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)

    def sub(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        if text is not None:
            element.text = _xml_text(text)
        return element

    feed = ET.Element(f"{{{ns}}}feed")
    name = current_app.config["PROCURATORATE_NAME"]
    sub(feed, "title", f"{name} · 重要案件信息")
    sub(feed, "id", public_url("disclosure.releases_feed"))
    sub(feed, "link", rel="self", href=public_url("disclosure.releases_feed"))
    sub(feed, "link", rel="alternate", type="text/html",
        href=public_url("disclosure.list_releases"))  # fmt: skip
    latest = max((as_utc(r.published_at) for r in releases), default=None)
    sub(feed, "updated", latest.isoformat() if latest else "1970-01-01T00:00:00+00:00")
    author = sub(feed, "author")
    sub(author, "name", name)
    for release in releases:
        url = public_url("disclosure.show_release", release_id=release.id)
        entry = sub(feed, "entry")
        sub(entry, "title", release.public_title)
        sub(entry, "id", url)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(entry, "published", as_utc(release.published_at).isoformat())
        sub(entry, "updated", as_utc(release.published_at).isoformat())
        sub(entry, "category", term=release.category)
        sub(entry, "summary", release.public_body[:200])
        sub(entry, "content", release.public_body, type="text")
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + body,
        200,
        {"Content-Type": "application/atom+xml; charset=utf-8"},
    )


# ---- documents -------------------------------------------------------------------------------


def _document_filters():
    return {
        "doc_type": params.lenient(params.choice_arg, request.args, "type", PUBLIC_TYPES),
        "procuratorate": params.lenient(params.text_arg, request.args, "procuratorate"),
        "year": params.lenient(params.int_arg, request.args, "year", **params.YEARS),
    }


@bp.route("/case-information/documents")
@public_page(TOPIC)
def list_documents():
    filters = _document_filters()
    page = db.paginate(
        queries.public_documents(**filters),
        page=_page(),
        per_page=queries.PER_PAGE,
        error_out=False,
    )
    return render_template(
        "disclosure/documents.html",
        page=page,
        filters=filters,
        types=PUBLIC_TYPES,
        procuratorates=queries.procuratorates(),
    )


@bp.route("/case-information/documents/<int:document_id>")
@public_page(TOPIC)
def show_document(document_id: int):
    document = queries.public_document(document_id) or abort(404)
    if document.status == DocumentState.WITHDRAWN:
        return render_template(
            "disclosure/withdrawn.html", item=document, title=document.title
        ), 410
    return render_template(
        "disclosure/document.html",
        document=document,
        formal=layout.formal_text(document),
        published_on=local_date(document.published_at),
    )


@bp.route("/case-information/documents/<int:document_id>.pdf")
@public_page(TOPIC)
@limiter.limit(lambda: current_app.config["DOCUMENT_PDF_LIMIT"])
def document_pdf(document_id: int):
    """The document as a PDF with the page's layout; the labels in the reader's language."""
    document = queries.public_document(document_id) or abort(404)
    if document.status == DocumentState.WITHDRAWN:
        return render_template(
            "disclosure/withdrawn.html", item=document, title=document.title
        ), 410
    formal = layout.formal_text(document)
    content = pdf.render_formal(
        pdf.FormalDocument(
            issuer=document.procuratorate,
            kind=document.type_enum.zh,
            number=document.case_number,
            paragraphs=formal.paragraphs,
            signature=formal.signature,
            date=as_utc(document.published_at),
            facts=(
                (_("Type"), str(document.type_enum.label)),
                (_("Date of the document"), format_date(document.document_date)),
                (_("Date of publication"), format_date(local_date(document.published_at))),
                (_("Address"), public_url("disclosure.show_document", document_id=document.id)),
            ),
            language=html_lang(get_locale()),
        )
    )
    return pdf.as_download(content, f"{document.case_number}.pdf", public=True)


# ---- search ----------------------------------------------------------------------------------


def _published_labels(results: search.SearchPage | None, locale: str) -> dict:
    """'Published on <date>' for each date among the results."""
    days = {hit.published_on for hit in results.hits} if results else ()
    return {day: _published_label(locale, day) for day in days}


# The search page's words and links, made once per language (the argument `locale` is the one in
# force, and keys the cache) and per path prefix rather than on every search: 100 us a search.


@functools.lru_cache(maxsize=4096)
def _published_label(locale: str, day: date) -> str:
    return _("Published on %(date)s", date=format_date(day))


@functools.lru_cache(maxsize=8)
def _kind_labels(locale: str) -> Mapping[str, str]:
    return MappingProxyType(
        {
            "release": _("Important case information"),
            **{t.value: str(t.label) for t in PUBLIC_TYPES},
        }
    )


@functools.lru_cache(maxsize=8)
def _hit_urls(script_root: str) -> Mapping[str, Callable[[int], str]]:
    return MappingProxyType(
        {
            "document": id_urls("disclosure.show_document", "document_id"),
            "release": id_urls("disclosure.show_release", "release_id"),
        }
    )


@bp.route("/case-information/search")
# Validators, but no stored copies: the addresses of searches are without number.
@public_page(TOPIC, store=False)
@limiter.limit(lambda: current_app.config["SEARCH_LIMIT"])
def search_page():
    filters = _document_filters()
    raw = request.args.get("q")
    type_code = params.lenient(params.choice_arg, request.args, "type", [*PUBLIC_TYPES, "release"])
    results, error = None, None
    if raw is not None:
        try:
            results = search.search(
                raw,
                search.Filters(
                    type_code=type_code,
                    procuratorate=filters["procuratorate"],
                    year=filters["year"],
                ),
                page=_page(),
            )
        except search.QueryError as problem:
            error = str(problem)
    locale = str(get_locale())
    return render_template(
        "disclosure/search.html",
        query=raw or "",
        results=results,
        error=error,
        filters={**filters, "type": type_code},
        types=PUBLIC_TYPES,
        kind_labels=_kind_labels(locale),
        hit_urls=_hit_urls(request.script_root),
        published_labels=_published_labels(results, locale),
        procuratorates=queries.procuratorates(),
    ), (400 if error else 200)
