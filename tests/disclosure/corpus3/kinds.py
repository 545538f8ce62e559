"""The five kinds of documents of the third corpus. Each generator takes the document's context
and its number (which rotates the layout, the cause and the special features) and returns
(title, body, layout, running header)."""

from __future__ import annotations

from . import names as N
from .cases import (
    MINOR_OK,
    POLICE_W,
    SHAPE,
    Sentence,
    bio,
    facts,
    make,
    prior,
    rand_sentence,
    statements,
)
from .core import Ctx, J, Secret, cn, d, later

CAUSES = tuple(SHAPE)
EXPERT_W = {"抢劫罪": (0,), "故意伤害罪": (0,), "非法吸收公众存款罪": (0,), "故意杀人罪": (1,)}
MINOR_WORDS = (
    "未成年",
    "儿童",
    "幼女",
    "岁",
    "少女",
    "孩子",
    "少年",
    "未满",
    "小朋友",
    "女童",
    "男童",
)
LAYOUTS = ("pdf", "word", "plain")


def _pick(seq, i):
    return seq[i % len(seq)]


class Cast:
    pass


def cast(
    c: Ctx,
    i: int,
    cause: str,
    judged: bool,
    minor_mode: str | None,
    heavy_first: bool | None = None,
    allow_recid: bool = True,
) -> Cast:
    """Defendants (with sentences when judged), victims and witnesses, protected by the rules."""
    rng = c.rng
    k = Cast()
    k.cause = cause
    k.start = c.date(2019, 2023)
    (dn, vn, wn) = SHAPE[cause]
    nd = rng.randint(*dn)
    k.minor_mode = minor_mode
    c.minor = bool(minor_mode)
    minor_target = None
    if minor_mode:
        minor_target = "victim" if cause in ("猥亵儿童罪", "强奸罪") else "defendant"
    k.D, k.S, k.recid = [], [], []
    for j in range(nd):
        s = None
        if judged:
            s = rand_sentence(c, heavy=heavy_first if j == 0 else None)
            if s.kind in ("life", "reprieve") and cause not in (
                "故意杀人罪",
                "抢劫罪",
                "强奸罪",
                "组织卖淫罪",
            ):
                s = Sentence("fixed", 66, 0, s.fine)
        recid = (
            allow_recid
            and not minor_mode
            and rng.random() < 0.25
            and not (j == 0 and minor_target == "defendant")
        )
        if c.minor:
            protected = True
        elif s is not None:
            protected = not (s.heavy or recid)
        else:
            protected = not recid
        if s is not None and s.heavy and not c.minor:
            c.var("heavy_sentence")
        is_minor = minor_target == "defendant" and (j == 0 or rng.random() < 0.5)
        born = (k.start.year - 17, k.start.year - 15) if is_minor else (1958, k.start.year - 19)
        p = make(c, "被告人", protected, born=born, style=None if j else c.any_style(0.5))
        p.minor = is_minor
        p.sentence, p.recid = s, recid
        p.prior = prior(c, p, recid, k.start) if recid or rng.random() < 0.3 else ""
        k.D.append(p)
    k.V = []
    for j in range(rng.randint(*vn)):
        is_minor = minor_target == "victim" and j == 0
        if cause == "猥亵儿童罪" and j == 0:
            born = (k.start.year - 12, k.start.year - 6)
        elif is_minor:
            born = (k.start.year - 16, k.start.year - 13)
        else:
            born = (1940, k.start.year - 20)
        male = None if not is_minor else rng.random() < 0.3 and cause != "强奸罪"
        if cause == "强奸罪" and j == 0:
            male = False
        surname = (
            k.V[0].full[0] if j == 1 and cause == "故意杀人罪" and k.V[0].style == "han" else None
        )
        if cause == "猥亵儿童罪" and j == 1:
            male = False
        p = make(
            c,
            "被害人",
            True,
            born=born,
            male=male,
            surname=surname,
            style="han" if (is_minor or surname) else None,
        )
        p.minor = is_minor
        k.V.append(p)
    k.W = []
    police = POLICE_W.get(cause, ())
    for j in range(rng.randint(*wn)):
        if j in police:
            p = c.official("民警")
            p.style = "han"
        else:
            p = make(c, "证人", True)
        p.expert = j in EXPERT_W.get(cause, ())
        k.W.append(p)
    for p in k.D + k.V:
        if getattr(p, "minor", False):
            age = (
                k.start.year
                - p.birth.year
                - ((k.start.month, k.start.day) < (p.birth.month, p.birth.day))
            )
            p.age = age
            p.school = Secret(
                rng.choice(N.SCHOOL_STEMS) + ("小学" if age < 12 else "中学"), "school"
            )
            grade = (
                f"{cn(age - 5)}年级"
                if age < 12
                else ("初一", "初二", "初三", "高一", "高二", "高三")[min(age - 12, 5)]
            )
            p.klass = Secret(f"{grade}（{rng.randint(1, 9)}）班", "class")
            p.nick = Secret(rng.choice(N.CHILD_NICKS), "nick") if minor_mode != "birthdate" else ""
            if p.nick and p.nick in p.full:
                p.nick = ""
    k.village = Secret(rng.choice(N.VILLAGES), "village")
    if minor_mode:
        c.var("minor_" + minor_mode)
    return k


