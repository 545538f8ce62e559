"""The templates of the five kinds of documents, and the generation loop with its checks."""

from __future__ import annotations

import random
from datetime import date, timedelta

from . import names as N
from .builder import VARIATIONS, Builder, Person, cn_num, md, money, normalized, term, ymd
from .cases import (
    ADULT_CRIMES,
    CRIME_BY_KEY,
    LIGHT_CRIMES,
    Case,
    add_prior,
    apply_plan_names,
    build_case,
    custody,
    evidence,
    facts,
    identity,
)
from .numbers import id_is_valid

SURNAME_WORDS = (
    "高速",
    "明确",
    "常住",
    "安全",
    "方面",
    "于是",
    "全部",
    "曾经",
    "向其",
    "时许",
    "白天",
    "万元",
    "和解",
    "石块",
    "明显",
    "安排",
    "方式",
    "时间",
    "全额",
    "向本院",
    "于次日",
    "于当日",
    "高度",
    "常年",
    "文书",
    "时任",
    "和谐",
)
MINOR_WORDS = ("未成年", "幼女", "儿童", "不满十四", "未满", "少年", "不满十八", "未成人")


class Retry(Exception):
    pass


def sentence_words(months: int, *, probation: int = 0, life: bool = False) -> str:
    if life:
        return "无期徒刑，剥夺政治权利终身"
    if months < 6 and probation == 0 and months > 0 and months != 12:
        return f"拘役{cn_num(months)}个月"
    s = f"有期徒刑{term(months)}"
    if probation:
        s += f"，缓刑{term(probation)}"
    return s


def docno(rng: random.Random, abbr: str, kind: str, year: int) -> str:
    n = rng.randint(1, 460)
    z = rng.choice(("", "", "", "Z"))
    return f"{abbr}{kind}〔{year}〕{z}{n}号"


def private_people(c: Case) -> list[Person]:
    return [*c.defs, *c.victims, *c.witnesses, *c.experts, *(p for _, p in c.relatives)]


def setup_names(
    rng: random.Random, b: Builder, c: Case, plan: set[str], main: Person | None
) -> None:
    prot = [p for p in private_people(c) if p.protected]
    if main is None or not main.protected:
        main = next((p for p in prot if p in c.defs), None) or (c.victims[0] if c.victims else None)
    apply_plan_names(rng, b, c, plan, prot, main)
    b.extra_main = main  # type: ignore[attr-defined]
    b.space_target = main.name if main is not None and "space_in_name" in plan else ""
    if "zero_width" in plan:
        others = [p for p in prot if p is not main]
        b.zw_target = (
            rng.choice(others).name
            if others and rng.random() < 0.6
            else (main.name if main else "")
        )
        if b.zw_target == b.space_target:
            b.zw_target = ""
            b.plan = set(b.plan)
    if "space_in_name" in plan and main is not None and rng.random() < 0.4:
        others = [p for p in prot if p is not main and p.name != b.zw_target]
        if others:
            b.space_target = rng.choice(others).name


def sign(b: Builder, rng: random.Random, c: Case, d: date, *, title: str = "检察员") -> str:
    lines = []
    style = rng.randrange(4)
    if style == 0:
        lines.append(f"{title}　{b.official(c.prosecutor)}")
        lines.append(f"书记员　{b.official(c.clerk)}")
    elif style == 1:
        lines.append(f"检察官：{b.official(c.prosecutor)}")
        lines.append(f"检察官助理：{b.official(c.assistant)}")
    elif style == 2:
        lines.append(f"{title} {b.official(c.prosecutor)}")
        lines.append(f"检察官助理 {b.official(c.assistant)}")
        lines.append(f"书记员 {b.official(c.clerk)}")
    else:
        lines.append(f"检 察 官　{b.official(c.prosecutor)}")
    lines.append(b.k(ymd(d)))
    lines.append("（院印）")
    return "\n".join(lines)


def lawyer_line(b: Builder, rng: random.Random, c: Case) -> str:
    return rng.choice(
        (
            f"辩护人{b.official(c.lawyer)}，{c.j.city}{c.firm}律师。",
            f"辩护人：{b.official(c.lawyer)}，{c.firm}律师。",
            f"委托辩护人{b.official(c.lawyer)}，系{c.firm}律师。",
        )
    )


def prior_words(b: Builder, c: Case, d: Person) -> str:
    pr = c.priors.get(id(d))
    if not pr:
        return ""
    return pr.text(c.j.court) + "。"


# =============================================================================================
# 起诉书
# =============================================================================================


def _prior_setup(rng, b, c, d, *, allow_publish: bool) -> str:
    """Maybe give the defendant a prior conviction. Returns the recidivism sentence for 本院认为."""
    r = rng.random()
    if r < 0.3:
        return ""
    kind = rng.choice(
        ("recidivist", "recidivist", "old", "old", "negligent", "juvenile", "detention")
    )
    if not allow_publish and kind == "recidivist":
        kind = "old"
    pr = add_prior(rng, c, d, kind)
    b.tags.add("prior_sentence")
    if pr.recidivism(c.offence):
        b.tags.add("recidivist")
        d.protected = False
        d.keep = True
        return "系累犯，依法应当从重处罚。"
    b.tags.add("not_recidivist")
    if kind == "old" and rng.random() < 0.5:
        return "虽有前科，但前罪刑罚执行完毕已逾五年，不构成累犯，可酌情从重处罚。"
    if kind == "juvenile":
        return "前罪系其不满十八周岁时所犯，依法不构成累犯。" if not c.minor else ""
    if kind == "negligent":
        return "其前罪系过失犯罪，不构成累犯。"
    return ""


def ind_classic(rng, b, plan, idx):
    crime = rng.choice(ADULT_CRIMES)
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    recid = _prior_setup(rng, b, c, d, allow_publish=True)
    setup_names(rng, b, c, plan, d)
    R = "被告人"
    j = c.j
    no = b.k(docno(rng, j.abbr, rng.choice(("刑诉", "一部刑诉", "刑检刑诉")), c.decided.year))
    head = f"{b.k(j.proc)}\n起 诉 书\n{no}\n"
    party = f"被告人{b.name(d)}{identity(b, rng, d)}。"
    if c.priors.get(id(d)):
        party += prior_words(b, c, d)
    party += custody(b, rng, c, d)
    hist = (
        f"本案由{b.k(j.police)}侦查终结，以被告人{b.name(d)}涉嫌{b.k(crime.cause)}，于{ymd(c.transferred)}向本院移送审查起诉。"
        f"本院受理后，于次日已告知被告人有权委托辩护人，依法讯问了被告人，听取了辩护人{b.official(c.lawyer)}的意见，"
        f"审查了全部案件材料。"
    )
    if rng.random() < 0.4:
        hist += f"其间，因部分事实不清，本院于{ymd(c.transferred + timedelta(days=25))}退回侦查机关补充侦查一次，侦查机关补查重报后，本院依法延长审查起诉期限半个月。"
    body = [
        head,
        party,
        lawyer_line(b, rng, c),
        hist,
        "经依法审查查明：",
        *facts(b, rng, c, R),
        evidence(b, rng, c, R, numbered=rng.random() < 0.7),
    ]
    tail = ""
    if recid:
        tail += f"被告人{b.name(d)}{recid}"
    if rng.random() < 0.7:
        tail += f"被告人{b.name(d)}到案后如实供述自己的罪行，根据《中华人民共和国刑法》第六十七条第三款的规定，可以从轻处罚。"
    body.append(
        f"本院认为，被告人{b.name(d)}{crime.reason}，其行为触犯了《中华人民共和国刑法》{crime.article}，"
        f"犯罪事实清楚，证据确实、充分，应当以{crime.cause}追究其刑事责任。{tail}"
        f"根据《中华人民共和国刑事诉讼法》第一百七十六条的规定，提起公诉，请依法判处。"
    )
    body.append(f"此致\n{b.k(j.court)}\n")
    body.append(sign(b, rng, c, c.decided))
    body.append(
        f"附件：\n1.被告人{b.name(d)}现羁押于{j.jail}。\n2.案卷材料和证据{cn_num(rng.randint(1, 6))}册。"
    )
    return "", "\n".join(body), c


