"""Duplicate suggestions: the earlier petitions a new one looks like a repeat of.

When a petition arrives, `index` looks for earlier petitions from the same person (the same
ID number or mobile, normalised: spaces, dashes, +86, full-width digits, the X of an ID number in
either case, an old 15-digit ID number) or with similar text (subject and body, segmented by
jieba as the legal-document search does: portal/core/segmenter.py). What it finds is stored as
`DuplicateSuggestion`s; the petition page shows them ranked, and staff who may merge get one
button per suggestion (workflow.merge, the same transition as the merge form).

When: a petition a clerk registers (a letter, a visit, a call) is indexed as it is registered,
since the clerk looks at it next. One a citizen submits online is queued (`enqueue`: one row)
and indexed by the worker's next round (portal/worker.py, `index_queued`, WORKER_POLL_SECONDS),
so that the submission waits only for what makes it durable; the page says when a petition is
still queued. The order of indexing changes nothing: each petition finds those indexed before
it, and a suggestion goes to whichever of a pair is later. A petition is indexed once however
many workers run: its fingerprint row, inserted first, is the claim.

Anonymous petitions match by text only, both ways: an anonymous reporter's mobile, given only to
hear of each step, never ties them to a named petition.

Staying fast with a million petitions: nothing here reads the other petitions' texts. Every
petition leaves `DuplicateKey` rows, 64-bit hashes looked up through the primary key's index:
one per person key and one per word, except words already in STOCK_WORD petitions (a topic's
stock vocabulary: they would never be looked up, and would only grow the table).
`DuplicateWordCount` holds in how many petitions each word appears, added to at each intake.
Candidates are the petitions sharing a person key, or one of the new petition's FIND_BY rarest
words (the facts, as a rule); each key brings at most PER_KEY petitions (the most recent), and
only the SCORED that share the weightiest of those words are scored, from their words kept at
their own intake (`DuplicateFingerprint`). The page view only reads the stored suggestions.

The score: each word weighs by how rare it is among OUR petitions (word_weight: ln(N/df) to the
power RARITY_POWER), so the shared legal vocabulary and stock sentences of a topic (立案, 监督,
检察院, 请求检察机关依法监督) count for little and the facts (names, places, amounts, dates,
case numbers) for much. The text similarity is the weight of the words in common over that of
the lighter text (a retelling that drops or adds sentences still matches), and texts are alike
when it reaches TEXT_THRESHOLD and they share at least MIN_FACTS rare words (each in at most
FACT_SHARE of the petitions): the same stock sentences about other people are not a repeat.
A same ID number or mobile adds to it as independent evidence:
score = 1 − (1 − text)(1 − ID_NUMBER_WEIGHT if same ID)(1 − MOBILE_WEIGHT if same mobile).
A pair is suggested when the texts are alike or the person is the same.

Which of two petitions is "earlier" is the workflow's merge order (date of receipt, then the
moment of registration), so a letter received last week but registered today is suggested on
the web petition that came in between, not the other way round; a petition is never suggested
for itself.

Measured with bench/duplicates.py --grievances 150 --background 200000 (SQLite; 200,000
generated petitions on the same eight topics loaded after the originals, so that thousands on
each topic came between an original and its repeat; 333 intakes), at the top SHOWN:
    text threshold     0.5    0.6    0.7    0.75   0.8
    precision          65%    76%    82%    87%    93%
    recall             95%    91%    90%    86%    85%   (same person 100%; text only 88%,
                                                          81%, 77%, 70%, 66%)
On PostgreSQL (same run, same seed): at 0.6 precision 75%, recall 92% (text only 82%); at
0.75, 83% and 87%. TEXT_THRESHOLD is 0.6, not the 0.75 that reaches 87% / 86% on SQLite: in a
small table (a new portal, the tests) every word weighs about the same, and a retold grievance
shares some two thirds of its words (0.69 in tests/petitions/test_duplicates.py). At 0.6, 6-9%
of the non-repeats (same topic, other facts) get any suggestion. Tables: 11.8 keys and one
fingerprint per petition; 145,000 word counts. Intake cost of `index` (two cores shared with
other work): SQLite p50 14.9 ms, p95 23.5 ms; PostgreSQL p50 18.8 ms, p95 30.3 ms (the first
call in a process also loads jieba's dictionary, about 1 s).
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from portal.core import clock, database, segmenter
from portal.core.forms import is_valid_resident_id
from portal.core.i18n import gettext as _
from portal.extensions import db
from portal.petitions import workflow
from portal.petitions.models import (
    DuplicateFingerprint,
    DuplicateKey,
    DuplicateQueue,
    DuplicateSuggestion,
    DuplicateWordCount,
    Petition,
)

# How many suggestions the petition page shows (the rank cut-off the benchmark measures at).
SHOWN = 5
# The text similarity from which a pair is suggested without a shared ID number or mobile.
TEXT_THRESHOLD = 0.6
# How much a same ID number, or a same mobile (a family may share one), counts by itself.
ID_NUMBER_WEIGHT = 0.95
MOBILE_WEIGHT = 0.8
# Candidates come from the petition's FIND_BY rarest words, at most PER_KEY petitions per word
# or person key (the most recent); the SCORED sharing most of those words are scored.
FIND_BY = 12
PER_KEY = 100
SCORED = 40
# A word already in this many petitions is stock vocabulary: no longer posted (nor looked up).
STOCK_WORD = 2000
# Texts alike need, besides, at least MIN_FACTS words in common that are facts: words in at
# most FACT_SHARE of the petitions (names, amounts, dates, case numbers; not the topic's words).
MIN_FACTS = 2
FACT_SHARE = 0.005
# A word weighs its IDF to this power (the benchmark's pick among 1 to 4: the higher, the less
# the stock words of a topic count against the facts).
RARITY_POWER = 4
# Below this many petitions, a word's rarity is measured as if among this many (word_weight).
MIN_PETITIONS = 1000
# Texts with fewer words than this are not compared: two short notes alike say nothing.
MIN_WORDS = 4
COMMON_WORDS_SHOWN = 8

_ID_NUMBER_RE = re.compile(r"\d{17}[\dX]")
_OLD_ID_NUMBER_RE = re.compile(r"\d{15}")
_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
# The count row of how many petitions were indexed (word rows are keyed by "word:…").
_PETITIONS = "petitions"


# ---- normalising what identifies a person ----------------------------------------------------


def normalised_id_number(value: str | None) -> str | None:
    """The 18-character ID number however it was typed (spaces, full-width digits, a lowercase
    x, a 15-digit card of before 1999 widened as GB 11643 does), or None if it is not one."""
    text = re.sub(r"[\s\-–—.]", "", unicodedata.normalize("NFKC", value or "")).upper()
    if _OLD_ID_NUMBER_RE.fullmatch(text):
        first17 = f"{text[:6]}19{text[6:]}"
        return next(first17 + c for c in "0123456789X" if is_valid_resident_id(first17 + c))
    return text if _ID_NUMBER_RE.fullmatch(text) else None


def normalised_mobile(value: str | None) -> str | None:
    """The 11-digit mainland mobile however it was typed (spaces, dashes, brackets, +86, 0086,
    full-width digits), or None if it is not one."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value or ""))
    for country in ("0086", "86"):
        if len(digits) == 11 + len(country) and digits.startswith(country):
            digits = digits[len(country) :]
    return digits if _MOBILE_RE.fullmatch(digits) else None


