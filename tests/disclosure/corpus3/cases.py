"""People, sentences and the facts of the cases the documents of the third corpus are about."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import names as N
from .core import Ctx, J, Person, Secret, cn, d, later, term_cn, ym

ETHNIC = {
    "uyghur": "维吾尔族",
    "tibetan": "藏族",
    "mongolian": "蒙古族",
    "yi": "彝族",
    "zhuang": "壮族",
}
NATION = {
    "vietnamese": ("越南社会主义共和国", "VN"),
    "russian": ("俄罗斯联邦", "RU"),
    "thai": ("泰王国", "TH"),
    "western": ("德意志联邦共和国", "WEST"),
    "japanese": ("日本国", "JP"),
    "korean": ("大韩民国", "KR"),
}
EDU = ("小学", "初中", "高中", "中专", "大专", "大学本科", "文盲")
JOBS = (
    "无业",
    "务工",
    "个体工商户",
    "司机",
    "厨师",
    "农民",
    "销售员",
    "保安",
    "快递员",
    "自由职业",
)


@dataclass
class Sentence:
    kind: str  # fixed | detention | life | reprieve | exempt | control
    months: int = 0
    probation: int = 0
    fine: int = 0

    @property
    def heavy(self) -> bool:
        return self.kind in ("life", "reprieve") or (self.kind == "fixed" and self.months > 36)

    def text(self) -> str:
        if self.kind == "life":
            return "无期徒刑，剥夺政治权利终身"
        if self.kind == "reprieve":
            return "死刑，缓期二年执行，剥夺政治权利终身"
        if self.kind == "exempt":
            return "免予刑事处罚"
        head = {"fixed": "有期徒刑", "detention": "拘役", "control": "管制"}[self.kind] + term_cn(
            self.months
        )
        if self.probation:
            head += f"，缓刑{term_cn(self.probation)}"
        if self.fine:
            head += f"，并处罚金人民币{self.fine}元"
        return head


def rand_sentence(c: Ctx, heavy: bool | None = None, fine: bool = True) -> Sentence:
    rng = c.rng
    if heavy is None:
        heavy = rng.random() < 0.45
    f = (
        rng.choice((5000, 8000, 10000, 20000, 30000, 50000, 100000))
        if fine and rng.random() < 0.6
        else 0
    )
    if heavy:
        r = rng.random()
        if r < 0.2:
            c.var("boundary_three_years_six_months")
            return Sentence("fixed", 42, 0, f)
        if r < 0.3:
            return Sentence("life")
        if r < 0.36:
            return Sentence("reprieve")
        return Sentence("fixed", rng.choice((48, 54, 60, 72, 84, 96, 120, 144, 180)), 0, f)
    r = rng.random()
    if r < 0.3:
        c.var("three_years_probation")
        return Sentence("fixed", 36, rng.choice((48, 60)), f)
    if r < 0.45:
        return Sentence("fixed", 36, 0, f)
    if r < 0.55:
        return Sentence("detention", rng.choice((3, 4, 5, 6)), rng.choice((0, 6, 12)), f)
    if r < 0.6:
        return Sentence("exempt")
    m = rng.choice((6, 8, 10, 12, 14, 18, 20, 24, 30))
    return Sentence("fixed", m, rng.choice((0, 0, 12, 24, 36)) if m <= 36 else 0, f)


def make(
    c: Ctx,
    role: str,
    protected: bool,
    style: str | None = None,
    male: bool | None = None,
    born: tuple[int, int] = (1960, 2001),
    surname: str | None = None,
) -> Person:
    rng = c.rng
    male = rng.random() < 0.6 if male is None else male
    style = style or c.any_style()
    p = c.person(role, protected, style, male, surname)
    p.style = style
    p.birth = c.birth(*born)
    p.ethnic = ETHNIC.get(style, "汉族")
    p.nation = None
    if style in NATION and not (style == "korean" and rng.random() < 0.5):
        p.nation = NATION[style][0]
        p.ident = c.passport(NATION[style][1])
    elif style == "korean":
        p.ethnic = "朝鲜族"
        p.ident = c.id_number(p.birth, male)
    else:
        p.ident = c.id_number(p.birth, male)
    p.addr = c.address()
    p.phone = c.mobile()
    return p


def bio(c: Ctx, p: Person, label: str, full: bool = True) -> str:
    rng = c.rng
    if p.nation:
        s = f"{label}{p.name}，{p.sex}，{d(p.birth)}出生，{p.nation}国籍，护照号码{p.ident}，{rng.choice(EDU)}文化，{rng.choice(JOBS)}"
        if full:
            s += f"，入境后暂住{c.city}{c.dist}{p.addr}"
        return s
    former = ""
    if p.protected and rng.random() < 0.35 and p.style == "han":
        p.former = Secret(c.pick_name("han", p.male, p.full[0]))
        former = f"（曾用名{p.former}）"
        c.var("former_name")
    s = f"{label}{p.name}{former}，{p.sex}，{d(p.birth)}出生，公民身份号码{p.ident}，{p.ethnic}，{rng.choice(EDU)}文化，{rng.choice(JOBS)}"
    if full:
        if rng.random() < 0.5:
            s += f"，户籍所在地{c.prov}{c.city}{c.dist}{p.addr}，住{c.city}{c.dist}{c.address()}"
        else:
            s += f"，住{c.city}{c.dist}{p.addr}"
        r = rng.random()
        if r < 0.3:
            s += f"，联系电话{p.phone}"
        elif r < 0.5:
            s += f"，家庭固定电话{c.landline()}"
        if rng.random() < 0.25:
            s += f"，电子邮箱{c.email()}"
    return s


def prior(c: Ctx, p: Person, recid: bool, dt_from: dt.date) -> str:
    """A previous conviction; a recidivist's is recent, the other's more than five years old."""
    rng = c.rng
    cause = rng.choice(("盗窃罪", "诈骗罪", "故意伤害罪", "抢劫罪", "寻衅滋事罪"))
    months = rng.choice((10, 18, 24, 36, 42, 60))
    if recid:
        when = dt_from - dt.timedelta(days=rng.randint(900, 1600))
        rel = later(rng, when, 200, 700)
    else:
        when = dt_from - dt.timedelta(days=rng.randint(4500, 6000))
        rel = later(rng, when, 200, 800)
    return (
        f"{ym(when)}曾因犯{cause}被{c.city}{rng.choice(('中级人民法院', c.dist + '人民法院'))}判处有期徒刑{term_cn(months)}，"
        f"{d(rel)}刑满释放"
    )


# ---------------------------------------------------------------- facts by cause


def facts(
    c: Ctx, cause: str, D: list[Person], V: list[Person], W: list[Person], start: dt.date
) -> tuple[list[str], list[str]]:
    """Paragraphs of facts and the items of evidence, for the cause."""
    return _FACTS[cause](c, D, V, W, start)


def _police(c: Ctx) -> str:
    return c.keep(c.place[6])


def _org_prostitution(c, D, V, W, start):
    rng = c.rng
    shop = rng.choice(("悦心足浴会所", "蓝湾养生馆", "金樽休闲中心", "雅韵按摩店"))
    a, rest = D[0], D[1:]
    gain = c.keep(f"{rng.randint(60, 400)}.{rng.randint(1, 9)}万元")
    money = rng.randint(200, 800)
    paras = [
        f"{ym(start)}至{ym(later(rng, start, 300, 500))}，被告人{a.name}在{c.city}{c.dist}{rng.choice(N.ROADS)}租用门店经营“{shop}”，"
        f"先后招募{J('、', [v.name for v in V])}等人员在店内从事卖淫活动，并制定了“上钟”“计钟”、分成及“罚款”等店规，"
        f"按每次{money}元至{money + 400}元的标准收取嫖资，与卖淫人员按四六比例分成。",
    ]
    roles = (
        "负责收银、记账，并通过微信群发布招嫖信息",
        "负责接送卖淫人员、望风",
        "负责招募人员、安排“钟点”",
        "负责店内管理及联络客源",
    )
    for i, p in enumerate(rest):
        paras.append(
            f"被告人{p.name}明知{a.name}组织他人卖淫，仍受雇于{a.name}，{roles[i % len(roles)]}，按月领取工资。"
        )
    paras.append(
        f"经查，“{shop}”营业期间共计组织卖淫活动一千余次，非法获利共计人民币{gain}。{d(later(rng, start, 520, 600))}，{_police(c)}"
        f"民警{W[0].name}等人在该店内将{J('、', [p.name for p in D])}等人抓获，当场查获记账本二本、银行卡五张。被告人{a.name}"
        f"用于收取嫖资的银行卡（卡号{c.card()}）内流水共计人民币{c.keep(f'{rng.randint(100, 900)}万余元')}。"
    )
    for v in V[:2]:
        if getattr(v, "nation", None):
            paras.append(
                f"卖淫人员{v.name}系{v.nation}国籍，持护照（号码{v.ident}）以旅游名义入境，经中介介绍到店。"
            )
    ev = [
        f"证人{J('、', [v.name for v in V])}的证言",
        f"证人{W[1].name}、{W[2].name}的证言",
        "记账本、银行交易明细",
        "现场勘验笔录、辨认笔录",
    ]
    return paras, ev


def _fundraising(c, D, V, W, start):
    rng = c.rng
    co = rng.choice(N.COMPANIES)
    total = rng.randint(2000, 90000)
    n = rng.randint(80, 1500)
    rate = rng.choice(("12%", "15%", "18%", "24%"))
    a = D[0]
    paras = [
        f"{d(start)}，被告人{a.name}注册成立{c.city}{co}（以下简称“{co[:2]}公司”），并担任法定代表人。"
        f"{ym(start)}至{ym(later(rng, start, 500, 900))}，{a.name}在未经有关部门依法批准的情况下，以{co[:2]}公司名义，"
        f"通过发放传单、召开推介会、组织旅游等方式向社会公开宣传“养老项目”“供应链融资”等理财产品，承诺年化收益{rate}至30%，"
        f"向{n}名集资参与人非法吸收资金共计人民币{c.keep(f'{total}万元')}，至案发时尚有人民币{c.keep(f'{rng.randint(500, total)}万元')}未兑付。",
    ]
    for p in D[1:]:
        paras.append(
            f"被告人{p.name}于{ym(later(rng, start, 30, 200))}入职{co[:2]}公司，先后担任业务经理、团队长，"
            f"明知公司未取得金融许可，仍带领团队以高额返利为诱饵向不特定公众吸收资金人民币{c.keep(f'{rng.randint(100, 1500)}万元')}，"
            f"从中领取提成人民币{rng.randint(5, 80)}万元。"
        )
    lines = []
    for v in V:
        tel = v.phone if rng.random() < 0.6 else c.landline()
        lines.append(f"集资参与人{v.name}（联系电话{tel}）投资人民币{rng.randint(2, 120)}万元")
    paras.append(
        f"集资参与人{V[-1].name}在报案材料中留存的电子邮箱为{c.email()}，其称系通过公司推介会结识{a.name}。"
    )
    paras.append(
        "其中，" + "；".join(lines) + "。部分集资参与人将款项转入公司财务人员个人银行账户（账号"
        f"{c.card()}）。"
    )
    expert = W[0]
    paras.append(
        f"经{c.city}{rng.choice(('天衡', '信达', '中瑞'))}会计师事务所注册会计师{expert.name}审计，{co[:2]}公司账面显示的"
        f"兑付本息共计人民币{rng.randint(300, 3000)}万元。"
    )
    ev = [
        f"集资参与人{J('、', [v.name for v in V])}等人的陈述",
        f"证人{W[1].name}、{W[2].name}的证言",
        f"司法会计鉴定意见（鉴定人{expert.name}）",
        "银行账户交易明细、合同、收据",
    ]
    return paras, ev


def _embezzle(c, D, V, W, start):
    rng = c.rng
    co = rng.choice(N.COMPANIES)
    a = D[0]
    total = rng.randint(30, 600)
    rep = V[0]
    paras = [
        f"被告人{a.name}于{ym(start)}入职{c.city}{co}，担任出纳，负责公司资金收付及网上银行操作。"
        f"{ym(later(rng, start, 100, 300))}至{ym(later(rng, start, 500, 900))}，{a.name}利用职务便利，采取虚构供应商付款、"
        f"重复报销等方式，分{rng.randint(20, 90)}次将公司账户资金共计人民币{c.keep(f'{total}.{rng.randint(10, 99)}万元')}转入其本人及其母亲"
        f"{V[1].name}名下的银行卡（卡号分别为{c.card()}、{c.card()}），用于网络赌博、偿还个人债务及日常消费。",
        f"{d(later(rng, start, 950, 1000))}，该公司法定代表人{rep.name}在核对账目时发现资金缺口，遂向{_police(c)}报案。同日，{a.name}"
        f"接到民警电话通知后主动到案，如实供述了上述事实。案发后，{a.name}退赔人民币{c.keep(f'{rng.randint(5, total)}万元')}。",
    ]
    if len(D) > 1:
        paras.append(
            f"被告人{D[1].name}系该公司会计，明知{a.name}虚构付款事项，仍在记账凭证上签字审核，并从中分得人民币{rng.randint(3, 30)}万元。"
        )
    ev = [
        f"证人{W[0].name}、{W[1].name}的证言",
        f"被害单位法定代表人{rep.name}的陈述",
        "银行交易流水、记账凭证、审计报告",
    ]
    return paras, ev


def _fraud(c, D, V, W, start):
    rng = c.rng
    a = D[0]
    paras = [
        f"{ym(start)}以来，被告人{J('、', [p.name for p in D])}经预谋，在{c.city}{c.dist}一出租屋内，"
        f"冒充电商平台客服、物流公司理赔人员，以“商品质量问题退款”“注销校园贷账户”等理由，诱骗被害人下载会议软件并开启屏幕共享，"
        f"进而骗取被害人钱款。具体事实如下："
    ]
    total = 0
    for i, v in enumerate(V):
        amt = rng.randint(8000, 380000)
        total += amt
        when = later(rng, start, 30 * i, 30 * i + 25)
        extra = ""
        if rng.random() < 0.4 and not c.minor:
            extra = f"被害人{v.name}年事已高，此前已被医院诊断为{c.disease()}，"
        line = f"手机（号码{v.phone}）" if rng.random() < 0.6 else f"家中座机（号码{c.landline()}）"
        paras.append(
            f"（{cn(i + 1)}）{d(when)}，被告人{rng.choice(D).name}拨打被害人{v.name}的{line}，{extra}"
            f"以上述理由骗得{v.name}通过手机银行向指定账户转账人民币{amt}元。"
        )
    paras.append(
        f"上述被告人共计骗取人民币{c.keep(f'{total}元')}。赃款经{a.name}收购的银行卡（卡号{c.card()}）转出后，"
        f"由被告人{D[-1].name}在{c.city}多处自动取款机取现。"
    )
    ev = [
        f"被害人{J('、', [v.name for v in V])}的陈述",
        f"证人{W[0].name}的证言",
        "银行交易明细、通话记录、电子数据检查笔录",
    ]
    return paras, ev


def _robbery(c, D, V, W, start):
    rng = c.rng
    v = V[0]
    sums = rng.randint(300, 6000)
    paras = [
        f"{d(start)}晚{rng.randint(21, 23)}时许，被告人{J('、', [p.name for p in D])}经事先商议，以“{rng.choice(('去城郊取货', '去朋友家', '去火车站'))}”为由"
        f"乘坐被害人{v.name}驾驶的网约车，行至{c.dist}{rng.choice(N.ROADS)}附近僻静路段时，由{D[0].name}持水果刀抵住{v.name}的颈部，"
        f"{D[-1].name}从后座控制其双手，强行劫走{v.name}的手机一部、现金人民币{sums}元，并逼迫其通过手机转账人民币{c.keep(f'{rng.randint(2000, 20000)}元')}。",
        f"在反抗过程中，{v.name}左前臂被划伤。经{c.city}公安司法鉴定中心法医{W[0].name}鉴定，{v.name}的损伤程度为轻伤二级。"
        f"被劫手机经{c.city}价格认证中心认定价值人民币{rng.randint(1800, 9000)}元。",
        f"{d(later(rng, start, 2, 20))}，被告人{D[0].name}在其住处被民警{W[1].name}等人抓获；其余被告人于同日在{c.dist}一网吧内被抓获。",
    ]
    ev = [
        f"被害人{v.name}的陈述",
        f"证人{W[2].name}的证言",
        f"法医学人体损伤程度鉴定书（鉴定人{W[0].name}）",
        "视频监控录像、扣押清单",
    ]
    return paras, ev


def _murder(c, D, V, W, start):
    rng = c.rng
    a, v = D[0], V[0]
    rel = rng.choice(("前妻", "邻居", "同事", "债主"))
    paras = [
        f"被告人{a.name}与被害人{v.name}（殁年{rng.randint(30, 66)}岁）系{rel}关系，二人因{rng.choice(('债务纠纷', '宅基地边界', '感情纠葛', '工程款结算'))}长期不和。"
        f"{d(start)}{rng.randint(8, 22)}时许，{a.name}在{c.dist}{rng.choice(N.ROADS)}{v.name}的住处门口与其再次发生争执，遂持事先准备的"
        f"单刃尖刀朝{v.name}胸腹部连续捅刺，致{v.name}倒地。邻居{W[0].name}闻声赶来制止，并拨打120、110。",
        f"{v.name}经送医抢救无效，于当日死亡。经{c.city}公安局物证鉴定所法医{W[1].name}检验鉴定，{v.name}系被他人用单刃刺器刺破心脏致失血性休克死亡。",
        f"作案后，{a.name}驾车逃离，于{d(later(rng, start, 1, 9))}在{rng.choice(('火车站', '长途汽车站', '亲戚家中'))}被民警{W[2].name}等人抓获。"
        f"经{c.city}精神卫生中心司法鉴定所鉴定，{a.name}作案时患有{c.disease()}，但作案时处于缓解期，具有完全刑事责任能力。",
    ]
    if len(V) > 1:
        paras.append(
            f"被害人{v.name}之子{V[1].name}、之女{V[2].name if len(V) > 2 else V[1].name}向本院提出附带民事诉讼请求，要求赔偿丧葬费等经济损失。"
        )
    ev = [
        f"证人{W[0].name}、{W[3].name}的证言",
        f"尸体检验鉴定书（鉴定人{W[1].name}）",
        "精神病司法鉴定意见书",
        "现场勘验检查笔录、提取笔录",
    ]
    return paras, ev


def _rape(c, D, V, W, start):
    rng = c.rng
    a, v = D[0], V[0]
    paras = [
        f"{d(start)}晚，被告人{a.name}以{rng.choice(('介绍工作', '一起庆祝生日', '补习功课', '帮忙搬家'))}为由，将被害人{v.name}约至其位于{c.dist}的出租屋内。"
        f"其间，{a.name}不顾{v.name}的反抗和哭喊，采取按压、捂嘴等暴力手段，违背其意志强行与其发生了性关系。",
        f"次日，{v.name}在其朋友{W[0].name}陪同下向{_police(c)}报案。{d(later(rng, start, 1, 3))}，{a.name}被民警{W[1].name}抓获。"
        f"经鉴定，在{v.name}衣物上检出{a.name}的DNA。",
    ]
    ev = [f"被害人{v.name}的陈述", f"证人{W[0].name}的证言", "DNA鉴定意见、现场勘验笔录"]
    return paras, ev


def _injury(c, D, V, W, start):
    rng = c.rng
    v = V[0]
    paras = [
        f"{d(start)}{rng.randint(13, 23)}时许，被告人{J('、', [p.name for p in D])}在{c.dist}{rng.choice(('一烧烤店', '一台球室', '一建筑工地', '一KTV包间'))}内，"
        f"因琐事与被害人{v.name}发生口角，继而对{v.name}拳打脚踢，{D[0].name}并持啤酒瓶击打{v.name}头部，致其受伤。",
        f"经{c.city}公安司法鉴定中心法医{W[0].name}鉴定，{v.name}的损伤程度为{rng.choice(('轻伤一级', '轻伤二级', '重伤二级'))}。"
        f"案发后，证人{W[1].name}报警，民警{W[2].name}到场将{D[0].name}带回调查。",
    ]
    ev = [
        f"被害人{v.name}的陈述",
        f"证人{W[1].name}的证言",
        f"鉴定意见（鉴定人{W[0].name}）",
        "视频监控录像",
    ]
    return paras, ev


def _theft(c, D, V, W, start):
    rng = c.rng
    total = 0
    paras = [
        f"{ym(start)}至{ym(later(rng, start, 40, 120))}，被告人{J('、', [p.name for p in D])}结伙在{c.dist}多处实施盗窃："
    ]
    for i, v in enumerate(V):
        amt = rng.randint(900, 26000)
        total += amt
        paras.append(
            f"（{cn(i + 1)}）{d(later(rng, start, 5 * i, 5 * i + 4))}凌晨，在{c.dist}{rng.choice(N.ROADS)}，撬开被害人{v.name}经营的"
            f"{rng.choice(('手机店', '便利店', '五金店', '水果店'))}卷帘门，窃得现金及手机等物，价值人民币{amt}元。"
        )
    paras.append(
        f"上述盗窃数额共计人民币{c.keep(f'{total}元')}。民警{W[0].name}根据监控线索将各被告人抓获，追回部分赃物并已发还。"
    )
    ev = [
        f"被害人{J('、', [v.name for v in V])}的陈述",
        f"证人{W[1].name}的证言",
        "价格认定结论书、监控录像",
    ]
    return paras, ev


def _molest(c, D, V, W, start):
    rng = c.rng
    a, v = D[0], V[0]
    paras = [
        f"被告人{a.name}系被害人{v.name}所在{v.school}的{rng.choice(('校外托管班负责人', '兴趣班老师', '校车司机'))}。"
        f"{ym(start)}至{ym(later(rng, start, 60, 150))}间，{a.name}多次利用托管、辅导之机，在托管班休息室内对{v.name}实施猥亵。",
        f"{d(later(rng, start, 160, 200))}，{v.name}向其母亲{V[1].name}哭诉此事，{V[1].name}随即报警。班主任{W[0].name}证实，{v.name}"
        f"此前一段时间情绪低落、上课注意力不集中。",
    ]
    ev = [
        f"被害人{v.name}的陈述",
        f"证人{V[1].name}、{W[0].name}的证言",
        "同步录音录像、心理评估报告",
    ]
    return paras, ev


_FACTS = {
    "组织卖淫罪": _org_prostitution,
    "非法吸收公众存款罪": _fundraising,
    "职务侵占罪": _embezzle,
    "诈骗罪": _fraud,
    "抢劫罪": _robbery,
    "故意杀人罪": _murder,
    "强奸罪": _rape,
    "故意伤害罪": _injury,
    "盗窃罪": _theft,
    "猥亵儿童罪": _molest,
}
# cause -> (defendants, victims, witnesses) ranges
SHAPE = {
    "组织卖淫罪": ((3, 6), (3, 5), (3, 4)),
    "非法吸收公众存款罪": ((2, 4), (4, 8), (3, 4)),
    "职务侵占罪": ((1, 2), (2, 2), (2, 3)),
    "诈骗罪": ((2, 4), (3, 6), (1, 2)),
    "抢劫罪": ((2, 3), (1, 1), (3, 3)),
    "故意杀人罪": ((1, 1), (1, 3), (4, 4)),
    "强奸罪": ((1, 1), (1, 1), (2, 2)),
    "故意伤害罪": ((1, 3), (1, 1), (3, 3)),
    "盗窃罪": ((1, 3), (1, 3), (2, 2)),
    "猥亵儿童罪": ((1, 1), (2, 2), (1, 1)),
}
# officially named witnesses: in these causes W[i] is a police officer (民警) and not protected
POLICE_W = {
    "组织卖淫罪": (0,),
    "抢劫罪": (1,),
    "故意杀人罪": (2,),
    "强奸罪": (1,),
    "故意伤害罪": (2,),
    "盗窃罪": (0,),
}
MINOR_OK = ("抢劫罪", "强奸罪", "故意伤害罪", "盗窃罪", "猥亵儿童罪")


_SAY_W = (
    "案发当晚其在{place}附近，看到{d}与对方发生争执，后来听到有人喊“报警”，其就离开了",
    "其与{d}认识多年，{d}曾多次向其借钱，说是“做生意周转”，至今未还",
    "{d}平时住在{place}，很少与邻居来往，案发前一段时间经常有陌生人进出",
    "其在{place}上班，{d}曾让其帮忙办理银行卡，其没有同意",
    "其是在朋友介绍下认识{d}的，{d}自称在外地做工程，出手很大方",
    "案发后{d}给其打过电话，让其“什么都别说”，其没有理会",
)
_SAY_D = (
    "其对起诉意见书认定的事实没有异议，愿意认罪认罚，希望能够得到从轻处理",
    "其只是听从安排做事，具体怎么分钱其不清楚，其没有拿到多少好处",
    "当时喝了酒，很多细节记不清了，但其承认事情是其做的",
    "其不知道这样做是违法的，如果知道的话其不会参与",
)


def statements(c: Ctx, D: list[Person], V: list[Person], W: list[Person]) -> list[str]:
    """What the witnesses, the victims and the defendants said, one paragraph each."""
    rng = c.rng
    place = c.dist + rng.choice(N.ROADS)
    out = []
    for w in W:
        if w.protected and not getattr(w, "expert", False):
            say = rng.choice(_SAY_W).format(d=f"{rng.choice(D).name}", place=place)
            out.append(f"证人{w.name}的证言证实：{say}。")
    for v in V[:3]:
        out.append(
            f"被害人{v.name}陈述：案发前其与{D[0].name}{rng.choice(('并不认识', '只是点头之交', '有生意往来', '是多年的朋友'))}，"
            f"事后其{rng.choice(('当即报了警', '犹豫了几天才报警', '在家人的劝说下报了警'))}，要求依法追究{D[0].name}的刑事责任。"
        )
    for p in D:
        out.append(f"被告人{p.name}供述：{rng.choice(_SAY_D)}。")
    return out