def ind_multi(rng, b, plan, idx):
    crime = CRIME_BY_KEY[rng.choice(("theft", "affray", "robbery", "theft"))]
    c = build_case(rng, plan, crime, n_defs=2 if crime.key == "affray" else rng.choice((2, 2, 3)))
    if crime.key == "affray" and len(c.victims) < 2:
        raise Retry
    setup_names(rng, b, c, plan, c.defs[0])
    j = c.j
    R = "被告人"
    no = b.k(docno(rng, j.abbr, "刑诉", c.decided.year))
    out = [f"{b.k(j.proc)}\n起诉书\n{no}\n"]
    for d in c.defs:
        out.append(
            f"被告人{b.name(d)}{identity(b, rng, d, with_phone=rng.random() < 0.6)}。{custody(b, rng, c, d)}"
        )
    names = "、".join(b.name(d) for d in c.defs)
    out.append(
        f"本案由{b.k(j.police)}侦查终结，以被告人{names}涉嫌{b.k(crime.cause)}，于{ymd(c.transferred)}向本院移送审查起诉。"
        f"本院受理后，已依法告知各被告人有权委托辩护人，依法讯问了各被告人，听取了被告人{b.name(c.defs[0])}的辩护人"
        f"{b.official(c.lawyer)}的意见，审查了全部案件材料。"
    )
    out.append("经依法审查查明：")
    out.extend(facts(b, rng, c, R))
    if len(c.defs) > 2 and crime.key != "affray":
        d3 = c.defs[2]
        out.append(
            f"另查明，{ymd(c.offence + timedelta(days=2))}，被告人{b.name(d3)}明知上述财物系他人犯罪所得，"
            f"仍帮助被告人{b.name(c.defs[0])}转移、藏匿，并从中分得{b.k(money(500))}。"
        )
    out.append(evidence(b, rng, c, R))
    d0, d1 = c.defs[0], c.defs[1]
    out.append(
        f"本院认为，被告人{names}{crime.reason}，其行为触犯了《中华人民共和国刑法》{crime.article}，"
        f"犯罪事实清楚，证据确实、充分，应当以{crime.cause}追究其刑事责任。本案系共同犯罪，被告人{b.name(d0)}"
        f"起主要作用，系主犯；被告人{b.name(d1)}起次要作用，系从犯，根据《中华人民共和国刑法》第二十七条的规定，"
        f"应当从轻、减轻处罚。根据《中华人民共和国刑事诉讼法》第一百七十六条的规定，提起公诉，请依法判处。"
    )
    out.append(f"此致\n{b.k(j.court)}\n")
    out.append(sign(b, rng, c, c.decided))
    out.append("附：\n1.各被告人现羁押于" + j.jail + "。\n2.证据目录、证人名单各一份。")
    return "", "\n".join(out), c


def ind_plea(rng, b, plan, idx):
    crime = rng.choice(LIGHT_CRIMES)
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    setup_names(rng, b, c, plan, d)
    j = c.j
    R = "被告人"
    rec = rng.choice((6, 8, 10, 14, 18, 30, 42, 48, 60, 42, 54))
    if rec > 36:
        b.tags.add("sentence_recommendation")
    no = b.k(docno(rng, j.abbr, "刑诉", c.decided.year))
    out = [
        f"{b.k(j.proc)}\n起 诉 书\n{no}\n",
        f"被告人{b.name(d)}{identity(b, rng, d)}。{custody(b, rng, c, d)}",
        f"本案由{b.k(j.police)}侦查终结，以被告人{b.name(d)}涉嫌{b.k(crime.cause)}，于{ymd(c.transferred)}向本院移送审查起诉。"
        f"本院受理后，于{ymd(c.transferred + timedelta(days=2))}已告知被告人有权委托辩护人和认罪认罚可能导致的法律后果，"
        f"依法讯问了被告人，听取了值班律师{b.official(c.lawyer)}的意见，审查了全部案件材料。",
        "经依法审查查明：",
        *facts(b, rng, c, R),
        evidence(b, rng, c, R, numbered=False),
        f"本院认为，被告人{b.name(d)}{crime.reason}，其行为触犯了《中华人民共和国刑法》{crime.article}，"
        f"犯罪事实清楚，证据确实、充分，应当以{b.k(crime.cause)}追究其刑事责任。被告人{b.name(d)}自愿如实供述自己的罪行，"
        f"承认指控的犯罪事实，愿意接受处罚，并在值班律师{c.lawyer}的见证下签署了认罪认罚具结书，"
        f"根据《中华人民共和国刑事诉讼法》第十五条的规定，可以从宽处理。"
        f"根据《中华人民共和国刑事诉讼法》第一百七十六条的规定，提起公诉，请依法判处。",
        f"量刑建议：建议判处被告人{b.name(d)}{sentence_words(rec)}，并处罚金{b.k(money(rng.choice((2000, 5000, 8000, 10000))))}。"
        f"本案适用{rng.choice(('速裁程序', '简易程序'))}审理。",
        f"此致\n{b.k(j.court)}\n",
        sign(b, rng, c, c.decided),
        f"附件：\n1.被告人{b.name(d)}现{rng.choice(('取保候审', '羁押于' + j.jail))}。\n2.认罪认罚具结书一份。",
    ]
    return "", "\n".join(out), c


def ind_minor(rng, b, plan, idx):
    implicit = rng.random() < 0.45
    if rng.random() < 0.3:
        crime = CRIME_BY_KEY["theft"]
        c = build_case(rng, plan, crime, minor_defendant=True)
        implicit = False
    else:
        crime = CRIME_BY_KEY[
            rng.choice(("abuse", "childhurt"))
            if implicit
            else rng.choice(("molest", "abuse", "childhurt"))
        ]
        c = build_case(rng, plan, crime)
    c.implicit_minor = implicit
    setup_names(rng, b, c, plan, c.defs[0])
    d = c.defs[0]
    j = c.j
    R = "被告人"
    no = b.k(
        docno(
            rng,
            j.abbr,
            rng.choice(("刑诉", "未检刑诉")) if not implicit else "刑诉",
            c.decided.year,
        )
    )
    out = [
        f"{b.k(j.proc)}\n起 诉 书\n{no}\n",
        f"被告人{b.name(d)}{identity(b, rng, d)}。{custody(b, rng, c, d)}",
    ]
    if c.relatives and c.relatives[0][0] == "父亲" and not crime.minor:
        f = c.relatives[0][1]
        out.append(f"法定代理人{b.name(f)}，系被告人{b.name(d)}之父{identity(b, rng, f)}。")
        out.append(f"被告人{b.name(d)}系{b.p(c.school, 'school')}{b.p(c.klass, 'class')}学生。")
    out.append(
        f"本案由{b.k(j.police)}侦查终结，以被告人{b.name(d)}涉嫌{b.k(crime.cause)}，于{ymd(c.transferred)}向本院移送审查起诉。"
        f"本院受理后，依法告知了被告人有权委托辩护人，讯问了被告人，听取了辩护人{b.official(c.lawyer)}"
        f"{'和被害人法定代理人' if crime.minor else '和法定代理人'}的意见，审查了全部案件材料。"
    )
    out.append("经依法审查查明：")
    out.extend(facts(b, rng, c, R))
    out.append(evidence(b, rng, c, R))
    extra = ""
    if crime.minor and not implicit:
        extra = "被告人侵害未成年人，依法应当从严惩处。"
    elif not crime.minor:
        extra = f"被告人{b.name(d)}犯罪时已满十六周岁不满十八周岁，根据《中华人民共和国刑法》第十七条第四款的规定，应当从轻或者减轻处罚。"
    out.append(
        f"本院认为，被告人{b.name(d)}{crime.reason}，其行为触犯了《中华人民共和国刑法》{crime.article}，"
        f"犯罪事实清楚，证据确实、充分，应当以{crime.cause}追究其刑事责任。{extra}"
        f"根据《中华人民共和国刑事诉讼法》第一百七十六条的规定，提起公诉，请依法判处。"
    )
    out.append(f"此致\n{b.k(j.court)}\n")
    out.append(sign(b, rng, c, c.decided))
    if not implicit and rng.random() < 0.5:
        out.append("附：本案涉及未成年人，建议不公开开庭审理。")
    return "", "\n".join(out), c


