"""The redaction engine, called directly: each kind of personal data, officials kept, minors."""

from __future__ import annotations

import pytest

from portal.disclosure import redaction
from portal.disclosure.redaction import REMOVED, Redaction, Term
from tests.disclosure import samples


def names_in(samples_with_names):
    return [name for _text, names, _removed in samples_with_names for name in names]


def test_the_samples_cover_at_least_twenty_names():
    assert len(names_in(samples.ALL_SAMPLES)) + len(samples.MINOR_CASE_NAMES) >= 20


@pytest.mark.parametrize(
    ("text", "names", "removed"),
    samples.ALL_SAMPLES,
    ids=["indictment", "non_prosecution", "appeal_review"],
)
def test_every_private_name_becomes_surname_and_mou(text, names, removed):
    redacted = redaction.redact(text)
    for name, replacement in names.items():
        assert name not in redacted, name
        assert replacement in redacted, replacement


@pytest.mark.parametrize(
    ("text", "names", "removed"),
    samples.ALL_SAMPLES,
    ids=["indictment", "non_prosecution", "appeal_review"],
)
def test_every_number_address_and_health_detail_is_removed(text, names, removed):
    proposals = redaction.propose(text)
    by_text = {r.original(text): r for r in proposals}
    redacted = redaction.apply(text, proposals)
    for kind, values in removed.items():
        for value in values:
            assert value in by_text, (kind, value)
            assert by_text[value].kind == kind, (kind, value, by_text[value].kind)
            assert by_text[value].replacement == REMOVED
            assert value not in redacted
    assert REMOVED in redacted


def test_officials_keep_their_names_everywhere():
    for text, officials in [
        (samples.INDICTMENT, samples.INDICTMENT_OFFICIALS),
        (samples.NON_PROSECUTION, samples.NON_PROSECUTION_OFFICIALS),
    ]:
        analysis = redaction.analyse(text)
        redacted = redaction.apply(text, analysis.redactions)
        for official in officials:
            assert official in redacted
            assert analysis.kept_names[official] == "official"


def test_spaced_out_role_words_at_the_foot_are_recognised():
    text = "被害人孙红梅报案。\n检 察 员：郭建明\n书 记 员 黄海涛"
    redacted = redaction.redact(text)
    assert "孙某" in redacted and "郭建明" in redacted and "黄海涛" in redacted


def test_a_defendant_sentenced_above_three_years_or_a_recidivist_keeps_the_name():
    analysis = redaction.analyse(samples.APPEAL_REVIEW)
    redacted = redaction.apply(samples.APPEAL_REVIEW, analysis.redactions)
    assert analysis.kept_names["黄大勇"] == "long_sentence"  # life imprisonment
    assert "黄大勇" in redacted
    assert "林小军" not in redacted  # two years, suspended
    recidivist = "被告人吴天明系累犯，应当从重处罚。吴天明对指控无异议。"
    assert "吴天明" in redaction.redact(recidivist)
    five_years = "被告人吴天明被判处有期徒刑五年。"
    assert "吴天明" in redaction.redact(five_years)
    three_years = "被告人吴天明被判处有期徒刑三年。"
    assert "吴天明" not in redaction.redact(three_years)
    three_and_a_half = "被告人吴天明被判处有期徒刑三年六个月。"
    assert "吴天明" in redaction.redact(three_and_a_half)


def test_unknown_sentence_means_the_defendant_is_redacted():
    assert redaction.redact("被告人吴天明于2023年盗窃。") == "被告人吴某于2023年盗窃。"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("欧阳娜娜", "欧阳某"), ("司马光明", "司马某"), ("诸葛亮亮", "诸葛某"), ("上官婉儿", "上官某"),
     ("张三", "张某"), ("李小明", "李某")],
)  # fmt: skip
def test_compound_surnames_are_kept_whole(name, expected):
    assert (
        redaction.redact(f"证人{name}，女，证实上述事实。") == f"证人{expected}，女，证实上述事实。"
    )


def test_later_occurrences_of_a_name_are_redacted_too():
    text = "被害人赵丽娟，女。经查，赵丽娟的手机被盗；事后赵丽娟报警。"
    assert redaction.redact(text) == "被害人赵某，女。经查，赵某的手机被盗；事后赵某报警。"


def test_several_names_after_one_role_word():
    text = "被告人冯志刚、蒋文涛和韩雪梅共同实施盗窃。"
    assert redaction.redact(text) == "被告人冯某、蒋某和韩某共同实施盗窃。"


def test_two_people_with_the_same_surname_are_told_apart():
    text = "被害人王海燕与证人王志强相识。王海燕称，王志强在场。"
    assert redaction.redact(text) == "被害人王某甲与证人王某乙相识。王某甲称，王某乙在场。"


def test_words_after_role_words_that_are_not_names_stay():
    text = "被害人向公安机关报案。证人证言、被害人陈述等证据证实。被告人高速驾车逃离。"
    assert redaction.redact(text) == text


