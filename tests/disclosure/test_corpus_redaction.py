"""The whole redaction corpus through the engine, as review and the gate run it: nothing that
must never appear is published, what must stay stays (at most 1 % lost), and the gate passes
what the engine produced. bench/redaction.py runs the same corpus through every public route."""

from __future__ import annotations

import pytest

from portal.disclosure import redaction
from tests.disclosure import corpus


@pytest.fixture(scope="module")
def results():
    out = []
    for doc in corpus.load_corpus():
        if doc.kind == "release":
            analysed = redaction.analyse_fields({"title": doc.title, "body": doc.text})
            public = redaction.apply_fields(analysed)
            analysis = analysed.analysis
        else:
            analysis = redaction.analyse(doc.text)
            public = {"text": redaction.apply(doc.text, analysis.redactions)}
        out.append((doc, "\n".join(public.values()), redaction.gate(public, analysis)))
    return out


def test_nothing_that_must_never_appear_is_published(results):
    leaks = {doc.ident: corpus.leaks(doc, text) for doc, text, _gate in results}
    assert {ident: found for ident, found in leaks.items() if found} == {}


def test_what_must_stay_stays(results):
    kept = sum(len(doc.must_keep) for doc, _text, _gate in results)
    lost = {doc.ident: corpus.over_redacted(doc, text) for doc, text, _gate in results}
    lost = {ident: terms for ident, terms in lost.items() if terms}
    assert sum(len(terms) for terms in lost.values()) <= kept // 100, lost


def test_the_gate_passes_what_the_engine_produced(results):
    assert {doc.ident: findings for doc, _text, findings in results if findings} == {}
