"""Each way private data got published before, through the publishing flow and every public
route, for legal documents and for releases: pasted, reviewed with the proposals unchanged by one
publisher, published by another, then read as the public reads it."""

from __future__ import annotations

import html
import json
import re

import pytest
from flask import url_for

from portal.disclosure.redaction import normalized
from tests.disclosure.factories import make_document, make_release, publish, publisher

CAUSES = {
    "a name with a space, a line break or an invisible character inside": (
        "被害人刘强，男，1980年2月3日出生。经查，刘 强的手机被盗，刘\n强随即报警，刘\u200b强称手机价值人民币3000元。",
        ["刘强"],
    ),
    "numbers in full-width or split by spaces and line breaks": (
        "被不起诉人邹明远，男，公民身份号码320106 19850312\n1234，联系电话１３９１２３４５６７８，"
        "电子邮箱ｚｍｙ＠ｅｘａｍｐｌｅ．ｃｎ，银行卡号6222 0202\n0011 2233 445。",
        ["邹明远", "320106198503121234", "13912345678", "zmy@example.cn", "6222020200112233445"],
    ),
    "a surname that is an everyday word, five times": (
        "被不起诉人段欣怡，女，1995年6月1日出生。段欣怡于2023年8月在超市工作期间窃取货款。"
        "段欣怡到案后如实供述，段欣怡退赔全部损失，被害单位对段欣怡表示谅解。",
        ["段欣怡"],
    ),
    "names cut short or running into ordinary characters": (
        "被害人胡雨涵，女。被害人汪建国之子汪建，男。证人陶丙辰证实，胡雨涵当晚未归。"
        "汪建国称，汪建在家。陶丙辰于次日报警。",
        ["胡雨涵", "雨涵", "汪建国", "汪建", "陶丙辰", "丙辰"],
    ),
    "co-defendants in one sentence with different sentences": (
        "被告人冯志远、蒋文博共同盗窃。法院以盗窃罪分别判处被告人冯志远、蒋文博有期徒刑五年、二年。",
        ["蒋文博"],
    ),
    "an old sentence that is no recidivism": (
        "被告人柴向东，男，1980年1月2日出生。曾因盗窃罪于2008年3月5日被判处有期徒刑四年，"
        "2012年3月4日刑满释放。经审查查明：2023年6月1日，被告人柴向东窃取他人电动车一辆。",
        ["柴向东"],
    ),
    "a child known only by a birth date and a class": (
        "被告人汪德胜，男，1979年5月1日出生，住示例县青石镇柳树村三组。被害人汪小雨，女，"
        "2012年3月5日出生，系示例市第三小学四年级二班学生，其母亲柯秀兰。经审查查明：2023年7月，"
        "被告人汪德胜系被害人继父，多次对被害人实施猥亵。被告人汪德胜被判处有期徒刑五年。",
        ["汪德胜", "汪小雨", "柯秀兰", "第三小学", "四年级二班", "柳树村"],
    ),
    "dotted and transcribed names": (
        "被害人阿不都·热合曼，男，维吾尔族。证人玛丽亚，女，俄罗斯国籍。阿不都•热合曼称，"
        "玛丽亚当晚在场。",
        ["阿不都·热合曼", "热合曼", "玛丽亚"],
    ),
}


def public_text(client, endpoint: str, **values) -> str:
    """What a reader of the page, the feed or the API sees: tags stripped and entities
    unescaped, JSON with its strings unescaped (the API writes non-ASCII as \\u escapes)."""
    response = client.get(url_for(endpoint, **values))
    assert response.status_code == 200, (endpoint, values)
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return html.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))


def assert_private(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert normalized(secret) not in normalized(text), secret


@pytest.mark.parametrize("cause", CAUSES)
def test_a_published_document_shows_none_of_it_anywhere(client, cause):
    text, secrets = CAUSES[cause]
    user = publisher()
    document = publish(make_document(user, text=text), user, minor_shielded=True)
    for endpoint, values in (
        ("disclosure.show_document", {"document_id": document.id}),
        ("api.show_document", {"document_id": document.id}),
        ("disclosure.list_documents", {}),
        ("disclosure.search_page", {"q": "被告人"}),
    ):
        assert_private(public_text(client, endpoint, **values), secrets)


@pytest.mark.parametrize("cause", CAUSES)
def test_a_published_release_shows_none_of_it_anywhere(client, cause):
    text, secrets = CAUSES[cause]
    title = f"示例区检察院办理{secrets[0]}案"
    release = make_release(title=title, body=text, publish=False)
    publish(release, publisher(), minor_shielded=True)
    for endpoint, values in (
        ("disclosure.show_release", {"release_id": release.id}),
        ("api.show_release", {"release_id": release.id}),
        ("disclosure.list_releases", {}),
        ("disclosure.releases_feed", {}),
        ("api.list_releases", {}),
    ):
        assert_private(public_text(client, endpoint, **values), secrets)
