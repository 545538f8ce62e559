"""起诉书 templates of the second corpus."""

from __future__ import annotations

from .builder import Doc, cn, cn_date, term

COMPANIES = ("城市建设投资", "水务", "交通投资", "国有资产经营", "粮食储备", "文旅发展", "公共交通")
PROJECTS = (
    "滨河公园改造工程",
    "污水管网扩建工程",
    "老旧小区提升工程",
    "体育中心二期工程",
    "综合管廊工程",
)


def bribery(d: Doc) -> tuple[str, str]:
    """职务犯罪: a deputy manager takes bribes, the finance manager embezzles."""
    pro, court, police = d.procuratorate(), d.court(), d.police()
    cause_a, cause_b = d.cause("受贿罪"), d.cause("贪污罪")
    co = f"{d.city}{d.choice(COMPANIES)}集团有限公司"
    project = d.choice(PROJECTS)
    if d.chance(0.4):
        pros, w3 = d.nested_pair()
    else:
        pros, w3 = d.official(), d.person()
    a = d.person(sex="男", born=(1962, 1980))
    b = d.person(born=(1970, 1988))
    w1 = d.person(style=d.styled(main=True))
    w2 = d.person(sex="女")
    wife = d.person(sex="女")
    cousin = d.person()
    y1 = d.year - d.rng.randint(3, 6)
    y2 = y1 + d.rng.randint(1, 3)
    d1 = d.date(d.year - 1)
    d2 = d.later(d1, 20, 60)
    d3 = d.later(d2, 3, 20)
    d4 = d.later(d3, 30, 90)
    d5 = d.later(d4, 10, 40)
    dec = d.later(d5, 20, 60)
    d.kw(cn_date(dec))
    total = d.amount(600000, 3800000, "wan")
    amt1 = d.amount(50000, 200000)
    amt2 = d.amount(200000, 900000)
    amt3 = d.amount(40000, 600000)
    prop_a = d.rng.randint(40, 120)
    prop_b = d.rng.randint(8, 36)
    d.tag("sentencing_proposal", "suspended_sentence")
    health = ""
    if d.chance(0.5):
        health = f"因被告人{b}患有{d.disease()}，"
    witnesses = f"证人{w1}、{w2}和{w3}的证言"
    d.tag("role_list")
    d.tag("uncommon_role")
    body = f"""{pro}
起　诉　书
{d.docno("刑诉", dec.year)}

被告人{a}，{d.intro(a, job=f"原系{co}副总经理，中共党员")}。因涉嫌{cause_a}，于{cn_date(d1)}被{d.city}监察委员会留置，{cn_date(d2)}经本院决定，由{police}执行逮捕。
被告人{b}，{d.intro(b, job=f"原系{co}财务部经理")}。因涉嫌{cause_b}，于{cn_date(d1)}被{d.city}监察委员会留置，{health}{cn_date(d3)}经本院决定取保候审。
本案由{d.city}监察委员会调查终结，以被告人{a}涉嫌{cause_a}、被告人{b}涉嫌{cause_b}，于{cn_date(d4)}移送本院审查起诉。本院受理后，已依法告知二被告人有权委托辩护人，讯问了被告人，听取了辩护人的意见，审查了{d.kw("全部案件材料")}。其间退回补充调查一次，于{cn_date(d5)}重新移送。
经依法审查查明：
一、被告人{a}受贿的事实
{y1}年至{y2}年间，被告人{a}利用担任{co}副总经理、分管工程建设的职务便利，在工程承揽、工程款拨付等事项上为他人谋取利益，先后多次非法收受他人财物，折合共计{total}。其中：
1．{y1}年春，项目经理{w1}为承接{co}{project}，请托被告人{a}关照。{a}在开标前{d.kw("向其")}透露了招标控制价，{w1}所在的公司以{d.kw("明显")}接近控制价的报价中标。同年中秋节前，{w1}在{a}的办公室送给其现金{amt1}。
2．{y2}年，为加快{project}工程款的拨付，{w1}安排公司会计{w2}从账户{d.account()}分三次转款{amt2}至{a}的妻子{wife}名下尾号不同的银行卡{d.card()}。{a}知情后予以认可，{wife}随后将该款用于购买理财产品。
3．其余款物系{w1}及其他请托人在节假日期间送给{a}的购物卡和现金。{w1}在案发后主动向监察机关说明了全部情况。
二、被告人{b}贪污的事实
{y1}年{d.rng.randint(1, 12)}月至{y2}年{d.rng.randint(1, 12)}月，被告人{b}利用担任{co}财务部经理、负责资金支付审核的职务便利，以虚列劳务费、重复报销差旅费的{d.kw("方法")}，将公司资金{amt3}转入其表弟{cousin}名下的银行卡{d.card()}，由其本人实际控制使用。{cousin}对资金来源并不知情。案发后，{b}已退缴全部赃款。
认定上述事实的证据如下：1．书证：任职{d.kw("文件")}、招投标资料、记账凭证、银行交易明细；2．{witnesses}，{cousin}、{wife}的证言；3．被告人{a}、{b}的供述和辩解；4．司法会计鉴定意见；5．电子数据。
本院认为，被告人{a}身为国家工作人员，利用职务上的便利，非法收受他人财物，为他人谋取利益，数额巨大；被告人{b}身为国家工作人员，利用职务上的便利，侵吞公共财物，数额较大。其行为分别触犯了《中华人民共和国刑法》第三百八十五条第一款、第三百八十二条第一款，犯罪事实清楚，证据确实、充分，应当分别以{cause_a}、{cause_b}追究其刑事责任。二被告人到案后如实供述自己的罪行，自愿认罪认罚，可以依法从宽处理。本院建议判处被告人{a}有期徒刑{term(prop_a)}，并处罚金人民币{cn(d.rng.randint(2, 9))}十万元；判处被告人{b}有期徒刑{term(prop_b)}，缓刑{term(prop_b + 12)}，并处罚金人民币{cn(d.rng.randint(1, 9))}万元。根据《中华人民共和国刑事诉讼法》第一百七十六条的规定，提起公诉，请依法判处。

此致
{court}

检察员　{pros}
{cn_date(dec)}

附：1．被告人{a}现羁押于{d.city}看守所，被告人{b}现取保候审；2．案卷材料和证据{cn(d.rng.randint(6, 30))}册。
"""
    return "", body