def ind_speedy(rng, b, plan, idx):
    crime = CRIME_BY_KEY[rng.choice(("drunk", "theft", "fraud", "injury", "fence"))]
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    recid = _prior_setup(rng, b, c, d, allow_publish=True)
    setup_names(rng, b, c, plan, d)
    j = c.j
    R = "被告人"
    no = b.k(docno(rng, j.abbr, "刑速诉", c.decided.year))
    ps = prior_words(b, c, d)
    out = [
        f"{b.k(j.proc)}\n起诉书\n（适用速裁程序）\n{no}\n",
        f"被告人{b.name(d)}{identity(b, rng, d)}。{ps}{custody(b, rng, c, d)}",
        f"本案由{b.k(j.police)}侦查终结，以被告人{b.name(d)}涉嫌{b.k(crime.cause)}，于{ymd(c.transferred)}向本院移送审查起诉。",
        "经依法审查查明：",
        *facts(b, rng, c, R),
        evidence(b, rng, c, R, numbered=False),
        f"本院认为，被告人{b.name(d)}{crime.reason}，其行为触犯了《中华人民共和国刑法》{crime.article}，应当以"
        f"{crime.cause}追究其刑事责任。{('被告人' + b.name(d) + recid) if recid else ''}"
        f"被告人{b.name(d)}认罪认罚，建议判处{sentence_words(rng.choice((2, 3, 4, 6, 8)))}，并处罚金。"
        f"根据《中华人民共和国刑事诉讼法》第一百七十六条的规定，提起公诉，请依法判处。",
        f"此致\n{b.k(j.court)}\n",
        sign(b, rng, c, c.decided),
    ]
    return "", "\n".join(out), c


# =============================================================================================
# 不起诉决定书
# =============================================================================================


def _np_head(rng, b, c, d, *, minor=False):
    j = c.j
    no = b.k(
        docno(
            rng, j.abbr, rng.choice(("刑不诉", "未检刑不诉")) if minor else "刑不诉", c.decided.year
        )
    )
    out = [
        f"{b.k(j.proc)}\n不起诉决定书\n{no}\n",
        f"被不起诉人{b.name(d)}{identity(b, rng, d)}。"
        + rng.choice(
            (
                f"因涉嫌{b.k(c.crime.cause)}于{ymd(c.detained)}被{b.k(j.police)}取保候审。",
                f"{ymd(c.detained)}因涉嫌{b.k(c.crime.cause)}被{b.k(j.police)}刑事拘留，同年{md(c.arrested)}被取保候审。",
            )
        ),
    ]
    if rng.random() < 0.7:
        out.append(lawyer_line(b, rng, c))
    out.append(
        f"本案由{b.k(j.police)}侦查终结，以被不起诉人{b.name(d)}涉嫌{c.crime.cause}，于{ymd(c.transferred)}向本院移送审查起诉。"
    )
    return out


def _np_tail(rng, b, c, *, victim=True):
    j = c.j
    s = ["被不起诉人如不服本决定，可以自收到本决定书后七日以内向本院申诉。"]
    if victim and c.victims:
        s.append(
            f"被害人如不服本决定，可以自收到本决定书后七日以内向{b.k(j.upper_proc)}申诉，请求提起公诉；"
            f"也可以不经申诉，直接向{b.k(j.court)}提起自诉。"
        )
    else:
        s.append(f"本决定书副本抄送{b.k(j.police)}。")
    return s


def np_relative(rng, b, plan, idx):
    crime = rng.choice([c for c in LIGHT_CRIMES if c.key not in ("helpnet",)])
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    setup_names(rng, b, c, plan, d)
    R = "被不起诉人"
    out = _np_head(rng, b, c, d)
    out.append("经本院依法审查查明：")
    out.extend(facts(b, rng, c, R))
    out.append(evidence(b, rng, c, R, numbered=False))
    mit = rng.sample(
        [
            "具有坦白情节",
            "系初犯、偶犯",
            "已退赔被害人全部经济损失并取得谅解",
            "自愿认罪认罚",
            "具有自首情节",
        ],
        2,
    )
    out.append(
        f"本院认为，被不起诉人{b.name(d)}实施了《中华人民共和国刑法》{c.crime.article}规定的行为，但犯罪情节轻微，"
        f"{'，'.join(mit)}，根据《中华人民共和国刑法》第三十七条的规定，不需要判处刑罚。依据《中华人民共和国刑事诉讼法》"
        f"第一百七十七条第二款的规定，决定对{b.name(d)}不起诉。"
    )
    out.extend(_np_tail(rng, b, c))
    out.append(sign(b, rng, c, c.decided, title="检察官"))
    return "", "\n".join(out), c


def np_doubt(rng, b, plan, idx):
    crime = CRIME_BY_KEY[rng.choice(("theft", "fraud", "injury", "robbery", "fence"))]
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    setup_names(rng, b, c, plan, d)
    j = c.j
    R = "被不起诉人"
    out = _np_head(rng, b, c, d)
    out.append(f"{j.police}移送审查起诉认定：")
    out.extend(facts(b, rng, c, R))
    w = c.witnesses[0]
    v = c.victims[0] if c.victims else w
    out.append(
        f"经本院审查并{rng.choice(('两次', '一次'))}退回补充侦查，本院仍然认为{j.police}认定的犯罪事实不清、证据不足："
    )
    out.append(
        f"1.认定被不起诉人{b.name(d)}实施上述行为的证据仅有被害人{b.name(v)}的陈述，"
        f"证人{b.name(w)}的证言前后矛盾，且与监控视频反映的时间不一致，无法相互印证；"
    )
    out.append(
        f"2.被不起诉人{b.name(d)}始终否认作案，辩称案发时其在外地，其辩解无法排除；"
        f"3.现有证据无法明确涉案财物的具体去向。"
    )
    out.append(
        f"综上，本案不符合起诉条件。依照《中华人民共和国刑事诉讼法》第一百七十五条第四款的规定，决定对{b.name(d)}不起诉。"
    )
    out.extend(_np_tail(rng, b, c))
    out.append(sign(b, rng, c, c.decided, title="检察官"))
    return "", "\n".join(out), c


def np_statutory(rng, b, plan, idx):
    crime = CRIME_BY_KEY[rng.choice(("injury", "affray", "injury"))]
    c = build_case(rng, plan, crime)
    if len(c.victims) < 1:
        raise Retry
    d, v = c.defs[0], c.victims[0]
    setup_names(rng, b, c, plan, d)
    out = _np_head(rng, b, c, d)
    w = c.witnesses[0]
    out.append("经本院依法审查查明：")
    out.append(
        f"{ymd(c.offence)}21时许，被害人{b.name(v)}酒后携带菜刀到被不起诉人{b.name(d)}经营的店铺内，"
        f"以{b.name(d, bare=True)}“拖欠货款”为由向其索要{b.k(money(c.amount))}，遭拒绝后持刀砍向{b.name(d, bare=True)}。"
        f"{b.name(d, bare=True)}在躲避过程中夺下菜刀，并用拳头击打{b.name(v, bare=True)}面部，致其轻伤二级。"
        f"店员{b.name(w)}目睹了事发经过，于是报警。"
    )
    out.append(
        f"上述事实，有监控视频、证人{b.name(w)}的证言、被害人{b.name(v)}的陈述、被不起诉人{b.name(d)}的供述和辩解、"
        f"鉴定意见等证据证实。"
    )
    out.append(
        f"本院认为，被害人{b.name(v)}持刀实施不法侵害，被不起诉人{b.name(d)}为使本人的人身权利免受正在进行的不法侵害，"
        f"而采取制止不法侵害的行为，对不法侵害人造成损害，属于正当防卫，且未明显超过必要限度，根据《中华人民共和国刑法》"
        f"第二十条第一款的规定，不负刑事责任。依据《中华人民共和国刑事诉讼法》第十六条第一项和第一百七十七条第一款的规定，"
        f"决定对{b.name(d)}不起诉。"
    )
    out.extend(_np_tail(rng, b, c))
    out.append(sign(b, rng, c, c.decided, title="检察官"))
    return "", "\n".join(out), c