# ---- words, keys and the score ---------------------------------------------------------------


def text_words(subject: str, body: str) -> list[str]:
    """The words compared: jieba's segmentation of subject and body (NFKC, lowercase, no
    punctuation), each word once. Single characters carry little alone, but jieba leaves the
    names and dates its dictionary does not know as single characters (王芳娜 → 王 芳 娜,
    3月5日 → 3 月 5 日): each pair of neighbouring single characters is kept instead (王芳,
    芳娜; 3月, 5日)."""
    words = []
    for text in (subject, body):
        run: list[str] = []
        for word in [*segmenter.words(text, for_index=False), ""]:  # "" ends the last run
            if len(word) == 1:
                run.append(word)
                continue
            words.extend(a + b for a, b in zip(run, run[1:], strict=False))
            run = []
            if word:
                words.append(word)
    return list(dict.fromkeys(words))


def word_weight(petitions_with_it: int, petitions: int) -> float:
    """How much a shared word says: its inverse document frequency among our own petitions,
    ln((1 + N) / (1 + df)), to the power RARITY_POWER, so that a topic's stock vocabulary
    (立案, 监督, 检察院, the sentences every such petition has) weighs little and one rare fact
    (a name, an amount, a date, a case number) more than many of them. Until MIN_PETITIONS were
    counted, N is taken as MIN_PETITIONS: in a small table every word is rare, and every shared
    word counts about the same."""
    return math.log((1 + max(petitions, MIN_PETITIONS)) / (1 + petitions_with_it)) ** RARITY_POWER


