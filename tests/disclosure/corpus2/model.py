"""The document type and the comparison helpers of the second corpus."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KINDS: tuple[str, ...] = ("indictment", "non_prosecution", "appeal_review", "protest", "release")

_DOTS = str.maketrans({c: "·" for c in "·•・‧．･∙⋅"})
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_DOT_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])\\.(?=[{_CJK}])")


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


def normalized(s: str) -> str:
    """NFKC, no format characters, no whitespace, one middle dot, lower case."""
    s = s.translate(_DOTS)
    s = unicodedata.normalize("NFKC", s)
    s = "".join(ch for ch in s if not ch.isspace() and unicodedata.category(ch) != "Cf")
    s = s.translate(_DOTS)
    s = _DOT_BETWEEN_CJK.sub("·", s)
    return s.lower()


def leaks(doc: CorpusDocument, public_text: str) -> list[str]:
    """The must_not_appear terms still present in ``public_text``."""
    hay = normalized(public_text)
    return [t for t in doc.must_not_appear if normalized(t) in hay]


def over_redacted(doc: CorpusDocument, public_text: str) -> list[str]:
    """The must_keep terms missing from ``public_text``."""
    hay = normalized(public_text)
    return [t for t in doc.must_keep if normalized(t) not in hay]
