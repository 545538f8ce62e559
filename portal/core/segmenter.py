"""Chinese word segmentation with jieba, loaded once and lazily: for the search of legal
documents (portal/disclosure/search.py) and the duplicate suggestions of petitions
(portal/petitions/duplicates.py), so it lives in core.

jieba ships its dictionary inside the package, so it works offline. Building its prefix
dictionary takes about 1.3 s on this machine (the part-of-speech tagger adds its tables on first
use); it happens on the first search, index or redaction in a process, not at import, so that
`flask` commands and tests that never segment do not pay for it. The time is logged.

Index and query go through the same `search_tokens` so that both sides agree: NFKC-normalised,
lowercased, punctuation dropped, every token made only of letters and digits (so SQLite's FTS5
unicode61 tokenizer and PostgreSQL's parser split the stored string into exactly these tokens).
The index side adds jieba's search-mode sub-words (盗窃罪 also yields 盗窃), so a two-character
word finds the longer words that contain it. HMM new-word discovery is off: it depends on the
surrounding text, and a query must be segmented as the same words appear in documents.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from functools import lru_cache

log = logging.getLogger(__name__)
_lock = threading.Lock()
_ready = False
_WORD = re.compile(r"[^\W_]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _jieba():
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                started = time.perf_counter()
                jieba.initialize()
                log.info("jieba dictionary loaded in %.2f s", time.perf_counter() - started)
                _ready = True
    return jieba


def load() -> None:
    """Load the dictionary now rather than on the first use (core/serving.py)."""
    _jieba()


def pos_cut(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech flag) pairs, with HMM on: the tagger's best guess at names."""
    _jieba()
    import jieba.posseg

    return [(pair.word, pair.flag) for pair in jieba.posseg.lcut(text)]


def word_frequency(word: str) -> int:
    """How often jieba's dictionary has seen the word (0 if it is not in it)."""
    return _jieba().dt.FREQ.get(word) or 0


def word_tag(word: str) -> str | None:
    """jieba's part-of-speech tag of a dictionary word (nr: a person, ns: a place, i: an idiom)."""
    _jieba()
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab.get(word)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


@lru_cache(maxsize=50_000)
def _segment_run(run: str, for_index: bool) -> tuple[str, ...]:
    jieba = _jieba()
    if for_index:
        return tuple(jieba.cut_for_search(run, HMM=False))
    return tuple(jieba.cut(run, HMM=False))


def words(text: str, *, for_index: bool) -> list[str]:
    """The search tokens of `text`, in order (with sub-words on the index side)."""
    tokens: list[str] = []
    for chunk in _WORD.findall(normalise(text)):
        if not _HAN.search(chunk):
            tokens.append(chunk)
            continue
        for word in _segment_run(chunk, for_index):
            tokens.extend(_WORD.findall(word))
    return tokens


def index_tokens(text: str) -> str:
    """The space-joined tokens stored in the search index."""
    return " ".join(words(text, for_index=True))


def query_words(text: str) -> list[str]:
    return words(text, for_index=False)
