"""刑事抗诉书 templates of the second corpus."""

from __future__ import annotations

from .builder import Doc, cn, cn_date, prison, term


def _no(d: Doc, year: int, kind: str = "刑初") -> str:
    return d.kw(f"（{year}）{d.city[0]}{d.rng.randint(100, 199)}{kind}{d.rng.randint(10, 900)}号")


def fraud_ring(d: Doc) -> tuple[str, str]:
    """二审抗诉 over a telephone fraud ring: the court took the team leader for an accessory."""
    pro, court, icourt = d.procuratorate(), d.court(), d.court("intermediate")
    cause = d.cause("诈骗罪")
    pros = d.official()
    sent = (
        d.choice((120, 132, 156, 60)),
        d.choice((36, 30)),
        d.choice((24, 18, 12)),
        d.choice((6, 5)),
    )
    boss = d.person(None, born=(1980, 1995))
    lead = d.person(born=(1985, 1999))
    op = d.person(born=(1990, 2002))
    helper = d.person(born=(1990, 2002))
    victims = [d.person(style=d.styled(main=i == 0)) for i in range(3)]
    if d.chance(0.3):
        pros, landlord = d.nested_pair()
    else:
        landlord = d.person()
    d.tag(
        "respectively_sentenced",
        "mixed_sentences",
        "suspended_sentence",
        "role_list",
        "uncommon_role",
    )
    lead_prior = op_prior = ""
    student = d.chance(0.35)
    if student:
        d.minor = True
    elif d.chance(0.4):
        lead_prior = (
            f"（{lead}曾因{d.kw('诈骗罪')}被判处有期徒刑二年，刑满释放后五年内再犯，系累犯）"
        )
        lead.protected = None
        d.tag("recidivist")
    if d.chance(0.5):
        op_prior = f"{op}虽曾于{d.year - 12}年因盗窃罪被判处拘役，但不构成累犯，"
        d.tag("prior_not_recidivist")
    if sent[1] == 36:
        d.tag("three_years_exactly")
    j = d.date()
    dec = d.later(j, 5, 9)
    d.kw(cn_date(j))
    d.kw(cn_date(dec))
    no = _no(d, j.year)
    v0_desc = ""
    if student:
        kid = victims[0]
        kid.birth = d.minor_birth(j, d.rng.randint(14, 16))
        v0_desc = f"（{cn_date(kid.birth)}出生，{d.school()}{d.klass(d.choice(('高一', '高二', '高三')))}学生）"
        d.tag("minor_by_birthdate")
    total = d.amount(1500000, 6000000, "wan")
    a1, a2, a3 = (d.amount(30000, 400000) for _ in range(3))
    prefix, street = d.home()
    body = f"""{pro}
刑事抗诉书
{d.docno("刑抗", dec.year)}

{court}以{no}刑事判决书对被告人{boss}、{lead}、{op}、{helper}诈骗一案判决：以{cause}分别判处被告人{boss}、{lead}、{op}、{helper}{prison(sent[0])}、{prison(sent[1])}、{prison(sent[2])}（缓刑{term(sent[2] + 12)}）、拘役{cn(sent[3])}个月。本院依法审查后认为，该判决认定被告人{lead}系从犯错误，导致量刑明显不当，理由如下：
一、原判认定事实错误。证据证明，{boss}在{d.city}租用房东{landlord}位于{prefix}{street}的住处作为窝点，组建诈骗团伙。{lead}{lead_prior}不仅拨打电话，还担任“组长”，负责招募人员、培训话术、分配“客户资源”并按业绩发放提成，对{op}、{helper}等人进行管理，在犯罪集团中起{d.kw("组织")}、指挥作用。
二、原判对{lead}参与的犯罪数额认定不全。{lead}加入后，该团伙以“投资虚拟货币”为名骗取被害人{victims[0]}{v0_desc}、{victims[1]}、{victims[2]}等人财物共计{total}，其中{victims[0]}被骗{a1}，{victims[1]}被骗{a2}，{victims[2]}被骗{a3}。{victims[0]}为筹款{d.kw("抵押")}了住房，{victims[0]}的证言与转账记录、聊天记录相互印证。
三、原判量刑明显不当。{lead}系主犯，应当按照其所参与的全部犯罪处罚，{op_prior}原判以从犯对其减轻处罚，判处{prison(sent[1])}，与其罪责{d.kw("明显")}不相适应，也与同案被告人之间量刑失衡。
综上所述，{court}的判决认定事实错误，量刑不当。为维护司法公正，依照《中华人民共和国刑事诉讼法》第二百二十八条的规定，特提出抗诉，请依法判处。

此致
{icourt}

{pro}
{cn_date(dec)}

附：1．被告人{boss}现羁押于{d.city}看守所，被告人{lead}现羁押于{d.city}看守所；2．新的证据目录一份。
"""
    return "", body


