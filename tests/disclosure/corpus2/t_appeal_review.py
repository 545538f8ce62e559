"""刑事申诉复查决定书 templates of the second corpus."""

from __future__ import annotations

import datetime as dt

from .builder import Doc, cn, cn_date, prison


def history(d: Doc) -> tuple[str, str]:
    """A widow's appeal against a non-prosecution decision, after years of proceedings."""
    city_pro = d.procuratorate("city")
    lower = d.procuratorate()
    court, police = d.court(), d.police()
    cause = d.cause("过失致人死亡罪")
    off1, off2 = d.official(), d.official()
    if d.chance(0.4):
        off1, neighbour = d.nested_pair()
    else:
        neighbour = d.person()
    v = d.person(sex="男", born=(1950, 1970))
    ap = d.person(sex="女", born=(1952, 1972))
    x = d.person(style=d.styled(main=True), sex="男", born=(1955, 1975))
    son = d.person(sex="男", born=(1975, 1990), kin=v)
    mediator, doctor, expert2 = (d.person() for _ in range(3))
    d.tag("role_list")
    vil = d.village()
    y0 = d.year - d.rng.randint(4, 7)
    t = [d.date(y0)]
    for _ in range(9):
        t.append(d.later(t[-1], 40, 160))
    dec = d.later(t[-1], 30, 90)
    d.kw(cn_date(dec))
    lower_no = d.kw(f"{d.abbr}检刑不诉〔{t[3].year}〕{d.rng.randint(2, 90)}号")
    comp = d.amount(30000, 200000, "yuan_comma")
    prefix, street = d.home()
    body = f"""{city_pro}
刑事申诉复查决定书
{d.docno("控申复决", dec.year)}

申诉人{ap}，{d.intro(ap, job="农民")}，系被害人{v}之妻。
申诉人{ap}不服{lower}{lower_no}不起诉决定，以被不起诉人{x}应当承担刑事责任为由，于{cn_date(t[8])}向本院提出申诉。本院依法进行了复查，现已复查终结。
一、本案的基本情况及诉讼经过
{cn_date(t[0])}傍晚，{d.kw("常年")}在{vil}务农的{v}与邻居{x}因田间排水沟的走向发生争执，{x}推搡{v}，致{v}跌入沟渠。{v}被送医后，经诊断为颅内出血，于{cn_date(d.later(t[0], 3, 9))}死亡。{d.city}公安局{d.district}分局法医{doctor}出具的鉴定意见认为，{v}系在高血压基础上因外伤诱发脑出血死亡，外伤系诱因。
{cn_date(t[1])}，{police}以{cause}立案侦查，{x}于同日到案，后被取保候审。其间，村人民调解委员会调解员{mediator}主持双方调解，{x}表示愿意赔偿，但双方未能就数额达成一致。
{cn_date(t[2])}，{police}将案件移送{lower}审查起诉。{lower}两次退回补充侦查，并委托{d.city}另一鉴定机构重新鉴定，鉴定人{expert2}的意见与原鉴定意见一致。{cn_date(t[3])}，{lower}以{x}的行为与{v}的死亡之间因果关系证据不足为由，作出{lower_no}不起诉决定。
{cn_date(t[4])}，申诉人{ap}向{lower}提出申诉，{lower}于{cn_date(t[5])}作出维持原决定的复查决定。{cn_date(t[6])}，{ap}向{court}提起自诉，该院以缺乏罪证为由，于{cn_date(t[7])}裁定不予受理。此后，{ap}与其子{son}多次到本院来信来访。{x}曾于{t[5].year}年通过村委会转交{comp}，{ap}未予接受。
二、申诉理由
申诉人{ap}称：{x}推人的行为是{v}死亡的直接原因；邻居{neighbour}目睹了全过程，其证言未被采信；原鉴定回避了外伤的作用。申诉人现住{prefix}{street}，要求本院依法纠正。
三、本院复查认定的事实和证据
本院检察官{off1}、{off2}调阅了全部卷宗，重新询问了证人{neighbour}、{mediator}，听取了申诉人{ap}及其子{son}的意见，并就死亡原因咨询了法医专家。复查查明：{neighbour}所述“{x}用力推了一把”与{x}的供述基本一致，但{neighbour}距离现场约五十米，{d.kw("关于")}{v}是否头部着地无法确认；两份鉴定意见均认定{v}生前患有{d.disease()}，外伤仅为诱因。
四、复查结论
本院认为，原不起诉决定认定事实清楚，适用法律正确，申诉人提出的理由不能成立。根据《人民检察院刑事诉讼规则》第三百八十三条的规定，本院决定：维持{lower}{lower_no}不起诉决定。
本院将{d.kw("依法")}协调有关部门对申诉人开展司法救助。

{city_pro}
{cn_date(dec)}
"""
    return "", body


