"""Public pages rendered once and served from a cache, with HTTP validators, until what they
show changes.

**What is stored.** A view marked `@public_page(*topics)` (the home page, lists, documents,
releases, the feed, the open data API, the transparency page) is stored after rendering when the
response is the same for every anonymous reader: a GET by no one logged in, status 200 or 410,
nothing written to the session, no cookie set and no CSRF token rendered (a form's token
belongs to one reader's session). The entry keeps the status, the headers (the
security headers included), the body, its ETag (a hash of the body) and the generation of every
*topic* it was rendered from. Pages are stored per host, full path with query string, and
*variant*: the values of the cookies a page is rendered by (PAGE_VARIANT_COOKIES: the language
and the display mode, standard or elderly), so each language and mode has its own copy.

**Serving.** A WSGI middleware in front of Flask answers a GET or HEAD that carries no cookie
but the variant cookies from the store, when the entry is still current: 304 when the request's
If-None-Match names its ETag, else the stored response. Anything else (a session cookie, a miss,
a stale entry) goes to Flask as usual, and Flask's answer to a conditional request is a 304 too.
Public responses say `Cache-Control: public, no-cache` and `Vary: Cookie`: a browser or proxy may
keep a copy but asks every time, so a withdrawn document disappears at once everywhere; asking
costs a 304.

**Invalidation.** A *topic* ("disclosure", "statistics") names what changes together. A model
says which topics it shows on (`page_topics = ("disclosure",)`); any insert, update or delete of
one in a flush marks them, and code that writes with SQL statements marks its topics with
`changed()`. After the transaction commits, each marked topic's generation goes up, in a place
every worker of every host reads: Redis when REDIS_URL is set, else a file per topic under
instance/pagecache/ (one host: all its workers). An entry rendered at an older generation is
stale. The generations are read before a page is rendered, so a page rendered while a change
commits is stored under the old generation and never outlives it. Every entry also expires
after PAGE_CACHE_SECONDS, and pages that show the date (the transparency page) at the next
local midnight: the bound for a change made outside the portal (SQL by hand), and
`flask --app portal page-cache clear` for the impatient.

**Keys** start with a fingerprint of the code, templates, catalogues, static files and settings, so a deploy
never serves pages rendered by the previous release from a shared Redis.

Several hosts without Redis would each keep their own generation file, and a change on one host
would not reach the others: several hosts need REDIS_URL (portal/config.py says so).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import click
from cachelib import BaseCache, RedisCache, SimpleCache
from flask import Flask, current_app, g, has_app_context, request, session
from flask.cli import with_appcontext
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.http import parse_cookie, parse_etags

from portal.core import clock

log = logging.getLogger(__name__)

EXTENSION = "pagecache"
STORED_STATUSES = frozenset({200, 410})
CACHE_CONTROL = "public, no-cache"
# Only responses this size or smaller are stored (a page is 5 to 60 kB; a feed of 50 releases
# a few hundred kB).
MAX_BODY_BYTES = 2 * 1024 * 1024
# A topic every entry depends on: `clear()` moves it on.
EVERYTHING = "*"
_TOPICS_KEY = "page_topics_changed"  # in session.info: the topics this transaction changed


# ---- marking views and changes ----------------------------------------------------------------


def public_page(*topics: str, store: bool = True, daily: bool = False) -> Callable:
    """Mark a view as a public page shown alike to every anonymous reader, rendered from
    `topics`. `store=False` gives it validators (ETag, 304) without storing it: pages whose
    addresses are unbounded (search results). `daily` pages show today's date or figures up to
    today: their entries end at the next local midnight."""

    def mark(view):
        view.page_topics = tuple(topics)
        view.page_store = store
        view.page_daily = daily
        return view

    return mark


def changed(*topics: str, session: Session | None = None) -> None:
    """Record that the current transaction changes what pages of `topics` show (for writes
    made with SQL statements, which no flush sees)."""
    from portal.extensions import db

    target = session if session is not None else db.session()
    target.info.setdefault(_TOPICS_KEY, set()).update(topics)


@event.listens_for(Session, "before_flush")
def _mark_changed_models(session, _context, _instances):
    topics = set()
    for obj in (*session.new, *session.deleted):
        topics.update(getattr(obj, "page_topics", ()))
    for obj in session.dirty:
        object_topics = getattr(obj, "page_topics", ())
        if object_topics and session.is_modified(obj, include_collections=False):
            topics.update(object_topics)
    if topics:
        session.info.setdefault(_TOPICS_KEY, set()).update(topics)


@event.listens_for(Session, "after_commit")
def _bump_after_commit(session):
    topics = session.info.pop(_TOPICS_KEY, None)
    if topics and has_app_context() and EXTENSION in current_app.extensions:
        current_app.extensions[EXTENSION].changed(topics)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session, previous_transaction):
    if previous_transaction.parent is None:  # the outermost transaction: nothing was committed
        session.info.pop(_TOPICS_KEY, None)


def kept_until_changed(*topics: str) -> Callable:
    """Keep the result of a function without arguments in each worker until one of `topics`
    changes, on any host, as stored pages are kept: for what many pages show and few changes
    move, such as the procuratorates of the search filters (a query on every search). The
    generations are read first, so that a change committed while the function runs moves them
    past the result. A transaction that has changed anything (flushed or not) gets its own
    result, never kept: it may yet roll back. Without the cache (or its store), the function
    runs each time. Results are shared: return something immutable."""
    watched = (EVERYTHING, *topics)

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def kept():
            cache = current_app.extensions.get(EXTENSION)
            generations = cache.generations_now(watched) if cache and _unchanged() else None
            if generations is None:
                return function()
            held = cache.kept.get(function)
            if held is not None and held[0] == generations:
                return held[1]
            value = function()
            cache.kept[function] = (generations, value)
            return value

        return kept

    return decorate


def _unchanged() -> bool:
    """Whether the current transaction has changed nothing that pages show (flushed or not)."""
    from portal.extensions import db

    session = db.session()
    return not (session.info.get(_TOPICS_KEY) or session.new or session.dirty or session.deleted)


# ---- generations -------------------------------------------------------------------------------


class FileGenerations:
    """Generations in files that every worker on this host reads, one per topic in `folder`.

    A topic's generation is its file's length: a change appends one byte (an O_APPEND write,
    atomic between processes, no lock, no rename: some microseconds on every commit that changes
    a topic, which for the statistics is every submission), and a read is one stat() per topic.
    The inode is part of the generation, so a file deleted and made again never repeats an old
    one. A file grows by a byte a change: a million changes make a megabyte."""

    def __init__(self, folder: Path):
        self.folder = folder

    def read(self, topics) -> dict[str, tuple[int, int]]:
        generations = {}
        for topic in topics:
            try:
                status = os.stat(self.folder / topic)
                generations[topic] = (status.st_ino, status.st_size)
            except FileNotFoundError:
                generations[topic] = (0, 0)
        return generations

    def bump(self, topics) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for topic in topics:
            descriptor = os.open(self.folder / topic, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(descriptor, b".")
            finally:
                os.close(descriptor)


class RedisGenerations:
    """Generations in one Redis hash, shared by every host."""

    def __init__(self, client, key: str):
        self.client, self.key = client, key

    def read(self, topics) -> dict[str, int]:
        topics = list(topics)
        values = self.client.hmget(self.key, topics)
        return {topic: int(value or 0) for topic, value in zip(topics, values, strict=True)}

    def bump(self, topics) -> None:
        pipe = self.client.pipeline()
        for topic in sorted(topics):
            pipe.hincrby(self.key, topic, 1)
        pipe.execute()


# ---- the cache ---------------------------------------------------------------------------------


class PageCache:
    def __init__(self, entries: BaseCache, generations, *, prefix: str, seconds: int):
        self.entries = entries
        self.generations = generations
        self.prefix = prefix
        self.seconds = seconds
        self.kept: dict[Callable, tuple[dict, object]] = {}  # kept_until_changed's results
        self.fragments: dict[tuple, object] = {}  # parts of pages (core/fragments.py)

    def key(self, host: str, path: str, query: str, variant: str) -> str:
        return f"{self.prefix}:{variant}:{host}{path}?{query}"

    # The cache is an optimisation: when its store fails (Redis down), pages are rendered as if
    # nothing were stored, and the failure is logged; it never fails a request.

    def current(self, key: str):
        """The entry stored under `key` if it is still current, else None."""
        try:
            entry = self.entries.get(key)
            if entry is None or entry["expires"] <= clock.now().timestamp():
                return None
            now = self.generations.read(entry["topics"])
        except Exception:
            log.warning("page cache unavailable", exc_info=True)
            return None
        if any(now[t] != n for t, n in entry["topics"].items()):
            return None
        return entry

    def generations_now(self, topics) -> dict | None:
        """The topics' generations, or None when they cannot be read (then nothing is stored)."""
        try:
            return self.generations.read(topics)
        except Exception:
            log.warning("page cache unavailable", exc_info=True)
            return None

    def store(self, key: str, entry: dict) -> None:
        try:
            self.entries.set(key, entry)
        except Exception:
            log.warning("page cache unavailable", exc_info=True)

    def changed(self, topics) -> None:
        """Move the topics on after a commit. A failure is an ERROR: pages of these topics may
        then be served stale until PAGE_CACHE_SECONDS have passed."""
        try:
            self.generations.bump(topics)
        except Exception:
            log.error("page cache: topics %s not moved on", sorted(topics), exc_info=True)

    def clear(self) -> None:
        """Make every stored page stale, on every worker and host, and forget this worker's
        kept parts of pages (they follow the settings, which change when workers restart)."""
        self.generations.bump([EVERYTHING])
        self.entries.clear()
        self.fragments.clear()


