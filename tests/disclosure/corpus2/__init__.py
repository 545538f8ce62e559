"""Second, independent redaction corpus: 210 documents of a fictional procuratorate.

from tests.disclosure.corpus2 import load_corpus, leaks, over_redacted
"""

from tests.disclosure.corpus_check import KINDS, CorpusDocument, leaks, normalized, over_redacted

from .generate import load_corpus

__all__ = ["KINDS", "CorpusDocument", "leaks", "load_corpus", "normalized", "over_redacted"]