def father(d: Doc) -> tuple[str, str]:
    """A father appeals for his son, who is serving a long sentence; a co-defendant got three years."""
    city_pro = d.procuratorate("city")
    court, icourt = d.court(), d.court("intermediate")
    cause = d.cause(d.choice(("抢劫罪", "故意伤害罪", "聚众斗殴罪")))
    off = d.official()
    lawyer = d.official()
    son_m = d.choice((48, 60, 84, 120, 144, -1))
    co_m = d.choice((36, 30, 24, 18))
    son = d.person(None, sex="男", born=(1985, 1999))
    co = d.person(born=(1985, 1999))
    ap = d.person(sex="男", born=(1950, 1972), kin=son)
    owner, w2, victim = d.person(style=d.styled(main=True)), d.person(), d.person()
    d.tag("respectively_sentenced", "mixed_sentences", "uncommon_role")
    if co_m == 36:
        d.tag("three_years_exactly")
    y0 = d.year - d.rng.randint(3, 8)
    j1 = d.date(y0)
    j2 = d.later(j1, 90, 180)
    app = d.date(d.year)
    dec = d.later(app, 60, 150)
    d.kw(cn_date(dec))
    d.kw(cn_date(j1))
    amt = d.amount(8000, 60000, "yuan")
    first_no = d.kw(f"（{y0}）{d.city[0]}{d.rng.randint(100, 199)}刑初{d.rng.randint(10, 500)}号")
    phone = d.landline()
    victim_desc = ""
    if d.chance(0.35):
        d.minor = True
        victim.birth = d.minor_birth(
            dt.date(y0 - 1, 12, d.rng.randint(1, 28)), d.rng.randint(15, 16)
        )
        victim_desc = f"（{cn_date(victim.birth)}出生，{d.school()}{d.klass()}学生）"
        d.tag("minor_by_birthdate")
    son_prior = ""
    if d.chance(0.45):
        son_prior = (
            f"曾因{d.kw('寻衅滋事罪')}于{y0 - 4}年被判处有期徒刑一年，{y0 - 3}年刑满释放，系累犯，"
        )
        d.tag("recidivist")
    body = f"""{city_pro}
刑事申诉复查决定书
{d.docno("刑申复决", dec.year)}

申诉人{ap}，{d.intro(ap, job="退休工人")}，联系电话{phone}，系原审被告人{son}的父亲。
原审被告人{son}，{son.sex}，{cn_date(son.birth)}出生，{son_prior}现在{d.city}监狱服刑。
申诉人{ap}不服{court}{first_no}刑事判决及{icourt}二审裁定，向本院提出申诉。本院受理后依法进行了复查，现已复查终结。
{court}于{cn_date(j1)}以{cause}分别判处原审被告人{son}、{co}{prison(son_m)}、{prison(co_m)}，并责令共同退赔被害人{victim}经济损失{amt}。{son}、{co}不服，提出上诉。{icourt}于{cn_date(j2)}裁定驳回上诉，维持原判。
原判认定：{y0 - 1}年冬季的一天深夜，{son}、{co}在烧烤店店主{owner}的店内与{victim}{victim_desc}发生冲突，{son}持啤酒瓶击打{victim}头部，{co}参与殴打，致{victim}重伤。{owner}的证言证实了{son}持瓶击打的经过，证人{w2}的证言与之印证。
申诉人{ap}称：{owner}事后曾向其表示当时光线昏暗、看不清动手的人；{son}只是劝架，{d.kw("方法")}不当但没有伤人；原审辩护人{lawyer}提出的无罪意见未被采纳。
本院复查查明：检察官{off}重新询问了证人{owner}、{w2}。{owner}称从未向申诉人表示看不清，其在原审中的证言属实；{w2}的证言与监控视频截图、{d.kw("现场")}提取的啤酒瓶上检出的{son}的指纹相互印证。原判认定{son}持瓶伤人的事实清楚，证据确实、充分。
本院认为，原判决、裁定认定事实清楚，证据确实、充分，定罪准确，量刑适当，审判程序合法。申诉人的申诉理由不能成立。根据《人民检察院复查刑事申诉案件规定》的有关规定，决定不予抗诉。
本院已{d.kw("向其")}当面送达本决定书并释法说理。

{city_pro}
{cn_date(dec)}
"""
    son.protected = True if d.minor else None  # every proposed sentence is longer than three years
    return "", body