def card_ring(d: Doc) -> tuple[str, str]:
    """帮助信息网络犯罪活动 / 诈骗: a card-collecting ring, victims in a list, maybe a minor."""
    pro, court, police = d.procuratorate(), d.court(), d.police()
    cause = d.cause(d.choice(("帮助信息网络犯罪活动罪", "诈骗罪")))
    pros = d.official()
    lawyer = d.official()
    d1 = d.date()
    d2 = d.later(d1, 30, 90)
    d3 = d.later(d2, 5, 30)
    d4 = d.later(d3, 20, 60)
    dec = d.later(d4, 10, 40)
    d.kw(cn_date(dec))
    a = d.person(sex="男", born=(1985, 1999))
    b = d.person(born=(1990, 2002))
    minor = d.chance(0.6)
    if minor:
        d.minor = True
        c = d.minor_person(d1, d.rng.randint(15, 17), sex="男")
        school, klass = (
            d.school(d.choice(("中学", "职业中专", "技工学校"))),
            d.klass(d.choice(("高一", "高二", "一年级", "二年级"))),
        )
        c_intro = f"{c.sex}，{cn_date(c.birth)}出生，{c.ethnic}，系{school}{klass}学生，住{d.city}{d.district}{d.village()}"
        d.tag("minor_by_birthdate")
    else:
        c = d.person(born=(1988, 2001))
        c_intro = d.intro(c, job="无业")
    prior = ""
    if not minor and d.chance(0.7):
        py = d1.year - d.rng.randint(2, 4)
        prior = f"{a}曾因{d.kw('诈骗罪')}于{py - 3}年被判处有期徒刑{cn(d.rng.randint(3, 5))}年，{py}年刑满释放，系累犯。"
        a.protected = None
        d.tag("recidivist")
    elif d.chance(0.5):
        prior = f"{a}曾因赌博罪于{d1.year - 9}年被判处拘役四个月，缓刑六个月。"
        d.tag("prior_not_recidivist")
    v = [d.person(style=d.styled(main=i == 0)) for i in range(4)]
    role = d.choice(("网店店主", "外卖骑手", "快递员", "主播"))
    d.tag("role_list", "uncommon_role", "sentencing_proposal", "suspended_sentence")
    amt = [d.amount(8000, 190000) for _ in range(3)]
    total = d.amount(300000, 900000, "wan")
    tel = d.mobile()
    body = f"""{pro}
起诉书
{d.docno("刑诉", dec.year)}

被告人{a}，{d.intro(a, job="无业")}。{prior}因涉嫌{cause}，于{cn_date(d1)}被{police}刑事拘留，{cn_date(d2)}经本院批准逮捕，次日由{police}执行逮捕。
被告人{b}，{d.intro(b, job="个体经营者")}。因涉嫌{cause}，于{cn_date(d1)}被{police}刑事拘留，{cn_date(d2)}被取保候审。
被告人{c}，{c_intro}。因涉嫌{cause}，于{cn_date(d2)}被{police}取保候审。
本案由{police}侦查终结，以被告人{a}、{b}、{c}涉嫌{cause}，于{cn_date(d3)}向本院移送审查起诉。本院受理后，于{cn_date(d.later(d3, 1, 3))}已告知被告人有权委托辩护人，依法讯问了被告人，听取了被告人{a}的辩护人{lawyer}律师的意见，审查了全部案件材料。
经依法审查查明：
{d1.year}年{d1.month}月起，被告人{a}在明知他人利用信息网络实施诈骗犯罪的情况下，通过聊天软件结识上线，以每张一千元至三千元的价格收购他人银行卡。被告人{b}负责在{d.city}招揽办卡人员，被告人{c}负责将收购的银行卡、手机卡送至指定地点，并{d.kw("安装")}“跑分”软件供上线{d.kw("使用")}。{a}使用手机号码{tel}与上线联系，并以电子邮箱{d.email()}接收转账指令。
经查，{b}收购的其本人及他人名下银行卡{d.card()}、{d.card()}被用于接收电信网络诈骗资金。其中，{role}{v[0]}被冒充客服的人员以“店铺保证金”为由骗走{amt[0]}；被害人{v[1]}、{v[2]}和{v[3]}分别被以刷单返利、注销校园贷为由骗走{amt[1]}、{amt[2]}等。上述银行卡共计支付结算{total}。案发后，{v[0]}向公安机关报案，称其在{d.kw("时间")}紧迫的情况下按对方要求操作转账。
被告人{a}从中获利二万余元，被告人{b}获利八千余元，被告人{c}获利二千余元。被告人{c}到案后，{d.kw("全面")}如实供述了犯罪事实。
认定上述事实的证据如下：书证、银行交易流水、被害人{v[0]}、{v[1]}、{v[2]}、{v[3]}的陈述、证人证言、被告人的供述和辩解、电子数据等。
本院认为，被告人{a}、{b}、{c}明知他人利用信息网络实施犯罪，为其犯罪提供支付结算帮助，情节严重，其行为触犯了《中华人民共和国刑法》第二百八十七条之二第一款，犯罪事实清楚，证据确实、充分，应当以{cause}追究其刑事责任。被告人{c}在共同犯罪中起次要作用，系从犯，应当从轻、减轻处罚。本院建议判处被告人{a}有期徒刑{term(d.rng.randint(24, 40))}，判处被告人{b}有期徒刑{term(d.rng.randint(10, 20))}，判处被告人{c}有期徒刑{term(d.rng.randint(6, 9))}，缓刑一年，均并处罚金。根据《中华人民共和国刑事诉讼法》第一百七十六条的规定，提起公诉，请依法判处。

此致
{court}

检察员　{pros}
{cn_date(dec)}
"""
    return "", body


