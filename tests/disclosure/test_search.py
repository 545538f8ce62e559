"""Search: two-character words, phrases, English, filters, paging, highlighting, bad queries.

These run on SQLite (FTS5) and, with TEST_DATABASE_URL, on PostgreSQL (tsvector): the same
assertions on both, so the two give the same results for the same data.
"""

from __future__ import annotations

from datetime import date

import pytest

from portal.core import clock, segmenter
from portal.disclosure import search
from portal.disclosure.search import Filters, QueryError
from portal.extensions import db
from tests.disclosure.factories import (
    make_document,
    make_published_document,
    make_release,
    publisher,
)
from tests.factories import url

THEFT = "经审查查明：被害人在商场内被盗窃手机一部，价值人民币三千元。被不起诉人如实供述。"
THEFT_CRIME = "被不起诉人涉嫌盗窃罪一案，本院审查认为情节显著轻微。"
FRAUD = "经审查查明：被不起诉人以投资为名实施电信网络诈骗，骗取被害人钱款。"
ROBBERY = "强盗窃取财物？不。此案为抢劫罪，被告人持刀抢劫，与偷窃无关。"
ENGLISH = "The suspect was charged with Fraud and money laundering through mobile payment apps."


@pytest.fixture
def corpus():
    user = publisher()
    docs = {
        "theft": make_published_document(user, text=THEFT, case_number="示检刑不诉〔2023〕1号",
                                         document_date=date(2023, 3, 1)),
        "theft_crime": make_published_document(user, text=THEFT_CRIME,
                                               case_number="示检刑不诉〔2024〕2号",
                                               procuratorate="示例市东城区人民检察院"),
        "fraud": make_published_document(user, text=FRAUD, case_number="示检刑不诉〔2024〕3号"),
        "robbery": make_published_document(user, text=ROBBERY, doc_type="protest",
                                           case_number="示检刑抗〔2024〕4号"),
        "english": make_published_document(user, text=ENGLISH, case_number="示检刑不诉〔2024〕5号"),
    }  # fmt: skip
    docs["release"] = make_release(
        user, title="依法惩治电信网络诈骗犯罪典型案例",
        body="本院发布一批电信网络诈骗典型案例，提醒群众防范诈骗。",
    )  # fmt: skip
    return docs


def found(query, **filters):
    return [(hit.kind, hit.ref_id) for hit in search.search(query, Filters(**filters)).hits]


def doc_ids(corpus, *names):
    return [("document", corpus[name].id) for name in names]


def test_a_two_character_word_finds_it_alone_and_inside_longer_words(corpus):
    # 盗窃 in 盗窃手机 and in 盗窃罪; newest first. Not 强盗窃取 (强盗 + 窃取) nor 偷窃.
    assert found("盗窃") == doc_ids(corpus, "theft_crime", "theft")


def test_another_two_character_word(corpus):
    assert found("诈骗") == [("release", corpus["release"].id), *doc_ids(corpus, "fraud")]


def test_several_words_must_all_occur(corpus):
    assert found("盗窃 手机") == doc_ids(corpus, "theft")
    assert found("诈骗 投资") == doc_ids(corpus, "fraud")
    assert found("盗窃 诈骗") == []


def test_a_phrase_without_spaces_is_split_into_its_words(corpus):
    assert found("电信网络诈骗") == [("release", corpus["release"].id), *doc_ids(corpus, "fraud")]


def test_a_quoted_phrase_must_occur_exactly(corpus):
    assert found('"money laundering"') == doc_ids(corpus, "english")
    assert found('"laundering money"') == []
    assert found("“电信网络诈骗典型案例”") == [("release", corpus["release"].id)]


def test_english_is_case_insensitive(corpus):
    assert found("FRAUD") == found("fraud")
    assert ("document", corpus["english"].id) in found("FRAUD")
    assert found("mobile Payment") == doc_ids(corpus, "english")


def test_filters_by_type_procuratorate_and_year(corpus):
    assert found("盗窃", procuratorate="示例市东城区人民检察院") == doc_ids(corpus, "theft_crime")
    assert found("盗窃", year=2023) == doc_ids(corpus, "theft")
    assert found("抢劫", type_code="protest") == doc_ids(corpus, "robbery")
    assert found("抢劫", type_code="indictment") == []
    assert found("诈骗", type_code="release") == [("release", corpus["release"].id)]


def test_the_document_type_name_is_searchable(corpus):
    assert found("抗诉书") == doc_ids(corpus, "robbery")


@pytest.mark.parametrize(
    "query",
    ['"', "盗窃 OR", "NOT 盗窃", "盗窃*", "(盗窃", "盗窃 AND NEAR(手机)", "'; DROP TABLE x; --",
     "a:b", "盗窃 -手机", "tokens:盗窃", "\\", "盗窃 & 手机 | !诈骗", "^盗窃"],
)  # fmt: skip
def test_operators_and_quotes_never_reach_the_database(corpus, query):
    try:
        search.search(query)
    except QueryError:
        pass  # a message for the user, not a database error


@pytest.mark.parametrize("query", ["", "   ", "。，！？", "***", '""', "—— …"])
def test_empty_or_punctuation_only_queries_get_a_message(query):
    with pytest.raises(QueryError):
        search.search(query)


def test_a_too_long_query_gets_a_message():
    with pytest.raises(QueryError, match="at most"):
        search.search("盗窃" * 60)


