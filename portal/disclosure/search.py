"""Full-text search over published documents and releases, on SQLite (FTS5) and PostgreSQL.

Both databases index the same pre-segmented tokens (segmenter.index_tokens) and answer the same
query, so the same data gives the same results:

* every word of the query must occur (AND); a two-character word such as 盗窃 finds documents
  where it stands alone and where it is part of a longer word (盗窃罪), because the index holds
  jieba's search-mode sub-words too;
* a phrase in quotes ("电信网络诈骗", "mobile phone") must also occur exactly, as a substring of
  the normalised text (`plain`), which the full-text match has already narrowed down;
* legal terms are one word (不起诉, 取保候审: the segmenter's dictionary), and each entry also
  holds the English names of the legal terms in it and its English title and summary, so that
  `fraud` finds 诈骗罪;
* filters by type, procuratorate and year (on SQLite as tokens of the FTS5 `facets` column,
  so a filtered search is one full-text intersection; on PostgreSQL as column conditions);
* entries whose head (title, document type in both languages, English title) holds every word
  come first, then the others; newest first in each (by entry id, which grows with
  publication). The head has a full-text index of its own, so this costs one more index count,
  not a score for every match (bm25 or ts_rank over thousands of matches would cost more than the
  whole search does today); a page of results, and a count that stops at COUNT_CAP so that a
  very common word costs no more than a rare one.

The user's query never reaches the database as syntax: it is reduced to letter-and-digit tokens,
each quoted for FTS5 (`"盗窃" AND "手机"`) or as a tsquery lexeme (`'盗窃' & '手机'`), and phrases
are bound parameters. An empty, too long or punctuation-only query raises QueryError with a
message for the user.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache

import sqlalchemy as sa
from markupsafe import Markup, escape

from portal.core import clock, segmenter
from portal.core.database import reading
from portal.core.i18n import gettext as _
from portal.disclosure.models import LegalDocument, Release, SearchEntry
from portal.extensions import db

MAX_QUERY_CHARS = 100
MAX_WORDS = 12
MAX_TOKEN_CHARS = 60
COUNT_CAP = 1000
PER_PAGE = 20
MAX_PAGE = COUNT_CAP // PER_PAGE
_QUOTES = '"“”「」『』'
_PHRASE_RE = re.compile(rf"[{_QUOTES}]([^{_QUOTES}]*)[{_QUOTES}]")
_SPACE_RE = re.compile(r"\s+")
_LATIN = re.compile(r"[a-z]")


class QueryError(ValueError):
    """The query cannot be run; the message tells the user what to type instead."""


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...]
    phrases: tuple[str, ...]

    @cached_property
    def highlights(self) -> tuple[str, ...]:
        return tuple(sorted({*self.words, *self.phrases}, key=len, reverse=True))

    def fts5_match(self) -> str:
        return "{tokens} : (" + " AND ".join(f'"{word}"' for word in self.words) + ")"

    def tsquery(self) -> str:
        return " & ".join(f"'{word}'" for word in self.words)


def plain_text(text: str) -> str:
    """Normalised for exact phrase matching: NFKC, lowercase, runs of whitespace as one space."""
    return _SPACE_RE.sub(" ", segmenter.normalise(text)).strip()


def _usable(tokens) -> list[str]:
    return [t for t in tokens if len(t) <= MAX_TOKEN_CHARS]


def parse_query(raw: str | None) -> ParsedQuery:
    raw = (raw or "").strip()
    if not raw:
        raise QueryError(_("Enter a word to search for, such as 盗窃 or fraud."))
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(_("Use at most %(max)d characters in a search.", max=MAX_QUERY_CHARS))
    phrases = []
    for match in _PHRASE_RE.finditer(raw):
        phrase = plain_text(match.group(1))
        if len(segmenter.query_words(phrase)) > 1:
            phrases.append(phrase)
    words: list[str] = []
    for word in _usable(segmenter.query_words(raw)):
        if word not in words:
            words.append(word)
    if not words:
        raise QueryError(
            _("Enter words or numbers to search for: punctuation and operators alone find nothing.")
        )
    if len(words) > MAX_WORDS:
        raise QueryError(_("Use at most %(max)d words in a search.", max=MAX_WORDS))
    return ParsedQuery(tuple(words), tuple(dict.fromkeys(phrases)))


# ---- the index -------------------------------------------------------------------------------


def facet_tokens(*, type_code: str | None, procuratorate: str | None, year: int | None) -> str:
    """The filters as letter-and-digit tokens for the FTS5 `facets` column (SQLite)."""
    tokens = []
    if type_code:
        tokens.append("t" + re.sub(r"[^a-z0-9]", "", type_code))
    if year:
        tokens.append(f"y{year}")
    if procuratorate:
        tokens.append("p" + hashlib.sha256(procuratorate.encode()).hexdigest()[:16])
    return " ".join(tokens)


def _index_words(text: str) -> list[str]:
    """The tokens of `text` and the English names of the legal terms among them."""
    tokens = _usable(segmenter.words(text, for_index=True))
    return tokens + segmenter.english_names(tokens)


def entry_values(
    *, kind: str, ref_id: int, type_code: str, procuratorate: str, year: int, title: str,
    text: str, published_on: date, extra: str = "", english_title: str = "",
    english_summary: str = "",
) -> dict:  # fmt: skip
    """The row stored for one published item (also used by the benchmark's bulk load). `extra`
    is the document type's Chinese name: with its English name it belongs to the head."""
    head = _index_words(f"{title}\n{extra}\n{english_title}")
    tokens = _index_words(
        f"{title}\n{procuratorate}\n{extra}\n{english_title}\n{english_summary}\n{text}"
    )
    return {
        "kind": kind,
        "ref_id": ref_id,
        "type_code": type_code,
        "procuratorate": procuratorate,
        "year": year,
        "title": title,
        "plain": plain_text(f"{title}\n{english_title}\n{english_summary}\n{text}"),
        "head": " ".join(head),
        "tokens": " ".join(tokens),
        "facets": facet_tokens(type_code=type_code, procuratorate=procuratorate, year=year),
        "published_on": published_on,
    }


def _store(values: dict) -> None:
    unindex(values["kind"], values["ref_id"])
    db.session.add(SearchEntry(**values))
    db.session.flush()


def index_document(document: LegalDocument) -> None:
    _store(_document_values(document))


def _document_values(document: LegalDocument) -> dict:
    return entry_values(
        kind="document",
        ref_id=document.id,
        type_code=document.doc_type,
        procuratorate=document.procuratorate,
        year=document.document_date.year,
        title=document.title,
        text=document.redacted_text,
        published_on=clock.local_date(document.published_at),
        extra=document.type_enum.zh,
        english_title=document.english_title or "",
        english_summary=document.english_summary or "",
    )


def index_release(release: Release) -> None:
    _store(_release_values(release))


def _release_values(release: Release) -> dict:
    return entry_values(
        kind="release",
        ref_id=release.id,
        type_code="release",
        procuratorate=release.procuratorate,
        year=release.released_on.year,
        title=release.public_title,
        text=release.public_body,
        published_on=release.released_on,
        english_title=release.english_title or "",
        english_summary=release.english_summary or "",
    )


def reindex(batch: int = 500):
    """Segment every indexed item again (after the legal terms or the segmenter changed, or
    after migration 0028 added the head), in place: each entry keeps its id, so the newest-first
    order stays the order of publication. Yields after each batch, for the caller to commit."""
    last_id = 0
    while True:
        entries = db.session.scalars(
            sa.select(SearchEntry).where(SearchEntry.id > last_id).order_by(SearchEntry.id)
            .limit(batch)
        ).all()  # fmt: skip
        if not entries:
            return
        for entry in entries:
            source = db.session.get(LegalDocument if entry.kind == "document" else Release,
                                    entry.ref_id)  # fmt: skip
            values = (
                _document_values(source) if entry.kind == "document" else _release_values(source)
            )
            for column in ("title", "head", "tokens", "plain", "facets"):
                setattr(entry, column, values[column])
        db.session.flush()
        last_id = entries[-1].id
        yield len(entries)


def unindex(kind: str, ref_id: int) -> None:
    db.session.execute(
        sa.delete(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.ref_id == ref_id)
    )


# ---- searching -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    type_code: str | None = None
    procuratorate: str | None = None
    year: int | None = None


@dataclass
class Hit:
    kind: str
    ref_id: int
    type_code: str
    procuratorate: str
    published_on: date
    title: Markup
    snippet: Markup


@dataclass
class SearchPage:
    query: ParsedQuery
    hits: list[Hit]
    page: int
    per_page: int
    total: int  # at most COUNT_CAP
    is_capped: bool  # more results than COUNT_CAP
    # The English words typed matched nothing: these corrected words were searched instead.
    corrected_from: str | None = None
    # Nothing matched English words: the Chinese legal terms they name, to search for instead.
    chinese_terms: tuple[tuple[str, str], ...] = ()

    @property
    def is_english(self) -> bool:
        return any(_LATIN.search(word) for word in self.query.words)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total and self.page < MAX_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _phrase_conditions(query: ParsedQuery, params: dict) -> list[str]:
    conditions = []
    function = "instr" if db.engine.dialect.name == "sqlite" else "strpos"
    for index, phrase in enumerate(query.phrases):
        params[f"phrase{index}"] = phrase
        conditions.append(f"{function}(e.plain, :phrase{index}) > 0")
    return conditions


@dataclass(frozen=True)
class _Tier:
    """The matching entries of one tier: FROM…WHERE, its newest-first order, and the cheapest
    FROM…WHERE to count them."""

    from_where: str
    order: str
    count_from: str


def _tiers(query: ParsedQuery, filters: Filters, params: dict) -> tuple[_Tier, _Tier, _Tier]:
    """The entries whose head (title, type, English title) holds every word, the other matching
    entries, and all matching entries (both). Each is found through a full-text index and listed
    newest first, so that a page costs a few index reads as before, never a score for every
    match."""
    phrases = _phrase_conditions(query, params)
    if db.engine.dialect.name == "sqlite":
        facets = facet_tokens(
            type_code=filters.type_code, procuratorate=filters.procuratorate, year=filters.year
        )
        words = "(" + " AND ".join(f'"{word}"' for word in query.words) + ")"
        facet_match = "".join(f' AND {{facets}} : "{token}"' for token in facets.split())
        params["match"] = "{tokens} : " + words + facet_match
        params["head_match"] = "{head} : " + words + facet_match

        def tier(table: str, match: str, *conditions: str) -> _Tier:
            # CROSS JOIN fixes the join order in SQLite: the full-text match drives and the
            # other conditions run on the rows it yields (newest first), never an FTS query per
            # row.
            from_where = (
                f"FROM {table} CROSS JOIN search_entries e ON e.id = {table}.rowid "
                f"WHERE {' AND '.join([f'{table} MATCH :{match}', *conditions, *phrases])}"
            )
            count_from = (
                from_where
                if conditions or phrases
                else f"FROM {table} WHERE {table} MATCH :{match}"
            )
            return _Tier(from_where, f"ORDER BY {table}.rowid DESC", count_from)

        return (
            tier("search_fts_head", "head_match"),
            tier(
                "search_fts",
                "match",
                "e.id NOT IN "
                "(SELECT rowid FROM search_fts_head WHERE search_fts_head MATCH :head_match)",
            ),
            tier("search_fts", "match"),
        )
    params["tsquery"] = query.tsquery()
    conditions = []
    if filters.type_code:
        conditions.append("e.type_code = :type_code")
        params["type_code"] = filters.type_code
    if filters.procuratorate:
        conditions.append("e.procuratorate = :procuratorate")
        params["procuratorate"] = filters.procuratorate
    if filters.year:
        conditions.append("e.year = :year")
        params["year"] = filters.year

    def tier(*matches: str) -> _Tier:
        from_where = (
            f"FROM search_entries e WHERE {' AND '.join([*matches, *conditions, *phrases])}"
        )
        return _Tier(from_where, "ORDER BY e.id DESC", from_where)

    head = "e.head_vector @@ to_tsquery('simple', :tsquery)"
    anywhere = "e.search_vector @@ to_tsquery('simple', :tsquery)"
    return tier(head), tier(anywhere, f"NOT ({head})"), tier(anywhere)


# The published text of a hit (never the original), for its snippet: a subquery in the SELECT
# list, so that it is looked up only for the rows of the page, in the same statement.
_TEXT = (
    "CASE e.kind WHEN 'document' "
    "THEN (SELECT d.redacted_text FROM legal_documents d WHERE d.id = e.ref_id) "
    "ELSE (SELECT r.public_body FROM case_releases r WHERE r.id = e.ref_id) END AS text"
)


@lru_cache(maxsize=256)
def _statement(sql: str) -> sa.TextClause:
    """The statement for one shape of query (its number of words, phrases and filters), built
    once: building a text() again took a quarter of the cost of running a count."""
    return sa.text(sql)


def _rows(read, tier: _Tier, params: dict, limit: int, offset: int) -> list[tuple]:
    # Only fixed SQL fragments are interpolated; every user value is a bound parameter.
    return read(
        _statement(
            "SELECT e.kind, e.ref_id, e.type_code, e.procuratorate, e.published_on, e.title, "
            f"{_TEXT} {tier.from_where} {tier.order} LIMIT :limit OFFSET :offset"  # noqa: S608
        ),
        {**params, "limit": limit, "offset": offset},
    )


def _counts(read, head: _Tier, everything: _Tier, params: dict, head_cap: int) -> tuple[int, int]:
    """How many entries the head tier holds, up to `head_cap`, and all tiers, up to COUNT_CAP + 1:
    in one statement, as each statement costs a call into the database besides its own work."""
    # Only fixed SQL fragments are interpolated, as in _rows.
    counted = ", ".join(
        f"(SELECT count(*) FROM (SELECT 1 {tier.count_from} LIMIT :{cap}) AS capped{n})"  # noqa: S608
        for n, (tier, cap) in enumerate(((head, "head_cap"), (everything, "cap")))
    )
    ((in_head, total),) = read(
        _statement(f"SELECT {counted}"), {**params, "head_cap": head_cap, "cap": COUNT_CAP + 1}
    )
    return in_head, total


def search(raw_query: str | None, filters: Filters = Filters(), *, page: int = 1,
           per_page: int = PER_PAGE) -> SearchPage:  # fmt: skip
    """Raises QueryError for a query that cannot be run; never a database error for any text.

    When English words match nothing, a misspelt legal term (`fruad`) is searched as the term it
    is closest to, and the Chinese terms the words name are offered (`fraud`: 诈骗罪): most
    documents are published in Chinese only. Only a search that found nothing pays for this."""
    query = parse_query(raw_query)
    page = min(max(page, 1), MAX_PAGE)
    result = _search_once(query, filters, page, per_page)
    if result.total or not result.is_english:
        return result
    corrected = tuple(_closest_english(word) or word for word in query.words)
    if corrected != query.words:
        retry = _search_once(ParsedQuery(corrected, query.phrases), filters, page, per_page)
        if retry.total:
            retry.corrected_from = raw_query.strip()
            return retry
    result.chinese_terms = chinese_terms(corrected)
    return result


@lru_cache(maxsize=1)
def _english_vocabulary() -> dict[str, list[tuple[str, str]]]:
    """Each English word of the legal terms' names -> the (English name, term) pairs it is in,
    the shortest names first (`fraud` before `contract fraud`)."""
    vocabulary: dict[str, list[tuple[str, str]]] = {}
    terms = segmenter.legal_terms().items()
    for term, english in sorted(terms, key=lambda pair: len(pair[1])):
        for word in segmenter.words(english, for_index=False):
            vocabulary.setdefault(word, []).append((english, term))
    return vocabulary


def _closest_english(word: str) -> str | None:
    """The English word of a legal term that `word` is a misspelling of, or None."""
    vocabulary = _english_vocabulary()
    if not _LATIN.search(word) or word in vocabulary or len(word) < 4:
        return None
    close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.8)
    return close[0] if close else None


