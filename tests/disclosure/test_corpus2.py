"""Checks of the second redaction corpus itself (tests/disclosure/corpus2), not of the engine."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from tests.disclosure.corpus2 import (
    KINDS,
    CorpusDocument,
    leaks,
    load_corpus,
    normalized,
    over_redacted,
)
from tests.disclosure.corpus2 import names as N
from tests.disclosure.corpus2.builder import id_check_digit, luhn_ok
from tests.disclosure.corpus2.generate import build, template_name

DOCS = load_corpus()
BY_ID = {d.ident: d for d in DOCS}

VARIATIONS = (
    "name_space",
    "name_fullwidth_space",
    "name_linebreak",
    "name_zero_width",
    "number_split",
    "fullwidth_chars",
    "wordlike_name",
    "uncommon_role",
    "role_list",
    "nested_name",
    "name_2char",
    "name_3char",
    "name_4char",
    "compound_surname",
    "dotted_name",
    "dotted_ascii",
    "dotted_fullwidth",
    "minority_name",
    "foreign_name",
    "mixed_sentences",
    "respectively_sentenced",
    "suspended_sentence",
    "sentencing_proposal",
    "prior_not_recidivist",
    "recidivist",
    "three_years_exactly",
    "minor_by_birthdate",
    "ocr_linebreak",
    "ascii_punct",
    "title_names_person",
)
KNOWN = set(VARIATIONS) | {"name_long"}


def test_size_and_kinds():
    assert len(DOCS) >= 200
    per_kind = Counter(d.kind for d in DOCS)
    assert set(per_kind) == set(KINDS)
    assert all(n >= 40 for n in per_kind.values()), per_kind
    assert len(BY_ID) == len(DOCS)
    assert all(re.fullmatch(r"c2-[a-z]+-\d{3}", d.ident) for d in DOCS)


def test_at_least_three_templates_per_kind():
    for kind in KINDS:
        used = {template_name(d) for d in DOCS if d.kind == kind}
        assert len(used) >= 3, (kind, used)


def test_titles_only_on_releases():
    for d in DOCS:
        assert bool(d.title) == (d.kind == "release"), d.ident
        assert d.full_text == d.title + "\n" + d.text


@pytest.mark.parametrize("variation", VARIATIONS)
def test_each_variation_in_twenty_documents(variation):
    assert sum(variation in d.variations for d in DOCS) >= 20


def test_only_known_variation_tags():
    for d in DOCS:
        assert set(d.variations) <= KNOWN, (d.ident, set(d.variations) - KNOWN)


def test_minors_present():
    assert sum(d.involves_minor for d in DOCS) >= 20
    assert {d.kind for d in DOCS if d.involves_minor} == set(KINDS)


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.ident)
def test_every_listed_term_occurs(doc: CorpusDocument):
    assert leaks(doc, doc.full_text) == list(doc.must_not_appear)
    assert over_redacted(doc, doc.full_text) == []
    for name in doc.people:
        assert normalized(name) in normalized(doc.full_text), name


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.ident)
def test_lists_are_consistent(doc: CorpusDocument):
    assert len(doc.must_keep) >= 5
    assert len(doc.must_not_appear) >= 1
    assert not set(map(normalized, doc.must_not_appear)) & set(map(normalized, doc.must_keep))
    assert len(set(doc.must_not_appear)) == len(doc.must_not_appear)
    assert len(set(doc.must_keep)) == len(doc.must_keep)
    # no protected term hides inside a kept one (a perfect redaction could not keep both)
    for t in doc.must_not_appear:
        assert not any(normalized(t) in normalized(k) for k in doc.must_keep), t


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.ident)
def test_an_ideal_redaction_passes(doc: CorpusDocument):
    ideal = normalized(doc.full_text)
    for t in sorted(doc.must_not_appear, key=lambda x: -len(normalized(x))):
        ideal = ideal.replace(normalized(t), "■")
    assert leaks(doc, ideal) == []
    assert over_redacted(doc, ideal) == []


@pytest.mark.parametrize("doc", [d for d in DOCS if d.involves_minor], ids=lambda d: d.ident)
def test_minor_cases_protect_every_private_name(doc: CorpusDocument):
    private = set(doc.people) - set(doc.must_keep)
    assert private <= set(doc.must_not_appear), private - set(doc.must_not_appear)


def test_people_lists_the_officials_and_the_protected():
    for d in DOCS:
        names = set(d.people)
        assert len(names) == len(d.people), d.ident
        assert names & set(d.must_not_appear), d.ident
    # officials and lawyers are people and kept, in nearly every document
    assert sum(bool(set(d.people) & set(d.must_keep)) for d in DOCS) >= 180


def test_some_defendants_are_in_neither_list():
    neither = sum(bool(set(d.people) - set(d.must_keep) - set(d.must_not_appear)) for d in DOCS)
    assert neither >= 30


def _digits(term: str) -> str:
    return normalized(term).upper()


def test_identity_numbers_are_valid():
    seen18 = seen15 = 0
    for d in DOCS:
        for t in d.must_not_appear:
            t = _digits(t)
            if re.fullmatch(r"\d{17}[\dX]", t):
                dt.date(int(t[6:10]), int(t[10:12]), int(t[12:14]))
                assert t[17] == id_check_digit(t[:17]), (d.ident, t)
                seen18 += 1
            elif re.fullmatch(r"\d{15}", t):
                dt.date(1900 + int(t[6:8]), int(t[8:10]), int(t[10:12]))
                seen15 += 1
    assert seen18 >= 100 and seen15 >= 10


def test_identity_numbers_in_the_text_are_protected():
    for d in DOCS:
        text = normalized(d.full_text).upper()
        for m in re.finditer(r"(?<!\d)\d{17}[\dX](?!\d)", text):
            if m.group()[17] == id_check_digit(m.group()[:17]):
                assert m.group().lower() in map(normalized, d.must_not_appear), (d.ident, m.group())


def test_bank_cards_pass_luhn():
    cards = [t for d in DOCS for t in d.must_not_appear if re.fullmatch(r"62\d{14}(\d{3})?", t)]
    assert len(cards) >= 50
    assert all(luhn_ok(c) for c in cards)


def test_other_secrets_present():
    all_terms = [t for d in DOCS for t in d.must_not_appear]
    assert sum(bool(re.fullmatch(r"1[3-9]\d{9}", t)) for t in all_terms) >= 20  # mobiles
    assert sum(bool(re.fullmatch(r"0\d{2,3}-\d{7,8}", t)) for t in all_terms) >= 10  # landlines
    assert sum("@" in t for t in all_terms) >= 10  # e-mails
    assert sum(t in N.DISEASES for t in all_terms) >= 40  # health
    assert sum(t.endswith("室") for t in all_terms) >= 100  # home addresses


def test_fullwidth_and_split_numbers_really_occur():
    fw = sum(bool(re.search(r"[０-９Ａ-Ｚａ-ｚ＠]", d.full_text)) for d in DOCS)
    assert fw >= 20
    zero_width = sum(bool(re.search("[\u200b-\u200d\u2060\ufeff]", d.full_text)) for d in DOCS)
    assert zero_width >= 20


def test_name_lists():
    assert len(set(N.SURNAMES)) == len(N.SURNAMES) >= 120
    assert set("何曾段张高明向于常安时文方白石万全和关龙马金江雷黎") <= set(N.SURNAMES)
    assert all(len(s) == 2 for s in N.COMPOUND_SURNAMES) and len(N.COMPOUND_SURNAMES) >= 15
    assert all(len(g) == 1 for g in N.GIVEN_1) and all(len(g) == 2 for g in N.GIVEN_2)
    assert any("·" in m[0] for m in N.MINORITY_NAMES) and any(
        "·" not in m[0] for m in N.MINORITY_NAMES
    )
    nationalities = {f[1] for f in N.FOREIGN_NAMES}
    assert {"日本国", "大韩民国", "越南社会主义共和国", "美利坚合众国"} <= nationalities
    assert len(N.WORDLIKE_NAMES) >= 30


def test_wordlike_names_are_protected_several_times():
    count = 0
    for d in DOCS:
        for name in set(N.WORDLIKE_NAMES) & set(d.must_not_appear):
            assert normalized(d.full_text).count(normalized(name)) >= 2, (d.ident, name)
            count += 1
    assert count >= 20


def test_nested_names():
    pairs = 0
    for d in DOCS:
        for k in d.must_keep:
            if k in d.people and any(k in t and k != t for t in d.must_not_appear):
                pairs += 1
    assert pairs >= 20


def test_dotted_variants_occur_in_text():
    text = "".join(d.full_text for d in DOCS)
    assert re.search(r"[\u4e00-\u9fff]\.[\u4e00-\u9fff]", text)
    assert re.search(r"[\u4e00-\u9fff]．[\u4e00-\u9fff]", text)


def test_normalized():
    assert normalized("王\u3000小\n明") == "王小明"
    assert normalized("王\u200b小明") == "王小明"
    assert normalized("阿依古丽.买买提") == normalized("阿依古丽．买买提") == "阿依古丽·买买提"
    assert normalized("阿依古丽•买买提") == normalized("阿依古丽・买买提") == "阿依古丽·买买提"
    assert normalized("１３８ ００１３\n８０００") == "13800138000"
    assert normalized("ＡＢＣ＠ＱＱ.com") == "abc@qq.com"
    assert normalized("3.5万元") == "3.5万元"


def test_deterministic():
    assert load_corpus() == DOCS
    for ident in (
        "c2-indictment-001",
        "c2-nonpros-017",
        "c2-review-030",
        "c2-protest-042",
        "c2-release-005",
    ):
        kind = BY_ID[ident].kind
        assert build(kind, int(ident.rsplit("-", 1)[1]) - 1) == BY_ID[ident]
