"""Assembling the second corpus: 42 documents per kind, every one from a fixed seed."""

from __future__ import annotations

import zlib
from functools import lru_cache

from tests.disclosure.corpus_check import CorpusDocument

from . import t_appeal_review, t_indictment, t_non_prosecution, t_protest, t_release
from .builder import Doc, Retry

PER_KIND = 42
TEMPLATES = {
    "indictment": t_indictment.TEMPLATES,
    "non_prosecution": t_non_prosecution.TEMPLATES,
    "appeal_review": t_appeal_review.TEMPLATES,
    "protest": t_protest.TEMPLATES,
    "release": t_release.TEMPLATES,
}
SHORT = {
    "indictment": "indictment",
    "non_prosecution": "nonpros",
    "appeal_review": "review",
    "protest": "protest",
    "release": "release",
}


def build(kind: str, number: int) -> CorpusDocument:
    """Document ``number`` of ``kind``: template by rotation, names drawn from a fixed seed."""
    templates = TEMPLATES[kind]
    template = templates[number % len(templates)]
    ident = f"c2-{SHORT[kind]}-{number + 1:03d}"
    for attempt in range(100):
        seed = zlib.crc32(f"{ident}/{attempt}".encode())
        doc = Doc(ident, kind, seed)
        try:
            title, body = template(doc)
            return doc.finish(title, body)
        except Retry:
            continue
    raise RuntimeError(f"{ident}: no valid draw")


@lru_cache(maxsize=1)
def _corpus() -> tuple[CorpusDocument, ...]:
    return tuple(build(kind, i) for kind in TEMPLATES for i in range(PER_KIND))


def load_corpus() -> list[CorpusDocument]:
    return list(_corpus())


def template_name(doc: CorpusDocument) -> str:
    number = int(doc.ident.rsplit("-", 1)[1]) - 1
    templates = TEMPLATES[doc.kind]
    return templates[number % len(templates)].__name__
