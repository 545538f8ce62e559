"""The third redaction corpus, written apart from the other two and from the engine: long
起诉书 with many people, 不起诉决定书, 刑事申诉复查决定书 quoting the judgments, 刑事抗诉书 with
sentences "分别" mixed, and releases written as news stories; text extracted from PDFs (page
footers, hard wraps inside names and numbers) or pasted from Word (full-width indentation,
zero-width characters). What must never appear follows the rules: private persons by full
name (a defendant only when his own current sentence is more than three years, life or death,
or when he is stated to be a recidivist, is free to be named; in a minors' case nobody private
is), identifiers, addresses, health; and in a minors' case the school, class, village, nickname."""

from __future__ import annotations

import functools

from tests.disclosure.corpus_check import KINDS, CorpusDocument, leaks, normalized, over_redacted

__all__ = [
    "CorpusDocument",
    "leaks",
    "load_corpus",
    "normalized",
    "over_redacted",
    "KINDS",
    "PER_KIND",
]

PER_KIND = 32


@functools.lru_cache(maxsize=1)
def _corpus() -> tuple[CorpusDocument, ...]:
    from .core import build
    from .kinds import GENERATORS

    docs = []
    for kind in KINDS:
        gen = GENERATORS[kind]
        for i in range(PER_KIND):
            ident = f"c3-{kind.replace('_', '-')}-{i + 1:03d}"
            b = build(ident, kind, lambda c, gen=gen, i=i: gen(c, i))
            docs.append(
                CorpusDocument(
                    ident,
                    kind,
                    b.title,
                    b.text,
                    b.must_not_appear,
                    b.must_keep,
                    b.involves_minor,
                    b.variations,
                    b.people,
                )
            )
    return tuple(docs)


def load_corpus() -> list[CorpusDocument]:
    return list(_corpus())