def assault(d: Doc) -> tuple[str, str]:
    """故意伤害: a passenger injures a ride-hailing driver; witnesses under unusual nouns."""
    pro, court, police = d.procuratorate(), d.court(), d.police()
    cause = d.cause("故意伤害罪")
    pros = d.official()
    cops = (d.official(), d.official())
    when = d.date()
    a = d.person(sex="男", born=(1970, 1998))
    v = d.person(style=d.styled(main=True), sex="男")
    if d.chance(0.4):
        cop0, rider = d.nested_pair()
    else:
        cop0, rider = d.official(), d.person()
    cops = (cop0, cops[1])
    shop, expert, wife = d.person(), d.person(), d.person(sex="女")
    d.tag("uncommon_role")
    prior = ""
    if d.chance(0.45):
        prior = f"{a}曾因{d.kw('寻衅滋事罪')}于{when.year - 4}年被{court}判处有期徒刑一年十个月，{when.year - 2}年刑满释放，系累犯。"
        a.protected = None
        d.tag("recidivist")
    elif d.chance(0.6):
        prior = f"{a}曾因盗窃罪于{when.year - 12}年被判处有期徒刑二年，{when.year - 10}年刑满释放。"
        d.tag("prior_not_recidivist")
    health = f"，且其本人患有{d.disease()}" if d.chance(0.5) else ""
    bare = d.choice(("当晚", "事后", "次日"))
    prop = d.rng.randint(8, 30)
    d.tag("sentencing_proposal")
    d1 = d.later(when, 1, 3)
    dec = d.later(when, 90, 200)
    d.kw(cn_date(dec))
    fee = d.amount(3000, 60000)
    body = f"""{pro}
起诉书
{d.docno("刑诉", dec.year)}

被告人{a}，{d.intro(a)}。{prior}因涉嫌{cause}，于{cn_date(d1)}被{police}刑事拘留，同年{d.later(d1, 20, 30).month}月经本院批准，由{police}执行逮捕。
本案由{police}侦查终结，以被告人{a}涉嫌{cause}，于{cn_date(d.later(d1, 60, 80))}向本院移送审查起诉。本院受理后，依法告知了被告人的诉讼权利，讯问了被告人，听取了被害人的意见，审查了全部案件材料。
经依法审查查明：
{cn_date(when)}二十二时许，被告人{a}酒后通过手机软件叫车，网约车司机{v}驾车前往{d.city}{d.district}接载。途中，{a}因行车路线问题与{v}发生争执，要求停车。车辆停靠路边后，{a}{d.kw("向其")}头面部连续击打，{v}下车躲避，{a}追打并将其推倒在路边花坛。外卖骑手{rider}见状上前劝阻，便利店店主{shop}随即报警。
{bare}，{v}被送往医院治疗。经{d.city}公安司法鉴定中心法医{expert}鉴定，{v}的损伤程度为轻伤一级{health}。民警{cops[0]}、{cops[1]}接警后赶到现场，将{a}抓获。案发后，{v}的妻子{wife}代为支付医疗费{fee}，{a}至今未赔偿{d.kw("被害人")}的经济损失。
认定上述事实的证据如下：1．受案登记表、到案经过；2．证人{rider}、{shop}的证言；3．被害人{v}的陈述；4．被告人{a}的供述和辩解；5．鉴定意见；6．现场监控视频、{d.kw("行车记录仪")}视频。
本院认为，被告人{a}故意伤害他人身体，致一人轻伤，其行为触犯了《中华人民共和国刑法》第二百三十四条第一款，犯罪事实清楚，证据确实、充分，应当以{cause}追究其刑事责任。建议判处被告人{a}有期徒刑{term(prop)}。根据《中华人民共和国刑事诉讼法》第一百七十六条的规定，提起公诉，请依法判处。

此致
{court}

检察员　{pros}
{cn_date(dec)}
"""
    return "", body


