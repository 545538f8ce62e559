"""不起诉决定书 templates of the second corpus."""

from __future__ import annotations

from .builder import ROADS, Doc, cn, cn_date


def _rights(d: Doc, court: str, victim: bool = True) -> str:
    out = "被不起诉人如不服本决定，可以自收到本决定书后七日以内向本院申诉。\n"
    if victim:
        out += (
            f"被害人如不服本决定，可以自收到本决定书后七日以内向{d.kw(d.city + '人民检察院')}申诉，"
            f"请求提起公诉；也可以不经申诉，直接向{court}提起自诉。\n"
        )
    return out


def traffic(d: Doc) -> tuple[str, str]:
    """交通肇事: relative non-prosecution after compensation and forgiveness."""
    pro, court, police = d.procuratorate(), d.court(), d.police()
    cause = d.cause("交通肇事罪")
    if d.chance(0.35):
        cop, taxi = d.nested_pair()
    else:
        cop, taxi = d.official(), d.person()
    job = d.choice(("网约车司机", "货车司机", "个体工商户", "公司职员"))
    a = d.person(born=(1965, 1998))
    v = d.person(style=d.styled(main=True))
    rel1, rel2 = d.person(), d.person()
    d.tag("uncommon_role")
    when = d.date()
    d1 = d.later(when, 10, 40)
    d2 = d.later(d1, 40, 120)
    dec = d.later(d2, 20, 50)
    d.kw(cn_date(dec))
    r1, r2 = d.rng.sample(ROADS, 2)
    dead = d.chance(0.5)
    harm = "经医院抢救无效死亡" if dead else "经鉴定为重伤二级"
    fam = f"{v}的近亲属{rel1}、{rel2}" if dead else f"{v}及其丈夫{rel1}、女儿{rel2}"
    d.tag("role_list")
    amt = d.amount(180000, 1200000, "wan")
    health = f"另查明，被不起诉人{a}患有{d.disease()}，需长期治疗。" if d.chance(0.4) else ""
    body = f"""{pro}
不起诉决定书
{d.docno("刑不诉", dec.year)}

被不起诉人{a}，{d.intro(a, job=job)}。因涉嫌{cause}，于{cn_date(d1)}被{police}取保候审。
本案由{police}侦查终结，以被不起诉人{a}涉嫌{cause}，于{cn_date(d2)}向本院移送审查起诉。
经本院依法审查查明：
{cn_date(when)}{cn(d.rng.randint(6, 22))}时许，被不起诉人{a}驾驶小型普通客车沿{r1}由东向西行驶至{r2}路口时，未按规定让行，与{v}驾驶的电动自行车发生碰撞，造成{v}受伤，{harm}，两车不同程度损坏。经{d.city}公安局交通警察支队认定，{a}负事故主要责任，{v}负事故次要责任。
事故发生后，{a}立即拨打急救电话并报警，在现场等候民警{cop}到场处理，归案后如实供述了{d.kw("全部")}事实。出租车司机{taxi}途经路口，目击了事故经过，其证言与现场监控视频相互印证。{v}在事发{d.kw("时间")}未佩戴安全头盔。
{cn_date(d.later(when, 20, 60))}，{a}与{fam}达成赔偿协议，一次性赔偿经济损失{amt}，并取得谅解。{health}
认定上述事实的证据如下：道路交通事故认定书、现场勘查笔录、尸体检验报告或伤情鉴定意见、证人{taxi}的证言、被不起诉人的供述和辩解、视听资料、赔偿协议及谅解书等。
本院认为，被不起诉人{a}实施了《中华人民共和国刑法》第一百三十三条规定的行为，但犯罪情节轻微，且有自首情节，积极赔偿并取得被害方谅解，自愿认罪认罚，根据《中华人民共和国刑法》第六十七条第一款、第三十七条的规定，不需要判处刑罚。依据《中华人民共和国刑事诉讼法》第一百七十七条第二款的规定，决定对{a}不起诉。
{_rights(d, court)}
{pro}
{cn_date(dec)}
"""
    return "", body