def test_results_paginate_and_the_count_is_capped(monkeypatch):
    user = publisher()
    for n in range(7):
        make_published_document(
            user, text=f"被不起诉人第{n}次盗窃。", case_number=f"示检〔2024〕{n + 1}号"
        )
    first = search.search("盗窃", per_page=3)
    assert first.total == 7 and first.pages == 3 and first.has_next and not first.has_prev
    third = search.search("盗窃", page=3, per_page=3)
    assert len(third.hits) == 1 and not third.has_next
    everything = {
        h.ref_id for p in (1, 2, 3) for h in search.search("盗窃", page=p, per_page=3).hits
    }
    assert len(everything) == 7
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    capped = search.search("盗窃", per_page=3)
    assert capped.total == 5 and capped.is_capped


def test_matches_are_highlighted_and_the_text_escaped():
    user = publisher()
    make_published_document(user, text="被不起诉人在<script>alert(1)</script>网吧盗窃手机。")
    hit = search.search("盗窃").hits[0]
    assert "<mark>盗窃</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet


def test_highlighting_ignores_case_and_a_phrase_spans_any_whitespace():
    terms = search.parse_query('"money laundering" 盗窃').highlights
    marked = search.snippet("The suspect: MONEY\n  Laundering; 盗窃 Money.", terms)
    assert marked == (
        "The suspect: <mark>MONEY Laundering</mark>; <mark>盗窃</mark> <mark>Money</mark>."
    )
    assert search.highlight("Fraud <i>and</i> FRAUD", ["fraud"]) == (
        "<mark>Fraud</mark> &lt;i&gt;and&lt;/i&gt; <mark>FRAUD</mark>"
    )


def test_withdrawn_documents_leave_the_search(corpus):
    from portal.disclosure import services

    services.withdraw_document(corpus["theft"], publisher(), reason="有误")
    db.session.commit()
    assert found("盗窃") == doc_ids(corpus, "theft_crime")


def test_the_original_text_is_never_searchable():
    make_published_document(text="被害人柳如烟报案称手机被盗窃。")
    assert found("柳如烟") == []
    assert len(found("柳某")) == 1


def test_index_and_query_segment_alike():
    assert "盗窃" in segmenter.index_tokens("涉嫌盗窃罪").split()
    assert segmenter.query_words("Money-Laundering！盗窃") == ["money", "laundering", "盗窃"]


def test_the_search_page(english_client, client_request, corpus):
    page = client_request.get("disclosure.search_page", q="盗窃", type="", year="")
    assert [mark.get_text() for mark in page.select("mark")] == ["盗窃", "盗窃"]
    assert "2 results" in page.get_text()
    fraud = client_request.get("disclosure.search_page", q="诈骗")
    kinds = [line.get_text().split(" · ")[0] for line in fraud.select(".result-list .muted")]
    assert kinds == ["Important case information", "Non-prosecution decision"]
    published = clock.local_date(corpus["fraud"].published_at)
    document_line = fraud.select(".result-list .muted")[1].get_text()
    assert document_line.endswith(f"Published on {published:%b} {published.day}, {published.year}")
    links = [a["href"] for a in fraud.select(".result-list .result-title a")]
    assert links == [
        url("disclosure.show_release", release_id=corpus["release"].id),
        url("disclosure.show_document", document_id=corpus["fraud"].id),
    ]
    types = [option.get_text() for option in fraud.select("#filter-type option")]
    assert types[:3] == ["Any", "Important case information", "Indictment"]
    assert "Non-prosecution decision" in types
    empty = client_request.get("disclosure.search_page", q='""', _expected_status=400)
    assert empty.select_one(".error-summary")
    client_request.get("disclosure.search_page")
    # Malformed filters on the page are ignored rather than refused.
    client_request.get("disclosure.search_page", q="盗窃", year="abc", page=-3, type="nope")


def test_the_search_page_in_chinese(client_request, corpus):
    page = client_request.get("disclosure.search_page", q="盗窃")
    published = clock.local_date(corpus["theft"].published_at)
    lines = [line.get_text() for line in page.select(".result-list .muted")]
    assert lines[1].endswith(f"发布日期：{published.year}年{published.month}月{published.day}日")
    assert page.select_one("h2").get_text() == "共2条结果"
    assert [mark.get_text() for mark in page.select("mark")] == ["盗窃", "盗窃"]


def test_the_procuratorate_filter_offers_those_with_published_documents(client_request):
    from portal.disclosure import services

    user = publisher()
    for procuratorate in [
        "示例市西城区人民检察院",
        "示例市东城区人民检察院",
        "示例市西城区人民检察院",
    ]:
        make_published_document(user, text="盗窃。", procuratorate=procuratorate)
    withdrawn = make_published_document(user, text="盗窃。", procuratorate="示例市北湖区人民检察院")
    services.withdraw_document(withdrawn, user, reason="有误")
    make_document(user, text="盗窃。", procuratorate="示例市南山区人民检察院")  # a draft
    make_release(user, procuratorate="示例市江北区人民检察院")
    db.session.commit()
    page = client_request.get("disclosure.search_page")
    offered = [o.get_text() for o in page.select("#filter-procuratorate option")][1:]
    assert offered == ["示例市东城区人民检察院", "示例市西城区人民检察院"]


def test_legal_terms_are_searched_whole_and_the_document_type_comes_first():
    """不起诉 was cut into 不 + 起诉: a release with 不 and 起诉 apart, published later, came above
    the 不起诉决定书 it should have found."""
    user = publisher()
    decision = make_published_document(
        user,
        text="被不起诉人李某涉嫌盗窃罪一案，本院决定对李某不起诉。",
        case_number="京检刑不诉〔2026〕12号",
    )
    unrelated = make_release(
        user,
        title="区检察院对一起诈骗案提起公诉",
        body="被告人不认罪，检察机关依法起诉，法院判处有期徒刑三年。",
        released_on=date(2026, 6, 1),
    )
    assert found("不起诉")[0] == ("document", decision.id)
    assert ("release", unrelated.id) not in found("不起诉")
    assert found("不起诉决定书") == [("document", decision.id)]