def probation(d: Doc) -> tuple[str, str]:
    """二审抗诉: hit-and-run driver who got a suspended sentence (or a short one)."""
    pro, court, icourt = d.procuratorate(), d.court(), d.court("intermediate")
    cause = d.cause("交通肇事罪")
    pros, cop = d.official(), d.official()
    months = d.choice((36, 36, 30, 24, 42, 45))
    susp = months <= 36
    a = d.person(None if not susp else True, born=(1965, 1998))
    v = d.person(style=d.styled(main=True))
    trucker, widow, passer = d.person(), d.person(sex="女"), d.person()
    d.tag("uncommon_role")
    if months == 36:
        d.tag("three_years_exactly")
    j = d.date()
    dec = d.later(j, 5, 9)
    d.kw(cn_date(dec))
    no = _no(d, j.year)
    verdict = f"{prison(months)}，缓刑{term(months + 12)}" if susp else prison(months)
    if susp:
        d.tag("suspended_sentence")
    when = d.date(j.year - 1)
    comp = d.amount(100000, 900000, "wan")
    body = f"""{pro}
刑事抗诉书
{d.docno("刑抗", dec.year)}

{court}以{no}刑事判决书对被告人{a}交通肇事一案判决：被告人{a}犯{cause}，判处{verdict}。本院依法审查后认为，该判决适用法律错误，量刑不当，理由如下：
一、{a}具有交通运输肇事后逃逸的情节。{cn_date(when)}凌晨，{a}驾驶重型货车行至{d.city}{d.district}环城路时，将步行横过道路的{v}撞倒，随即驾车{d.kw("离开")}现场。货车司机{trucker}跟随其后，记下车辆号牌后报警。{v}经抢救无效死亡。民警{cop}于次日将{a}查获。原判认定{a}“系初次驾驶该路段，未察觉发生事故”，与{trucker}、路人{passer}的证言以及车辆行驶记录仪数据{d.kw("明显")}矛盾。
二、原判{("适用缓刑" if susp else "量刑")}不当。{a}肇事后逃逸，依法应当在三年以上七年以下有期徒刑的幅度内量刑。{a}案发后{d.kw("常年")}拒不认罪，虽由其亲属与{v}的妻子{widow}达成赔偿协议，赔偿{comp}，但不足以抵消其逃逸情节，{("对其适用缓刑" if susp else "判处该刑罚")}不能体现罪责刑相适应原则。
综上所述，为维护司法公正，依照《中华人民共和国刑事诉讼法》第二百二十八条的规定，特提出抗诉，请依法判处。

此致
{icourt}

检察员　{pros}
{pro}
{cn_date(dec)}
"""
    return "", body


def child_victim(d: Doc) -> tuple[str, str]:
    """抗诉 over an indecency case against a child: every private name is protected."""
    d.minor = True
    pro, court, icourt = d.procuratorate(), d.court(), d.court("intermediate")
    pros = d.official()
    months = d.choice((60, 54, 66, 30))
    when = d.date()
    a = d.person(sex="男", born=(1970, 1992))
    by_birth = d.chance(0.7)
    mom, coach = d.person(sex="女", born=(1975, 1992)), d.person()
    vil = d.village()
    if by_birth:
        d.tag("minor_by_birthdate")
        cause = d.cause("强制猥亵罪")
        kid = d.minor_person(when, d.rng.randint(14, 16), sex="女")
        school, klass = d.school(), d.klass()
        who = f"{kid}（{cn_date(kid.birth)}出生，{school}{klass}学生）"
        closing = "为维护司法公正"
    else:
        cause = d.cause("猥亵儿童罪")
        kid = d.minor_person(when, d.rng.randint(8, 13))
        school, klass = (
            d.school("小学"),
            d.klass(d.choice(("三年级", "四年级", "五年级", "六年级"))),
        )
        who = f"被害人{kid}（女童，案发时{cn(d.age_at(kid, when))}周岁，就读于{school}{klass}）"
        closing = "为依法惩治侵害未成年人犯罪"
    j = d.later(when, 120, 250)
    dec = d.later(j, 5, 9)
    d.kw(cn_date(dec))
    no = _no(d, j.year)
    word = "他人" if by_birth else "儿童"
    body = f"""{pro}
刑事抗诉书
{d.docno("刑抗", dec.year)}

{court}以{no}刑事判决书对被告人{a}猥亵一案判决：被告人{a}犯{cause}，判处{prison(months)}。本院依法审查后认为，该判决认定事实有误，量刑明显不当，理由如下：
一、{a}系{vil}一家课外培训机构的负责人，利用辅导功课的机会，{d.kw("多次")}在培训教室内对{who}实施猥亵。同机构的舞蹈老师{coach}证实曾见{a}单独将{kid}留在教室。{kid}的母亲{mom}发现异常后报警。原判仅认定一次猥亵行为，遗漏了{kid}陈述中{d.kw("时间")}、地点明确且有监控视频印证的其余两次。
二、{a}利用{("辅导老师" if by_birth else "教育、看护")}身份{d.kw("多次")}猥亵{word}，属于情节恶劣，应当依法从重处罚。原判未认定该情节，判处{prison(months)}，量刑畸轻。
综上所述，{closing}，依照《中华人民共和国刑事诉讼法》第二百二十八条的规定，特提出抗诉，请依法判处。

此致
{icourt}

检察员　{pros}
{cn_date(dec)}
"""
    return "", body


