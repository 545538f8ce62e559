"""An independent corpus of invented procuratorate documents for testing the redaction engine.

`load_corpus()` returns the same documents on every call (fixed seeds, no network): templated
起诉书, 不起诉决定书, 刑事申诉复查决定书, 抗诉书 and 重要案件信息 releases, plus hand-written ones.
Each document lists the strings that must not survive redaction (`must_not_appear`) and the ones
that must (`must_keep`), in their plain form; compare them with `normalized()` text (see `leaks`).

The corpus was written from the publication rules, not from the engine's code or word lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tests.disclosure.corpus_check import leaks, normalized, over_redacted

KINDS = ("indictment", "non_prosecution", "appeal_review", "protest", "release")


@dataclass(frozen=True)
class CorpusDocument:
    ident: str  # stable, e.g. "indictment-017"
    kind: str  # "indictment" | "non_prosecution" | "appeal_review" | "protest" | "release"
    title: str  # releases: the release title; other kinds: ""
    text: str  # the document text (for releases: the body)
    must_not_appear: tuple[str, ...]
    must_keep: tuple[str, ...]
    involves_minor: bool
    variations: tuple[str, ...]
    people: tuple[
        str, ...
    ] = ()  # every natural person's full name (officials included), plain form

    @property
    def full_text(self) -> str:
        """Title and text together (the whole public content of a release)."""
        return f"{self.title}\n{self.text}" if self.title else self.text


@lru_cache(maxsize=1)
def _load() -> tuple[CorpusDocument, ...]:
    from .handwritten import handwritten_documents
    from .kinds import generate_all

    return (*generate_all(), *handwritten_documents())


def load_corpus() -> list[CorpusDocument]:
    return list(_load())


__all__ = ["KINDS", "CorpusDocument", "leaks", "load_corpus", "normalized", "over_redacted"]