def chinese_terms(words: tuple[str, ...], limit: int = 3) -> tuple[tuple[str, str], ...]:
    """(English name, Chinese term) of the legal terms whose English name holds every English
    word of the query, the closest first (`theft`: 盗窃罪 before 盗窃)."""
    english = [word for word in words if _LATIN.search(word)]
    if not english:
        return ()
    vocabulary = _english_vocabulary()
    candidates = vocabulary.get(english[0], [])
    found: dict[str, tuple[str, str]] = {}
    for name, term in candidates:
        name_words = set(segmenter.words(name, for_index=False))
        if all(word in name_words for word in english) and name not in found:
            found[name] = (name, term)
    return tuple(found.values())[:limit]


def _search_once(query: ParsedQuery, filters: Filters, page: int, per_page: int) -> SearchPage:
    """Entries with every word in their head come first, then the others, newest first in each:
    a page takes its rows from the first tier, then from the second where the first runs out."""
    params: dict = {}
    head, rest, everything = _tiers(query, filters, params)
    offset = (page - 1) * per_page
    # Where the head tier ends matters only when it ends before this page does: counted that far
    # (a common title word's 1,000 entries were counted on every search).
    head_cap = min(COUNT_CAP + 1, offset + per_page + 1)
    with reading() as read:  # the count and the rows from one snapshot
        in_head, total = _counts(read, head, everything, params, head_cap)
        rows = _rows(read, head, params, per_page, offset) if offset < in_head else []
        if len(rows) < per_page and in_head <= COUNT_CAP:
            rows += _rows(
                read,
                rest if in_head else everything,  # without a head tier, no need to leave it out
                params,
                per_page - len(rows),
                max(0, offset - in_head),
            )
    terms = query.highlights
    hits = [
        Hit(
            kind=kind,
            ref_id=ref_id,
            type_code=type_code,
            procuratorate=procuratorate,
            published_on=_as_date(published_on),
            title=highlight(title, terms),
            snippet=snippet(text or "", terms),
        )
        for kind, ref_id, type_code, procuratorate, published_on, title, text in rows
    ]
    return SearchPage(query, hits, page, per_page, min(total, COUNT_CAP), total > COUNT_CAP)


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


