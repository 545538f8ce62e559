"""The whole redaction corpora through the engine, as review and the gate run it: nothing that
must never appear is published, what must stay stays (at most 1 % lost), and the gate passes
what the engine produced. bench/redaction.py runs the same corpora through every public route.

Three corpora written independently of each other and of the engine (other names, templates and
phrasing): `corpus`, `corpus2` (written once the engine was tuned on the first, as a held-out
check) and `corpus3` (likewise, after the second: PDF extracts, news stories, long documents)."""

from __future__ import annotations

import pytest

from portal.disclosure import redaction
from tests.disclosure import corpus, corpus2, corpus3


@pytest.fixture(
    scope="module", params=[corpus, corpus2, corpus3], ids=["corpus", "corpus2", "corpus3"]
)
def results(request):
    module = request.param
    out = []
    for doc in module.load_corpus():
        if doc.kind == "release":
            analysed = redaction.analyse_fields({"title": doc.title, "body": doc.text})
            public = redaction.apply_fields(analysed)
            analysis = analysed.analysis
        else:
            analysis = redaction.analyse(doc.text)
            public = {"text": redaction.apply(doc.text, analysis.redactions)}
        out.append((doc, "\n".join(public.values()), redaction.gate(public, analysis)))
    return module, out


def test_nothing_that_must_never_appear_is_published(results):
    module, results = results
    leaks = {doc.ident: module.leaks(doc, text) for doc, text, _gate in results}
    assert {ident: found for ident, found in leaks.items() if found} == {}


def test_what_must_stay_stays(results):
    module, results = results
    kept = sum(len(doc.must_keep) for doc, _text, _gate in results)
    lost = {doc.ident: module.over_redacted(doc, text) for doc, text, _gate in results}
    lost = {ident: terms for ident, terms in lost.items() if terms}
    assert sum(len(terms) for terms in lost.values()) <= kept // 100, lost


def test_the_gate_passes_what_the_engine_produced(results):
    _module, results = results
    assert {doc.ident: findings for doc, _text, findings in results if findings} == {}
