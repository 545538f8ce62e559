"""The segmenter maps jieba's dictionary from a trie instead of holding it as a Python dict
(memory shared by the workers); search results depend on it cutting text exactly as jieba does."""

from __future__ import annotations

import jieba
from babel import Locale

from portal.core import segmenter


def _unicode_common_locale_text() -> list[str]:
    """Chinese nobody here wrote: CLDR's names of languages, territories, scripts and currencies."""
    chinese = Locale("zh", script="Hans")
    return [
        *chinese.languages.values(),
        *chinese.territories.values(),
        *chinese.scripts.values(),
        *chinese.currencies.values(),
    ]


def test_the_mapped_dictionary_cuts_text_as_jiebas_own(app):
    with app.app_context():
        segmenter.load()
    reference = jieba.Tokenizer()
    reference.initialize()
    texts = _unicode_common_locale_text()
    assert len(texts) > 500
    for text in texts:
        assert list(jieba.cut_for_search(text, HMM=False)) == list(
            reference.cut_for_search(text, HMM=False)
        ), text
        assert list(jieba.cut(text, HMM=True)) == list(reference.cut(text, HMM=True)), text


def test_the_mapped_dictionary_holds_every_word_and_prefix_with_its_count(app):
    with app.app_context():
        segmenter.load()
    frequencies = jieba.dt.FREQ
    assert isinstance(frequencies, segmenter.MappedFrequencies)
    expected, total = jieba.Tokenizer().gen_pfdict(jieba.dt.get_dict_file())
    assert len(frequencies) == len(expected)
    assert all(frequencies[word] == count for word, count in expected.items())
    assert jieba.dt.total == total
    assert frequencies.get("不是一个词的字符串") is None
    assert segmenter.word_frequency("盗窃") == expected["盗窃"] > 0


def test_the_dictionary_is_built_once_under_the_instance_folder(app):
    with app.app_context():
        folder = segmenter._build_folder()
        segmenter._mapped_dictionary()
    built = folder.stat().st_mtime_ns
    assert folder.is_relative_to(app.instance_path)
    with app.app_context():
        segmenter._mapped_dictionary()
    assert folder.stat().st_mtime_ns == built