def retrial(d: Doc) -> tuple[str, str]:
    """审判监督程序抗诉: a burglar the court did not treat as a recidivist, and an accomplice."""
    pro, court, icourt, police = (
        d.procuratorate("city"),
        d.court(),
        d.court("intermediate"),
        d.police(),
    )
    cause = d.cause("盗窃罪")
    cops = (d.official(), d.official())
    a = d.person(None, sex="男", born=(1975, 1995))
    b = d.person(born=(1975, 1995))
    shops = [d.person(style=d.styled(main=i == 0)) for i in range(3)]
    d.tag("recidivist", "prior_not_recidivist", "mixed_sentences", "role_list", "uncommon_role")
    j = d.date(d.year - 1)
    dec = d.later(j, 200, 300)
    d.kw(cn_date(dec))
    d.kw(cn_date(j))
    no = _no(d, j.year)
    ma, mb = d.choice((10, 14, 18)), d.choice((8, 6, 12))
    goods = d.amount(9000, 60000, "yuan_comma")
    p_year = j.year - d.rng.randint(2, 4)
    body = f"""{pro}
刑事抗诉书
{d.docno("刑监抗", dec.year)}

原审被告人{a}，{d.intro(a, job="无业")}。{a}曾因{cause}于{p_year - 2}年被{court}判处有期徒刑二年，{p_year}年刑满释放，系累犯。
原审被告人{b}，{d.intro(b)}。{b}曾因盗窃于{j.year - 11}年被判处有期徒刑六个月，{j.year - 10}年刑满释放。
{court}审理{police}侦查、{d.procuratorate()}提起公诉的原审被告人{a}、{b}盗窃一案，于{cn_date(j)}作出{no}刑事判决，判处{a}有期徒刑{term(ma)}，判处{b}有期徒刑{term(mb)}。判决已发生法律效力。
经本院审查认定：{j.year - 2}年{d.rng.randint(1, 12)}月至{j.year - 1}年{d.rng.randint(1, 9)}月，{a}、{b}在{d.city}{d.district}多次夜间撬开沿街商铺卷帘门，窃得便利店店主{shops[0]}、五金店店主{shops[1]}、奶茶店店主{shops[2]}等人的现金和香烟，价值共计{goods}。民警{cops[0]}、{cops[1]}通过{d.kw("安装")}在路口的监控{d.kw("发现")}线索，将二人抓获。{shops[0]}{d.kw("于是")}向警方提供了店内监控录像。
本院认为，原判决未认定{a}系累犯，属于适用法律错误，导致量刑不当。{a}在刑罚执行完毕后五年以内再犯应当判处有期徒刑以上刑罚之罪，依照《中华人民共和国刑法》第六十五条第一款的规定，系累犯，应当从重处罚，且不得适用缓刑。依照《中华人民共和国刑事诉讼法》第二百五十四条第三款的规定，对{court}{no}刑事判决提出抗诉，请依法再审改判。

此致
{icourt}

{pro}
{cn_date(dec)}
"""
    return "", body


TEMPLATES = (fraud_ring, probation, child_victim, retrial)