def nanny(d: Doc) -> tuple[str, str]:
    """盗窃 by a live-in nanny: not prosecuted because the evidence is insufficient."""
    pro, court, police = d.procuratorate(), d.court(), d.police()
    cause = d.cause("盗窃罪")
    a = d.person(sex="女", born=(1962, 1985))
    old = d.person(born=(1935, 1950))
    son = d.person(style=d.styled(main=True), sex="男", born=(1960, 1978), kin=old)
    agent, carer, neighbour = d.person(), d.person(), d.person()
    d.tag("uncommon_role", "role_list")
    hired = d.date(d.year - 1)
    lost = d.later(hired, 90, 200)
    d1 = d.later(lost, 3, 10)
    d2 = d.later(d1, 40, 90)
    back = d.later(d2, 30, 31)
    dec = d.later(back, 40, 80)
    d.kw(cn_date(dec))
    gold = d.amount(20000, 150000, "yuan_comma")
    cash = d.amount(5000, 30000, "yuan")
    prefix, street = d.home()
    body = f"""{pro}
不起诉决定书
{d.docno("刑不诉", dec.year)}

被不起诉人{a}，{d.intro(a, job="家政服务人员")}。因涉嫌{cause}，于{cn_date(d1)}被{police}刑事拘留，同年{d.later(d1, 30, 31).month}月被取保候审。
本案由{police}侦查终结，以被不起诉人{a}涉嫌{cause}，于{cn_date(d2)}向本院移送审查起诉。本院于{cn_date(back)}退回{police}补充侦查，{police}补充侦查完毕后重新移送。
{police}移送审查起诉认定：{hired.year}年{hired.month}月，经家政公司中介{agent}介绍，{a}到{old}位于{prefix}{street}的住处担任保姆，照顾{d.kw("常年")}卧床的{old}。{old}患有{d.disease()}，日常起居由{a}与护工{carer}轮流照料。{cn_date(lost)}，{old}之子{son}发现卧室抽屉内的金饰（价值{gold}）及现金{cash}不见，遂报警。{son}称，此前只有{a}掌握抽屉钥匙。
经本院审查并两次退回补充侦查，本院仍然认为{police}认定的犯罪事实不清、证据不足：一是案发前后{d.kw("进出")}房屋的人员除{a}外，还有护工{carer}、邻居{neighbour}及{son}的亲友，不能排除他人作案的可能；二是{a}始终否认盗窃，侦查机关未查获赃物，亦未发现{a}有异常消费；三是{son}关于抽屉钥匙的陈述与{agent}、{carer}的证言存在{d.kw("明显")}矛盾。
本院认为，{police}认定的犯罪事实不清、证据不足，不符合起诉条件。依照《中华人民共和国刑事诉讼法》第一百七十五条第四款的规定，决定对{a}不起诉。
{_rights(d, court)}
{pro}
{cn_date(dec)}
"""
    return "", body


