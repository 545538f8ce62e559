"""Tests of the redaction test corpus itself (tests/disclosure/corpus), not of the engine."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.disclosure.corpus import (
    KINDS,
    CorpusDocument,
    leaks,
    load_corpus,
    normalized,
    over_redacted,
)
from tests.disclosure.corpus.builder import VARIATIONS
from tests.disclosure.corpus.kinds import MINOR_WORDS, generate_all
from tests.disclosure.corpus.names import MINORITY_NAMES
from tests.disclosure.corpus.numbers import id_check_digit, id_is_valid, luhn_ok

DOCS = load_corpus()
ID_RE = re.compile(r"(?:公民身份号码|身份证号码|身份证号:|身份证号|号码)(\d{17}[\dx]|\d{15})(?!\d)")


def _ids(doc: CorpusDocument) -> list[str]:
    return ID_RE.findall(normalized(doc.full_text))


def test_size_and_kinds():
    assert len(DOCS) >= 300
    per_kind = Counter(d.kind for d in DOCS)
    assert set(per_kind) == set(KINDS)
    for kind in KINDS:
        assert per_kind[kind] >= 60, (kind, per_kind[kind])


def test_idents_are_unique_and_stable():
    idents = [d.ident for d in DOCS]
    assert len(idents) == len(set(idents))
    assert "indictment-017" in idents


def test_each_variation_in_25_documents():
    counts = Counter(v for d in DOCS for v in d.variations)
    for v in VARIATIONS:
        assert counts[v] >= 25, (v, counts[v])


def test_titles_only_for_releases():
    for d in DOCS:
        if d.kind == "release":
            assert d.title.strip(), d.ident
        else:
            assert d.title == "", d.ident


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.ident)
def test_expectations_occur_in_the_document(doc: CorpusDocument):
    text = normalized(doc.full_text)
    assert doc.must_not_appear
    assert len(doc.must_keep) >= 5
    for p in doc.must_not_appear:
        assert normalized(p) in text, p
    for k in doc.must_keep:
        assert normalized(k) in text, k
    for person in doc.people:
        assert normalized(person) in text, person
    # the original text leaks everything and loses nothing
    assert leaks(doc, doc.full_text) == list(doc.must_not_appear)
    assert over_redacted(doc, doc.full_text) == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.ident)
def test_keep_and_protect_do_not_conflict(doc: CorpusDocument):
    protected = {normalized(p) for p in doc.must_not_appear}
    kept = {normalized(k) for k in doc.must_keep}
    assert not protected & kept
    for k in kept:
        assert not any(p in k for p in protected), k
    # An ideal redaction (every protected string replaced) keeps every must_keep term and leaks nothing.
    ideal = normalized(doc.full_text)
    for p in sorted(protected, key=len, reverse=True):
        ideal = ideal.replace(p, "□")
    assert over_redacted(doc, ideal) == []
    assert leaks(doc, ideal) == []


def test_id_numbers_have_valid_check_digits():
    ids = [i for d in DOCS for i in _ids(d)]
    long_ids = [i for i in ids if len(i) == 18]
    assert len(long_ids) >= 200
    assert sum(i.endswith("x") for i in long_ids) >= 20
    assert sum(len(i) == 15 for i in ids) >= 3
    for i in long_ids:
        assert id_is_valid(i.upper()), i
    for d in DOCS:
        for i in _ids(d):
            assert any(normalized(p) == i for p in d.must_not_appear), (d.ident, i)


def test_check_digit_function():
    # Worked example from GB 11643-1999.
    assert id_check_digit("11010519491231002") == "X"
    assert id_is_valid("11010519491231002X")
    assert not id_is_valid("110105194912310021")


def test_card_numbers_pass_luhn():
    cards = set()
    for d in DOCS:
        if d.ident.startswith("hand"):
            continue
        for p in d.must_not_appear:
            if re.fullmatch(r"(62|43)\d{14,17}", p) and len(p) != 18:
                cards.add(p)
    assert len(cards) >= 40
    assert all(luhn_ok(c) for c in cards)


def test_phones_and_mails():
    flat = [p for d in DOCS for p in d.must_not_appear]
    assert sum(bool(re.fullmatch(r"1[3-9]\d{9}", p)) for p in flat) >= 100
    assert sum(bool(re.fullmatch(r"(0\d{2,3}-|\(0\d{2,3}\))\d{7,8}", p)) for p in flat) >= 25
    assert sum("@" in p for p in flat) >= 25


def test_minors():
    minors = [d for d in DOCS if d.involves_minor]
    assert len(minors) >= 50
    implicit = [d for d in DOCS if "minor_implicit" in d.variations]
    assert len(implicit) >= 20
    for d in implicit:
        assert d.involves_minor
        assert not any(w in normalized(d.full_text) for w in MINOR_WORDS), d.ident
    for d in minors:
        # no private person is published in a minor's case: the only kept names are officials/lawyers
        kept_people = set(d.people) & set(d.must_keep)
        protected_people = set(d.people) & set(d.must_not_appear)
        assert protected_people, d.ident
        text = d.full_text
        for name in kept_people:
            for m in re.finditer(
                f"(?:被告人|被害人|证人|申诉人|被不起诉人)({re.escape(name)})", text
            ):
                longer = [o for o in d.people if o != name and text.startswith(o, m.start(1))]
                assert longer, (
                    d.ident,
                    name,
                )  # only as part of a longer protected name (王建 / 王建国)


def _spaced(p: str, raw: str) -> bool:
    """p occurs in raw with whitespace between two of its characters."""
    pattern = r"\s*".join(map(re.escape, p))
    return any(re.search(r"\s", m.group(0)) for m in re.finditer(pattern, raw))


def test_variations_are_really_there():
    for d in DOCS:
        raw = d.full_text
        if "fullwidth" in d.variations:
            assert re.search("[０-９ａ-ｚＡ-Ｚ＠]", raw), d.ident
        if "zero_width" in d.variations:
            assert re.search("[\u200b\u200c\u200d\ufeff]", raw), d.ident
        if "space_in_name" in d.variations:
            assert any(_spaced(p, raw) for p in d.must_not_appear), d.ident
        if "name_in_title" in d.variations:
            assert any(normalized(p) in normalized(d.title) for p in d.must_not_appear), d.ident
        if "minority_name" in d.variations:
            assert any(normalized(m[0]) in normalized(raw) for m in MINORITY_NAMES), d.ident
        if "foreign_name" in d.variations:
            assert "国籍" in raw, d.ident


def test_surname_words_are_kept_somewhere():
    words = ("高速", "明确", "常住", "安全", "方面", "于是", "全部", "曾经", "向其")
    kept = Counter(k for d in DOCS for k in d.must_keep if k in words)
    assert sum(kept.values()) >= 200
    assert len(kept) >= 6


def test_deterministic():
    again = generate_all()
    templated = [d for d in DOCS if not d.ident.startswith("hand")]
    assert again == templated
    assert load_corpus() == DOCS
