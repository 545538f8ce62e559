"""Chinese word segmentation with jieba, loaded once and lazily: for the search of legal
documents (portal/disclosure/search.py) and the duplicate suggestions of petitions
(portal/petitions/duplicates.py), so it lives in core.

jieba ships its dictionary inside the package, so it works offline. It is loaded on the first
search, index or redaction in a process (servers load it before their workers fork:
core/serving.py), not at import, so that `flask` commands and tests that never segment do not pay
for it; the part-of-speech tagger of redaction adds its own tables (about 45 MB) on first use.

Index and query go through the same `search_tokens` so that both sides agree: NFKC-normalised,
lowercased, punctuation dropped, every token made only of letters and digits (so SQLite's FTS5
unicode61 tokenizer and PostgreSQL's parser split the stored string into exactly these tokens).
The index side adds jieba's search-mode sub-words (盗窃罪 also yields 盗窃), so a two-character
word finds the longer words that contain it. HMM new-word discovery is off: it depends on the
surrounding text, and a query must be segmented as the same words appear in documents.

jieba keeps its prefix dictionary as a Python dict of half a million strings: about 80 MB in every
process, most of a worker's memory. Here the same dictionary is a marisa trie and an array of
counts, built once per dictionary file (in a separate process, so that the builder's memory never
stays in a server) under the instance folder, and mapped read-only: workers share one copy through
the page cache, loading takes milliseconds, and jieba's segmentation is unchanged (a test compares
the two on real text). Looking words up in the trie is about 1.5 times slower than in the dict,
microseconds per character.

jieba's general dictionary cuts legal language wrongly: 不起诉 as 不 + 起诉, 取保候审 as 取保 + 候审,
so a search for 不起诉 found every text with 不 and 起诉 in it. The legal terms in
data/legal_terms.tsv (procedure, document types, charges; each with its English name) are added
to the dictionary at build time, each with the count jieba's own `suggest_freq` gives it, so that
it is cut as one word; the build folder is named by the digest of both files, so editing the terms
rebuilds the dictionary (and `flask search reindex` re-segments what is already published). On
the index side a long word also yields every dictionary word inside it of four characters or
more (jieba's search mode stops at three), so 刑事申诉复查决定书 is found by 刑事申诉.
"""

from __future__ import annotations

import hashlib
import logging
import mmap
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from array import array
from functools import lru_cache
from pathlib import Path

import marisa_trie
from flask import current_app, has_app_context