def np_minor(rng, b, plan, idx):
    crime = CRIME_BY_KEY[rng.choice(("theft", "affray", "theft"))]
    c = build_case(rng, plan, crime, minor_defendant=True)
    d = c.defs[0]
    setup_names(rng, b, c, plan, d)
    f = c.relatives[0][1]
    R = "被不起诉人"
    out = _np_head(rng, b, c, d, minor=True)
    out.insert(2, f"法定代理人{b.name(f)}，系被不起诉人{b.name(d)}之父{identity(b, rng, f)}。")
    out.append("经本院依法审查查明：")
    out.extend(facts(b, rng, c, R))
    start = c.transferred + timedelta(days=30)
    out.append(
        f"被不起诉人{b.name(d)}案发时系{b.p(c.school, 'school')}{b.p(c.klass, 'class')}学生，已满十六周岁未满十八周岁。"
        f"本院于{ymd(start)}对其作出附条件不起诉决定，考验期{cn_num(rng.choice((6, 8, 10)))}个月。考验期内，"
        f"被不起诉人{b.name(d)}遵守法律法规，按照考察机关的规定报告自己的活动情况，完成了{rng.randint(30, 60)}小时公益劳动，"
        f"其父{b.name(f, bare=True)}积极履行监护职责，没有出现《中华人民共和国刑事诉讼法》第二百八十四条第一款规定的情形。"
    )
    out.append(
        f"本院认为，被不起诉人{b.name(d)}实施了《中华人民共和国刑法》{crime.article}规定的行为，在附条件不起诉考验期内"
        f"表现良好，依据《中华人民共和国刑事诉讼法》第二百八十四条第二款的规定，决定对{b.name(d)}不起诉。"
    )
    out.append("本决定书依法不公开，相关犯罪记录予以封存。")
    out.extend(_np_tail(rng, b, c))
    out.append(sign(b, rng, c, c.decided + timedelta(days=200), title="检察官"))
    return "", "\n".join(out), c


def np_health(rng, b, plan, idx):
    crime = CRIME_BY_KEY[rng.choice(("drunk", "helpnet", "fence", "theft", "traffic"))]
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    setup_names(rng, b, c, plan, d)
    R = "被不起诉人"
    out = _np_head(rng, b, c, d)
    out.append("经本院依法审查查明：")
    out.extend(facts(b, rng, c, R))
    dis = rng.choice(("尿毒症", "肺癌晚期", "严重心脏病", "系统性红斑狼疮", "重度抑郁症"))
    out.append(
        f"另查明，被不起诉人{b.name(d)}患有{b.p(dis, 'health')}，需长期治疗；其家庭常住人口四人，"
        f"系家庭主要经济来源。"
    )
    out.append(
        f"本院认为，被不起诉人{b.name(d)}实施了《中华人民共和国刑法》{c.crime.article}规定的行为，但犯罪情节轻微，"
        f"认罪认罚，并在辩护人的见证下签署了认罪认罚具结书。综合考虑其犯罪情节、悔罪表现和身体状况，"
        f"根据《中华人民共和国刑法》第三十七条的规定，不需要判处刑罚。依据《中华人民共和国刑事诉讼法》"
        f"第一百七十七条第二款的规定，决定对{b.name(d)}不起诉。"
    )
    out.append(
        f"本院同时认为，被不起诉人{b.name(d)}需要给予行政处罚，依法向{c.j.police}提出检察意见。"
    )
    out.extend(_np_tail(rng, b, c, victim=bool(c.victims)))
    out.append(sign(b, rng, c, c.decided, title="检察官"))
    return "", "\n".join(out), c


# =============================================================================================
# 刑事申诉复查决定书
# =============================================================================================


def _ap_head(rng, b, c, appellant, rel_text):
    j = c.j
    no = b.k(
        docno(rng, j.upper_abbr, rng.choice(("控申刑复", "刑申复决", "控申复")), c.decided.year + 1)
    )
    return [
        f"{b.k(j.upper_proc)}\n刑事申诉复查决定书\n{no}\n",
        f"申诉人{b.name(appellant)}{identity(b, rng, appellant)}。{rel_text}",
    ]


def ap_np_victim(rng, b, plan, idx):
    crime = rng.choice([x for x in LIGHT_CRIMES if x.key not in ("drunk", "helpnet")])
    c = build_case(rng, plan, crime)
    d, v = c.defs[0], c.victims[0]
    setup_names(rng, b, c, plan, v)
    j = c.j
    old_no = b.k(docno(rng, j.abbr, "刑不诉", c.decided.year))
    if crime.key == "traffic" and c.relatives and c.relatives[0][0] != "邻居":
        kin, appellant = c.relatives[0]
        rel = f"系被害人{b.name(v)}之{kin}。"
    else:
        appellant, rel = v, "系本案被害人。"
    out = _ap_head(rng, b, c, appellant, rel)
    out.append(
        f"申诉人{b.name(appellant)}不服{b.k(j.proc)}{old_no}不起诉决定，于{ymd(c.decided + timedelta(days=5))}"
        f"向本院提出申诉。本院依法进行了复查，现已复查终结。"
    )
    out.append(
        f"原案基本情况：{j.proc}以被不起诉人{b.name(d)}涉嫌{b.k(crime.cause)}，于{ymd(c.decided)}作出相对不起诉决定。"
        f"该院认定："
    )
    out.extend(facts(b, rng, c, "被不起诉人"))
    out.append(
        f"申诉人{b.name(appellant)}的申诉理由：被不起诉人{b.name(d)}作案手段恶劣，至今未全额赔偿损失，"
        f"原不起诉决定处理过轻，请求对其提起公诉。"
    )
    out.append(
        f"本院复查认定的事实与原不起诉决定认定的事实一致。另查明，被不起诉人{b.name(d)}已向申诉人支付"
        f"{b.k(money(c.amount))}，申诉人曾经在调解协议上签字确认。"
    )
    out.append(
        f"本院认为，被不起诉人{b.name(d)}的行为虽已构成{crime.cause}，但犯罪情节轻微，具有坦白、初犯等从轻情节，"
        f"{j.proc}依据《中华人民共和国刑事诉讼法》第一百七十七条第二款的规定作出的不起诉决定，认定事实清楚，适用法律正确，"
        f"处理适当。申诉人的申诉理由不能成立。"
    )
    out.append(
        f"根据《人民检察院刑事诉讼规则》第三百八十五条的规定，本院决定：维持{j.proc}{old_no}不起诉决定。"
    )
    out.append(f"申诉人如不服本决定，可以向{b.k(j.court)}提起自诉。")
    out.append(sign(b, rng, c, c.decided + timedelta(days=rng.randint(70, 120)), title="检察官"))
    return "", "\n".join(out), c