def minor_conditional(d: Doc) -> tuple[str, str]:
    """附条件不起诉考验期满后的不起诉决定: a pupil, his parents, the school, the class, the village."""
    d.minor = True
    pro, police = d.procuratorate(), d.police()
    cause = d.cause(d.choice(("寻衅滋事罪", "故意伤害罪", "盗窃罪")))
    prosecutor = d.official()
    when = d.date()
    m = d.minor_person(when, d.rng.randint(15, 17), sex="男")
    school, klass = d.school(), d.klass()
    father, mother = d.person(sex="男", born=(1970, 1985)), d.person(sex="女", born=(1972, 1987))
    victim = d.minor_person(when, d.rng.randint(13, 17))
    teacher = d.person(style=d.styled(main=True))
    vil = d.village()
    who = f"{m.sex}，{cn_date(m.birth)}出生，案发时{cn(d.age_at(m, when))}周岁，{m.ethnic}，系{school}{klass}学生，住{d.city}{d.district}{vil}"
    d1 = d.later(when, 20, 60)
    d2 = d.later(d1, 30, 60)
    d3 = d.later(d2, 180, 200)
    d.kw(cn_date(d2))
    d.kw(cn_date(d3))
    months = d.choice((6, 8, 10, 12))
    fee = d.amount(2000, 20000, "yuan")
    body = f"""{pro}
不起诉决定书
{d.docno("刑不诉", d3.year)}

被不起诉人{m}，{who}。因涉嫌{cause}，于{cn_date(when)}被{police}传唤到案，次日被取保候审。
本案由{police}侦查终结，于{cn_date(d1)}移送本院审查起诉。本院于{cn_date(d2)}决定对{m}附条件不起诉，考验期为{cn(months)}个月。
经本院审查查明：{cn_date(when)}放学后，{m}因琐事与同校学生{victim}发生口角，在校外公交站附近将{victim}推倒并踢打，致{victim}受轻微伤。{m}的父亲{father}、母亲{mother}{d.kw("于是")}主动带其到派出所说明情况，并赔偿{victim}医疗费等{fee}。
考验期内，{m}遵守法律法规，按照规定报告自己的活动情况，参加了本院组织的心理辅导和社区公益劳动；其班主任{teacher}反映，{m}返校后学习态度{d.kw("明显")}好转。{teacher}还每月向本院书面反馈其在校表现。承办检察官{prosecutor}多次回访，认为{m}确有悔改表现。
本院认为，被不起诉人{m}在附条件不起诉考验期内没有《中华人民共和国刑事诉讼法》第二百八十四条第一款规定的情形，考验期满。依据《中华人民共和国刑事诉讼法》第二百八十四条第二款的规定，决定对{m}不起诉。
本决定书送达{m}及其法定代理人{father}。有关犯罪记录依法予以封存。
{pro}
{cn_date(d3)}
"""
    return "", body


def drunk_driving(d: Doc) -> tuple[str, str]:
    """危险驾驶: a chauffeur leaves, the owner moves the car a few metres."""
    pro, court, police = d.procuratorate(), d.court(), d.police()
    cause = d.cause("危险驾驶罪")
    cops = (d.official(), d.official())
    a = d.person(style=d.choice((None, "foreign", "minority", "compound")), born=(1965, 1998))
    if d.chance(0.35):
        cop0, friend = d.nested_pair()
        cops = (cop0, cops[1])
    else:
        friend = d.person()
    driver = d.person(style=d.styled(main=True))
    owner = d.person()
    d.tag("uncommon_role")
    when = d.date()
    dec = d.later(when, 60, 150)
    d.kw(cn_date(dec))
    bac = f"{d.rng.randint(80, 140)}.{d.rng.randint(1, 9)}mg/100ml"
    d.kw(bac)
    metres = d.rng.randint(5, 60)
    phone = d.mobile()
    body = f"""{pro}
不起诉决定书
{d.docno("刑不诉", dec.year)}

被不起诉人{a}，{d.intro(a)}，联系电话{phone}。因涉嫌{cause}，于{cn_date(when)}被{police}刑事拘留，次日被取保候审。
本案由{police}侦查终结，以被不起诉人{a}涉嫌{cause}，于{cn_date(d.later(when, 30, 60))}向本院移送审查起诉。
经本院依法审查查明：{cn_date(when)}晚，被不起诉人{a}与朋友{friend}在饭店聚餐饮酒后，通过手机软件叫来代驾司机{driver}。{driver}将车辆驾驶至{a}所住小区门口后，因小区不允许外来人员进入而离开。{a}遂自行驾车向地下车库方向行驶约{cn(metres)}米，被执勤民警{cops[0]}、{cops[1]}查获。经鉴定，{a}血液中乙醇含量为{bac}。小区业主{owner}证实，当时{d.kw("道路")}上没有其他车辆和行人。
本院认为，被不起诉人{a}实施了《中华人民共和国刑法》第一百三十三条之一第一款规定的行为，但其驾驶距离短，未造成实际危害，到案后如实供述，认罪认罚，犯罪情节轻微，根据《中华人民共和国刑法》第三十七条的规定，不需要判处刑罚。依据《中华人民共和国刑事诉讼法》第一百七十七条第二款的规定，决定对{a}不起诉。本院同时{d.kw("向其")}进行了训诫，并责令其参加交通安全公益活动。
{_rights(d, court, victim=False)}
{pro}
{cn_date(dec)}
"""
    return "", body


TEMPLATES = (traffic, nanny, minor_conditional, drunk_driving)