# ---- highlighting ----------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for all the terms, as a group, so that split() returns the matches too.
    Cached: a page highlights the same terms in every title and snippet.

    Where a term starts with a letter that has case, it looks ahead for the first character of
    some term before it tries each term: the same matches (under IGNORECASE the class matches
    whatever those first characters match), found in half the time in a long text where a Latin
    term is rare. Terms that start without case (Chinese, digits) are left to the regular
    expression engine's own fast scan for their first characters, which the look-ahead would
    turn off."""
    parts, firsts = [], {}
    for term in terms:
        # A phrase matches across any run of whitespace in the text, and no piece holds any
        # (snippet() relies on it: a match starts at the same word in the text as normalised).
        pieces = term.split()
        if pieces:
            parts.append(r"\s+".join(map(re.escape, pieces)))
            firsts[pieces[0][0]] = None
    if not parts:
        return None
    ahead = ""
    if any(char.lower() != char.upper() for char in firsts):
        ahead = "(?=[" + "".join(map(re.escape, firsts)) + "])"
    return re.compile(ahead + "(" + "|".join(parts) + ")", re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern) -> str:
    """The text escaped and every match of the pattern wrapped in <mark>, as a plain string of
    safe HTML. split() alternates the text between matches (even places) and the matches (odd
    places). Joined as plain strings and marked safe once by the caller (a Markup per piece, or
    Markups added together, cost more than the rest of the search)."""
    return "".join(
        f"<mark>{escape(piece)}</mark>" if index % 2 else escape(piece)
        for index, piece in enumerate(pattern.split(text))
    )


def highlight(text: str, terms) -> Markup:
    """Escape the text, then wrap every match of the terms in <mark>."""
    pattern = _pattern(tuple(terms))
    if pattern is None:
        return escape(text)
    return Markup(_marked(text, pattern))  # noqa: S704  (every piece of the text is escaped)


def snippet(text: str, terms, *, before: int = 40, length: int = 160) -> Markup:
    """A window of the text around the first match, highlighted: `length` characters, `before`
    of them before the match, runs of whitespace shown as one space (as _SPACE_RE writes them).

    The same window as the whole text's whitespace normalised first and then cut, but only the
    window's neighbourhood is normalised: the match is found in the text as it is (a term never
    holds whitespace, and between the words of a phrase the pattern takes any run of it), and
    normalising the whole text of every hit was a tenth of a search."""
    text = text or ""
    pattern = _pattern(tuple(terms))
    match = pattern.search(text) if pattern else None
    at = match.start() if match else 0
    lead, more_before = _normalised_before(text, at, before)
    rest, more_after = _normalised_from(text, at, max(0, length - len(lead)))
    window = (lead + rest)[:length]
    more_after = more_after or len(lead) > length  # the window ends before the match
    marked = _marked(window, pattern) if pattern else escape(window)
    return Markup(f"{'…' if more_before else ''}{marked}{'…' if more_after else ''}")  # noqa: S704


def _normalised_before(text: str, at: int, count: int) -> tuple[str, bool]:
    """The last `count` characters of the normalised text before `text[at]` (ending with the space
    before it, if it follows whitespace), and whether the normalised text has more before them.
    Normalised in growing pieces: a piece cut inside a word or a run of whitespace normalises
    to an end of the whole, which is all that is kept once it is longer than `count`."""
    span = 2 * count + 16
    while True:
        start = max(0, at - span)
        words = " ".join(text[start:at].split())
        lead = words + " " if words and text[at - 1].isspace() else words
        if start == 0 or len(lead) > count:
            return lead[max(0, len(lead) - count) :], len(lead) > count
        span *= 2


def _normalised_from(text: str, at: int, count: int) -> tuple[str, bool]:
    """The first `count` characters of the normalised text from `text[at]` on (which is not
    whitespace, or the start of the text), and whether it has more after them."""
    span = 2 * count + 16
    while True:
        end = min(len(text), at + span)
        words = " ".join(text[at:end].split())
        if end == len(text) or len(words) > count:
            return words[:count], len(words) > count
        span *= 2