def ap_convict(rng, b, plan, idx):
    crime = rng.choice(LIGHT_CRIMES)
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    months, prob = rng.choice(
        ((12, 12), (18, 24), (36, 0), (24, 36), (30, 0), (4, 0), (8, 0), (36, 48), (10, 12))
    )
    if months == 36:
        b.tags.add("three_years_exact")
    if prob >= 36:
        b.tags.add("probation_trap")
    setup_names(rng, b, c, plan, d)
    j = c.j
    out = _ap_head(rng, b, c, d, "系原审被告人。")
    case_no = b.k(f"（{c.decided.year}）{j.court_code}刑初{rng.randint(10, 999)}号")
    out.append(
        f"申诉人{b.name(d)}因{b.k(crime.cause)}一案，不服{b.k(j.court)}{case_no}刑事判决，向本院提出申诉。"
        f"本院依法受理并进行了审查，现已审查终结。"
    )
    out.append(
        f"{j.court}于{ymd(c.decided + timedelta(days=40))}作出判决，认定原审被告人{b.name(d)}犯{crime.cause}，"
        f"判处{sentence_words(months, probation=prob)}。宣判后，{b.name(d, bare=True)}未上诉，检察机关未抗诉，判决已发生法律效力。"
    )
    out.append("原判决认定：")
    out.extend(facts(b, rng, c, "原审被告人"))
    out.append(
        f"申诉人{b.name(d)}的申诉理由：其系初犯，案发后积极赔偿，原判量刑过重，请求检察机关提出抗诉。"
    )
    out.append(
        f"本院复查查明的事实与原判决认定的事实一致，有{('证人' + b.name(c.witnesses[0]) + '的证言、') if c.witnesses else ''}"
        f"书证、鉴定意见等证据证实。"
    )
    out.append(
        f"本院认为，原判决认定事实清楚，证据确实、充分，适用法律正确，量刑在法定幅度之内，并无不当。"
        f"申诉人{b.name(d)}的申诉理由不能成立。根据《人民检察院刑事诉讼规则》第五百九十三条的规定，本院决定：不予抗诉。"
    )
    out.append(sign(b, rng, c, c.decided + timedelta(days=rng.randint(150, 300)), title="检察官"))
    return "", "\n".join(out), c


def ap_np_self(rng, b, plan, idx):
    crime = CRIME_BY_KEY[rng.choice(("injury", "fence", "theft", "helpnet"))]
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    setup_names(rng, b, c, plan, d)
    j = c.j
    old_no = b.k(docno(rng, j.abbr, "刑不诉", c.decided.year))
    out = _ap_head(rng, b, c, d, "系原案被不起诉人。")
    out.append(
        f"申诉人{b.name(d)}不服{b.k(j.proc)}{old_no}不起诉决定，向本院提出申诉。本院依法进行了复查，现已复查终结。"
    )
    out.append("原不起诉决定认定：")
    out.extend(facts(b, rng, c, "被不起诉人"))
    out.append(
        f"{j.proc}认为，被不起诉人{b.name(d)}的行为构成{b.k(crime.cause)}，但犯罪情节轻微，决定对其不起诉。"
    )
    uphold = rng.random() < 0.5
    out.append(
        f"申诉人{b.name(d)}的申诉理由：其主观上不明知他人实施犯罪，其行为不构成犯罪，请求撤销原不起诉决定，"
        f"另作法定不起诉处理。"
    )
    w = c.witnesses[0]
    if uphold:
        out.append(
            f"本院复查认为，证人{b.name(w)}的证言、微信聊天记录等证据能够明确证实申诉人的主观明知，原不起诉决定认定事实清楚，"
            f"适用法律正确。本院决定：维持{j.proc}{old_no}不起诉决定。"
        )
    else:
        out.append(
            f"本院复查认为，现有证据不足以证实申诉人{b.name(d)}主观上明知，证人{b.name(w)}的证言系传来证据，"
            f"且无其他证据印证。原不起诉决定认定申诉人构成犯罪的证据不足。根据《人民检察院刑事诉讼规则》"
            f"第三百八十六条的规定，本院决定：撤销{j.proc}{old_no}不起诉决定，由{j.proc}依照《中华人民共和国刑事诉讼法》"
            f"第一百七十五条第四款的规定对申诉人{b.name(d)}重新作出不起诉决定。"
        )
    out.append(sign(b, rng, c, c.decided + timedelta(days=rng.randint(60, 200)), title="检察官"))
    return "", "\n".join(out), c


def ap_victim_judgment(rng, b, plan, idx):
    crime = CRIME_BY_KEY[rng.choice(("injury", "robbery", "traffic", "fraud"))]
    c = build_case(rng, plan, crime)
    d, v = c.defs[0], c.victims[0]
    months = rng.choice((18, 24, 36, 42, 48, 60, 30))
    if months > 36:
        d.protected = False
        d.keep = True
        b.tags.add("published_defendant")
    setup_names(rng, b, c, plan, v)
    j = c.j
    out = _ap_head(rng, b, c, v, "系原审被害人。")
    case_no = b.k(f"（{c.decided.year}）{j.court_code}刑初{rng.randint(10, 999)}号")
    out.append(
        f"申诉人{b.name(v)}不服{b.k(j.court)}{case_no}刑事判决，请求本院提出抗诉。本院依法进行了审查，现已审查终结。"
    )
    out.append(f"{j.court}判决认定：")
    out.extend(facts(b, rng, c, "原审被告人"))
    out.append(f"{j.court}以{b.k(crime.cause)}判处原审被告人{b.name(d)}{sentence_words(months)}。")
    out.append(
        f"申诉人{b.name(v)}的申诉理由：原审被告人{b.name(d)}至今未赔偿其经济损失，原判量刑畸轻。"
    )
    out.append(
        f"本院认为，原判决认定事实和适用法律并无不当，原审被告人{b.name(d)}具有{rng.choice(('自首', '坦白', '当庭认罪'))}情节，"
        f"原判量刑在法定刑幅度以内。关于民事赔偿问题，申诉人可以依法另行主张。申诉人的申诉理由不能成立，本院决定：不予抗诉。"
    )
    out.append(sign(b, rng, c, c.decided + timedelta(days=rng.randint(150, 300)), title="检察官"))
    return "", "\n".join(out), c


def ap_minor(rng, b, plan, idx):
    implicit = rng.random() < 0.5
    crime = CRIME_BY_KEY[
        rng.choice(("abuse", "childhurt"))
        if implicit
        else rng.choice(("molest", "childhurt", "abuse"))
    ]
    c = build_case(rng, plan, crime)
    c.implicit_minor = implicit
    d, v = c.defs[0], c.victims[0]
    setup_names(rng, b, c, plan, v)
    j = c.j
    mom = c.relatives[0][1]
    old_no = b.k(docno(rng, j.abbr, "刑不诉", c.decided.year))
    out = _ap_head(rng, b, c, mom, f"系被害人{b.name(v)}之母。")
    out.append(
        f"申诉人{b.name(mom)}不服{b.k(j.proc)}{old_no}不起诉决定，向本院提出申诉。本院依法进行了复查，现已复查终结。"
    )
    out.append(
        f"原案基本情况：{j.proc}以犯罪事实不清、证据不足，对被不起诉人{b.name(d)}涉嫌{b.k(crime.cause)}一案决定不起诉。原案移送审查起诉认定："
    )
    out.extend(facts(b, rng, c, "被不起诉人"))
    out.append(
        f"本院复查查明，{b.name(v, bare=True)}在询问中的陈述细节清楚、前后一致，与其外婆{b.name(c.relatives[2][1])}的证言、"
        f"{b.p(c.school, 'school')}班主任的证言及伤情照片相互印证，足以认定被不起诉人{b.name(d)}实施了上述行为。"
    )
    out.append(
        f"本院认为，原不起诉决定认定事实错误，处理不当。根据《人民检察院刑事诉讼规则》第三百八十六条的规定，本院决定："
        f"撤销{j.proc}{old_no}不起诉决定，由{j.proc}依法对被不起诉人{b.name(d)}提起公诉。"
    )
    out.append(sign(b, rng, c, c.decided + timedelta(days=rng.randint(60, 200)), title="检察官"))
    return "", "\n".join(out), c


# =============================================================================================
# 抗诉书
# =============================================================================================


def _pr_sign(rng, b, c, d):
    return f"此致\n{b.k(c.j.upper_court)}\n\n{c.j.proc}\n{b.k(ymd(d))}\n（院印）"