log = logging.getLogger(__name__)
_lock = threading.Lock()
_ready = False
_WORD = re.compile(r"[^\W_]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_FORMAT = "marisa-u32-2"  # part of the folder's name: a new layout never reads an old build
_WORDS, _COUNTS = "words.marisa", "counts.u32"
_LONGEST_WORD = 24  # longer than any word of the dictionary
_BUILDER = (
    "import sys; from portal.core.segmenter import _write_mapped_dictionary as w; w(sys.argv[1])"
)


class MappedFrequencies(marisa_trie.Trie):
    """jieba's FREQ (every word and every prefix of a word -> its count, 0 for a prefix that is no
    word) as a trie of the strings and a mapped array of counts indexed by the trie's key ids.
    Membership is the trie's own; jieba also reads FREQ[word] and FREQ.get(word)."""

    counts: memoryview
    total: int

    def __getitem__(self, word: str) -> int:
        return self.counts[self.key_id(word)]

    def get(self, word: str, default: int | None = None) -> int | None:
        try:
            return self.counts[self.key_id(word)]
        except KeyError:
            return default


TERMS_PATH = Path(__file__).parent / "data" / "legal_terms.tsv"


def _dictionary_path() -> Path:
    import jieba

    return Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME


@lru_cache(maxsize=1)
def legal_terms() -> dict[str, str]:
    """The legal terms (normalised) and their English names ("" when none), in file order."""
    terms: dict[str, str] = {}
    for line in TERMS_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, _, english = line.partition("\t")
        terms[normalise(term.strip())] = english.strip()
    return terms


def add_legal_terms(tokenizer) -> None:
    """Make every legal term one word for `tokenizer` (a jieba Tokenizer with its dictionary
    loaded), as jieba's own suggest_freq(tune=True) does. Terms with punctuation inside
    (强制猥亵、侮辱罪) are never one token (`words` splits at punctuation): only their English
    name is used."""
    for term in legal_terms():
        if _WORD.fullmatch(term):
            tokenizer.suggest_freq(term, tune=True)


def _build_folder() -> Path:
    """Where the mapped dictionary lives: the instance folder, or where jieba itself would cache
    its dictionary when there is no app. Named by the dictionary file's digest."""
    digest = hashlib.sha256(
        _dictionary_path().read_bytes() + b"\0" + TERMS_PATH.read_bytes()
    ).hexdigest()[:16]
    if has_app_context():
        base = Path(current_app.instance_path) / "segmenter"
    else:
        base = Path(tempfile.gettempdir()) / "portal-segmenter"
    return base / f"{_FORMAT}-{digest}"


def _write_mapped_dictionary(folder: str) -> None:
    """Run in a process of its own: the full dict it builds from is freed with the process."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.dt
    tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(tokenizer.get_dict_file())
    tokenizer.initialized = True
    add_legal_terms(tokenizer)
    frequencies, total = tokenizer.FREQ, tokenizer.total
    words = marisa_trie.Trie(frequencies.keys())
    counts = array("I", bytes(4 * len(words)))
    for word, count in frequencies.items():
        counts[words.key_id(word)] = count
    # jieba's total counts a word listed twice twice: kept as it computes it, after the counts
    counts.append(total)
    target = Path(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=target.parent, prefix=".building-"))
    words.save(str(building / _WORDS))
    (building / _COUNTS).write_bytes(counts.tobytes())
    try:
        building.rename(target)  # atomic: readers see a whole build or none
    except OSError:  # another process finished the same build first
        shutil.rmtree(building, ignore_errors=True)


def _mapped_dictionary() -> MappedFrequencies:
    folder = _build_folder()
    if not (folder / _COUNTS).exists():
        package_root = str(Path(__file__).resolve().parents[2])
        subprocess.run(  # noqa: S603 (our own interpreter and code; the folder is ours)
            [sys.executable, "-c", _BUILDER, str(folder)],
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [package_root, os.environ.get("PYTHONPATH")])
                ),
            },
            check=False,
        )
        if not (folder / _COUNTS).exists():
            raise RuntimeError(f"the segmenter dictionary could not be built in {folder}")
        for old in folder.parent.glob("marisa-*"):  # builds of older dictionaries or layouts
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
    frequencies = MappedFrequencies()
    frequencies.mmap(str(folder / _WORDS))
    with open(folder / _COUNTS, "rb") as counts_file:
        mapped = mmap.mmap(counts_file.fileno(), 0, access=mmap.ACCESS_READ)
    counts = memoryview(mapped).cast("I")
    frequencies.counts, frequencies.total = counts[:-1], counts[-1]
    return frequencies


def _jieba():
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                started = time.perf_counter()
                frequencies = _mapped_dictionary()
                with jieba.dt.lock:
                    jieba.dt.FREQ = frequencies
                    jieba.dt.total = frequencies.total
                    jieba.dt.initialized = True
                log.info("jieba dictionary mapped in %.2f s", time.perf_counter() - started)
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
    if not for_index:
        return tuple(jieba.cut(run, HMM=False))
    # jieba's search mode, with the dictionary words inside a long word at every length (its
    # own stops at three characters): the sub-words first, then the word.
    frequencies = jieba.dt.FREQ
    tokens: list[str] = []
    for word in jieba.cut(run, HMM=False):
        # A run of letters and digits is one "word" of any length: only jieba's own two and
        # three characters inside it, so that a long one costs time in proportion to it.
        longest = len(word) - 1 if len(word) <= _LONGEST_WORD else 3
        for length in range(2, longest + 1):
            for start in range(len(word) - length + 1):
                part = word[start : start + length]
                if frequencies.get(part):
                    tokens.append(part)
        tokens.append(word)
    return tuple(tokens)


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


def english_names(tokens) -> list[str]:
    """The English words of the legal terms among `tokens`, each once, for the index: a text
    that says 诈骗罪 is found by `fraud`."""
    terms = legal_terms()
    found: dict[str, None] = {}
    for token in tokens:
        for word in _WORD.findall(normalise(terms.get(token) or "")):
            found[word] = None
    return list(found)