def text_similarity(
    words: list[str], other: list[str], weight: dict[str, float]
) -> tuple[float, list[str]]:
    """How much of the shorter text the other shares: the weight of the words in common over
    the weight of the lighter of the two word sets (a weighted overlap coefficient, so that a
    retelling that leaves a sentence out, or adds one, still matches), and the words in common,
    weightiest (then longest: the more specific) first. `weight` holds every word of both."""
    mine, theirs = set(words), set(other)
    common = mine & theirs
    if len(mine) < MIN_WORDS or len(theirs) < MIN_WORDS or not common:
        return 0.0, []
    shared = sum(weight[word] for word in common)
    lighter = min(sum(weight[word] for word in mine), sum(weight[word] for word in theirs))
    ranked = sorted(common, key=lambda word: (-weight[word], -len(word), word))
    return min(shared / lighter, 1.0), ranked


def _key(text: str) -> int:
    """A signed 64-bit hash (a BIGINT on both databases)."""
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True
    )


@functools.lru_cache(maxsize=200_000)
def word_key(word: str) -> int:
    return _key(f"word:{word}")


def person_keys(petition: Petition) -> dict[int, str]:
    """The keys of who filed it ("id_number", "mobile"); none for an anonymous petition."""
    if petition.is_anonymous:
        return {}
    keys = {}
    if id_number := normalised_id_number(petition.id_number):
        keys[_key(f"id_number:{id_number}")] = "id_number"
    if mobile := normalised_mobile(petition.mobile):
        keys[_key(f"mobile:{mobile}")] = "mobile"
    return keys


def _counts(keys) -> dict[int, int]:
    """How many indexed petitions have each of `keys` (absent: none)."""
    keys = list(keys)
    found: dict[int, int] = {}
    for start in range(0, len(keys), 5000):
        found.update(
            db.session.execute(
                sa.select(DuplicateWordCount.key, DuplicateWordCount.petitions).where(
                    DuplicateWordCount.key.in_(keys[start : start + 5000])
                )
            ).all()
        )
    return found


def count_words(counts: dict[int, int]) -> None:
    """Add to the petition counts of words (and of petitions, under its own key): one upsert,
    in key order so that two intakes at once never wait for each other's rows crosswise."""
    if not counts:
        return
    # Tables, not ORM entities, in these bulk writes: the ORM's bulk path costs more per row
    # than the database does.
    table = DuplicateWordCount.__table__
    statement = database.insert(table)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["key"],
            set_={"petitions": table.c.petitions + statement.excluded.petitions},
        ),
        [{"key": key, "petitions": n} for key, n in sorted(counts.items())],
    )


# ---- finding and storing ---------------------------------------------------------------------


@dataclass
class _Candidate:
    petition_id: int
    same_id_number: bool = False
    same_mobile: bool = False
    rare_words: float = 0.0


def index(petition: Petition) -> list[DuplicateSuggestion]:
    """Store the petition's keys and words, find the petitions it looks like a repeat of (or
    that look like repeats of it, when it is the earlier one: a letter registered late) and
    store those suggestions. Call after the petition is flushed; flushes, the caller commits.
    Returns the suggestions stored."""
    words = text_words(petition.subject, petition.body)
    if len(words) < MIN_WORDS:
        words = []
    # First, so that a second indexer of the same petition fails here (the primary key; on
    # PostgreSQL it waits for the first to commit) before counting its words again.
    db.session.execute(
        sa.insert(DuplicateFingerprint.__table__).values(
            petition_id=petition.id, words=" ".join(words)
        )
    )
    keys = {word_key(word): word for word in words}
    before = _counts([*keys, _key(_PETITIONS)])
    petitions = before.get(_key(_PETITIONS), 0) + 1
    # The rarest words it shares with earlier petitions (a word no one else used finds nothing).
    find_by = sorted(
        (key for key in keys if 0 < before.get(key, 0) < STOCK_WORD),
        key=lambda key: (before[key], key),
    )[:FIND_BY]
    person = person_keys(petition)
    candidates = _sharing_keys(
        person,
        {key: word_weight(before[key] + 1, petitions) for key in find_by},
        petition.id,
    )
    count_words({**dict.fromkeys(keys, 1), _key(_PETITIONS): 1})
    posted = [*person, *(key for key in keys if before.get(key, 0) < STOCK_WORD)]
    if posted:
        db.session.execute(
            sa.insert(DuplicateKey.__table__),
            [{"key": key, "petition_id": petition.id} for key in posted],
        )
    # Of the candidates, only what the score and the order of receipt need: one query, no
    # ORM objects (a habitual petitioner brings SCORED of them to every intake).
    others = {
        row.id: row
        for row in db.session.execute(
            sa.select(
                Petition.id, Petition.received_on, Petition.received_at, DuplicateFingerprint.words
            )
            .outerjoin(DuplicateFingerprint, DuplicateFingerprint.petition_id == Petition.id)
            .where(Petition.id.in_([candidate.petition_id for candidate in candidates]))
        )
    }
    their_words = {row.id: row.words.split() for row in others.values() if row.words}
    everyone = set(words).union(*their_words.values())
    now_counts = _counts(word_key(word) for word in everyone)
    with_it = {word: now_counts.get(word_key(word), 1) for word in everyone}
    weight = {word: word_weight(n, petitions) for word, n in with_it.items()}
    rare = FACT_SHARE * max(petitions, MIN_PETITIONS)
    stored = []
    for candidate in candidates:
        score, common = text_similarity(words, their_words.get(candidate.petition_id, []), weight)
        facts = sum(1 for word in common if with_it[word] <= rare)
        alike = score >= TEXT_THRESHOLD and facts >= MIN_FACTS
        suggestion = _scored(
            petition, score, common if alike else [], candidate, others[candidate.petition_id]
        )
        if suggestion is not None:
            stored.append(suggestion)
    if stored:  # one statement for them all: a habitual petitioner brings up to SCORED
        db.session.execute(
            database.insert(DuplicateSuggestion.__table__).on_conflict_do_nothing(
                index_elements=["petition_id", "earlier_id"]
            ),
            stored,
        )
    db.session.flush()
    return stored


