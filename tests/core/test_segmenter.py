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


def _reference_tokenizer() -> jieba.Tokenizer:
    """jieba's own tokenizer, its dict in memory, with the legal terms added as jieba adds words."""
    reference = jieba.Tokenizer()
    reference.initialize()
    segmenter.add_legal_terms(reference)
    return reference


def test_the_mapped_dictionary_cuts_text_as_jiebas_own(app):
    with app.app_context():
        segmenter.load()
    reference = _reference_tokenizer()
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
    reference = _reference_tokenizer()
    expected, total = reference.FREQ, reference.total
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


LEGAL_TEXT = [
    ("本院决定对被不起诉人张某不起诉。", "不起诉"),
    ("于2024年3月1日被取保候审。", "取保候审"),
    ("被告人自愿认罪认罚，签署具结书。", "认罪认罚"),
    ("申诉人不服，提出刑事申诉。", "刑事申诉"),
    ("决定对犯罪嫌疑人监视居住六个月。", "监视居住"),
    ("本院依法提起公益诉讼。", "公益诉讼"),
    ("经羁押必要性审查，建议予以释放。", "羁押必要性审查"),
    ("涉嫌盗窃罪一案，移送审查起诉。", "盗窃罪"),
    ("以诈骗罪提起公诉。", "诈骗罪"),
    ("现将不起诉决定书送达。", "不起诉决定书"),
]


def test_legal_terms_are_one_word_alone_and_in_sentences(app):
    with app.app_context():
        segmenter.load()
    terms = segmenter.legal_terms()
    assert len(terms) >= 300
    whole = [term for term in terms if segmenter._WORD.fullmatch(term)]
    assert [term for term in whole if segmenter.query_words(term) != [term]] == []
    for sentence, term in LEGAL_TEXT:
        assert term in segmenter.query_words(sentence), sentence
        assert term in segmenter.words(sentence, for_index=True), sentence
    # Before the terms, 不起诉 was 不 + 起诉: a text with 不 and 起诉 apart matched it.
    assert "不起诉" not in segmenter.words("检察机关不同意，提起诉讼并起诉。", for_index=True)


def test_a_long_word_is_found_by_the_dictionary_words_inside_it(app):
    with app.app_context():
        tokens = segmenter.words("刑事申诉复查决定书", for_index=True)
    assert {"刑事申诉", "复查决定书", "决定书", "申诉"} <= set(tokens)
    assert "起诉书" not in segmenter.words("不起诉决定书", for_index=True)


def test_changing_the_legal_terms_builds_a_new_dictionary(app, tmp_path, monkeypatch):
    with app.app_context():
        before = segmenter._build_folder()
        edited = tmp_path / "legal_terms.tsv"
        edited.write_text(segmenter.TERMS_PATH.read_text() + "量刑协商\tsentence negotiation\n")
        monkeypatch.setattr(segmenter, "TERMS_PATH", edited)
        assert segmenter._build_folder() != before