def foreign_drugs(d: Doc) -> tuple[str, str]:
    """贩卖毒品: a foreign national and a co-defendant; an interpreter; the buyers."""
    pro, court, police = d.procuratorate("city"), d.court("intermediate"), d.police()
    cause = d.cause("贩卖毒品罪")
    pros = d.official()
    inv = (d.official(), d.official())
    a = d.person(style="foreign", born=(1975, 1996))
    b = d.person(style=d.choice(("minority", "compound", "han3")), born=(1975, 1998))
    prior = ""
    if d.chance(0.6):
        prior = f"{b}曾因{d.kw('故意伤害罪')}于{d.year - 8}年被判处有期徒刑一年，{d.year - 7}年刑满释放。"
        d.tag("prior_not_recidivist")
    interp, taxi, buyer1, buyer2 = (
        d.person(),
        d.person(),
        d.person(style=d.styled(main=True)),
        d.person(),
    )
    d.tag("uncommon_role", "role_list", "sentencing_proposal")
    when = d.date()
    dec = d.later(when, 120, 240)
    d.kw(cn_date(dec))
    grams = f"{d.rng.randint(2, 40)}.{d.rng.randint(1, 9)}克"
    d.kw(grams)
    money = d.amount(2000, 30000, "yuan")
    roman = f"（{a.roman}）" if a.roman else ""
    body = f"""{pro}
起诉书
{d.docno("刑诉", dec.year)}

被告人{a}{roman}，{d.intro(a, job="无业")}。因涉嫌{cause}，于{cn_date(when)}被{police}刑事拘留，同年{d.later(when, 30, 31).month}月经本院批准逮捕。
被告人{b}，{d.intro(b, job="务工人员")}。{prior}因涉嫌{cause}，于{cn_date(d.later(when, 1, 2))}被{police}刑事拘留，后被逮捕。
本案由{police}侦查终结，移送本院审查起诉。本院受理后，依法告知了被告人的诉讼权利，聘请翻译人员{interp}为被告人{a}提供翻译，讯问了被告人，审查了全部案件材料。
经依法审查查明：
{when.year}年{when.month}月上旬，被告人{a}通过境外聊天软件{d.kw("联系")}购买毒品后，与被告人{b}商定由{b}在{d.city}寻找买家。同月，{b}以手机号码{d.mobile()}联系吸毒人员{buyer1}、{buyer2}，约定交易{d.kw("时间")}和地点。{cn_date(when)}，{a}乘坐出租车司机{taxi}驾驶的车辆到达约定地点，将甲基苯丙胺{grams}以{money}的价格卖给{buyer1}，当场被侦查人员{inv[0]}、{inv[1]}抓获。{buyer1}、{buyer2}均供认多次从{a}处购买毒品，{buyer2}另称其因患有{d.disease()}长期失业。
认定上述事实的证据如下：物证毒品、扣押清单、称量笔录、理化检验报告；证人{taxi}的证言；同案人{buyer1}、{buyer2}的证言；被告人{a}、{b}的供述和辩解；手机聊天记录等电子数据。
本院认为，被告人{a}、{b}贩卖甲基苯丙胺{grams}，其行为触犯了《中华人民共和国刑法》第三百四十七条，犯罪事实清楚，证据确实、充分，应当以{cause}追究其刑事责任。被告人{a}系外国人，依照《中华人民共和国刑法》第六条第一款的规定，适用中华人民共和国刑法。被告人{a}、{b}认罪认罚，本院建议判处被告人{a}有期徒刑{term(d.rng.randint(36, 60))}，被告人{b}有期徒刑{term(d.rng.randint(12, 30))}，并处罚金。根据《中华人民共和国刑事诉讼法》第一百七十六条的规定，提起公诉，请依法判处。

此致
{court}

检察员　{pros}
{cn_date(dec)}
"""
    return "", body