def _sharing_keys(
    person: dict[int, str], rare: dict[int, float], petition_id: int
) -> list[_Candidate]:
    """The petitions sharing a person key (the most recent SCORED), and the SCORED sharing the
    weightiest of the `rare` word keys (up to PER_KEY petitions per key). One query of bounded
    index lookups, summed per petition by the database: in a young table every word is rare and
    twelve keys bring a thousand rows, which the database adds up far faster than Python."""
    keys = [*person, *rare]
    if not keys:
        return []
    parameters = {}
    for i, key in enumerate(keys):
        reason = person.get(key)
        parameters |= {
            f"key{i}": key,
            f"weight{i}": rare.get(key, 0.0),
            f"id_number{i}": int(reason == "id_number"),
            f"mobile{i}": int(reason == "mobile"),
            # A habitual petitioner may have filed hundreds: their most recent SCORED are enough
            # (the page shows SHOWN), so that one person's history never makes an intake slow.
            f"limit{i}": SCORED if reason else PER_KEY,
        }
    found = [
        _Candidate(other_id, bool(same_id_number), bool(same_mobile), rare_words)
        for other_id, rare_words, same_id_number, same_mobile in db.session.execute(
            _sharing_statement(len(keys)), parameters | {"petition_id": petition_id}
        )
    ]
    by_person = sorted(
        (c for c in found if c.same_id_number or c.same_mobile), key=lambda c: -c.petition_id
    )[:SCORED]
    by_text = sorted(
        (c for c in found if not (c.same_id_number or c.same_mobile)),
        key=lambda c: (-c.rare_words, -c.petition_id),
    )
    return by_person + by_text[: max(SCORED - len(by_person), 0)]


@functools.cache  # at most FIND_BY + 2 shapes
def _sharing_statement(n_keys: int):
    """Per petition sharing any of `n_keys` keys (parameters key0, weight0, id_number0, mobile0,
    limit0, ...; each key's most recent `limit` petitions): the sum of the weights of the keys it
    shares, and whether one of them is the ID number or the mobile. Built once per number of
    keys: building and compiling it afresh cost more than running it."""
    per_key = [
        sa.select(
            DuplicateKey.petition_id,
            sa.cast(sa.bindparam(f"weight{i}"), sa.Float).label("weight"),
            sa.cast(sa.bindparam(f"id_number{i}"), sa.Integer).label("id_number"),
            sa.cast(sa.bindparam(f"mobile{i}"), sa.Integer).label("mobile"),
        )
        .where(DuplicateKey.key == sa.bindparam(f"key{i}", type_=sa.BigInteger))
        .order_by(DuplicateKey.petition_id.desc())
        .limit(sa.bindparam(f"limit{i}", type_=sa.Integer))
        .subquery()
        for i in range(n_keys)
    ]
    shared = sa.union_all(*(sa.select(part) for part in per_key)).subquery()
    return (
        sa.select(
            shared.c.petition_id,
            sa.func.sum(shared.c.weight),
            sa.func.max(shared.c.id_number),
            sa.func.max(shared.c.mobile),
        )
        .where(shared.c.petition_id != sa.bindparam("petition_id", type_=sa.Integer))
        .group_by(shared.c.petition_id)
    )


