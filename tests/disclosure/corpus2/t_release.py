"""Press releases (检察动态) of the second corpus: 典型案例, 检察听证, 公益诉讼, 未成年人检察."""

from __future__ import annotations

from .builder import Doc, cn, cn_date, prison, term


def typical_cases(d: Doc) -> tuple[str, str]:
    """典型案例: two cases, judgments of different lengths; sometimes a pupil is a victim."""
    pro, court, police = d.procuratorate("city"), d.court(), d.police()
    c1, c2 = d.cause("侵犯公民个人信息罪"), d.cause("诈骗罪")
    off = d.official()
    pub = d.date(d.year + 1)
    d.kw(cn_date(pub))
    student = d.chance(0.45)
    if student:
        d.minor = True
    ma, mb, mc = d.choice((48, 54, 60)), d.choice((30, 36, 24)), d.choice((36, 24, 42))
    a = d.person(None if ma > 36 else True, born=(1980, 1996))
    b = d.person(born=(1980, 1998))
    c = d.person(None if mc > 36 else True, style=d.styled(main=True), born=(1970, 1995))
    courier = d.person()
    old = d.person(born=(1938, 1952))
    d.tag("respectively_sentenced", "mixed_sentences", "uncommon_role")
    if mb == 36 or mc == 36:
        d.tag("three_years_exactly")
    y = d.year
    count = d.rng.randint(3000, 90000)
    loss = d.amount(50000, 400000)
    if student:
        kid = d.minor_person(dt_for(d, y), d.rng.randint(14, 17))
        d.tag("minor_by_birthdate")
        victim2 = f"{kid}（{cn_date(kid.birth)}出生，{d.school()}{d.klass()}学生）"
        victim2_again = kid
    else:
        victim2 = f"退休教师{old}（患有{d.disease()}）"
        victim2_again = old
    named = d.chance(0.7)
    if named:
        title = f"{b}等人侵犯公民个人信息案入选{d.city}检察机关典型案例"
    else:
        title = f"{d.city}检察机关发布{cn(d.rng.randint(3, 8))}起打击侵犯公民个人信息犯罪典型案例"
    body = f"""为加大对公民个人信息的保护力度，{pro}于{cn_date(pub)}发布一批典型案例。现选登其中两起。
案例一：{a}、{b}侵犯公民个人信息案
【基本案情】{y}年，被告人{a}在担任某物流公司网点负责人期间，伙同快递员{courier}，利用{d.kw("工作")}便利导出快递面单信息{count}条，通过聊天软件出售给被告人{b}。{b}将信息用于推销“保健品”。{courier}在案发后主动向公安机关说明情况，未被追究刑事责任。
【诉讼过程】{police}立案侦查后移送审查起诉，{d.procuratorate()}以{c1}提起公诉，并提出确定刑量刑建议。{court}采纳了量刑建议，以{c1}判处被告人{a}{prison(ma)}，判处被告人{b}{prison(mb)}，缓刑{term(mb + 12)}，并处罚金。
【典型意义】快递面单信息包含姓名、电话、住址，一旦泄露，极易被用于诈骗。检察机关{d.kw("全面")}审查数据来源，实现了全链条打击。
案例二：{c}诈骗案
【基本案情】{y}年下半年，被告人{c}冒充“养生讲座”讲师，以赠送礼品为诱饵吸引{victim2}等人听课，后以高价推销无任何疗效的“理疗仪”，骗取钱财共计{loss}。{victim2_again}的女儿发现后报警。
【诉讼过程】{court}以{c2}判处被告人{c}{prison(mc)}。办案检察官{off}在审查起诉阶段督促{c}退赃，被骗款项已{d.kw("全部")}发还。
【典型意义】此类犯罪以老年人、学生等群体为目标，手段{d.kw("隐蔽")}，检察机关提示广大群众提高防骗意识。
"""
    return title, body


def dt_for(d: Doc, year: int):
    import datetime as dt

    return dt.date(year, d.rng.randint(1, 12), d.rng.randint(1, 28))


def hearing(d: Doc) -> tuple[str, str]:
    """检察听证: a public hearing before a non-prosecution decision; the hearing officers are named."""
    pro, police = d.procuratorate(), d.police()
    cause = d.cause(d.choice(("故意伤害罪", "盗窃罪", "过失致人重伤罪")))
    chair, handler = d.official(), d.official()
    lawyer = d.official()
    x = d.person(born=(1960, 1998))
    v = d.person(style=d.styled(main=True))
    panel = [d.person() for _ in range(3)]
    if d.chance(0.4):
        chair, extra = d.nested_pair()
        panel[2] = extra
    when = d.date()
    h = d.later(when, 90, 180)
    d.kw(cn_date(h))
    comp = d.amount(10000, 120000)
    d.tag("role_list", "uncommon_role")
    job = d.choice(("装修工人", "保安", "货车司机", "物业管理员"))
    named = d.chance(0.7)
    if named:
        title = f"{pro}就{x}涉嫌{cause[:-1]}案举行拟不起诉公开听证"
    else:
        title = f"“听证+释法”化解邻里积怨——{pro}举行一起公开听证"
    body = f"""{cn_date(h)}，{pro}就一起涉嫌{cause}的案件举行拟不起诉公开听证会，由检察官{chair}主持，人大代表、政协委员及人民监督员{panel[0]}、{panel[1]}和{panel[2]}担任听证员。
据承办检察官{handler}介绍，{cn_date(when)}，{job}{x}在小区内与邻居{v}因停车位问题发生争执，{x}将{v}推倒，致其受轻伤。案发后，{x}主动投案，{d.kw("于是")}通过社区调解{d.kw("向其")}赔礼道歉，并赔偿{comp}。{v}出具了谅解书。案件由{police}侦查终结后移送审查起诉。
听证会上，{x}的辩护人{lawyer}律师发表了意见，被害人{v}也到场表示不再追究。听证员{panel[1]}认为，本案系邻里纠纷引发，{x}认罪悔罪，建议作出不起诉决定。经评议，听证员一致同意检察机关的处理意见。
会后，{pro}依法对{x}作出不起诉决定，并督促其参加社区公益服务。检察机关表示，将持续深化检察听证工作，让公平正义以看得见的{d.kw("方式")}实现。
"""
    return title, body


