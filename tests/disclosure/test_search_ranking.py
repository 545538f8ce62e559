"""Search that understands legal language: the type and title rank above the body, English titles
and summaries and the English names of legal terms are searched, and an English search that finds
nothing says what to do. On SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.disclosure import search
from portal.disclosure.models import SearchEntry
from portal.extensions import db
from tests.disclosure.factories import make_published_document, make_release, publisher


def found(query, **filters):
    return [(hit.kind, hit.ref_id) for hit in search.search(query, search.Filters(**filters)).hits]


def test_a_match_in_the_document_type_ranks_above_newer_matches_in_the_body():
    user = publisher()
    protest = make_published_document(
        user, doc_type="protest", text="本院认为原判决量刑明显不当，提出抗诉。",
        case_number="示检刑抗〔2024〕3号",
    )  # fmt: skip
    mentions = make_published_document(
        user, text="被不起诉人曾因另案被抗诉，本案情节轻微，决定不起诉。",
        case_number="示检刑不诉〔2024〕9号",
    )  # fmt: skip
    assert found("抗诉") == [("document", protest.id), ("document", mentions.id)]
    assert found("抗诉书") == [("document", protest.id)]
    assert found("不起诉") == [("document", mentions.id)]


def test_a_release_with_the_words_in_its_title_ranks_above_texts_that_mention_them():
    user = publisher()
    titled = make_release(
        user, title="区检察院发布认罪认罚从宽典型案例", body="本院发布一批案例。",
        released_on=date(2024, 1, 5),
    )  # fmt: skip
    body_only = make_published_document(
        user, text="被不起诉人自愿认罪认罚，签署具结书。", case_number="示检刑不诉〔2024〕7号"
    )
    assert found("认罪认罚") == [("release", titled.id), ("document", body_only.id)]


def test_the_pages_continue_from_the_title_matches_to_the_others():
    user = publisher()
    in_title = [
        make_release(user, title=f"盗窃案件通报第{n}期", body="本院通报。") for n in range(1, 4)
    ]
    in_body = [
        make_published_document(user, text=f"被不起诉人涉嫌盗窃罪一案，本院审查认为情节显著轻微。第{n}案。",
                                case_number=f"示检刑不诉〔2024〕{n}号")
        for n in range(1, 4)
    ]  # fmt: skip
    pages = [search.search("盗窃", page=p, per_page=2) for p in (1, 2, 3)]
    listed = [(hit.kind, hit.ref_id) for page in pages for hit in page.hits]
    assert listed == [("release", r.id) for r in reversed(in_title)] + [
        ("document", d.id) for d in reversed(in_body)
    ]
    assert {page.total for page in pages} == {6}


def test_a_document_number_finds_its_document_first():
    user = publisher()
    wanted = make_published_document(
        user, text="本院决定不起诉。", case_number="京检刑不诉〔2026〕12号"
    )
    make_published_document(
        user, text="京检刑不诉〔2026〕12号一案已另行处理，2026年12号文件。",
        case_number="京检刑不诉〔2026〕13号",
    )  # fmt: skip
    assert found("京检刑不诉〔2026〕12号")[0] == ("document", wanted.id)


def test_english_titles_summaries_and_the_english_names_of_types_and_charges_are_searched():
    user = publisher()
    titled = make_published_document(
        user, text="被不起诉人涉嫌盗窃罪一案，本院审查认为情节显著轻微。", case_number="示检刑不诉〔2024〕21号",
        english_title="Non-prosecution decision: theft of a mobile phone",
        english_summary="The suspect returned the phone and the victim forgave him.",
    )  # fmt: skip
    fraud = make_published_document(
        user,
        doc_type="protest",
        text="本院认为，原审判决对诈骗罪的量刑明显不当，依法提出抗诉。",
        case_number="示检刑抗〔2024〕5号",
    )
    release = make_release(
        user, title="依法惩治电信网络诈骗犯罪", body="本院发布典型案例。",
        english_title="Telecom fraud cases", english_summary="Five typical cases of online fraud.",
    )  # fmt: skip
    assert found("theft") == [("document", titled.id)]
    assert found("mobile phone") == [("document", titled.id)]
    assert found("victim forgave") == [("document", titled.id)]
    assert found("fraud") == [("release", release.id), ("document", fraud.id)]
    assert found("non-prosecution") == [("document", titled.id)]
    assert found("protest") == [("document", fraud.id)]
    assert found("typical cases") == [("release", release.id)]


def test_an_english_search_without_a_match_offers_the_chinese_term():
    make_published_document(text="本院决定不起诉。", case_number="示检刑不诉〔2024〕1号")
    result = search.search("dangerous driving")
    assert result.total == 0 and result.is_english
    assert ("dangerous driving", "危险驾驶罪") in result.chinese_terms
    nothing = search.search("quantum entanglement")
    assert nothing.total == 0 and nothing.chinese_terms == ()
    assert not search.search("量子纠缠").is_english


def test_a_misspelt_english_legal_term_is_searched_as_the_term():
    user = publisher()
    fraud = make_published_document(
        user,
        text="被不起诉人涉嫌诈骗罪一案，本院审查认为情节显著轻微。",
        case_number="示检刑不诉〔2024〕2号",
    )
    result = search.search("fruad")
    assert result.corrected_from == "fruad"
    assert [(hit.kind, hit.ref_id) for hit in result.hits] == [("document", fraud.id)]


def test_the_search_page_says_what_to_do_when_english_finds_nothing(client_request):
    make_published_document(text="本院决定不起诉。", case_number="示检刑不诉〔2024〕1号")
    client_request.client.set_cookie("portal_locale", "en")
    page = client_request.get("disclosure.search_page", q="dangerous driving")
    notice = page.find(id="no-english-match")
    assert notice is not None
    link = notice.find("a")
    assert "危险驾驶罪" in link.text
    assert client_request.client.get(link["href"]).status_code == 200
    assert page.find(id="no-english-match") is not None
    chinese = client_request.get("disclosure.search_page", q="量子纠缠")
    assert chinese.find(id="no-english-match") is None
    make_published_document(
        text="被不起诉人涉嫌诈骗罪一案，本院审查认为情节显著轻微。",
        case_number="示检刑不诉〔2024〕2号",
    )
    corrected = client_request.get("disclosure.search_page", q="fruad")
    assert "fruad" in corrected.find(class_="notice").text


def test_reindexing_fills_the_head_and_keeps_the_order(app):
    user = publisher()
    first = make_published_document(
        user, text="本院决定不起诉。", case_number="示检刑不诉〔2024〕1号"
    )
    second = make_published_document(
        user, text="本院决定不起诉。", case_number="示检刑不诉〔2024〕2号"
    )
    db.session.execute(sa.update(SearchEntry).values(head="", tokens="旧"))
    db.session.commit()
    assert found("不起诉") == []
    ids = db.session.scalars(sa.select(SearchEntry.id).order_by(SearchEntry.id)).all()
    result = app.test_cli_runner().invoke(args=["search", "reindex", "--batch", "1"])
    assert result.exit_code == 0, result.output
    assert "2" in result.output
    assert db.session.scalars(sa.select(SearchEntry.id).order_by(SearchEntry.id)).all() == ids
    assert found("不起诉") == [("document", second.id), ("document", first.id)]
    assert found("non-prosecution decision") == [("document", second.id), ("document", first.id)]


def test_a_releases_english_title_and_summary_are_on_its_page(client_request):
    release = make_release(
        english_title="Telecom fraud cases", english_summary="Five typical cases of online fraud."
    )
    page = client_request.get("disclosure.show_release", release_id=release.id)
    english = page.find("section", lang="en")
    assert english.h2.text == "Telecom fraud cases"
    assert "Five typical cases" in english.p.text