def pr_light(rng, b, plan, idx):
    crime = rng.choice(ADULT_CRIMES)
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    months, prob = rng.choice(
        ((12, 0), (18, 24), (24, 36), (36, 0), (42, 0), (48, 0), (8, 12), (30, 0))
    )
    if months > 36:
        d.protected = False
        d.keep = True
        b.tags.add("published_defendant")
    if prob >= 36:
        b.tags.add("probation_trap")
    if months == 36:
        b.tags.add("three_years_exact")
    pr_kind = rng.choice(("recidivist", "none", "none"))
    if pr_kind == "recidivist":
        add_prior(rng, c, d, "recidivist")
        d.protected, d.keep = False, True
        b.tags.add("recidivist")
        b.tags.add("prior_sentence")
    setup_names(rng, b, c, plan, d)
    j = c.j
    no = b.k(docno(rng, j.abbr, "刑抗", c.decided.year))
    case_no = b.k(f"（{c.decided.year}）{j.court_code}刑初{rng.randint(10, 999)}号")
    out = [
        f"{b.k(j.proc)}\n刑事抗诉书\n{no}\n",
        f"{b.k(j.court)}以{case_no}刑事判决书对被告人{b.name(d)}{b.k(crime.cause)}一案判决：被告人{b.name(d)}犯{crime.cause}，"
        f"判处{sentence_words(months, probation=prob)}，并处罚金{b.k(money(rng.choice((3000, 5000, 10000, 20000))))}。"
        f"本院依法审查后认为，该判决量刑确有错误，理由如下：",
        "一、原判认定的事实：",
        *facts(b, rng, c, "被告人"),
    ]
    if pr_kind == "recidivist":
        out.append(
            f"二、原判遗漏认定累犯情节。被告人{b.name(d)}{prior_words(b, c, d)}其在刑罚执行完毕后五年以内再犯应当判处"
            f"有期徒刑以上刑罚之罪，系累犯，依法应当从重处罚，且不得适用缓刑。原判未认定累犯，属适用法律错误。"
        )
    else:
        out.append(
            f"二、原判量刑畸轻。被告人{b.name(d)}作案{rng.choice(('多次', '手段恶劣', '后果严重'))}，"
            f"且案发后拒不退赃，未取得被害人谅解，不具有法定从轻、减轻处罚情节，原判对其适用"
            f"{'缓刑' if prob else '较轻刑罚'}，明显不当。"
        )
    out.append(
        "综上所述，为维护司法公正，准确惩治犯罪，依照《中华人民共和国刑事诉讼法》第二百二十八条的规定，特提出抗诉，请依法判处。"
    )
    out.append(_pr_sign(rng, b, c, c.decided + timedelta(days=50)))
    where = ("羁押于" + j.jail) if rng.random() < 0.5 else ("住" + b.p(d.address, "address"))
    out.append(f"附：\n1.被告人{b.name(d)}现{where}。\n2.新的证人名单：{b.name(c.witnesses[0])}。")
    return "", "\n".join(out), c


def pr_codef(rng, b, plan, idx):
    crime = CRIME_BY_KEY[rng.choice(("robbery", "theft", "affray", "robbery"))]
    c = build_case(rng, plan, crime, n_defs=2)
    d0, d1 = c.defs
    m0 = rng.choice((42, 48, 60, 66, 120))
    m1 = rng.choice((10, 18, 24, 36, 30))
    d0.protected, d0.keep = False, True
    b.tags.add("co_defendants_split")
    b.tags.add("published_defendant")
    if m1 == 36:
        b.tags.add("three_years_exact")
    setup_names(rng, b, c, plan, d1)
    j = c.j
    no = b.k(docno(rng, j.abbr, rng.choice(("刑抗", "二部刑抗")), c.decided.year))
    case_no = b.k(f"（{c.decided.year}）{j.court_code}刑初{rng.randint(10, 999)}号")
    if rng.random() < 0.5:
        verdict = (
            f"判处被告人{b.name(d0)}{sentence_words(m0)}，被告人{b.name(d1)}{sentence_words(m1)}"
        )
    else:
        verdict = (
            f"以{crime.cause}分别判处被告人{b.name(d0)}、{b.name(d1)}有期徒刑{term(m0)}、{term(m1)}"
        )
    out = [
        f"{b.k(j.proc)}\n刑事抗诉书\n{no}\n",
        f"{b.k(j.court)}以{case_no}刑事判决书对被告人{b.name(d0)}、{b.name(d1)}{b.k(crime.cause)}一案作出判决，"
        f"{verdict}。本院依法审查后认为，该判决对被告人{b.name(d1)}的量刑确有错误，理由如下：",
        "一、原判认定的事实",
        *facts(b, rng, c, "被告人"),
        f"二、原判认定被告人{b.name(d1)}系从犯，与事实不符。被告人{b.name(d1)}积极参与预谋，准备作案工具，"
        f"并实施了主要的犯罪行为，其作用与被告人{b.name(d0)}相当，应当认定为主犯。原判据此对其减轻处罚，属适用法律错误，"
        f"导致量刑畸轻。",
        "综上，依照《中华人民共和国刑事诉讼法》第二百二十八条的规定，特提出抗诉，请依法判处。",
        _pr_sign(rng, b, c, c.decided + timedelta(days=45)),
        f"附：\n1.被告人{b.name(d0)}、{b.name(d1)}现羁押于{j.jail}。\n2.证据目录一份。",
    ]
    return "", "\n".join(out), c


def pr_acquit(rng, b, plan, idx):
    crime = CRIME_BY_KEY[rng.choice(("fraud", "theft", "injury", "helpnet", "fence"))]
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    setup_names(rng, b, c, plan, d)
    j = c.j
    no = b.k(docno(rng, j.abbr, "刑抗", c.decided.year))
    case_no = b.k(f"（{c.decided.year}）{j.court_code}刑初{rng.randint(10, 999)}号")
    w = c.witnesses[0]
    out = [
        f"{b.k(j.proc)}\n刑事抗诉书\n{no}\n",
        f"{b.k(j.court)}以{case_no}刑事判决书对被告人{b.name(d)}{b.k(crime.cause)}一案判决：被告人{b.name(d)}无罪。"
        f"本院依法审查后认为，该判决认定事实错误，理由如下：",
        "一、本院起诉指控的事实：",
        *facts(b, rng, c, "被告人"),
        f"二、原判以“证据不足”为由宣告被告人{b.name(d)}无罪，系对证据的错误评判。证人{b.name(w)}的证言、"
        f"银行交易明细、微信聊天记录等证据相互印证，已形成完整的证据链，足以认定被告人{b.name(d)}实施了上述犯罪行为。"
        f"原判对上述证据不予采信，没有明确的理由。",
        "综上所述，依照《中华人民共和国刑事诉讼法》第二百二十八条的规定，特提出抗诉，请依法判处。",
        _pr_sign(rng, b, c, c.decided + timedelta(days=40)),
        f"附：\n1.被告人{b.name(d)}现住{b.p(d.address, 'address')}。\n2.检察员{b.official(c.prosecutor)}出庭支持抗诉。",
    ]
    return "", "\n".join(out), c


def pr_retrial(rng, b, plan, idx):
    crime = rng.choice(ADULT_CRIMES)
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    months, prob = rng.choice(((12, 24), (24, 36), (30, 48), (6, 12), (36, 60), (14, 24)))
    if prob >= 36 or months == 36:
        b.tags.add("probation_trap" if prob >= 36 else "three_years_exact")
    setup_names(rng, b, c, plan, d)
    j = c.j
    no = b.k(docno(rng, j.upper_abbr, "刑监抗", c.decided.year + 1))
    case_no = b.k(f"（{c.decided.year}）{j.court_code}刑初{rng.randint(10, 999)}号")
    out = [
        f"{b.k(j.upper_proc)}\n刑事抗诉书\n{no}\n",
        f"原审被告人{b.name(d)}{identity(b, rng, d, with_phone=False)}。",
        f"{b.k(j.court)}审理{j.proc}指控原审被告人{b.name(d)}犯{b.k(crime.cause)}一案，于{ymd(c.decided + timedelta(days=30))}"
        f"作出{case_no}刑事判决，以{crime.cause}判处原审被告人{b.name(d)}{sentence_words(months, probation=prob)}。"
        f"宣判后，原审被告人未上诉，检察机关未抗诉，判决已发生法律效力。",
        "本院经依法审查认为，该判决确有错误。理由如下：",
        "一、原判认定：",
        *facts(b, rng, c, "原审被告人"),
        f"二、原审被告人{b.name(d)}在缓刑考验期内又犯新罪，原判未予查明，对其适用缓刑属适用法律错误。"
        if prob
        else f"二、原判对原审被告人{b.name(d)}的犯罪数额认定有误，导致量刑畸轻。",
        f"综上所述，依照《中华人民共和国刑事诉讼法》第二百五十四条第三款的规定，对{j.court}{case_no}刑事判决提出抗诉，请依法再审改判。",
        f"此致\n{b.k(j.upper_court)}\n\n{b.k(ymd(c.decided + timedelta(days=400)))}\n（院印）",
    ]
    return "", "\n".join(out), c


