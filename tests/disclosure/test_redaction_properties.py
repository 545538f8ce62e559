"""Property: whatever document Hypothesis writes from the parts of real ones, nothing protected
survives into the public text, and the gate passes what the engine produced.

The people, numbers and written forms are drawn here from lists of this test's own (not the
engine's tables): surnames including everyday-word and compound ones, given names of one and
two characters, and every way a name or a number gets broken in pasted or extracted text.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.disclosure import redaction
from portal.disclosure.redaction import normalized

SURNAMES = list("王李张刘陈杨黄赵周吴徐孙马胡郭何高罗郑梁谢唐韩曹邓冯曾彭萧蔡潘田董袁于余叶蒋杜苏"
                "魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙"
                "陶贺顾毛郝龚邵万钱严覃武向常文安") + ["欧阳", "司马", "上官", "诸葛", "慕容"]  # fmt: skip
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建志国海波宁欣怡浩然"
             "子轩雨涵思远文博嘉怡梓晨晓东丹琳婷雪梅兰凤凯斌彬鑫龙飞翔宇佳琪")  # fmt: skip
PRIVATE_ROLES = ["被害人", "证人", "被不起诉人", "被告人", "申诉人", "法定代理人"]
BREAKS = ["", " ", "\u3000", "\n", "\u200b", "\u200d", "\ufeff"]
OFFICIALS = ["检察员", "书记员", "检察官助理"]


@st.composite
def names(draw):
    surname = draw(st.sampled_from(SURNAMES))
    given_name = "".join(draw(st.lists(st.sampled_from(GIVEN), min_size=1, max_size=2)))
    return surname + given_name


def written(draw, value: str) -> str:
    """The value with a break (space, full-width space, line wrap, zero-width) somewhere inside."""
    cut = draw(st.integers(min_value=1, max_value=len(value) - 1))
    return value[:cut] + draw(st.sampled_from(BREAKS)) + value[cut:]


def fullwidth(value: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in value)


@st.composite
def documents(draw):
    people = draw(st.lists(names(), min_size=1, max_size=4, unique=True))
    official = draw(names().filter(lambda n: n not in people and all(
        n not in p and p not in n for p in people)))  # fmt: skip
    people = [p for p in people if not any(p != q and p in q for q in people)]
    phone = (
        "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))
    )
    protected, parts = list(people), []
    for person in people:
        role = draw(st.sampled_from(PRIVATE_ROLES))
        sex = draw(st.sampled_from("男女"))
        intro = written(draw, person) if draw(st.booleans()) else person
        parts.append(f"{role}{intro}，{sex}，汉族，初中文化。")
    parts.append("经依法审查查明：")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        person = draw(st.sampled_from(people))
        form = written(draw, person) if len(person) > 1 and draw(st.booleans()) else person
        parts.append(draw(st.sampled_from([
            f"{form}于当日下午到达现场。", f"案发后，{form}向公安机关报案。",
            f"经查，{form}的手机被盗。", f"{form}称其不知情。",
        ])))  # fmt: skip
    number = draw(
        st.sampled_from([phone, fullwidth(phone), phone[:3] + " " + phone[3:7] + "\n" + phone[7:]])
    )
    parts.append(f"联系电话{number}。")
    protected.append(phone)
    parts.append(f"\n{draw(st.sampled_from(OFFICIALS))} {official}\n2024年3月1日")
    return "".join(parts), protected, official


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_nothing_protected_survives_and_the_gate_agrees(document):
    text, protected, official = document
    analysis = redaction.analyse(text)
    public = redaction.apply(text, analysis.redactions)
    for secret in protected:
        assert normalized(secret) not in normalized(public), (secret, public)
    assert official in public
    assert redaction.gate({"text": public}, analysis) == []
