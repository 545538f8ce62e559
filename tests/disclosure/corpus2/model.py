"""The document type of the second corpus (the comparison helpers are in corpus_check)."""

from __future__ import annotations

from dataclasses import dataclass

KINDS: tuple[str, ...] = ("indictment", "non_prosecution", "appeal_review", "protest", "release")


@dataclass(frozen=True)
class CorpusDocument:
    ident: str
    kind: str
    title: str
    text: str
    must_not_appear: tuple[str, ...]
    must_keep: tuple[str, ...]
    involves_minor: bool
    variations: tuple[str, ...]
    people: tuple[str, ...]

    @property
    def full_text(self) -> str:
        return self.title + "\n" + self.text