def pr_minor(rng, b, plan, idx):
    implicit = rng.random() < 0.4
    crime = CRIME_BY_KEY[
        rng.choice(("abuse", "childhurt")) if implicit else rng.choice(("molest", "abuse"))
    ]
    c = build_case(rng, plan, crime)
    c.implicit_minor = implicit
    d = c.defs[0]
    months = rng.choice((18, 30, 42, 54, 66))
    if months > 36:
        b.tags.add("minor_long_sentence")
    setup_names(rng, b, c, plan, d)
    j = c.j
    no = b.k(docno(rng, j.abbr, "刑抗", c.decided.year))
    case_no = b.k(f"（{c.decided.year}）{j.court_code}刑初{rng.randint(10, 999)}号")
    out = [
        f"{b.k(j.proc)}\n刑事抗诉书\n{no}\n",
        f"{b.k(j.court)}以{case_no}刑事判决书对被告人{b.name(d)}{b.k(crime.cause)}一案判决：被告人{b.name(d)}犯{crime.cause}，"
        f"判处{sentence_words(months)}。本院依法审查后认为，该判决量刑畸轻，理由如下：",
        "一、原判认定的事实：",
        *facts(b, rng, c, "被告人"),
        f"二、被告人{b.name(d)}长期侵害共同生活的家庭成员，时间跨度长、次数多，严重影响被害人的身心健康，"
        f"属于情节恶劣，原判未予从重处罚，量刑明显不当。"
        if crime.key != "molest"
        else f"二、被告人{b.name(d)}利用教育、看护职责实施犯罪，多次猥亵，依法应当从重处罚，原判量刑明显不当。",
        "综上，依照《中华人民共和国刑事诉讼法》第二百二十八条的规定，特提出抗诉，请依法判处。",
        _pr_sign(rng, b, c, c.decided + timedelta(days=45)),
    ]
    return "", "\n".join(out), c


# =============================================================================================
# 重要案件信息
# =============================================================================================


def _title_name(b, plan, person) -> str:
    if "name_in_title" in plan and person.protected:
        b.tags.add("name_in_title")
        return b.name(person)
    return person.surname + "某" if len(person.name) < 4 and "·" not in person.name else "某"


def rl_prosecute(rng, b, plan, idx):
    crime = rng.choice(ADULT_CRIMES)
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    setup_names(rng, b, c, plan, d)
    j = c.j
    title = f"{b.k(j.short)}依法对{_title_name(b, plan, d)}涉嫌{b.k(crime.cause)}提起公诉"
    body = [
        f"近日，{b.k(j.proc)}依法对{b.k(j.police)}侦查终结的被告人{b.name(d)}涉嫌{crime.cause}一案向{b.k(j.court)}提起公诉。",
        "检察机关起诉指控：",
        *facts(b, rng, c, "被告人"),
        f"检察机关认为，被告人{b.name(d)}{crime.reason}，应当以{crime.cause}追究其刑事责任。",
        f"审查起诉阶段，{j.proc}依法告知了被告人{b.name(d)}享有的诉讼权利，讯问了被告人，听取了辩护人{b.official(c.lawyer)}的意见。"
        f"承办检察官{b.official(c.prosecutor)}表示，下一步将依法出庭支持公诉。",
        f"（{b.k(ymd(c.decided))}）",
    ]
    return title, "\n".join(body), c


def rl_arrest(rng, b, plan, idx):
    crime = CRIME_BY_KEY[rng.choice(("fraud", "robbery", "helpnet", "theft", "affray"))]
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    setup_names(rng, b, c, plan, d)
    j = c.j
    title = f"{b.k(j.proc)}依法批准逮捕{rng.choice(('犯罪嫌疑人', ''))}{_title_name(b, plan, d)}"
    body = [
        f"{ymd(c.arrested)}，经{b.k(j.proc)}依法审查，对{b.k(j.police)}提请批准逮捕的犯罪嫌疑人{b.name(d)}"
        f"以涉嫌{b.k(crime.cause)}批准逮捕。",
        "经依法审查查明：",
        *facts(b, rng, c, "犯罪嫌疑人"),
        f"该院检察官{b.official(c.prosecutor)}提前介入侦查，引导公安机关全面收集、固定证据，并就追赃挽损等方面提出了"
        f"{cn_num(rng.randint(3, 8))}条意见。案件正在进一步侦查中，{b.k(j.court)}此前已就关联案件作出判决。",
    ]
    return title, "\n".join(body), c


def rl_verdict(rng, b, plan, idx):
    crime = CRIME_BY_KEY[rng.choice(("robbery", "fraud", "theft", "affray", "injury"))]
    two = crime.key in ("robbery", "theft", "affray") and rng.random() < 0.7
    c = build_case(rng, plan, crime, n_defs=2 if two else 1)
    d0 = c.defs[0]
    m0 = rng.choice((48, 60, 42, 30, 24, 132))
    if m0 > 36:
        d0.protected, d0.keep = False, True
        b.tags.add("published_defendant")
    if two:
        m1 = rng.choice((10, 18, 24, 36))
        b.tags.add("co_defendants_split")
        if m1 == 36:
            b.tags.add("three_years_exact")
    setup_names(rng, b, c, plan, c.defs[1] if two else d0)
    j = c.j
    who = (
        _title_name(b, plan, c.defs[1] if two else d0)
        if "name_in_title" in plan
        else (d0.surname + "某")
    )
    title = f"{who}等人{crime.cause}案一审宣判" if two else f"{who}{crime.cause}案一审宣判"
    if two and "name_in_title" not in plan and d0.protected is False:
        title = f"一起{b.k(crime.cause)}案一审宣判"
    b.k(crime.cause)
    body = [
        f"{ymd(c.decided + timedelta(days=60))}，由{b.k(j.proc)}提起公诉的"
        + (f"被告人{b.name(d0)}、{b.name(c.defs[1])}" if two else f"被告人{b.name(d0)}")
        + f"{crime.cause}一案，经{b.k(j.court)}公开开庭审理，当庭宣判。",
        "法院经审理查明：",
        *facts(b, rng, c, "被告人"),
    ]
    if two:
        d1 = c.defs[1]
        if rng.random() < 0.5:
            body.append(
                f"法院以{crime.cause}判处被告人{b.name(d0)}{sentence_words(m0)}，被告人{b.name(d1)}{sentence_words(m1)}，"
                f"并处罚金。"
            )
        else:
            body.append(
                f"法院以{crime.cause}分别判处被告人{b.name(d0)}、{b.name(d1)}有期徒刑{term(m0)}、{term(m1)}，"
                f"并分别处罚金{b.k(money(10000))}、{money(5000)}。"
            )
    else:
        body.append(
            f"法院以{crime.cause}判处被告人{b.name(d0)}{sentence_words(m0)}，并处罚金{b.k(money(8000))}。"
        )
    body.append(
        f"出庭支持公诉的检察官{b.official(c.prosecutor)}表示，检察机关将持续依法严惩侵犯群众财产安全的犯罪，"
        f"切实维护人民群众合法权益。"
    )
    return title, "\n".join(body), c


