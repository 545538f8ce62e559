"""What a corpus document is, and how a public text is checked against it, for every corpus
(written apart from each other, they share only this): a protected term leaks when it stands in
the public text in any written form (NFKC, no format characters, no white space, any middle dot
or a full stop between two Chinese characters as "·", lower case)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KINDS = ("indictment", "non_prosecution", "appeal_review", "protest", "release")


@dataclass(frozen=True)
class CorpusDocument:
    ident: str  # stable, e.g. "indictment-017"
    kind: str  # one of KINDS
    title: str  # releases: the release title; other kinds: ""
    text: str  # the document text (for releases: the body)
    must_not_appear: tuple[str, ...]  # in plain form: never in the public text, in any form
    must_keep: tuple[str, ...]  # in plain form: must survive redaction
    involves_minor: bool
    variations: tuple[str, ...]  # tags of the variations the document uses
    people: tuple[str, ...] = ()  # every natural person's full name, officials included

    @property
    def full_text(self) -> str:
        """Title and text together (the whole public content of a release)."""
        return self.title + "\n" + self.text


# After NFKC (which makes a full-width "．" the full stop "."): every middle dot as "·".
_DOTS = str.maketrans({c: "·" for c in "·•・‧･∙⋅"})
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_DOT_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])\\.(?=[{_CJK}])")


def normalized(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = "".join(ch for ch in s if not ch.isspace() and unicodedata.category(ch) != "Cf")
    return _DOT_BETWEEN_CJK.sub("·", s.translate(_DOTS)).lower()


def leaks(doc, public_text: str) -> list[str]:
    """The terms that must never appear and still stand in `public_text`."""
    hay = normalized(public_text)
    return [term for term in doc.must_not_appear if normalized(term) in hay]


def over_redacted(doc, public_text: str) -> list[str]:
    """The terms that must stay and are missing from `public_text`."""
    hay = normalized(public_text)
    return [term for term in doc.must_keep if normalized(term) not in hay]