def minors_theft(d: Doc) -> tuple[str, str]:
    """盗窃/抢劫 by school pupils with a young adult: the minors are shown by words or only by birth date and class."""
    d.minor = True
    pro, court, police = d.procuratorate(), d.court(), d.police()
    cause = d.cause(d.choice(("盗窃罪", "抢劫罪")))
    pros, lawyer = d.official(), d.official()
    when = d.date()
    a = d.person(sex="男", born=(when.year - 22, when.year - 19))
    m1 = d.minor_person(when, d.rng.randint(15, 17), sex="男")
    m2 = d.minor_person(when, d.rng.randint(14, 17))
    school = d.school()
    k1, k2 = d.klass(), d.klass()
    by_birth = d.chance(0.75)
    if by_birth:
        d.tag("minor_by_birthdate")
        m1_desc = f"{cn_date(m1.birth)}出生，系{school}{k1}学生"
        m2_desc = f"{cn_date(m2.birth)}出生，系{school}{k2}学生"
    else:
        m1_desc = f"{cn_date(m1.birth)}出生，作案时已满{cn(d.age_at(m1, when))}周岁不满十八周岁，系{school}{k1}学生"
        m2_desc = f"{cn_date(m2.birth)}出生，未成年人，系{school}{k2}学生"
    mother = d.person(sex="女", born=(1975, 1988))
    notice = (
        f"依法告知了被告人的诉讼权利，听取了{m1}的母亲{mother}的意见，"
        if by_birth
        else f"依法告知了被告人及其法定代理人的诉讼权利，通知{m1}的母亲{mother}到场，"
    )
    owner = d.person(style=d.styled(main=True))
    guard = d.person()
    d.tag("uncommon_role", "sentencing_proposal", "suspended_sentence")
    goods = d.amount(3000, 40000, "yuan")
    vil = d.village()
    dec = d.later(when, 90, 200)
    d.kw(cn_date(dec))
    body = f"""{pro}
起诉书
{d.docno("刑诉", dec.year)}

被告人{a}，{d.intro(a, job="无业")}。因涉嫌{cause}，于{cn_date(d.later(when, 2, 9))}被{police}刑事拘留，后经本院批准逮捕。
被告人{m1}，{m1.sex}，{m1_desc}，户籍地{d.city}{d.district}{vil}。因涉嫌{cause}，于{cn_date(d.later(when, 2, 9))}被{police}取保候审。
被告人{m2}，{m2.sex}，{m2_desc}。因涉嫌{cause}，被{police}取保候审。
本案由{police}侦查终结，移送本院审查起诉。本院受理后，{notice}讯问了被告人，听取了辩护人{lawyer}的意见，审查了全部案件材料。
经依法审查查明：
{cn_date(when)}凌晨，被告人{a}纠集被告人{m1}、{m2}，窜至{d.city}{d.district}一家手机店，由{m2}在门外望风，{a}、{m1}撬开卷帘门进入店内，窃得手机、平板电脑等物品，经价格认定价值{goods}。店主{owner}次日报案。小区保安{guard}证实当晚曾见三人在店外徘徊。被告人{m1}在学校老师陪同下{d.kw("主动投案")}，其余二人先后被抓获。赃物已全部追回并发还{owner}。
本院认为，被告人{a}、{m1}、{m2}以非法占有为目的，秘密窃取他人财物，数额较大，其行为触犯了《中华人民共和国刑法》第二百六十四条，应当以{cause}追究其刑事责任。被告人{m1}具有自首情节，可以从轻或者减轻处罚。本院建议判处被告人{a}有期徒刑{term(d.rng.randint(40, 54))}，对被告人{m1}、{m2}分别判处有期徒刑{term(d.rng.randint(6, 10))}、{term(d.rng.randint(6, 10))}并适用缓刑。根据《中华人民共和国刑事诉讼法》第一百七十六条的规定，提起公诉，请依法判处。

此致
{court}

检察员　{pros}
{cn_date(dec)}
"""
    return "", body


TEMPLATES = (bribery, card_ring, assault, foreign_drugs, minors_theft)