def rl_nonpros(rng, b, plan, idx):
    crime = rng.choice([x for x in LIGHT_CRIMES if x.key not in ("helpnet",)])
    c = build_case(rng, plan, crime)
    d = c.defs[0]
    setup_names(rng, b, c, plan, d)
    j = c.j
    title = f"{b.k(j.short)}召开公开听证会 对{_title_name(b, plan, d)}涉嫌{b.k(crime.cause)}案作出不起诉决定"
    v = c.victims[0] if c.victims else None
    body = [
        f"为提升司法办案透明度，{ymd(c.decided - timedelta(days=5))}，{b.k(j.proc)}就犯罪嫌疑人{b.name(d)}涉嫌{crime.cause}"
        f"一案拟作不起诉处理召开公开听证会，邀请人民监督员、律师代表等担任听证员。",
        "经审查，",
        *facts(b, rng, c, "犯罪嫌疑人"),
        f"听证会上，承办检察官{b.official(c.prosecutor)}介绍了案件事实、证据及拟处理意见，"
        + (
            f"被害人{b.name(v)}表示已收到赔偿款{b.k(money(c.amount))}，对犯罪嫌疑人{b.name(d)}予以谅解。"
            if v
            else f"犯罪嫌疑人{b.name(d)}当场表示认罪悔罪。"
        )
        + "经评议，听证员一致同意检察机关的处理意见。",
        f"{ymd(c.decided)}，{j.proc}依法对{b.name(d)}作出相对不起诉决定，并向{b.k(j.court)}通报。",
    ]
    return title, "\n".join(body), c


def rl_minor(rng, b, plan, idx):
    implicit = rng.random() < 0.4
    crime = CRIME_BY_KEY[
        rng.choice(("abuse", "childhurt"))
        if implicit
        else rng.choice(("molest", "abuse", "childhurt"))
    ]
    c = build_case(rng, plan, crime)
    c.implicit_minor = implicit
    d = c.defs[0]
    setup_names(rng, b, c, plan, d)
    j = c.j
    v = c.victims[0]
    verdict = rng.random() < 0.5
    m = rng.choice((30, 42, 60))
    if verdict and m > 36:
        b.tags.add("minor_long_sentence")
    tname = _title_name(b, plan, d if rng.random() < 0.6 else v)
    title = (
        f"{b.k(j.short)}依法对{tname}涉嫌{b.k(crime.cause)}案提起公诉"
        if not verdict
        else f"{tname}{b.k(crime.cause)}案一审宣判"
    )
    body = [
        f"近日，{b.k(j.proc)}办理的被告人{b.name(d)}{crime.cause}一案"
        + (f"由{b.k(j.court)}作出一审判决。" if verdict else f"依法向{b.k(j.court)}提起公诉。"),
        "经审查查明：",
        *facts(b, rng, c, "被告人"),
    ]
    if verdict:
        body.append(f"法院以{crime.cause}判处被告人{b.name(d)}{sentence_words(m)}。")
    if not implicit:
        body.append(
            f"办案中，{j.proc}会同妇联、学校开展未成年人司法保护，向被害人{b.name(v)}的监护人发出督促监护令，"
            f"并协调心理咨询师为其提供心理疏导。"
        )
    else:
        body.append(
            f"办案中，检察官{b.official(c.prosecutor)}协调{b.p(c.school, 'school')}为被害人{b.name(v)}安排心理辅导，"
            f"并联系民政部门提供司法救助{b.k(money(rng.choice((5000, 8000, 10000))))}。"
        )
    b.official(c.prosecutor)
    body.append(f"（承办检察官：{c.prosecutor}）")
    return title, "\n".join(body), c


TEMPLATES = {
    "indictment": (ind_classic, ind_multi, ind_plea, ind_minor, ind_speedy),
    "non_prosecution": (np_relative, np_doubt, np_statutory, np_minor, np_health),
    "appeal_review": (ap_np_victim, ap_convict, ap_np_self, ap_victim_judgment, ap_minor),
    "protest": (pr_light, pr_codef, pr_acquit, pr_retrial, pr_minor),
    "release": (rl_prosecute, rl_arrest, rl_verdict, rl_nonpros, rl_minor),
}
KIND_OFFSET = {
    "indictment": 0,
    "non_prosecution": 3,
    "appeal_review": 6,
    "protest": 9,
    "release": 11,
}
PER_KIND = 70


def choose_plan(kind: str, idx: int) -> set[str]:
    rng = random.Random(f"plan-{kind}-{idx}")
    pool = [v for v in VARIATIONS if v != "name_in_title"]
    o = KIND_OFFSET[kind]
    plan = {pool[(idx + o) % len(pool)], pool[(idx * 5 + 3 + o) % len(pool)]}
    for v in pool:
        if rng.random() < 0.15:
            plan.add(v)
    if kind == "release" and (idx % 2 == 0 or rng.random() < 0.3):
        plan.add("name_in_title")
    return plan


def finalize_tags(b: Builder, c: Case, text_people: list[str]) -> set[str]:
    tags = {t for t in b.tags if t != "wordlike_candidate"}
    main = getattr(b, "extra_main", None)
    if main is not None and "wordlike_candidate" in main.tags and b.counts.get(main.name, 0) >= 5:
        tags.add("wordlike_surname")
    prot_names = [n for n in b.counts]  # protected names actually written
    minority = {m[0] for m in N.MINORITY_NAMES}
    foreign = {f[0] for f in N.FOREIGN_NAMES}
    if any(n in minority for n in prot_names):
        tags.add("minority_name")
    if any(n in foreign for n in prot_names):
        tags.add("foreign_name")
    if any(n[:2] in N.COMPOUND_SURNAMES for n in prot_names):
        tags.add("compound_surname")
    sur = [
        n[:2] if n[:2] in N.COMPOUND_SURNAMES else n[0]
        for n in prot_names
        if n not in minority and n not in foreign
    ]
    if len(sur) != len(set(sur)):
        tags.add("same_surname")
    if any(a != x and a in x for a in prot_names for x in text_people):
        tags.add("nested_name")
    if c.minor:
        tags.add("minor")
        if c.implicit_minor:
            tags.add("minor_implicit")
    return tags


def generate(kind: str, idx: int):
    from . import CorpusDocument

    fn = TEMPLATES[kind][idx % len(TEMPLATES[kind])]
    plan = choose_plan(kind, idx)
    for attempt in range(60):
        rng = random.Random(f"{kind}-{idx}-{attempt}")
        b = Builder(rng=rng, plan=set(plan))
        try:
            title, body, c = fn(rng, b, plan, idx)
        except Retry:
            continue
        text, skel = b.finish(body)
        title_text, title_skel = b.finish(title) if "ocr_noise" not in plan else _plain(title)
        ntext = normalized(title_text + "\n" + text)
        nskel = normalized(title_skel + "\n" + skel)
        if any(normalized(p) in nskel for p in b.protected):
            continue
        if any(normalized(p) not in ntext for p in b.protected):
            continue
        for w in SURNAME_WORDS:
            if w in nskel:
                b.k(w)
        if any(normalized(k) not in nskel for k in b.keep_terms):
            continue
        if len(b.keep_terms) < 5:
            continue
        if c.implicit_minor and any(w in ntext for w in MINOR_WORDS):
            continue
        bad_id = [p for p in b.ids if len(p) == 18 and not id_is_valid(p)]
        assert not bad_id, bad_id
        tags = finalize_tags(b, c, b.people)
        return CorpusDocument(
            ident=f"{kind}-{idx:03d}",
            kind=kind,
            title=title_text,
            text=text,
            must_not_appear=tuple(b.protected),
            must_keep=tuple(b.keep_terms),
            involves_minor=c.minor,
            variations=tuple(sorted(tags)),
            people=tuple(b.people),
        )
    raise AssertionError(f"could not generate {kind} {idx}")


def _plain(s: str) -> tuple[str, str]:
    import re

    from .builder import CLOSE, OPEN

    return s.replace(OPEN, "").replace(CLOSE, ""), re.sub(f"{OPEN}[^{CLOSE}]*{CLOSE}", "□", s)


def generate_all() -> list:
    docs = []
    for kind in TEMPLATES:
        for idx in range(PER_KIND):
            docs.append(generate(kind, idx))
    return docs