def test_names_already_anonymised_stay_as_they_are():
    text = "被告人张某某与被害人李某发生争执。"
    assert redaction.propose(text) == []


@pytest.mark.parametrize(
    ("text", "secret", "kind"),
    [
        ("身份证号码11010519491231002X，", "11010519491231002X", "id_number"),
        ("其身份证号为 320311197001011234。", "320311197001011234", "id_number"),
        ("老式身份证号码110105491231002已收缴。", "110105491231002", "id_number"),
        ("手机13800138000联系", "13800138000", "phone"),
        ("电话 +86 139 1234 5678", "+86 139 1234 5678", "phone"),
        ("座机021-62345678。", "021-62345678", "phone"),
        ("电话（0755）83451234", "（0755）83451234", "phone"),
        ("联系电话：6234567，", "6234567", "phone"),
        ("卡号6222021001122334455被冻结", "6222021001122334455", "bank_account"),
        ("银行卡 6228-4800-1234-5678 转出", "6228-4800-1234-5678", "bank_account"),
        ("账户：110 123 456 789 012转入", "110 123 456 789 012", "bank_account"),
        ("邮箱li.si+case@mail.example.cn。", "li.si+case@mail.example.cn", "email"),
        ("，住上海市浦东新区世纪大道100号，", "上海市浦东新区世纪大道100号", "address"),
        ("家住湖南省长沙市岳麓区麓山村三组。", "湖南省长沙市岳麓区麓山村三组", "address"),
        ("暂住广州市天河区体育西路1号", "广州市天河区体育西路1号", "address"),
        ("被害人曾患有艾滋病，", "艾滋病", "health"),
        ("经医院诊断为精神分裂症。", "精神分裂症", "health"),
    ],
)
def test_each_kind_of_number_and_detail_is_removed(text, secret, kind):
    proposals = redaction.propose(text)
    assert [(r.kind, r.original(text)) for r in proposals if r.kind != "name"] == [(kind, secret)]
    assert secret not in redaction.apply(text, proposals)


def test_amounts_dates_and_case_numbers_are_not_taken_for_numbers():
    text = "2024年3月1日，涉案金额人民币1234567元，案号示检刑诉〔2024〕118号，刑法第二百六十四条。"
    assert redaction.propose(text) == []


def test_publishers_terms_are_added_and_dropped():
    text = "被害人黄晓明在星光超市被盗。黄晓明报警。"
    added = redaction.propose(text, extra_terms=[Term("custom", "星光超市")])
    assert "星光超市" not in redaction.apply(text, added)
    kept = redaction.propose(text, dropped=[Term("name", "黄晓明")])
    assert "黄晓明" in redaction.apply(text, kept)
    # Numbers cannot be dropped.
    phone = "电话13800138000"
    assert redaction.propose(phone, dropped=[Term("phone", "13800138000")]) != []


def test_the_minors_rule_redacts_everyone_and_the_school():
    assert redaction.mentions_minor(samples.MINOR_CASE)
    analysis = redaction.analyse(samples.MINOR_CASE)
    redacted = redaction.apply(samples.MINOR_CASE, analysis.redactions)
    for name in samples.MINOR_CASE_NAMES:
        assert name not in redacted  # the defendant too, although sentenced to five years
    assert "阳光小学" not in redacted
    assert "韩冰" in redacted  # the prosecutor
    # Drops are ignored in a minor's case.
    dropped = redaction.propose(samples.MINOR_CASE, dropped=[Term("name", "郑国强")])
    assert "郑国强" not in redaction.apply(samples.MINOR_CASE, dropped)


@pytest.mark.parametrize(
    ("text", "minor"),
    [("被害人（女，10岁）", True), ("被害人系未成年人", True), ("不满十四周岁的幼女", True),
     ("被害人（男，35岁）", False), ("被告人盗窃手机", False)],
)  # fmt: skip
def test_minors_are_recognised(text, minor):
    assert redaction.mentions_minor(text) is minor


def test_the_gate_passes_the_redacted_text_and_catches_leftovers():
    for text, _names, _removed in samples.ALL_SAMPLES:
        analysis = redaction.analyse(text)
        assert redaction.gate({"text": redaction.apply(text, analysis.redactions)}, analysis) == []
    analysis = redaction.analyse(samples.INDICTMENT)
    leftover = (
        redaction.apply(samples.INDICTMENT, analysis.redactions) + "\n补充：被害人手机13700001111。"
    )
    findings = redaction.gate({"text": leftover}, analysis)
    assert [(f.kind, f.text, f.reason) for f in findings] == [("phone", "13700001111", "detector")]


def test_apply_refuses_overlapping_redactions():
    with pytest.raises(ValueError):
        redaction.apply("abcdef", [Redaction(0, 3, "custom", "x"), Redaction(2, 4, "custom", "y")])


def test_proposals_are_sorted_and_do_not_overlap():
    for text, _names, _removed in samples.ALL_SAMPLES:
        proposals = redaction.propose(text)
        assert proposals == sorted(proposals)
        assert all(a.end <= b.start for a, b in zip(proposals, proposals[1:], strict=False))
