"""The third redaction corpus itself: its size and kinds, its variations, that every listed term
stands in its document, that no term is on both lists, that identifiers have valid check
digits, that a name on neither list is a defendant named with a sentence of more than three
years, life or death, or stated to be a recidivist, and that the corpus is deterministic."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from tests.disclosure import corpus3
from tests.disclosure.corpus3 import KINDS, load_corpus, normalized
from tests.disclosure.corpus3.core import build, id_check, luhn_ok
from tests.disclosure.corpus3.kinds import GENERATORS, MINOR_WORDS

DOCS = load_corpus()

REQUIRED_VARIATIONS = {
    "pdf_extract",
    "word_paste",
    "format_chars",
    "name_cut_by_wrap",
    "number_cut_by_wrap",
    "fullwidth_digits",
    "many_people",
    "word_like_name",
    "compound_surname",
    "minority_name",
    "foreign_name",
    "former_name",
    "minor",
    "minor_words",
    "minor_age",
    "minor_birthdate",
    "child_nickname",
    "recidivist",
    "prior_conviction_not_recidivist",
    "heavy_sentence",
    "boundary_three_years_six_months",
    "three_years_probation",
    "sentence_changed",
    "sentencing_recommendation",
    "recommendation_heavy",
    "mixed_sentences",
    "co_defendant_sentenced_elsewhere",
    "quoted_judgment",
    "relative_appellant",
    "witness_list",
    "lawyer_agent",
    "insufficient_evidence",
    "relative_request",
    "reporter_byline",
    "official_quotes",
    "relative_quotes",
    "health",
    "id_number",
    "id15",
    "mobile",
    "landline",
    "bank_card",
    "email",
    "passport",
    "home_address",
}

_HEAVY = re.compile(
    r"有期徒刑(三年[一二三四五六七八九十]+个月|[四五六七八九]年|十[一二三四五六七八九]?年)|无期徒刑|死刑"
)
_DIGITS = re.compile(r"[0-9]+[0-9x]?")


def test_size_and_kinds():
    assert len(DOCS) >= 150
    kinds = Counter(doc.kind for doc in DOCS)
    assert set(kinds) == set(KINDS)
    assert all(n >= 30 for n in kinds.values()), kinds
    idents = [doc.ident for doc in DOCS]
    assert len(set(idents)) == len(idents)
    assert all(re.fullmatch(r"c3-[a-z-]+-\d{3}", ident) for ident in idents)
    assert all(doc.title == "" for doc in DOCS if doc.kind != "release")
    assert all(doc.title for doc in DOCS if doc.kind == "release")


def test_documents_are_long():
    by_kind: dict[str, list[int]] = {}
    for doc in DOCS:
        by_kind.setdefault(doc.kind, []).append(len(doc.text))
    for kind, sizes in by_kind.items():
        assert sum(sizes) / len(sizes) >= (900 if kind == "release" else 1300), kind


def test_every_variation_in_fifteen_documents():
    count = Counter(v for doc in DOCS for v in doc.variations)
    assert REQUIRED_VARIATIONS <= set(count), REQUIRED_VARIATIONS - set(count)
    assert {v: n for v, n in count.items() if n < 15} == {}


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.ident)
def test_every_listed_term_stands_in_its_document(doc):
    hay = normalized(doc.full_text)
    assert [t for t in doc.must_not_appear if normalized(t) not in hay] == []
    assert [t for t in doc.must_keep if normalized(t) not in hay] == []
    assert [p for p in doc.people if normalized(p) not in hay] == []
    assert len(doc.must_keep) >= 5
    assert doc.must_not_appear


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.ident)
def test_no_term_on_both_lists_nor_part_of_a_protected_one(doc):
    protected = [normalized(t) for t in doc.must_not_appear]
    for keep in map(normalized, doc.must_keep):
        assert not any(keep in p or p in keep for p in protected), keep


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.ident)
def test_the_corpus_helpers_see_the_whole_document_as_leaking(doc):
    assert corpus3.leaks(doc, doc.full_text) == list(doc.must_not_appear)
    assert corpus3.over_redacted(doc, doc.full_text) == []
    assert corpus3.over_redacted(doc, "") == list(doc.must_keep)


def test_identifiers_have_valid_check_digits():
    ids18 = ids15 = cards = 0
    for doc in DOCS:
        for term in doc.must_not_appear:
            digits = normalized(term).replace("-", "")
            if not _DIGITS.fullmatch(digits):
                continue
            if len(digits) == 18:
                assert id_check(digits[:17]) == digits[17].upper(), (doc.ident, term)
                dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
                ids18 += 1
            elif len(digits) == 15:
                dt.date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
                ids15 += 1
            elif len(digits) in (16, 19):
                assert luhn_ok(digits), (doc.ident, term)
                cards += 1
            elif len(digits) == 11 and not digits.startswith("0"):
                assert digits[0] == "1" and digits[1] in "3456789", (doc.ident, term)
    assert ids18 >= 100 and ids15 >= 15 and cards >= 30
    assert any(
        normalized(t).endswith("x") and len(normalized(t)) == 18
        for doc in DOCS
        for t in doc.must_not_appear
    )


def test_a_name_on_neither_list_is_a_heavily_sentenced_or_recidivist_defendant():
    for doc in DOCS:
        listed = {normalized(t) for t in doc.must_not_appear + doc.must_keep}
        free = [p for p in doc.people if normalized(p) not in listed]
        if doc.involves_minor:
            assert free == [], doc.ident
        hay = normalized(doc.full_text)
        for name in free:
            n = normalized(name)
            windows = [hay[m.start() : m.start() + 140] for m in re.finditer(re.escape(n), hay)]
            assert any("系累犯" in w or _HEAVY.search(w) for w in windows), (doc.ident, name)


def test_people_on_the_protected_list_are_people_of_the_document():
    for doc in DOCS:
        people = {normalized(p) for p in doc.people}
        assert len(people) == len(doc.people)
        assert people & {normalized(t) for t in doc.must_not_appear}, doc.ident


def test_minors_cases():
    minors = [doc for doc in DOCS if doc.involves_minor]
    assert len(minors) >= 45
    assert all(("minor" in doc.variations) == doc.involves_minor for doc in DOCS)
    for doc in minors:
        if "minor_birthdate" in doc.variations:
            assert not [w for w in MINOR_WORDS if w in doc.text], doc.ident
        assert any(t.endswith(("小学", "中学")) for t in doc.must_not_appear), doc.ident
        assert any(t.endswith("班") for t in doc.must_not_appear), doc.ident


def test_deterministic():
    kind = "appeal_review"
    first = build("c3-determinism-001", kind, lambda c: GENERATORS[kind](c, 4))
    again = build("c3-determinism-001", kind, lambda c: GENERATORS[kind](c, 4))
    assert (first.text, first.must_not_appear, first.must_keep, first.variations) == (
        again.text,
        again.must_not_appear,
        again.must_keep,
        again.variations,
    )
    corpus3._corpus.cache_clear()
    assert load_corpus() == DOCS