def minor_note(c: Ctx, k: Cast, p) -> str:
    """How a child is shown: by words, by an age, or only by a birth date and a school class."""
    if not getattr(p, "minor", False):
        return ""
    mode = k.minor_mode
    school = f"，案发时系{c.dist}{p.school}{p.klass}学生"
    if p.nick and p in k.D:
        school += f"，家人称其“{p.nick}”"
    if mode == "words":
        return f"（未成年人）{school}，其家住{c.dist}{c.rng.choice(N.TOWNS)}镇{k.village}"
    if mode == "age":
        return f"（案发时{p.age}周岁）{school}"
    return school


def choose_minor(c: Ctx, i: int, cause: str, causes, every: int = 3) -> tuple[str, str | None]:
    """Every `every`-th document is a minors' case (on a cause that fits); the way the child is
    shown rotates: by words, by an age, only by a birth date and a school class."""
    if i % every != 1:
        if cause == "猥亵儿童罪":
            cause = "诈骗罪"
        return cause, None
    fits = [x for x in causes if x in MINOR_OK]
    mode = ("words", "age", "birthdate")[(i // every) % 3]
    if mode == "birthdate":
        fits = [x for x in fits if x != "猥亵儿童罪"]
    return fits[(i // every) % len(fits)], mode


def victim_intro(c: Ctx, k: Cast) -> list[str]:
    """A child victim: who it is, by words, an age, or only a birth date and a school class."""
    out = []
    for v in k.V:
        if getattr(v, "minor", False):
            nick = f"（小名“{v.nick}”）" if v.nick else ""
            out.append(f"被害人{v.name}{nick}，{v.sex}，{d(v.birth)}出生{minor_note(c, k, v)}。")
    return out


def check_minor_words(k: Cast, text: str) -> None:
    if k.minor_mode == "birthdate":
        bad = [w for w in MINOR_WORDS if w in text]
        if bad:
            raise RuntimeError(f"a minor shown only by a birth date, yet the text says {bad}")


def institutions(c: Ctx, level: str = "district"):
    pro_d = c.keep(f"{c.city}{c.dist}人民检察院")
    court_d = c.keep(f"{c.city}{c.dist}人民法院")
    pro_c = f"{c.city}人民检察院"
    court_c = f"{c.city}中级人民法院"
    if level == "city":
        return c.keep(pro_c), c.keep(court_c), pro_d, court_d
    return pro_d, court_d, pro_c, court_c


def lawyer(c: Ctx, role: str = "辩护人"):
    p = c.official(role)
    firm = c.keep(c.rng.choice(N.FIRMS))
    return p, firm


def sentences_text(c: Ctx, k: Cast, lead: str = "以{cause}分别判处") -> str:
    parts = [f"被告人{p.name}{p.sentence.text()}" for p in k.D]
    if len(parts) > 1:
        c.var("mixed_sentences")
        return lead.format(cause=k.cause) + "；".join(parts)
    return f"以{k.cause}判处被告人{k.D[0].name}{k.D[0].sentence.text()}"


def heading(c: Ctx, level_name: str, title: str, layout: str) -> list[str]:
    spaced = (
        " ".join(title) if layout == "pdf" else ("　".join(title) if layout == "word" else title)
    )
    return [f"{c.prov}{level_name}", spaced]


def signature(c: Ctx, layout: str, roles=(("检察官", None), ("检察官助理", None))) -> list[str]:
    out = []
    for role, _ in roles:
        p = c.official(role)
        sep = "　" if layout == "word" else " "
        shown = sep.join(role) if layout == "word" and len(role) == 3 else role
        out.append(f"{shown}{sep * 2}{p.name}")
    return out


def evidence(items) -> str:
    return "；".join(f"{n + 1}. {x}" for n, x in enumerate(items)) + "。"


# ---------------------------------------------------------------- 起诉书


def indictment(c: Ctx, i: int):
    rng = c.rng
    layout = _pick(LAYOUTS, i)
    cause, minor = choose_minor(c, i, _pick(CAUSES, i * 7 + 3), CAUSES)
    k = cast(c, i, cause, judged=False, minor_mode=minor)
    level = "city" if cause in ("故意杀人罪",) else "district"
    pro, court, _pc, _cc = institutions(c, level)
    year = k.start.year + 2
    docno = c.keep(f"{_pick(N.DOC_PREFIX, c.pi)}检刑诉〔{year}〕{rng.randint(10, 980)}号")
    police = c.keep(c.place[6])
    if layout == "word" and rng.random() < 0.6:
        c.var("zero_width")
    lines = heading(c, pro, "起诉书", layout) + [docno]
    for p in k.D:
        arrest = later(rng, k.start, 200, 560)
        s = bio(c, p, "被告人") + minor_note(c, k, p) + "。"
        if p.prior:
            s += p.prior + "。"
            c.var("recidivist" if p.recid else "prior_conviction_not_recidivist")
        s += f"因涉嫌{cause}于{d(arrest)}被{police}刑事拘留，{d(later(rng, arrest, 20, 37))}经本院批准，由{police}执行逮捕。现羁押于{c.city}{c.dist}看守所。"
        lines.append(s)
        if getattr(p, "minor", False):
            guardian = make(
                c,
                "法定代理人",
                True,
                born=(1968, 1990),
                style="han",
                surname=p.full[0] if p.style == "han" else None,
            )
            lines.append(
                f"法定代理人{guardian.name}，系被告人{p.name}之{'父' if guardian.male else '母'}，住址同上，联系电话{guardian.phone}。"
            )
    L1, firm1 = lawyer(c)
    received = later(rng, k.start, 600, 700)
    who = J("、", [p.name for p in k.D])
    v0 = k.V[0]
    agent, firm2 = lawyer(c, "诉讼代理人")
    c.var("lawyer_agent")
    lines.append(
        f"本案由{police}侦查终结，以被告人{who}涉嫌{cause}，于{d(received)}向本院移送审查起诉。本院受理后，于次日已告知被告人有权委托辩护人，"
        f"告知被害人及其法定代理人（近亲属）有权委托诉讼代理人，依法讯问了被告人，听取了被告人{k.D[0].name}的辩护人{L1.name}（{firm1}律师）、"
        f"被害人{v0.name}及其诉讼代理人{agent.name}（{firm2}律师）的意见，审查了全部案件材料。其间，因部分事实不清、证据不足，"
        f"于{d(later(rng, received, 30, 45))}退回侦查机关补充侦查，侦查机关于{d(later(rng, received, 75, 90))}补查重新移送审查起诉。"
    )
    if len(k.D) > 1 and rng.random() < 0.6:
        duty = c.official("值班律师")
        lines.append(
            f"被告人{k.D[-1].name}自愿如实供述自己的罪行，对指控的犯罪事实和量刑建议没有异议，在值班律师{duty.name}的见证下签署了认罪认罚具结书。"
        )
    lines += victim_intro(c, k)
    lines.append("经依法审查查明：")
    fp, ev = facts(c, cause, k.D, k.V, k.W, k.start)
    lines += fp
    if not c.minor and rng.random() < 0.5:
        sent = rand_sentence(c, heavy=rng.random() < 0.8)
        co = make(c, "同案人", not sent.heavy, style="han")
        lines.append(
            f"另查明，同案人{co.name}因参与上述犯罪已于{d(later(rng, k.start, 300, 500))}被{court}以{cause}判处{sent.text()}，"
            f"判决已发生法律效力。{co.name}在另案中供述，{k.D[0].name}系{rng.choice(('犯意提起者', '实际负责人', '联络人'))}。"
        )
        if sent.heavy:
            c.var("co_defendant_sentenced_elsewhere")
    c.var("witness_list")
    lines.append(
        "认定上述事实的证据如下："
        + evidence(ev + ["被告人的供述和辩解", "户籍证明、到案经过、前科材料"])
    )
    lines += statements(c, k.D, k.V, k.W)
    concl = (
        f"本院认为，被告人{who}的行为触犯了《中华人民共和国刑法》相关规定，犯罪事实清楚，证据确实、充分，"
        f"应当以{cause}追究其刑事责任。"
    )
    for p in k.D:
        if p.recid:
            concl += f"被告人{p.name}曾因故意犯罪被判处有期徒刑，刑罚执行完毕后五年内再犯应当判处有期徒刑以上刑罚之罪，系累犯，应当从重处罚。"
        elif p.prior:
            concl += (
                f"被告人{p.name}虽有前科，但前罪刑罚执行完毕已逾五年，不构成累犯，可酌情从重处罚。"
            )
    if len(k.D) > 1:
        concl += f"在共同犯罪中，被告人{k.D[0].name}起主要作用，系主犯；被告人{k.D[-1].name}起次要作用，系从犯，应当从轻或者减轻处罚。"
    if rng.random() < 0.85:
        rec = rand_sentence(c, heavy=rng.random() < 0.75)
        concl += f"建议判处被告人{k.D[0].name}{rec.text()}。"
        if rec.heavy:
            c.var("recommendation_heavy")
        c.var("sentencing_recommendation")
    concl += "根据《中华人民共和国刑事诉讼法》第一百七十六条的规定，提起公诉，请依法判处。"
    lines.append(concl)
    lines += ["此致", court] + signature(c, layout)
    lines.append(d(later(rng, received, 95, 130)))
    att = [
        f"1. 被告人{k.D[0].name}现羁押于{c.city}{c.dist}看守所",
        f"2. 案卷材料和证据{cn(rng.randint(3, 12))}册",
        f"3. 证人名单：{J('、', [w.name for w in k.W if w.protected])}",
        f"4. 被害人名单：{J('、', [v.name for v in k.V])}",
    ]
    if any(w.protected for w in k.W):
        lines.append("附：" + "；".join(att) + "。")
    text = "\n".join(lines)
    check_minor_words(k, text)
    return "", text, layout, f"{pro}起诉书"


# ---------------------------------------------------------------- 不起诉决定书

NP_CAUSES = (
    "盗窃罪",
    "诈骗罪",
    "故意伤害罪",
    "非法吸收公众存款罪",
    "职务侵占罪",
    "组织卖淫罪",
    "强奸罪",
    "诈骗罪",
)


def non_prosecution(c: Ctx, i: int):
    rng = c.rng
    layout = _pick(LAYOUTS, i + 1)
    cause, minor = choose_minor(c, i, _pick(NP_CAUSES, i), NP_CAUSES)
    k = cast(c, i, cause, judged=False, minor_mode=minor, allow_recid=False)
    pro, court, pro_c, _cc = institutions(c)
    police = c.keep(c.place[6])
    if layout == "word" and rng.random() < 0.6:
        c.var("zero_width")
    year = k.start.year + 1
    docno = c.keep(f"{_pick(N.DOC_PREFIX, c.pi)}检刑不诉〔{year}〕{rng.randint(1, 300)}号")
    a = k.D[0]
    lines = heading(c, pro, "不起诉决定书", layout) + [docno]
    lines.append(
        bio(c, a, "被不起诉人")
        + minor_note(c, k, a)
        + f"。因涉嫌{cause}于{d(later(rng, k.start, 10, 60))}被{police}取保候审。"
    )
    L1, firm = lawyer(c)
    lines.append(f"辩护人{L1.name}，{firm}律师。")
    received = later(rng, k.start, 200, 400)
    lines.append(
        f"本案由{police}侦查终结，以被不起诉人{a.name}涉嫌{cause}，于{d(received)}向本院移送审查起诉。"
    )
    others = []
    for p in k.D[1:]:
        if not c.minor and rng.random() < 0.9:
            s = rand_sentence(c, heavy=rng.random() < 0.9)
            if s.heavy:
                p.name = p.full  # sentenced elsewhere to more than three years: not protected
                p.protected = False
                c.var("co_defendant_sentenced_elsewhere")
            others.append(f"同案人{p.name}已被{court}以{cause}判处{s.text()}，判决已生效。")
        else:
            others.append(f"同案人{p.name}另案处理。")
    lines += victim_intro(c, k)
    lines.append("经本院依法审查查明：")
    fp, ev = facts(c, cause, k.D, k.V, k.W, k.start)
    lines += fp + others
    lines.append("认定上述事实的证据有：" + evidence(ev))
    lines += statements(c, k.D[:1], k.V, k.W)
    comp = rng.randint(2000, 90000)
    v = k.V[0]
    kin = make(c, "近亲属", True, style="han", born=(1950, 1995))
    lines.append(
        f"案发后，被不起诉人{a.name}如实供述自己的罪行，自愿认罪认罚，并在其亲属{kin.name}的帮助下赔偿被害人{v.name}经济损失人民币"
        f"{c.keep(f'{comp}元')}，取得了被害人的谅解。"
    )
    if rng.random() < 0.5 and not c.minor:
        lines.append(
            f"另查明，被不起诉人{a.name}于{d(later(rng, received, 5, 40))}经{c.city}第一人民医院诊断为{c.disease()}，需长期治疗。"
        )
    if rng.random() < 0.6:
        sup = [make(c, "人民监督员", True, style="han") for _ in range(rng.randint(1, 3))]
        lines.append(
            f"本院于{d(later(rng, received, 30, 60))}就本案召开公开听证会，邀请人民监督员{J('、', [s.name for s in sup])}担任听证员，"
            f"听证员一致同意对{a.name}作不起诉处理。"
        )
    if i % 2 == 0:
        lines.append(
            f"本院认为，{police}认定的犯罪事实不清、证据不足，被不起诉人{a.name}的供述与证人证言存在矛盾，经两次补充侦查，"
            "仍不符合起诉条件。依照《中华人民共和国刑事诉讼法》第一百七十五条第四款的规定，决定对其不起诉。"
        )
        c.var("insufficient_evidence")
    elif minor == "words":
        lines.append(
            f"本院认为，被不起诉人{a.name}系未成年人，实施了《中华人民共和国刑法》规定的行为，但犯罪情节轻微，"
            "有悔罪表现，根据《中华人民共和国刑事诉讼法》第一百七十七条第二款的规定，决定对其不起诉。"
        )
    elif i % 2 == 0:
        lines.append(
            f"本院认为，{police}认定的犯罪事实不清、证据不足，被不起诉人{a.name}的供述与证人证言存在矛盾，经两次补充侦查，"
            "仍不符合起诉条件。依照《中华人民共和国刑事诉讼法》第一百七十五条第四款的规定，决定对其不起诉。"
        )
        c.var("insufficient_evidence")
    else:
        lines.append(
            f"本院认为，被不起诉人{a.name}实施了《中华人民共和国刑法》规定的行为，但犯罪情节轻微，具有自首、退赃、取得谅解等情节，"
            "根据《中华人民共和国刑法》第三十七条的规定，不需要判处刑罚。依据《中华人民共和国刑事诉讼法》第一百七十七条第二款的规定，"
            f"决定对{a.name}不起诉。"
        )
    lines.append("被不起诉人如不服本决定，可以自收到本决定书后七日以内向本院申诉。")
    lines.append(
        f"被害人如不服本决定，可以自收到本决定书后七日以内向{c.keep(pro_c)}申诉，请求提起公诉；也可以不经申诉，直接向{court}提起自诉。"
    )
    dec = later(rng, received, 60, 150)
    lines += [pro, c.keep(d(dec))]
    text = "\n".join(lines)
    check_minor_words(k, text)
    return "", text, layout, f"{pro}不起诉决定书"


# ---------------------------------------------------------------- 刑事申诉复查决定书

AR_CAUSES = (
    "故意伤害罪",
    "诈骗罪",
    "抢劫罪",
    "职务侵占罪",
    "盗窃罪",
    "非法吸收公众存款罪",
    "故意杀人罪",
    "强奸罪",
    "组织卖淫罪",
)


def appeal_review(c: Ctx, i: int):
    rng = c.rng
    layout = _pick(LAYOUTS, i + 2)
    cause, minor = choose_minor(c, i, _pick(AR_CAUSES, i), AR_CAUSES)
    changed = i % 2 == 0
    k = cast(c, i, cause, judged=True, minor_mode=minor)
    pro, court, pro_d, court_d = institutions(c, "city")
    if layout == "word" and rng.random() < 0.6:
        c.var("zero_width")
    first = {}
    for p in k.D:
        s = p.sentence
        if changed and p is k.D[0]:
            c.var("sentence_changed")
            if s.heavy:
                first[p] = Sentence(
                    "fixed", rng.choice((24, 30, 36)), 0, s.fine
                )  # raised on appeal
            else:
                first[p] = Sentence(
                    "fixed", rng.choice((48, 60, 84)), 0, s.fine
                )  # lowered on appeal
        else:
            first[p] = s
    y1 = k.start.year + 1
    judg1 = f"（{y1}）{N.PROVINCE_ABBR[c.prov]}{c.place[3][2:]}刑初{rng.randint(10, 900)}号"
    second = later(rng, k.start, 600, 700)
    judg2 = (
        f"（{second.year}）{N.PROVINCE_ABBR[c.prov]}{c.place[3][2:4]}刑终{rng.randint(10, 600)}号"
    )
    docno = c.keep(f"{_pick(N.DOC_PREFIX, c.pi)}检控申刑复决〔{y1 + 2}〕{rng.randint(1, 60)}号")
    a = k.D[0]
    by_victim = i % 2 == 1
    lines = heading(c, pro, "刑事申诉复查决定书", layout) + [docno]
    if by_victim:
        app = make(
            c,
            "申诉人",
            True,
            style="han",
            born=(1945, 1990),
            surname=k.V[0].full[0] if k.V[0].style == "han" else None,
        )
        lines.append(
            bio(c, app, "申诉人") + f"，系被害人{k.V[0].name}之{'父' if app.male else '母'}。"
        )
        c.var("relative_appellant")
        for p in k.D:
            if getattr(p, "minor", False):
                lines.append(
                    f"原审被告人{p.name}，{p.sex}，{d(p.birth)}出生{minor_note(c, k, p)}。"
                )
    else:
        app = a
        lines.append(bio(c, a, "申诉人") + minor_note(c, k, a) + "，系原审被告人。")
    ag, firm = lawyer(c, "委托代理人")
    lines.append(f"委托代理人{ag.name}，{firm}律师。")
    c.var("lawyer_agent", "quoted_judgment")
    lines.append(
        f"申诉人{app.name}不服{court_d}{judg1}刑事判决，以原判认定事实错误、量刑不当为由，向本院提出申诉。本院依法受理复查，现已复查终结。"
    )
    lines.append("一、原审诉讼过程及原判认定的事实")
    lines += victim_intro(c, k)
    lines.append(
        f"{pro_d}以{c.keep(d(later(rng, k.start, 300, 400)))}作出的起诉书指控被告人{J('、', [p.name for p in k.D])}犯{cause}，向{court_d}提起公诉。"
        f"{court_d}经审理后认定："
    )
    fp, ev = facts(c, cause, k.D, k.V, k.W, k.start)
    lines += [f"“{x}”" if n == 0 else x for n, x in enumerate(fp)]
    lines.append(f"原审法院认定上述事实的证据有：{J('、', ev)}等。其中：")
    lines += statements(c, k.D, k.V, k.W)
    parts = [f"被告人{p.name}{first[p].text()}" for p in k.D]
    lines.append(
        f"{court_d}于{d(later(rng, k.start, 420, 520))}作出{judg1}刑事判决，以{cause}{'分别' if len(parts) > 1 else ''}判处"
        + "；".join(parts)
        + "。"
    )
    if len(parts) > 1:
        c.var("mixed_sentences")
    if changed:
        lines.append(
            f"宣判后，被告人{a.name}不服，提出上诉；{pro_d}亦提出抗诉。{court}于{d(second)}作出{judg2}刑事判决，"
            f"撤销原判对被告人{a.name}的量刑部分，改判被告人{a.name}{a.sentence.text()}，其余部分维持原判。该判决已发生法律效力。"
        )
    else:
        lines.append(
            f"宣判后，被告人{a.name}不服，提出上诉。{court}于{d(second)}作出{judg2}刑事裁定，驳回上诉，维持原判。"
        )
    lines.append("二、申诉理由")
    rel = make(c, "证人", True, style="han")
    if by_victim:
        hurt = "走了以后，这个家就散了" if cause == "故意杀人罪" else "到现在还在吃药"
        lines.append(
            f"申诉人{app.name}称：原判对被告人{a.name}量刑畸轻，{a.name}至今未赔偿一分钱，“{k.V[0].name}{hurt}”，"
            f"另有证人{rel.name}可以证明{a.name}案发前曾多次扬言报复，请求检察机关提出抗诉。"
        )
    else:
        lines.append(
            f"申诉人{app.name}称：其系受{k.D[-1].name if len(k.D) > 1 else rel.name}指使，主观上没有{cause[:-1]}的故意；证人{rel.name}的证言系事后编造，"
            f"原判采信证人{k.W[-1].name}的证言不当；其母亲{make(c, '近亲属', True, style='han', male=False, born=(1935, 1960)).name}已年过七旬，患有{c.disease()}，无人照料，请求依法改判。"
        )
    lines.append("三、本院复查认定的事实")
    lines.append(
        f"本院复查查明的事实与原判认定的事实一致。本院调取了原审全部卷宗，重新询问了证人{rel.name}、{k.W[-1].name}，"
        f"并听取了委托代理人{ag.name}的意见。{c.keep(c.place[6])}出具的到案经过证实，{a.name}系被民警抓获归案，不具有自首情节。"
    )
    lines.append("四、复查结论及理由")
    concl = "本院经复查认为，原判认定事实清楚，证据确实、充分，适用法律正确，审判程序合法。"
    for p in k.D:
        if p.recid:
            concl += f"原审被告人{p.name}系累犯，依法应当从重处罚，原判量刑并无不当。"
    concl += f"申诉人{app.name}提出的申诉理由不能成立。根据《人民检察院刑事诉讼规则》的相关规定，本院决定：维持{court}{judg2}刑事{'判决' if changed else '裁定'}，不予抗诉。"
    lines.append(concl)
    lines += signature(c, layout)
    lines += [pro, c.keep(d(later(rng, k.start, 900, 1100)))]
    text = "\n".join(lines)
    check_minor_words(k, text)
    return "", text, layout, f"{pro}刑事申诉复查决定书"


# ---------------------------------------------------------------- 刑事抗诉书

PR_CAUSES = (
    "组织卖淫罪",
    "非法吸收公众存款罪",
    "诈骗罪",
    "抢劫罪",
    "盗窃罪",
    "故意伤害罪",
    "职务侵占罪",
    "强奸罪",
)


def protest(c: Ctx, i: int):
    rng = c.rng
    layout = _pick(LAYOUTS, i)
    cause = _pick(PR_CAUSES, i + 1)
    if cause in ("强奸罪",) or rng.random() < 0.3:
        cause = rng.choice(("组织卖淫罪", "非法吸收公众存款罪", "诈骗罪"))
    cause, minor = choose_minor(c, i, cause, PR_CAUSES)
    k = cast(c, i, cause, judged=True, minor_mode=minor)
    pro, court, pro_c, court_c = institutions(c)
    court_c = c.keep(court_c)
    if layout == "word" and rng.random() < 0.6:
        c.var("zero_width")
    y1 = k.start.year + 1
    judg = f"（{y1}）{N.PROVINCE_ABBR[c.prov]}{c.place[3][2:]}刑初{rng.randint(10, 900)}号"
    docno = c.keep(f"{_pick(N.DOC_PREFIX, c.pi)}检刑抗〔{y1}〕{rng.randint(1, 40)}号")
    lines = heading(c, pro, "刑事抗诉书", layout) + [docno]
    police = c.keep(c.place[6])
    for p in k.D:
        s = bio(c, p, "原审被告人") + minor_note(c, k, p) + "。"
        if p.prior:
            s += p.prior + "。"
            c.var("recidivist" if p.recid else "prior_conviction_not_recidivist")
        if p.sentence.kind in ("fixed", "life", "reprieve") and not p.sentence.probation:
            s += f"因涉嫌{cause}于{d(later(rng, k.start, 100, 400))}被{police}刑事拘留，现羁押于{c.city}{c.dist}看守所。"
        else:
            s += f"现被取保候审，住{c.city}{c.dist}{p.addr}。"
        lines.append(s)
    judged = later(rng, k.start, 500, 700)
    lines.append(
        f"{court}审理{pro}指控原审被告人{J('、', [p.name for p in k.D])}犯{cause}一案，于{c.keep(d(judged))}作出{judg}刑事判决："
        + sentences_text(c, k)
        + "。"
    )
    lines += victim_intro(c, k)
    lines.append("本院依法审查后认为，该判决确有错误，理由如下：")
    fp, ev = facts(c, cause, k.D, k.V, k.W, k.start)
    lines.append("一、原判认定的犯罪事实不全。经审查查明：" + fp[0])
    lines += fp[1:]
    lines.append(f"上述事实有{J('、', ev)}等证据证实，原判对其中部分事实未予认定，属认定事实错误。")
    lines += statements(c, k.D, k.V, k.W)
    reasons = "二、原判适用法律错误，导致量刑畸轻。"
    for p in k.D:
        if p.recid:
            reasons += (
                f"原审被告人{p.name}系累犯，依法不得适用缓刑，且应当从重处罚，原判对此未予评价。"
            )
    for p in k.D:
        if p.sentence.probation:
            reasons += f"原审被告人{p.name}未退赃退赔，亦未取得被害人谅解，原判对其适用缓刑不当。"
            break
    reasons += (
        f"原判对主犯{k.D[0].name}的量刑与其在共同犯罪中的地位、作用明显不相适应。"
        if len(k.D) > 1
        else ""
    )
    lines.append(reasons)
    vrel = make(c, "近亲属", True, style="han", born=(1950, 1990))
    lines.append(
        f"三、被害人{k.V[0].name}的近亲属{vrel.name}于{d(later(rng, judged, 2, 6))}向本院提出抗诉请求，其提出的理由部分成立。"
    )
    c.var("relative_request")
    lines.append(
        "综上所述，为维护司法公正，准确惩治犯罪，依照《中华人民共和国刑事诉讼法》第二百二十八条的规定，特提出抗诉，请依法判处。"
    )
    lines += ["此致", court_c, pro, c.keep(d(later(rng, judged, 7, 9)))]
    w = [x for x in k.W if x.protected]
    att = f"附：1. 原审被告人{k.D[0].name}现羁押于{c.city}{c.dist}看守所；2. 新的证人名单{(' ' + J('、', [x.name for x in w])) if w else ''}；3. 证据目录。"
    lines.append(att)
    text = "\n".join(lines)
    check_minor_words(k, text)
    return "", text, layout, f"{pro}刑事抗诉书"


# ---------------------------------------------------------------- 新闻稿式的案件发布

RL_CAUSES = (
    "组织卖淫罪",
    "非法吸收公众存款罪",
    "诈骗罪",
    "故意杀人罪",
    "猥亵儿童罪",
    "抢劫罪",
    "强奸罪",
    "职务侵占罪",
    "故意伤害罪",
    "盗窃罪",
)


def release(c: Ctx, i: int):
    rng = c.rng
    layout = ("word", "plain")[i % 2]
    cause = _pick(RL_CAUSES, i)
    cause, minor = choose_minor(c, i, cause, RL_CAUSES, every=2)
    judged = i % 4 != 3
    k = cast(c, i, cause, judged=judged, minor_mode=minor, heavy_first=True if i % 5 == 0 else None)
    pro, court, pro_c, court_c = institutions(c, "city" if cause == "故意杀人罪" else "district")
    if layout == "word" and rng.random() < 0.5:
        c.var("zero_width")
    reporter = make(c, "记者", True, style="han")
    stringer = make(c, "通讯员", True, style=c.any_style(0.2))
    c.var("reporter_byline")
    a, v = k.D[0], k.V[0]
    child = next((p for p in k.D + k.V if getattr(p, "minor", False)), None)
    when = later(rng, k.start, 400, 700)
    n = len(k.D)
    if child is not None and child.nick:
        title = rng.choice(
            (
                f"守护“{child.nick}”：{k.cause[:-1]}案一审宣判",
                f"“{child.nick}”的一年：一起{k.cause[:-1]}案背后",
            )
        )
    elif judged and a.sentence.heavy and not a.protected:
        title = f"{a.name}等{cn(n)}人{k.cause[:-1]}案宣判 主犯获刑{a.sentence.text().split('，')[0].removeprefix('有期徒刑')}"
    else:
        title = f"{c.city}{c.dist}：{rng.choice(('一', '这起'))}{k.cause[:-1]}案{'宣判' if judged else '被提起公诉'}"
    by = rng.choice(
        (
            f"本报讯（记者{reporter.name} 通讯员{stringer.name}）",
            f"{c.city}日报记者 {reporter.name} 通讯员 {stringer.name}",
            f"来源：{pro}　作者：{stringer.name}　{reporter.name}",
        )
    )
    lines = [by]
    if judged:
        lines.append(
            f"{c.keep(d(when))}，{court}公开开庭审理并当庭宣判了一起{cause[:-1]}案，"
            + sentences_text(c, k, "分别以{cause}判处")
            + "。该案由"
            f"{pro}提起公诉。"
        )
    else:
        lines.append(
            f"近日，{pro}依法对{J('、', [p.name for p in k.D])}等{cn(n)}人涉嫌{cause[:-1]}一案向{court}提起公诉。"
        )
    if True:
        for p in k.D:
            if p.recid:
                lines.append(f"据检察官介绍，{p.name}系累犯，{p.prior}，出狱后不久即再次作案。")
    if child is not None:
        who = "被害人" if child in k.V else "涉案的"
        if k.minor_mode == "birthdate":
            lines.append(
                f"{who}{child.name}出生于{d(child.birth)}，当时就读于{c.dist}{child.school}{child.klass}。"
            )
        else:
            nick = f"（小名{child.nick}）" if child.nick else ""
            lines.append(
                f"{who}{child.name}{nick}当时年仅{child.age}岁，在{c.dist}{child.school}{child.klass}读书，家住{rng.choice(N.TOWNS)}镇{k.village}。"
            )
    fp, _ev = facts(c, cause, k.D, k.V, k.W, k.start)
    lines.append("据了解，" + fp[0])
    lines += fp[1:]
    w = next((x for x in k.W if x.protected and not x.expert), None)
    if w is not None:
        lines.append(
            f"“那段时间{a.name}{rng.choice(('天天开着新车进出', '总说自己在做大生意', '很少在家'))}，谁也没往那方面想。”"
            f"曾与{a.name}{rng.choice(('共事', '做过邻居', '一起打过牌'))}的{w.name}告诉记者。"
        )
    lines.append(
        f"记者从{pro}了解到，案件移送审查起诉后，检察机关{rng.choice(('提前介入引导侦查', '两次退回补充侦查', '调取了大量银行流水'))}，"
        f"并依法听取了被害人及其家属的意见。庭审中，公诉人围绕{rng.choice(('主观明知', '犯罪数额', '共同犯罪中的地位作用'))}等争议焦点"
        f"发表了公诉意见，辩护人{lawyer(c)[0].name}则提出{a.name if not a.protected else '被告人'}系初犯、偶犯的辩护意见。"
    )
    for p in k.D:
        if judged and p.sentence.probation:
            lines.append(
                f"法院综合考虑被告人{p.name}的犯罪情节和悔罪表现，依法对其宣告缓刑，社区矫正机构将对其实行社区矫正。"
            )
            break
    off = c.official(rng.choice(("承办检察官", "检察官")))
    lines.append(
        f"“{rng.choice(('这类案件隐蔽性强，被害人往往不敢报案', '我们在审查中发现还有遗漏的同案犯', '办案中我们同步开展了救助工作'))}。”{off.role}{off.name}告诉记者，"
        f"{pro}在审查起诉阶段{rng.choice(('引导侦查机关补强了电子数据', '追加认定了两笔犯罪事实', '为被害人申请了司法救助金'))}。"
    )
    c.var("official_quotes")
    if rng.random() < 0.5:
        judge = c.official("法官")
        lines.append(
            f"主审法官{judge.name}在庭后接受采访时表示，本案被告人{'均' if n > 1 else ''}当庭表示认罪。"
        )
    if cause == "猥亵儿童罪" and len(k.V) > 1:
        mother = k.V[1]  # the mother who reported it
    else:
        mother = make(c, "近亲属", True, style="han", male=False, born=(1955, 1992))
    quote = rng.choice(
        (
            "我们等这一天等了很久",
            "希望不要再有别人上当",
            "孩子现在晚上还会做噩梦",
            "钱追不回来，但总算有个说法",
        )
    )
    lines.append(
        f"庭审结束后，被害人{v.name}的{'母亲' if not mother.male else '父亲'}{mother.name}在法院门口对记者说：“{quote}。”"
    )
    c.var("relative_quotes")
    nb = make(c, "邻居", True, style=c.any_style(0.3))
    lines.append(
        f"住在{'同一小区' if rng.random() < 0.5 else '隔壁'}的{nb.name}回忆，{a.name}平时{rng.choice(('很少与人来往', '经常深夜才回家', '出手很大方'))}，“没想到会出这种事”。"
    )
    if child is not None and child.nick:
        lines.append(f"如今，{child.nick}已转学，在心理咨询师的帮助下逐渐走出阴影。")
    lines.append(
        f"检察官提醒，{rng.choice(('切勿轻信高额回报的投资宣传', '家长应多关注孩子的情绪变化', '遇到陌生来电要求转账务必先核实', '不要出租、出借本人银行卡'))}，"
        f"发现违法犯罪线索应及时向公安机关报案。"
    )
    if rng.random() < 0.4:
        lines.append(
            f"如有线索，可拨打举报电话{c.keep(c.place[4] + '-12309')}，或通过12309中国检察网反映。"
        )
    lines.append(f"（编辑：{stringer.name}）")
    text = "\n".join(lines)
    check_minor_words(k, text)
    return title, text, layout, ""


GENERATORS = {
    "indictment": indictment,
    "non_prosecution": non_prosecution,
    "appeal_review": appeal_review,
    "protest": protest,
    "release": release,
}