def public_interest(d: Doc) -> tuple[str, str]:
    """公益诉讼: illegal fishing or dumping; criminal and civil public interest claims together."""
    pro, court, police = d.procuratorate(), d.court(), d.police()
    fishing = d.chance(0.5)
    cause = d.cause("非法捕捞水产品罪" if fishing else "污染环境罪")
    off = d.official()
    ma, mb = d.choice((42, 48, 12, 18)), d.choice((10, 8, 6))
    a = d.person(None if ma > 36 else True, style=d.styled(main=True), born=(1965, 1990))
    b = d.person(born=(1965, 1995))
    rep, villager, expert = d.person(), d.person(), d.person()
    d.tag("respectively_sentenced", "mixed_sentences")
    j = d.date()
    d.kw(cn_date(j))
    dmg = d.amount(200000, 2500000, "wan")
    fee = d.amount(20000, 90000, "yuan_comma")
    vil = d.village()
    co = f"{d.city}{d.choice(('腾达', '宏远', '绿洲', '瑞丰'))}化工有限公司"
    named = d.chance(0.7)
    if fishing:
        what = f"在禁渔期内驾驶渔船使用电鱼工具在{d.city}境内江段非法捕捞，渔获物共计{d.rng.randint(300, 2000)}公斤"
        title0 = "非法捕捞水产品"
    else:
        what = f"受{co}法定代表人{rep}委托，将该公司产生的{d.rng.randint(20, 200)}吨废酸液运至{vil}附近倾倒"
        title0 = "污染环境"
    title = (
        f"{pro}诉{a}等人{title0}刑事附带民事公益诉讼案宣判"
        if named
        else f"守护绿水青山：{pro}办理的一起刑事附带民事公益诉讼案宣判"
    )
    body = f"""近日，{pro}提起的{a}、{b}{title0}刑事附带民事公益诉讼案由{court}公开宣判。
经审理查明，{j.year - 1}年，被告人{a}、{b}{what}。村民{villager}发现后向{police}举报。经鉴定人{expert}评估，上述行为造成生态环境损害{dmg}。
{pro}在审查起诉阶段发现公益受损线索，依法立案并履行诉前公告程序，在提起公诉的同时一并提起附带民事公益诉讼，请求判令二被告承担生态修复费用和鉴定费{fee}。承办检察官{off}出庭支持公诉。
{cn_date(j)}，{court}以{cause}分别判处被告人{a}、{b}{prison(ma)}、{prison(mb)}，并判决二人连带承担生态环境修复费用，在市级媒体上公开赔礼道歉。
检察机关提醒，生态环境保护没有{d.kw("局外人")}，{d.kw("欢迎")}群众通过12309检察服务中心反映公益受损线索。
"""
    return title, body


def juvenile(d: Doc) -> tuple[str, str]:
    """未成年人检察: a prosecutor helps a boy back to school; the title may name him."""
    d.minor = True
    pro, police = d.procuratorate(), d.police()
    cause = d.cause(d.choice(("盗窃罪", "寻衅滋事罪", "抢夺罪")))
    off, off2 = d.official(), d.official()
    when = d.date()
    m = d.minor_person(when, d.rng.randint(14, 17), sex="男")
    grandma, worker, boss = (
        d.person(sex="女", born=(1940, 1958)),
        d.person(),
        d.person(style=d.styled(main=True)),
    )
    school, klass, vil = d.school(), d.klass(), d.village()
    d.tag("uncommon_role")
    sick = d.disease()
    named = d.chance(0.7)
    title = (
        f"检察官帮助辍学少年{m}重返校园" if named else f"{pro}：一次附条件不起诉背后的“帮教接力”"
    )
    loss = d.amount(1000, 8000, "yuan")
    d2 = d.later(when, 60, 120)
    d.kw(cn_date(d2))
    body = f"""“谢谢检察官阿姨，我又能上学了。”近日，重新回到{school}{klass}的{m}给{pro}寄来一封感谢信。
{cn_date(when)}，{cn(d.age_at(m, when))}岁的{m}因涉嫌{cause}被{police}抓获。经查，{m}在网吧结识社会青年后，伙同他人窃取网吧老板{boss}的财物，价值{loss}。{boss}发现后报警。
承办检察官{off}在审查中了解到，{m}父母常年在外务工，其与患有{sick}的奶奶{grandma}生活在{vil}，初中未毕业便辍学。{off}与司法社工{worker}多次走访，{d.kw("于是")}制定了个性化帮教方案。
{cn_date(d2)}，{pro}依法对{m}作出附条件不起诉决定。考验期内，检察官{off2}联系教育部门为其办理复学手续，{worker}每周与其谈心。{m}的奶奶{grandma}说：“孩子变了，回家会主动帮忙干活。”
检察机关表示，将坚持教育、感化、挽救方针，{d.kw("依法")}保护涉案未成年人的隐私。
"""
    return title, body


TEMPLATES = (typical_cases, hearing, public_interest, juvenile)