@functools.cache
def _release_fingerprint(root: Path) -> str:
    """The code, templates, catalogues and static files this process runs, as a hash (read
    once). Static files too: pages link them by a hash of their content (core/assets.py)."""
    digest = hashlib.sha256()
    for folder, pattern in (
        ("portal", "*.py"),
        ("templates", "*.html"),
        ("translations", "*.mo"),
        ("static", "*"),
    ):
        for path in sorted((root / folder).rglob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _fingerprint(app: Flask, root: Path) -> str:
    """What a stored page was made from besides the data: the release and the settings (secrets
    left out), as a short hash."""
    digest = hashlib.sha256(_release_fingerprint(root).encode())
    settings = {
        name: value
        for name, value in app.config.items()
        if isinstance(value, str | int | bool)
        and not any(word in name for word in ("SECRET", "PASSWORD", "KEY", "TOKEN"))
    }
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def build(app: Flask, root: Path) -> PageCache:
    config = app.config
    prefix = "page:" + _fingerprint(app, root)
    seconds = config["PAGE_CACHE_SECONDS"]
    if config.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(config["REDIS_URL"])
        entries = RedisCache(client, default_timeout=seconds, key_prefix="portal:")
        generations = RedisGenerations(client, "portal:page-generations")
    else:
        entries = SimpleCache(threshold=config["PAGE_CACHE_ENTRIES"], default_timeout=seconds)
        generations = FileGenerations(Path(app.instance_path) / "pagecache")
    return PageCache(entries, generations, prefix=prefix, seconds=seconds)


# ---- Flask side: validators, storing ------------------------------------------------------------


def _marked_view():
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return view if view is not None and hasattr(view, "page_topics") else None


def variant_of(cookies, names) -> str:
    """The variant of a page a reader with these cookies gets: the cookies `names`
    (PAGE_VARIANT_COOKIES) that are set, URL-encoded so that no value, however made up, can
    spell another reader's variant; empty for a reader with none."""
    return urlencode([(name, cookies[name]) for name in names if cookies.get(name)])


def _next_midnight() -> float:
    today = clock.local_today()
    return clock.start_of_local_day(today + timedelta(days=1)).timestamp()


def init_app(app: Flask, root: Path, *, is_logged_in: Callable[[], bool]) -> None:
    """Wire the cache: the middleware, the hooks that read generations before a marked view and
    store its response after, and the CLI command."""
    cache = build(app, root)
    app.extensions[EXTENSION] = cache
    if not app.config["PAGE_CACHE_ENABLED"]:
        cache.entries = _NoEntries()
    app.wsgi_app = CachedPagesMiddleware(app.wsgi_app, app, cache)

    @app.before_request
    def read_generations():
        view = _marked_view()
        if view is not None and view.page_store:
            g.page_generations = cache.generations_now((EVERYTHING, *view.page_topics))

    # Flask runs after-request hooks in reverse order of registration: inserted first, this one
    # runs last, once the security headers are on the response it stores.
    def store_public_page(response):
        view = _marked_view()
        if view is None or request.method not in ("GET", "HEAD") or is_logged_in():
            return response
        if "no-store" in response.headers.get("Cache-Control", ""):
            return response  # core/security.py judged it private: that rule has the last word
        if (
            session.modified
            or "Set-Cookie" in response.headers
            or g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        ):
            return response  # made for one reader: a message, a cookie, or their CSRF token
        if response.status_code not in STORED_STATUSES or response.direct_passthrough:
            return response
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.vary.add("Cookie")
        body = response.get_data()
        if response.status_code == 200:  # a 410 is stored, but only a 200 is revalidated
            response.set_etag(hashlib.sha256(body).hexdigest()[:32])
        generations = g.get("page_generations")
        if generations is not None and request.method == "GET" and len(body) <= MAX_BODY_BYTES:
            expires = clock.now().timestamp() + cache.seconds
            if view.page_daily:
                expires = min(expires, _next_midnight())
            cache.store(
                cache.key(
                    request.host,
                    request.path,
                    request.query_string.decode("latin-1"),
                    variant_of(request.cookies, current_app.config["PAGE_VARIANT_COOKIES"]),
                ),  # fmt: skip
                {
                    "status": response.status,
                    "headers": list(response.headers.items()),
                    "body": body,
                    "etag": response.get_etag()[0],
                    "topics": generations,
                    "expires": expires,
                },
            )
        return response.make_conditional(request)

    app.after_request_funcs.setdefault(None, []).insert(0, store_public_page)
    app.cli.add_command(page_cache_cli)


class _NoEntries(SimpleCache):
    """PAGE_CACHE_ENABLED=false: validators still work, nothing is kept."""

    def get(self, key):
        return None

    def set(self, key, value, timeout=None):
        return True


# ---- the middleware ----------------------------------------------------------------------------


class CachedPagesMiddleware:
    """Answers from the store before Flask runs (see the module docstring for when)."""

    def __init__(self, wsgi_app, app: Flask, cache: PageCache):
        self.wsgi_app = wsgi_app
        self.cache = cache
        self.variant_cookies = tuple(app.config["PAGE_VARIANT_COOKIES"])

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method in ("GET", "HEAD"):
            entry = self._entry_for(environ)
            if entry is not None:
                return self._serve(entry, environ, start_response, head=method == "HEAD")
        return self.wsgi_app(environ, start_response)

    def _entry_for(self, environ):
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if any(name not in self.variant_cookies for name in cookies):
            return None  # a session (or anything else): Flask decides
        try:
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
        except UnicodeError:
            return None  # a malformed path: Flask answers it
        key = self.cache.key(
            environ.get("HTTP_HOST", ""),
            path,
            environ.get("QUERY_STRING", ""),
            variant_of(cookies, self.variant_cookies),
        )
        return self.cache.current(key)

    def _serve(self, entry, environ, start_response, *, head: bool):
        etag = entry["etag"]
        if etag and parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(etag):
            headers = [
                (name, value)
                for name, value in entry["headers"]
                if name in ("Cache-Control", "ETag", "Vary")
            ]
            start_response("304 NOT MODIFIED", headers)
            return []
        start_response(entry["status"], entry["headers"])
        return [] if head else [entry["body"]]


# ---- CLI ---------------------------------------------------------------------------------------


@click.group("page-cache")
def page_cache_cli():
    """The cache of public pages."""


@page_cache_cli.command("clear")
@with_appcontext
def clear_command():
    """Forget every stored page (after changing published data by hand in the database)."""
    cache: PageCache = current_app.extensions[EXTENSION]
    cache.clear()
    click.echo("Every stored page is stale now: each is rendered again on its next request.")
