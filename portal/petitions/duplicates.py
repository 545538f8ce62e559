"""Duplicate suggestions: the earlier petitions a new one looks like a repeat of.

When a petition arrives (services.submit_petition: online, or registered by a clerk from a
letter, a visit or a call), `index` looks for earlier petitions from the same person (the same
ID number or mobile, normalised: spaces, dashes, +86, full-width digits, the X of an ID number in
either case, an old 15-digit ID number) or with similar text (subject and body, segmented by
jieba as the legal-document search does: portal/core/segmenter.py). What it finds is stored as
`DuplicateSuggestion`s; the petition page shows them ranked, and staff who may merge get one
button per suggestion (workflow.merge, the same transition as the merge form).

Anonymous petitions match by text only, both ways: an anonymous reporter's mobile, given only to
hear of each step, never ties them to a named petition.

Staying fast with a million petitions: nothing here reads the other petitions' texts. Every
petition leaves `DuplicateKey` rows, 64-bit hashes looked up through the primary key's index:
one per person key and one per LSH band of a MinHash signature (datasketch) of its words. Two
texts whose word sets overlap by a Jaccard similarity J share at least one of BANDS bands of
ROWS values with probability 1 − (1 − J^ROWS)^BANDS (0.96 at J = 0.4, 0.64 at J = 0.2). Each key
brings at most PER_KEY petitions (the most recent), and only the SCORED that share most keys are
scored, from their words kept at their own intake (`DuplicateFingerprint`). The page view only
reads the stored suggestions.

The score: the text similarity is a cosine over the two word sets, each word weighted by how
rare it is in general Chinese (jieba's IDF table) above a floor, so that the shared legal
vocabulary of a topic (立案, 监督, 检察院) counts for little and the facts (names, places,
amounts, dates) for much. A same ID number or mobile adds to it as independent evidence:
score = 1 − (1 − text)(1 − ID_NUMBER_WEIGHT if same ID)(1 − MOBILE_WEIGHT if same mobile).
A pair is suggested when the text similarity reaches TEXT_THRESHOLD or the person is the same.

Which of two petitions is "earlier" is the workflow's merge order (date of receipt, then the
moment of registration), so a letter received last week but registered today is suggested on
the web petition that came in between, not the other way round; a petition is never suggested
for itself.

Measured with bench/duplicates.py --grievances 150 (SQLite, 495 intakes; the thresholds above
were chosen from its pairwise score distributions: IDF floor 8, text threshold 0.6):
    precision of the suggestions shown (top 5): 53.5%
    recall: 93.3% overall; same person retyped 100%, text only 82.7%, resubmissions 100%
    non-repeats (same topic, same sentence templates, other facts) with any suggestion: 38%
    intake cost of `index`: p50 5.6 ms, p95 7.1 ms (the first call in a process also loads
    jieba's dictionary, about 1 s)
The generated non-repeats share whole sentence templates with the originals, harder than real
petitions on one topic; precision is the figure to improve (a corpus-wide word frequency instead
of jieba's general IDF would weigh a topic's own vocabulary down).
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.core import clock, database, segmenter
from portal.core.forms import is_valid_resident_id
from portal.extensions import db
from portal.petitions import workflow
from portal.petitions.models import (
    DuplicateFingerprint,
    DuplicateKey,
    DuplicateSuggestion,
    Petition,
)

# How many suggestions the petition page shows (the rank cut-off the benchmark measures at).
SHOWN = 5
# The text similarity from which a pair is suggested without a shared ID number or mobile.
TEXT_THRESHOLD = 0.6
# How much a same ID number, or a same mobile (a family may share one), counts by itself.
ID_NUMBER_WEIGHT = 0.95
MOBILE_WEIGHT = 0.8
# LSH: BANDS bands of ROWS MinHash values each (see the module docstring for the curve).
BANDS, ROWS = 20, 2
# At most this many petitions per key (the most recent), and this many candidates scored.
PER_KEY = 30
SCORED = 40
# A word's weight is its IDF above this floor (common words weigh little, never nothing).
IDF_FLOOR = 8.0
MIN_WEIGHT = 0.5
# Texts with fewer words than this leave no text keys: two short notes alike say nothing.
MIN_WORDS = 4
COMMON_WORDS_SHOWN = 8

_ID_NUMBER_RE = re.compile(r"\d{17}[\dX]")
_OLD_ID_NUMBER_RE = re.compile(r"\d{15}")
_MOBILE_RE = re.compile(r"1[3-9]\d{9}")


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
    punctuation), single characters left out (particles and one-character words carry little),
    each word once."""
    words = segmenter.words(f"{subject}\n{body}", for_index=False)
    return list(dict.fromkeys(word for word in words if len(word) >= 2))


def _weight(word: str) -> float:
    return max(segmenter.inverse_document_frequency(word) - IDF_FLOOR, MIN_WEIGHT)


def text_similarity(words: list[str], other: list[str]) -> tuple[float, list[str]]:
    """The weighted cosine of the two word sets, and the words in common, weightiest first."""
    if not words or not other:
        return 0.0, []
    mine, theirs = set(words), set(other)
    common = mine & theirs
    if not common:
        return 0.0, []
    weight = {word: _weight(word) for word in mine | theirs}
    shared = sum(weight[word] ** 2 for word in common)
    norm = math.sqrt(sum(weight[w] ** 2 for w in mine) * sum(weight[w] ** 2 for w in theirs))
    ranked = sorted(common, key=lambda word: (-weight[word], word))
    return min(shared / norm, 1.0), ranked


def _key(text: str) -> int:
    """A signed 64-bit hash (a BIGINT on both databases)."""
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True
    )