def _scored(petition, text_score, common, candidate: _Candidate, other) -> dict | None:
    """The suggestion row for the pair (the later petition pointing at the earlier), or None
    when they do not look alike enough: the texts alike (`common` their words in common, empty
    when not) or the person the same."""
    if not common and not (candidate.same_id_number or candidate.same_mobile):
        return None
    doubt = 1.0 - (text_score if common else 0.0)
    if candidate.same_id_number:
        doubt *= 1.0 - ID_NUMBER_WEIGHT
    if candidate.same_mobile:
        doubt *= 1.0 - MOBILE_WEIGHT
    later, earlier = (
        (petition, other)
        if workflow.receipt_order(other) < workflow.receipt_order(petition)
        else (other, petition)
    )
    return {
        "petition_id": later.id,
        "earlier_id": earlier.id,
        "score": round(max(1.0 - doubt, 0.001), 3),
        "same_id_number": candidate.same_id_number,
        "same_mobile": candidate.same_mobile,
        "text_score": round(text_score, 3),
        "common_words": " ".join(common[:COMMON_WORDS_SHOWN]) or None,
        "found_at": clock.now(),
    }


def enqueue(petition: Petition) -> None:
    """Leave the petition for the worker's next round (`index_queued`)."""
    db.session.execute(sa.insert(DuplicateQueue.__table__).values(petition_id=petition.id))


def is_queued(petition: Petition) -> bool:
    return db.session.get(DuplicateQueue, petition.id) is not None


def index_queued(limit: int | None = None) -> int:
    """Index the queued petitions, oldest first, each in a transaction of its own (committed: on
    SQLite a citizen's submission waits for one petition's indexing at most); at most `limit`.
    Returns how many were indexed. A petition another worker indexed meanwhile is only taken
    off the queue."""
    query = sa.select(DuplicateQueue.petition_id).order_by(DuplicateQueue.petition_id)
    queued = db.session.scalars(query.limit(limit) if limit else query).all()
    indexed = 0
    for petition_id in queued:
        try:
            index(db.session.get(Petition, petition_id))
            indexed += 1
        except IntegrityError:  # its fingerprint exists: indexed by another worker
            db.session.rollback()
        db.session.execute(
            sa.delete(DuplicateQueue.__table__).where(DuplicateQueue.petition_id == petition_id)
        )
        db.session.commit()
    return indexed


# ---- what the petition page shows -----------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One suggestion as the petition page shows it."""

    suggestion: DuplicateSuggestion
    # Why the earlier petition cannot be merged into (None: it can, for staff who may merge).
    merge_refusal: str | None

    @property
    def earlier(self) -> Petition:
        return self.suggestion.earlier

    @property
    def reasons(self) -> list[str]:
        suggestion, reasons = self.suggestion, []
        if suggestion.same_id_number:
            reasons.append(_("Same ID card number"))
        if suggestion.same_mobile:
            reasons.append(_("Same mobile number"))
        if suggestion.common_words:
            reasons.append(
                _(
                    "Similar text (%(percent)s%%), in common: %(words)s",
                    percent=round(suggestion.text_score * 100),
                    words="、".join(suggestion.common_words.split()),
                )
            )
        return reasons


def suggestions_for(petition: Petition) -> list[Shown]:
    """The earlier petitions `petition` looks like a repeat of, strongest first, at most SHOWN;
    each says whether it can be merged into now (the workflow's rule, read at this moment)."""
    rows = db.session.scalars(
        sa.select(DuplicateSuggestion)
        .where(DuplicateSuggestion.petition_id == petition.id)
        .order_by(DuplicateSuggestion.score.desc(), DuplicateSuggestion.earlier_id.desc())
        .limit(SHOWN)
        .options(sa.orm.joinedload(DuplicateSuggestion.earlier))
    ).all()
    return [Shown(row, workflow.merge_refusal(petition, row.earlier)) for row in rows]


def merge_notice(petition: Petition, earlier: Petition) -> str:
    """The standard notice of joint handling naming the earlier petition, in the language the
    petitioner filed in; staff may edit it before sending."""
    with force_locale(petition.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _(
            "Your petition concerns the same matter as petition %(number)s, received earlier. "
            "We handle the two together: the reply to %(number)s answers yours as well, and you "
            "can read it on your progress page with your tracking number and query code.",
            number=earlier.tracking_number,
        )
