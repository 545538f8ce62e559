"""An independent corpus of invented procuratorate documents for testing the redaction engine.

`load_corpus()` returns the same documents on every call (fixed seeds, no network): templated
起诉书, 不起诉决定书, 刑事申诉复查决定书, 抗诉书 and 重要案件信息 releases, plus hand-written ones.
Each document lists the strings that must not survive redaction (`must_not_appear`) and the ones
that must (`must_keep`), in their plain form; compare them with `normalized()` text (see `leaks`).

The corpus was written from the publication rules, not from the engine's code or word lists.
"""

from __future__ import annotations

from functools import lru_cache

from tests.disclosure.corpus_check import KINDS, CorpusDocument, leaks, normalized, over_redacted


@lru_cache(maxsize=1)
def _load() -> tuple[CorpusDocument, ...]:
    from .handwritten import handwritten_documents
    from .kinds import generate_all

    return (*generate_all(), *handwritten_documents())


def load_corpus() -> list[CorpusDocument]:
    return list(_load())


__all__ = ["KINDS", "CorpusDocument", "leaks", "load_corpus", "normalized", "over_redacted"]