def fundraising(d: Doc) -> tuple[str, str]:
    """A victim of illegal fund-raising asks for a protest; three defendants with different sentences."""
    city_pro = d.procuratorate("city")
    icourt = d.court("intermediate")
    police = d.police()
    cause = d.cause("集资诈骗罪")
    off1, off2 = d.official(), d.official()
    if d.chance(0.4):
        off2, clerk = d.nested_pair()
    else:
        clerk = d.person()
    m = (d.choice((-1, 180, 156)), d.choice((60, 48, 42)), d.choice((36, 30, 24)))
    defs = [d.person(None if i < 2 else True, born=(1965, 1990)) for i in range(3)]
    ap = d.person(style=d.styled(main=True), born=(1950, 1975))
    acc = d.person()
    d.tag("respectively_sentenced", "mixed_sentences", "suspended_sentence", "uncommon_role")
    if m[2] == 36:
        d.tag("three_years_exactly")
    y0 = d.year - d.rng.randint(2, 5)
    j = d.date(y0 + 1)
    dec = d.later(d.date(d.year), 30, 100)
    d.kw(cn_date(dec))
    d.kw(cn_date(j))
    total = d.amount(20000000, 90000000, "wan")
    own = d.amount(200000, 900000, "wan")
    back = d.amount(10000, 90000, "yuan")
    mail = d.email()
    co = f"{d.city}{d.choice(('鑫源', '恒泰', '聚福', '远航'))}财富管理有限公司"
    body = f"""{city_pro}
刑事申诉复查决定书
{d.docno("刑申复决", dec.year)}

申诉人{ap}，{d.intro(ap, job="退休职工")}，电子邮箱{mail}。
申诉人{ap}不服{icourt}（{j.year}）{d.city[0]}刑初{d.rng.randint(3, 60)}号刑事判决，以原判对被告人量刑畸轻、退赔不足为由，向本院申请抗诉。本院依法进行了复查，现已复查终结。
经复查查明：{y0}年至{y0 + 1}年，{defs[0]}控制的{co}以高额返利为诱饵向社会公众非法集资{total}，造成集资参与人损失一千余万元。{police}立案侦查后，{icourt}于{cn_date(j)}以{cause}判处被告人{defs[0]}{prison(m[0])}，并处没收个人全部财产；判处被告人{defs[1]}{prison(m[1])}，并处罚金人民币三十万元；判处被告人{defs[2]}{prison(m[2])}，缓刑{cn(m[2] // 12 + 2)}年，并处罚金人民币五万元。
申诉人{ap}于{y0}年{d.rng.randint(1, 12)}月通过银行卡{d.card()}向{co}账户{d.account()}转账{own}，至今仅获退赔{back}。申诉人称：该公司会计{acc}曾告诉其资金去向，原判未予追查；{defs[2]}作为业务主管{d.kw("全面")}参与宣传，不应适用缓刑。
本院检察官{off1}、{off2}调阅了原审卷宗，询问了财务人员{acc}和前台文员{clerk}。{acc}的证言已在原审中采信，资金去向已由司法会计鉴定查明，涉案财产已{d.kw("依法")}查封、扣押并按比例发还；{defs[2]}系受雇从事业务，在共同犯罪中起次要作用，有自首情节并退缴全部违法所得，原判对其适用缓刑并无不当。
本院认为，原判认定事实清楚，证据确实、充分，适用法律正确，量刑适当。申诉人的理由不能成立，本院决定不予抗诉。

{city_pro}
{cn_date(dec)}
"""
    return "", body


TEMPLATES = (history, father, fundraising)
