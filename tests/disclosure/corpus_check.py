"""How a public text is checked against a corpus document, for every corpus: a protected term
leaks when it stands in the public text in any written form (NFKC, no format characters, no
white space, any middle dot or a full stop between two Chinese characters as "·", lower case)."""

from __future__ import annotations

import re
import unicodedata

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