def band_keys(words: list[str]) -> list[int]:
    """One key per LSH band of the words' MinHash signature; none for a text too short."""
    if len(words) < MIN_WORDS:
        return []
    from datasketch import MinHash  # numpy and scipy load only when a petition is indexed

    signature = MinHash(num_perm=BANDS * ROWS, seed=13)
    signature.update_batch([word.encode() for word in words])
    values = signature.hashvalues
    return [
        _key(f"text:{band}:{values[band * ROWS : (band + 1) * ROWS].tobytes().hex()}")
        for band in range(BANDS)
    ]


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


# ---- finding and storing ---------------------------------------------------------------------


@dataclass
class _Candidate:
    petition_id: int
    same_id_number: bool = False
    same_mobile: bool = False
    bands: int = 0


def index(petition: Petition) -> list[DuplicateSuggestion]:
    """Store the petition's keys and words, find the petitions it looks like a repeat of (or
    that look like repeats of it, when it is the earlier one: a letter registered late) and
    store those suggestions. Call after the petition is flushed; flushes, the caller commits.
    Returns the suggestions stored."""
    words = text_words(petition.subject, petition.body)
    keys = person_keys(petition)
    keys.update(dict.fromkeys(band_keys(words), "text"))
    candidates = _sharing_keys(keys, petition.id)
    db.session.add(DuplicateFingerprint(petition_id=petition.id, words=" ".join(words)))
    if keys:
        db.session.execute(
            sa.insert(DuplicateKey), [{"key": key, "petition_id": petition.id} for key in keys]
        )
    ids = [candidate.petition_id for candidate in candidates]
    others = {p.id: p for p in db.session.scalars(sa.select(Petition).where(Petition.id.in_(ids)))}
    their_words = dict(
        db.session.execute(
            sa.select(DuplicateFingerprint.petition_id, DuplicateFingerprint.words).where(
                DuplicateFingerprint.petition_id.in_(ids)
            )
        ).all()
    )
    stored = [
        suggestion
        for suggestion in (
            _scored(
                petition,
                words,
                candidate,
                others[candidate.petition_id],
                (their_words.get(candidate.petition_id) or "").split(),
            )
            for candidate in candidates
        )
        if suggestion is not None
    ]
    for suggestion in stored:
        db.session.execute(
            database.insert(DuplicateSuggestion)
            .values(**suggestion)
            .on_conflict_do_nothing(index_elements=["petition_id", "earlier_id"])
        )
    db.session.flush()
    return stored


def _sharing_keys(keys: dict[int, str], petition_id: int) -> list[_Candidate]:
    """The petitions sharing any of `keys`: everyone sharing a person key (up to PER_KEY each),
    and the SCORED sharing most text bands. One query of bounded index lookups."""
    if not keys:
        return []
    per_key = [
        sa.select(DuplicateKey.key, DuplicateKey.petition_id)
        .where(DuplicateKey.key == key)
        .order_by(DuplicateKey.petition_id.desc())
        .limit(PER_KEY)
        .subquery()
        for key in keys
    ]
    rows = db.session.execute(sa.union_all(*(sa.select(part) for part in per_key))).all()
    found: dict[int, _Candidate] = {}
    for key, other_id in rows:
        if other_id == petition_id:
            continue
        candidate = found.setdefault(other_id, _Candidate(other_id))
        reason = keys[key]
        if reason == "id_number":
            candidate.same_id_number = True
        elif reason == "mobile":
            candidate.same_mobile = True
        else:
            candidate.bands += 1
    by_person = [c for c in found.values() if c.same_id_number or c.same_mobile]
    by_text = sorted(
        (c for c in found.values() if not (c.same_id_number or c.same_mobile)),
        key=lambda c: (-c.bands, -c.petition_id),
    )
    return by_person + by_text[: max(SCORED - len(by_person), 0)]


def _scored(petition, words, candidate: _Candidate, other: Petition, other_words) -> dict | None:
    """The suggestion row for the pair (the later petition pointing at the earlier), or None
    when they do not look alike enough."""
    text_score, common = text_similarity(words, other_words)
    if text_score < TEXT_THRESHOLD and not (candidate.same_id_number or candidate.same_mobile):
        return None
    doubt = 1.0 - text_score
    if candidate.same_id_number:
        doubt *= 1.0 - ID_NUMBER_WEIGHT
    if candidate.same_mobile:
        doubt *= 1.0 - MOBILE_WEIGHT
    later, earlier = (
        (petition, other)
        if workflow.receipt_order(other) < workflow.receipt_order(petition)
        else (other, petition)
    )
    shown_text = text_score >= TEXT_THRESHOLD
    return {
        "petition_id": later.id,
        "earlier_id": earlier.id,
        "score": round(max(1.0 - doubt, 0.001), 3),
        "same_id_number": candidate.same_id_number,
        "same_mobile": candidate.same_mobile,
        "text_score": round(text_score, 3),
        "common_words": " ".join(common[:COMMON_WORDS_SHOWN]) if shown_text else None,
        "found_at": clock.now(),
    }


def index_unindexed(batch_size: int) -> int:
    """Index the petitions that have no fingerprint yet (received before this module existed),
    oldest first, committing every `batch_size`; returns how many. Each finds the ones indexed
    before it, and the suggestion goes to whichever of a pair is later, so the order of
    indexing changes nothing."""
    done = last_id = 0
    while True:
        batch = db.session.scalars(
            sa.select(Petition)
            .where(
                Petition.id > last_id,
                ~sa.exists().where(DuplicateFingerprint.petition_id == Petition.id),
            )
            .order_by(Petition.id)
            .limit(batch_size)
        ).all()
        if not batch:
            return done
        for petition in batch:
            index(petition)
        db.session.commit()
        last_id = batch[-1].id
        done += len(batch)


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
