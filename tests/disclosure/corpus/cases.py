"""Jurisdictions, casts of people and the facts of the crimes, shared by the document kinds."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import names as N
from .builder import Builder, Person, cn_num, md, money, term, ymd
from .numbers import (
    make_card,
    make_email,
    make_id,
    make_landline,
    make_mobile,
    make_old_id,
    make_passport,
)


@dataclass(frozen=True)
class Juris:
    proc: str
    abbr: str
    court: str
    police: str
    upper_proc: str
    upper_abbr: str
    upper_court: str
    city: str
    district: str
    court_code: str
    jail: str
    short: str


JURIS = (
    Juris(
        "示例市光明区人民检察院",
        "示光检",
        "示例市光明区人民法院",
        "示例市公安局光明分局",
        "示例市人民检察院",
        "示检",
        "示例市中级人民法院",
        "示例市",
        "光明区",
        "示0102",
        "示例市光明区看守所",
        "光明区检察院",
    ),
    Juris(
        "示例市临江区人民检察院",
        "示临检",
        "示例市临江区人民法院",
        "示例市公安局临江分局",
        "示例市人民检察院",
        "示检",
        "示例市中级人民法院",
        "示例市",
        "临江区",
        "示0103",
        "示例市看守所",
        "临江区检察院",
    ),
    Juris(
        "江州市东湖区人民检察院",
        "江东检",
        "江州市东湖区人民法院",
        "江州市公安局东湖分局",
        "江州市人民检察院",
        "江检",
        "江州市中级人民法院",
        "江州市",
        "东湖区",
        "江0104",
        "江州市第一看守所",
        "东湖区检察院",
    ),
    Juris(
        "南岭市青山区人民检察院",
        "南青检",
        "南岭市青山区人民法院",
        "南岭市公安局青山分局",
        "南岭市人民检察院",
        "南检",
        "南岭市中级人民法院",
        "南岭市",
        "青山区",
        "南0105",
        "南岭市看守所",
        "青山区检察院",
    ),
    Juris(
        "青川县人民检察院",
        "青检",
        "青川县人民法院",
        "青川县公安局",
        "南岭市人民检察院",
        "南检",
        "南岭市中级人民法院",
        "青川县",
        "",
        "南0722",
        "青川县看守所",
        "青川县检察院",
    ),
    Juris(
        "云岭市西城区人民检察院",
        "云西检",
        "云岭市西城区人民法院",
        "云岭市公安局西城分局",
        "云岭市人民检察院",
        "云检",
        "云岭市中级人民法院",
        "云岭市",
        "西城区",
        "云0106",
        "云岭市西城区看守所",
        "西城区检察院",
    ),
    Juris(
        "海阳市人民检察院",
        "海检",
        "海阳市人民法院",
        "海阳市公安局",
        "示例市人民检察院",
        "示检",
        "示例市中级人民法院",
        "海阳市",
        "",
        "示0781",
        "海阳市看守所",
        "海阳市检察院",
    ),
)

STREETS = (
    "建设路",
    "人民路",
    "解放路",
    "中山路",
    "长江路",
    "新华街",
    "朝阳路",
    "光华大道",
    "幸福路",
    "学府路",
    "滨江路",
    "花园街",
    "金桥路",
    "东风路",
    "胜利街",
    "桂花巷",
    "青年路",
    "北环路",
    "工农路",
    "红星街",
)
COMMUNITIES = (
    "阳光花园",
    "锦绣苑",
    "翠湖小区",
    "幸福里小区",
    "金色家园",
    "滨江一号",
    "书香名邸",
    "紫荆花园",
    "丽景湾",
    "东方明珠苑",
    "绿城桂语",
    "新河湾",
)
TOWNS = ("石门", "青石", "柳河", "桃源", "龙泉", "马坊", "杨柳", "双河", "清水", "黄土岭", "洪塘")
VILLAGES = (
    "柳溪",
    "李家",
    "塘坝",
    "新庄",
    "河口",
    "上湾",
    "石桥",
    "枣林",
    "刘家岗",
    "下坪",
    "竹园",
)
OTHER_PLACES = (
    "江苏省南京市鼓楼区",
    "北京市朝阳区",
    "广东省深圳市南山区",
    "四川省成都市武侯区",
    "浙江省杭州市西湖区",
    "湖北省武汉市洪山区",
    "山东省济南市历下区",
    "陕西省西安市雁塔区",
    "湖南省长沙市岳麓区",
    "河南省郑州市金水区",
    "安徽省合肥市蜀山区",
    "重庆市渝中区",
)
DISEASES = (
    "糖尿病",
    "高血压三级",
    "精神分裂症",
    "抑郁症",
    "乙型病毒性肝炎",
    "尿毒症",
    "肺结核",
    "冠心病",
    "癫痫",
    "双相情感障碍",
)
SCHOOL_KINDS = (
    "第三小学",
    "实验小学",
    "第二中学",
    "第五中学",
    "育才小学",
    "城关中学",
    "第一实验学校",
)
FIRMS = (
    "恒信律师事务所",
    "正平律师事务所",
    "明德律师事务所",
    "金诚律师事务所",
    "大成衡平律师事务所",
    "德恒远律师事务所",
    "君达律师事务所",
)


def urban_address(rng: random.Random, j: Juris) -> str:
    where = j.city + j.district
    if rng.random() < 0.5:
        return (
            f"{where}{rng.choice(STREETS)}{rng.randint(1, 300)}号{rng.randint(1, 20)}栋"
            f"{rng.randint(1, 4)}单元{rng.randint(1, 30)}0{rng.randint(1, 4)}室"
        )
    return f"{where}{rng.choice(COMMUNITIES)}{rng.randint(1, 40)}幢{rng.randint(1, 26)}0{rng.randint(1, 6)}室"


def rural_address(rng: random.Random, j: Juris) -> tuple[str, str]:
    village = f"{rng.choice(TOWNS)}镇{rng.choice(VILLAGES)}村"
    return (
        f"{j.city}{j.district}{village}{cn_num(rng.randint(1, 9))}组{rng.randint(1, 80)}号",
        village,
    )


def other_address(rng: random.Random) -> str:
    return f"{rng.choice(OTHER_PLACES)}{rng.choice(STREETS)}{rng.randint(1, 500)}号"


FEMALE_CHARS = set(
    "芳娜敏静丽艳霞玲琳雪晶莉倩婷燕红悦岚蕾薇萍颖琴梅慧瑶璐蓉娟秀丹珊菲琦妍英兰凤菊珍花萱涵怡琪桐曦萌馨诺妹娥云芬"
)
MALE_CHARS = set("强伟军杰勇刚斌鹏浩凯健俊帅兵辉峰虎龙毅振锋森坤昊豪栋根骁博宇航泽轩生福山胜才旺祖")


class Namer:
    """Fresh, distinct names for one document."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def take(self, name: str) -> str:
        self.used.add(name)
        return name

    def fresh(
        self,
        *,
        surname: str | None = None,
        sex: str = "男",
        compound: bool = False,
        length: int | None = None,
    ) -> str:
        rng = self.rng
        for _ in range(200):
            if surname:
                s = surname
            elif compound:
                s = rng.choice(N.COMPOUND_SURNAMES)
            else:
                r = rng.random()
                s = (
                    rng.choice(N.SINGLE_SURNAMES[:100])
                    if r < 0.75
                    else rng.choice(N.SINGLE_SURNAMES[100:])
                )
            n_given = length - len(s) if length else (1 if rng.random() < 0.4 else 2)
            if n_given == 1:
                g = rng.choice(N.GIVEN_1)
            elif compound and rng.random() < 0.3:
                c = rng.choice("娜丽婷佳欣雪明光")
                g = c + c if c in "娜丽婷" else rng.choice(N.GIVEN_2)
            else:
                g = rng.choice(N.GIVEN_2)
            name = s + g
            if sex == "男" and any(ch in FEMALE_CHARS for ch in g):
                continue
            if sex == "女" and any(ch in MALE_CHARS for ch in g):
                continue
            if name not in self.used and not any(name in u or u in name for u in self.used):
                return self.take(name)
        raise AssertionError("names exhausted")


@dataclass
class Prior:
    cause: str
    sentenced: date
    months: int
    released: date
    negligent: bool = False
    juvenile: bool = False
    detention_only: bool = False  # 拘役

    def text(self, court: str) -> str:
        what = (
            f"拘役{cn_num(self.months)}个月"
            if self.detention_only
            else f"有期徒刑{term(self.months)}"
        )
        return (
            f"曾因犯{self.cause}于{self.sentenced.year}年{self.sentenced.month}月被{court}判处{what}，"
            f"{ymd(self.released)}刑满释放"
        )

    def recidivism(self, new_offence: date) -> bool:
        within = (new_offence - self.released).days <= 5 * 365
        return within and not self.negligent and not self.juvenile and not self.detention_only


@dataclass
class Case:
    j: Juris
    crime: Crime
    defs: list[Person]
    victims: list[Person]
    witnesses: list[Person]
    experts: list[Person]
    relatives: list[tuple[str, Person]]
    police: list[str]
    prosecutor: str
    assistant: str
    clerk: str
    lawyer: str
    firm: str
    judge: str
    offence: date
    detained: date
    arrested: date
    transferred: date
    decided: date
    amount: int
    minor: bool = False
    implicit_minor: bool = False
    school: str = ""
    klass: str = ""
    priors: dict[int, Prior] = field(default_factory=dict)
    sentences: dict[str, int] = field(default_factory=dict)  # months; 0 = none yet
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Crime:
    key: str
    cause: str
    article: str
    reason: str  # 本院认为 element clause, "{R}" = role and names
    light: bool  # fits a non-prosecution decision
    minor: bool = False  # a child victim
    implicit_ok: bool = False  # the cause does not say that a child is involved
    negligent: bool = False


CRIMES = (
    Crime(
        "theft", "盗窃罪", "第二百六十四条", "以非法占有为目的，秘密窃取他人财物，数额较大", True
    ),
    Crime(
        "fraud",
        "诈骗罪",
        "第二百六十六条",
        "以非法占有为目的，虚构事实、隐瞒真相，骗取他人财物，数额较大",
        True,
    ),
    Crime(
        "injury",
        "故意伤害罪",
        "第二百三十四条",
        "故意伤害他人身体，致一人轻伤",
        True,
        implicit_ok=True,
    ),
    Crime("drunk", "危险驾驶罪", "第一百三十三条之一", "在道路上醉酒驾驶机动车", True),
    Crime(
        "traffic",
        "交通肇事罪",
        "第一百三十三条",
        "违反交通运输管理法规，因而发生重大事故，致一人死亡，负事故全部责任",
        True,
        negligent=True,
    ),
    Crime(
        "helpnet",
        "帮助信息网络犯罪活动罪",
        "第二百八十七条之二",
        "明知他人利用信息网络实施犯罪，为其犯罪提供支付结算帮助，情节严重",
        True,
    ),
    Crime("affray", "寻衅滋事罪", "第二百九十三条", "随意殴打他人，情节恶劣，破坏社会秩序", True),
    Crime(
        "robbery", "抢劫罪", "第二百六十三条", "以非法占有为目的，采用暴力手段劫取他人财物", False
    ),
    Crime(
        "fence", "掩饰、隐瞒犯罪所得罪", "第三百一十二条", "明知是犯罪所得而予以收购、转卖", True
    ),
    Crime(
        "molest", "猥亵儿童罪", "第二百三十七条第三款", "猥亵不满十四周岁的儿童", False, minor=True
    ),
    Crime(
        "abuse",
        "虐待罪",
        "第二百六十条",
        "虐待家庭成员，情节恶劣",
        False,
        minor=True,
        implicit_ok=True,
    ),
    Crime(
        "childhurt",
        "故意伤害罪",
        "第二百三十四条",
        "故意伤害他人身体，致一人轻伤",
        False,
        minor=True,
        implicit_ok=True,
    ),
)
CRIME_BY_KEY = {c.key: c for c in CRIMES}
ADULT_CRIMES = tuple(c for c in CRIMES if not c.minor)
LIGHT_CRIMES = tuple(c for c in CRIMES if c.light)
MINOR_CRIMES = tuple(c for c in CRIMES if c.minor)


def rand_date(rng: random.Random, start: date, days: int) -> date:
    return start + timedelta(days=rng.randrange(days))


def make_person(
    rng: random.Random,
    namer: Namer,
    *,
    sex: str | None = None,
    birth: date,
    j: Juris,
    rural: bool = False,
    name: str | None = None,
) -> Person:
    sex = sex or rng.choice("男男女")
    if name is None:
        name = namer.fresh(sex=sex)
    p = Person(name=name, sex=sex, birth=birth)
    p.ethnicity = rng.choice(N.ETHNICITIES)
    p.education = rng.choice(N.EDUCATION)
    p.occupation = rng.choice(N.OCCUPATIONS)
    if rng.random() < 0.06 and birth.year < 1975:
        p.id_no = make_old_id(rng, birth, sex)
        p.old_id = True
    else:
        p.id_no = make_id(rng, birth, sex, want_x=rng.random() < 0.18)
    if rural:
        p.address, p.village = rural_address(rng, j)
    else:
        p.address = urban_address(rng, j) if rng.random() < 0.7 else other_address(rng)
    p.phone = make_mobile(rng)
    return p


def build_case(
    rng: random.Random,
    plan: set[str],
    crime: Crime,
    *,
    n_defs: int = 1,
    minor_defendant: bool = False,
    year: int | None = None,
) -> Case:
    namer = Namer(rng)
    j = rng.choice(JURIS)
    year = year or rng.choice((2022, 2023, 2023, 2024, 2024))
    offence = rand_date(rng, date(year, 1, 5), 300)
    detained = offence + timedelta(days=rng.randint(1, 40))
    arrested = detained + timedelta(days=rng.randint(20, 37))
    transferred = arrested + timedelta(days=rng.randint(30, 90))
    decided = transferred + timedelta(days=rng.randint(20, 60))
    rural = crime.key in ("abuse",) or rng.random() < 0.25
    defs = []
    for i in range(n_defs):
        if minor_defendant and i == 0:
            b = offence - timedelta(days=rng.randint(14 * 365 + 30, 17 * 365 + 300))
        else:
            b = date(rng.randint(1965, 2002), rng.randint(1, 12), rng.randint(1, 28))
        p = make_person(
            rng,
            namer,
            birth=b,
            j=j,
            rural=rural,
            sex="男" if crime.key in ("molest", "abuse") else None,
        )
        if minor_defendant and i == 0:
            p.occupation, p.education = "在校学生", "初中文化"
        defs.append(p)
    victims = []
    n_vic = 0 if crime.key == "drunk" else (2 if crime.key in ("affray", "helpnet") else 1)
    for _ in range(n_vic):
        if crime.minor:
            b = offence - timedelta(days=rng.randint(7 * 365, 13 * 365 + 300))
            v = make_person(rng, namer, birth=b, j=j, rural=rural, sex=rng.choice("男女女"))
            v.occupation = "学生"
        else:
            v = make_person(
                rng,
                namer,
                birth=date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28)),
                j=j,
            )
        victims.append(v)
    witnesses = [
        make_person(rng, namer, birth=date(rng.randint(1955, 2000), 3, 3), j=j)
        for _ in range(rng.randint(1, 2))
    ]
    experts = [make_person(rng, namer, birth=date(1980, 1, 1), j=j) for _ in range(2)]
    relatives: list[tuple[str, Person]] = []
    if crime.minor and victims:
        for kin, sx in (
            ("母亲", "女"),
            ("继父" if crime.key == "abuse" else "父亲", "男"),
            ("外婆", "女"),
        ):
            relatives.append(
                (
                    kin,
                    make_person(
                        rng,
                        namer,
                        sex=sx,
                        birth=date(
                            rng.randint(
                                1950 if kin == "外婆" else 1975, 1960 if kin == "外婆" else 1990
                            ),
                            5,
                            5,
                        ),
                        j=j,
                    ),
                )
            )
    elif minor_defendant:
        relatives.append(("父亲", make_person(rng, namer, sex="男", birth=date(1978, 6, 6), j=j)))
    elif rng.random() < 0.7:
        kin = rng.choice(("妻子", "丈夫", "儿子", "女儿", "哥哥", "邻居"))
        sx = {"妻子": "女", "丈夫": "男", "儿子": "男", "女儿": "女", "哥哥": "男"}.get(kin)
        relatives.append((kin, make_person(rng, namer, sex=sx, birth=date(1970, 7, 7), j=j)))
    police = [namer.fresh() for _ in range(2)]
    prosecutor, assistant, clerk, lawyer, judge = (namer.fresh() for _ in range(5))
    amount = rng.choice((3200, 4860, 6500, 8000, 12000, 15600, 23000, 36800, 52000, 98000, 150000))
    c = Case(
        j=j,
        crime=crime,
        defs=defs,
        victims=victims,
        witnesses=witnesses,
        experts=experts,
        relatives=relatives,
        police=police,
        prosecutor=prosecutor,
        assistant=assistant,
        clerk=clerk,
        lawyer=lawyer,
        firm=rng.choice(FIRMS),
        judge=judge,
        offence=offence,
        detained=detained,
        arrested=arrested,
        transferred=transferred,
        decided=decided,
        amount=amount,
        minor=crime.minor or minor_defendant,
    )
    c.extra["namer"] = namer
    c.extra["rural"] = rural
    if crime.minor or minor_defendant:
        school = f"{j.city}{rng.choice(SCHOOL_KINDS)}"
        c.school = school
        if "小学" in school or (victims and (offence - victims[0].birth).days < 12 * 365):
            c.klass = f"{rng.choice('三四五六')}年级{rng.choice('一二三四')}班"
        else:
            c.klass = f"初{rng.choice('一二三')}（{rng.randint(1, 9)}）班"
    return c


def add_prior(rng: random.Random, c: Case, d: Person, kind: str) -> Prior:
    """kind: recidivist | old (released > 5 years before) | negligent | juvenile | detention."""
    o = c.offence
    if kind == "recidivist":
        released = o - timedelta(days=rng.randint(200, 4 * 365))
        months = rng.choice((8, 10, 18, 24, 30, 48))
        pr = Prior(
            rng.choice(("盗窃罪", "抢劫罪", "故意伤害罪", "诈骗罪")),
            released - timedelta(days=months * 30),
            months,
            released,
        )
    elif kind == "old":
        released = o - timedelta(days=rng.randint(5 * 365 + 60, 9 * 365))
        months = rng.choice((36, 48, 60, 18))
        pr = Prior(
            rng.choice(("盗窃罪", "抢劫罪", "故意伤害罪")),
            released - timedelta(days=months * 30 + 40),
            months,
            released,
        )
    elif kind == "negligent":
        released = o - timedelta(days=rng.randint(300, 3 * 365))
        months = rng.choice((18, 24, 36))
        pr = Prior(
            "交通肇事罪",
            released - timedelta(days=months * 30 + 30),
            months,
            released,
            negligent=True,
        )
    elif kind == "juvenile":
        crime_day = d.birth + timedelta(days=17 * 365 + 100)
        pr = Prior(
            "抢劫罪",
            crime_day + timedelta(days=120),
            24,
            crime_day + timedelta(days=120 + 24 * 30),
            juvenile=True,
        )
        if pr.released >= o:
            pr.released = o - timedelta(days=200)
    else:
        released = o - timedelta(days=rng.randint(300, 3 * 365))
        pr = Prior("危险驾驶罪", released - timedelta(days=150), 4, released, detention_only=True)
    c.priors[id(d)] = pr
    return pr


def apply_plan_names(
    rng: random.Random,
    b: Builder,
    c: Case,
    plan: set[str],
    protected_people: list[Person],
    main: Person | None,
    officials_nested_ok: bool = True,
) -> None:
    """Rename protected people so the planned name variations happen."""
    namer: Namer = c.extra["namer"]
    pool = [p for p in protected_people if p is not main]
    if main is not None and "wordlike_surname" in plan:
        for _ in range(50):
            nm = rng.choice(N.WORDLIKE_NAMES)
            if nm not in namer.used and not any(nm in u or u in nm for u in namer.used):
                main.name = namer.take(nm)
                main.tags = (*main.tags, "wordlike_candidate")
                break
    if "compound_surname" in plan and protected_people:
        target = rng.choice(
            protected_people
            if main is None or "wordlike_candidate" not in main.tags
            else pool or protected_people
        )
        if "wordlike_candidate" not in target.tags:
            target.name = namer.fresh(compound=True, length=rng.choice((3, 4, 4)))
            target.tags = (*target.tags, "compound_surname")
    principals = [*c.defs, *c.victims]
    movable = [p for p in protected_people if not p.tags and p in principals]
    if "minority_name" in plan and movable:
        target = rng.choice(movable)
        options = [
            m
            for m in N.MINORITY_NAMES
            if m[0] not in namer.used and (m[2] == target.sex or target is not main)
        ]
        if options:
            nm, eth, sx = rng.choice(options)
            target.name = namer.take(nm)
            target.ethnicity = eth
            target.sex = sx
            target.tags = ("minority_name",)
            b.dot_target = nm if rng.random() < 0.5 else ""
    movable = [p for p in protected_people if not p.tags and p in principals]
    if "foreign_name" in plan and movable and not c.minor:
        target = rng.choice(movable)
        options = [f for f in N.FOREIGN_NAMES if f[0] not in namer.used]
        nm, nat, sx = rng.choice(options)
        target.name = namer.take(nm)
        target.nationality = nat
        target.sex = sx
        target.passport = make_passport(rng)
        target.tags = ("foreign_name",)
    movable = [p for p in protected_people if not p.tags]
    if "same_surname" in plan and len(movable) >= 2:
        a, bb = rng.sample(movable, 2)
        sur = a.surname
        namer.used.discard(bb.name)
        bb.name = namer.fresh(surname=sur)
        a.tags = ("same_surname",)
        bb.tags = ("same_surname",)
    movable = [p for p in protected_people if not p.tags]
    if "nested_name" in plan and movable:
        for _ in range(50):
            short = rng.choice(N.SINGLE_SURNAMES[:60]) + rng.choice(N.GIVEN_1)
            long = short + rng.choice("国华明军平生")
            if not any(x in u or u in x for u in namer.used for x in (short, long)):
                break
        else:  # pragma: no cover
            return
        if officials_nested_ok and rng.random() < 0.35:
            # the official is the short name; the protected person the long one
            c.prosecutor = namer.take(short)
            target = rng.choice(movable)
            target.name = namer.take(long)
            target.tags = ("nested_name",)
        elif len(movable) >= 2:
            x, y = rng.sample(movable, 2)
            x.name, y.name = namer.take(short), namer.take(long)
            x.tags = ("nested_name",)
            y.tags = ("nested_name",)


def phone_text(b: Builder, rng: random.Random, p: Person) -> str:
    r = rng.random()
    if r < 0.4:
        return f"，联系电话{b.p(p.phone, 'mobile')}"
    if r < 0.55:
        return f"，手机号码：{b.p(p.phone, 'mobile')}"
    if r < 0.72:
        return f"，联系电话{b.p(p.phone, 'mobile')}、{b.p(make_landline(rng), 'landline')}"
    if r < 0.92:
        return f"，电子邮箱{b.p(make_email(rng), 'email')}" + (
            f"，手机{b.p(p.phone, 'mobile')}" if rng.random() < 0.5 else ""
        )
    return ""


def identity(
    b: Builder, rng: random.Random, p: Person, *, with_phone: bool = True, minor_ok: bool = False
) -> str:
    """，男，1985年3月12日出生，公民身份号码…，汉族，…，住…"""
    if p.nationality:
        s = (
            f"，{p.sex}，{ymd(p.birth)}出生，护照号码{b.p(p.passport, 'passport')}，"
            f"{rng.choice(('大学文化', '高中文化', '大学本科文化'))}，{rng.choice(('无业', '外籍教师', '留学生', '某贸易公司职员'))}，"
            f"在华住{b.p(urban_address(rng, rng.choice(JURIS)), 'address')}"
        )
        return s + (
            f"，联系电话{b.p(p.phone, 'mobile')}" if with_phone and rng.random() < 0.6 else ""
        )
    idw = rng.choice(("公民身份号码", "公民身份号码", "身份证号码", "身份证号："))
    if p.old_id:
        idw = "身份证号码"
        b.tags.add("old_id_15")
    s = f"，{p.sex}，{ymd(p.birth)}出生"
    if rng.random() < 0.5:
        s += f"，{idw}{b.p(p.id_no, 'id')}，{p.ethnicity}，{p.education}，{p.occupation}"
    else:
        s += f"，{p.ethnicity}，{p.education}，{p.occupation}，{idw}{b.p(p.id_no, 'id')}"
    r = rng.random()
    if r < 0.55:
        s += f"，住{b.p(p.address, 'address')}"
    elif r < 0.8:
        s += f"，户籍所在地{b.p(p.address, 'address')}，现住{b.p(urban_address(rng, rng.choice(JURIS)), 'address')}"
    else:
        s += f"，住址：{b.p(p.address, 'address')}"
    if p.village:
        b.also(p.village, "village")
    if with_phone:
        s += phone_text(b, rng, p)
    return s


def custody(b: Builder, rng: random.Random, c: Case, d: Person, *, role_pron: str = "") -> str:
    j = c.j
    r = rng.random()
    if r < 0.55:
        return (
            f"{ymd(c.detained)}因涉嫌{c.crime.cause}被{b.k(j.police)}刑事拘留，"
            f"{ymd(c.arrested)}经本院批准，由{j.police}执行逮捕。"
        )
    if r < 0.8:
        return (
            f"因涉嫌{c.crime.cause}，于{ymd(c.detained)}被{b.k(j.police)}刑事拘留，"
            f"同年{md(c.arrested)}经本院批准逮捕，现羁押于{j.jail}。"
        )
    return (
        f"因涉嫌{c.crime.cause}于{ymd(c.detained)}被{b.k(j.police)}取保候审，"
        f"{ymd(c.transferred + timedelta(days=3))}经本院决定继续取保候审。"
    )


# ---------------------------------------------------------------------------------------------
# Facts of the crimes. R is the role word of the defendants in this kind of document.
# ---------------------------------------------------------------------------------------------


def kin_sentence(b: Builder, rng: random.Random, c: Case, victim_or_def: Person) -> str:
    """A relative introduced by a kinship word and named again bare (…其妻子李梅…；李梅称…)."""
    if not c.relatives or c.minor:
        return ""
    kin, r = c.relatives[0]
    if kin in ("妻子", "丈夫"):
        kin = "妻子" if victim_or_def.sex == "男" else "丈夫"
    if kin == "邻居":
        return (
            f"当晚，{b.name(victim_or_def, bare=True)}的邻居{b.name(r)}听到争吵声后出门查看，"
            f"{b.name(r, bare=True)}称其看见一名男子从楼道匆忙离开。"
        )
    options = (
        lambda: f"其{kin}{b.name(r)}于当日下午得知此事，{b.name(r, bare=True)}随即陪同报警。",
        lambda: (
            f"事后，{b.name(victim_or_def, bare=True)}的{kin}{b.name(r)}向民警反映了情况。"
            f"{b.name(r, bare=True)}称，案发前曾经多次看到可疑人员在附近徘徊。"
        ),
        lambda: (
            f"{b.name(r)}（系{b.name(victim_or_def, bare=True)}之{kin}）证实，"
            f"{b.name(victim_or_def, bare=True)}案发当日曾向其讲述事情经过。"
        ),
    )
    return rng.choice(options)()


def facts(b: Builder, rng: random.Random, c: Case, R: str) -> list[str]:
    return FACTS[c.crime.key](b, rng, c, R)


def _defs(b: Builder, c: Case, R: str) -> str:
    return "、".join(b.name(d) for d in c.defs)


def f_theft(b, rng, c, R):
    d, v = c.defs[0], c.victims[0]
    j = c.j
    who = f"{R}{b.name(d)}" + (f"伙同{R}{b.name(c.defs[1])}" if len(c.defs) > 1 else "")
    a1 = c.amount
    paras = [
        f"{ymd(c.offence)}凌晨{rng.randint(1, 4)}时许，{who}窜至{j.city}{j.district}{rng.choice(COMMUNITIES)}，"
        f"趁无人之机，采取撬锁的方式进入被害人{b.name(v)}位于{b.p(v.address, 'address')}的住处，"
        f"窃得现金{b.k(money(a1))}及华为牌手机一部。经{j.city}价格认证中心认定，被盗手机价值{b.k(money(3260))}。"
        + kin_sentence(b, rng, c, v),
        f"案发后，{R}{b.name(d)}将窃得的手机以800元的价格出售给他人，赃款已被其挥霍。{ymd(c.detained)}，"
        f"{R}{b.name(d, bare=True)}在{j.city}火车站附近被{b.k(j.police)}民警{b.official(c.police[0])}抓获，"
        f"到案后如实供述了上述犯罪事实。",
    ]
    if rng.random() < 0.6:
        paras.append(
            f"案件审查期间，{R}{b.name(d)}的家属代为退赔了被害人的全部经济损失，被害人{b.name(v)}"
            f"对其表示谅解。"
        )
    return paras


def f_fraud(b, rng, c, R):
    d, v = c.defs[0], c.victims[0]
    card = make_card(rng)
    months = rng.randint(2, 6)
    paras = [
        f"{c.offence.year}年{max(1, c.offence.month - months)}月至{c.offence.month}月间，"
        f"{R}{b.name(d)}使用手机号码{b.p(d.phone, 'mobile')}注册的微信账号，冒充某电商平台客服人员，"
        f"以“订单异常、办理退款”为由，诱骗被害人{b.name(v)}下载屏幕共享软件，并向其指定的银行账户"
        f"（卡号{b.p(card, 'card')}）转账，共计骗取被害人{b.name(v, bare=True)}{b.k(money(c.amount))}。",
        f"被害人{b.name(v)}发现被骗后于{ymd(c.offence + timedelta(days=3))}向{b.k(c.j.police)}报案。"
        f"经查，上述银行账户系{R}{b.name(d)}以其本人身份开立，赃款转入后随即被分散转出。"
        + kin_sentence(b, rng, c, v),
    ]
    if rng.random() < 0.5:
        v2card = make_card(rng)
        paras.append(
            f"另查明，被害人{b.name(v)}被骗款项系从其名下银行卡（卡号{b.p(v2card, 'card')}）转出。"
            f"{R}{b.name(d)}到案后，于是主动退缴了违法所得{b.k(money(c.amount // 2))}。"
        )
    return paras


def f_injury(b, rng, c, R):
    d, v = c.defs[0], c.victims[0]
    w = c.witnesses[0]
    cause = rng.choice(("停车纠纷", "邻里琐事", "债务纠纷", "装修噪音问题"))
    grade = rng.choice(("轻伤一级", "轻伤二级"))
    paras = [
        f"{ymd(c.offence)}{rng.randint(18, 22)}时许，{R}{b.name(d)}与被害人{b.name(v)}因{cause}"
        f"在{c.j.city}{c.j.district}{rng.choice(STREETS)}{rng.randint(1, 200)}号楼下发生争执，"
        f"{R}{b.name(d, bare=True)}持木棍击打{b.name(v, bare=True)}头部、面部，致其受伤倒地。"
        f"证人{b.name(w)}见状上前劝阻，并拨打了120急救电话。",
        f"经{c.j.city}公安司法鉴定中心鉴定，被害人{b.name(v)}的损伤程度为{grade}。"
        + kin_sentence(b, rng, c, v),
    ]
    if rng.random() < 0.4:
        dis = rng.choice(DISEASES)
        paras.append(
            f"另查明，被害人{b.name(v)}患有{b.p(dis, 'health')}，案发后住院治疗{rng.randint(8, 30)}天。"
        )
    paras.append(
        f"{ymd(c.offence + timedelta(days=1))}，{R}{b.name(d)}接到民警电话通知后主动到公安机关投案，"
        f"并如实供述了上述事实。"
    )
    return paras


def f_drunk(b, rng, c, R):
    d = c.defs[0]
    w = c.witnesses[0]
    bac = f"{rng.randint(81, 260)}.{rng.randint(0, 9)}mg/100ml"
    road = rng.choice(("沪宁高速", "绕城高速", "京港澳高速", "滨江大道", "人民路"))
    return [
        f"{ymd(c.offence)}{rng.randint(21, 23)}时许，{R}{b.name(d)}饮酒后驾驶小型轿车沿{road}由东向西行驶，"
        f"行至{c.j.city}{c.j.district}收费站附近时，被{b.k(c.j.police)}交通警察大队民警"
        f"{b.official(c.police[0])}、{b.official(c.police[1])}依法拦下检查。",
        f"经呼气酒精测试，{R}{b.name(d, bare=True)}的呼气酒精含量为{rng.randint(80, 200)}mg/100ml；"
        f"经抽取血样鉴定，其血液中乙醇含量为{b.k(bac)}，属于醉酒驾驶机动车。证人{b.name(w)}证实，"
        f"{R}{b.name(d)}当晚在其经营的饭店饮用白酒约半斤。",
        f"{R}{b.name(d)}在明确知道自己饮酒的情况下仍驾驶机动车上路行驶，危害公共安全。案发后，"
        f"{R}{b.name(d)}如实供述了自己的罪行。",
    ]


def f_traffic(b, rng, c, R):
    d, v = c.defs[0], c.victims[0]
    kin_r = c.relatives[0][1] if c.relatives and c.relatives[0][0] != "邻居" else None
    paras = [
        f"{ymd(c.offence)}{rng.randint(6, 19)}时许，{R}{b.name(d)}驾驶重型货车沿{c.j.city}{rng.choice(STREETS)}"
        f"由南向北行驶至交叉路口时，未按规定让行，与被害人{b.name(v)}驾驶的电动自行车发生碰撞，"
        f"造成被害人{b.name(v, bare=True)}经抢救无效死亡。经{b.k(c.j.police)}交通警察支队认定，"
        f"{R}{b.name(d)}负事故全部责任，被害人{b.name(v)}无责任。",
        f"事故发生后，{R}{b.name(d)}在现场等候，并拨打电话报警，到案后如实供述了自己的罪行。",
    ]
    if kin_r is not None:
        kin = c.relatives[0][0]
        paras.append(
            f"案发后，{R}{b.name(d)}与被害人{b.name(v)}的近亲属达成赔偿协议，一次性赔偿"
            f"{b.k(money(c.amount * 3))}，被害人之{kin}{b.name(kin_r)}出具了谅解书。{b.name(kin_r, bare=True)}"
            f"表示，对{R}{b.name(d)}的行为予以谅解，请求司法机关从轻处理。"
        )
    return paras


def f_helpnet(b, rng, c, R):
    d = c.defs[0]
    v1, v2 = c.victims[0], c.victims[1]
    cards = [make_card(rng) for _ in range(2)]
    flow = rng.choice((186500, 420000, 1234500, 2650000))
    return [
        f"{c.offence.year}年{c.offence.month}月，{R}{b.name(d)}在明知他人利用信息网络实施诈骗犯罪的情况下，"
        f"仍将其办理的{b.p(cards[0], 'card')}、{b.p(cards[1], 'card')}两张银行卡及配套的U盾、手机卡出售给他人使用，"
        f"获利{b.k(money(rng.choice((1500, 2000, 3000, 4500))))}。",
        f"经查，上述银行卡在短时间内的支付结算金额共计{b.k(money(flow))}，其中被害人{b.name(v1)}、"
        f"{b.name(v2)}被骗资金分别为{money(c.amount)}、{money(c.amount // 3 + 100)}。被害人{b.name(v1, bare=True)}"
        f"称，其在接到自称“公安民警”的电话后，将全部存款转入对方提供的“安全账户”。",
        f"{ymd(c.detained)}，{R}{b.name(d)}被公安机关抓获，到案后如实供述了上述事实。",
    ]


def f_affray(b, rng, c, R):
    d = c.defs[0]
    v1, v2 = c.victims[0], c.victims[1]
    w = c.witnesses[0]
    who = f"{R}{b.name(d)}" + (f"、{b.name(c.defs[1])}" if len(c.defs) > 1 else "")
    return [
        f"{ymd(c.offence)}凌晨，{who}在{c.j.city}{c.j.district}“老地方”烧烤店饮酒后，因琐事"
        f"无故对邻桌的被害人{b.name(v1)}、{b.name(v2)}进行辱骂，随后持啤酒瓶、塑料凳殴打二人，"
        f"致被害人{b.name(v1, bare=True)}头部受伤、{b.name(v2, bare=True)}面部擦伤。经鉴定，二人损伤程度均为轻微伤。",
        f"烧烤店店主{b.name(w)}证实，{R}{b.name(d)}等人在店内砸毁餐具，向其索要“保护费”未果后离开。"
        + kin_sentence(b, rng, c, v1),
    ]


def f_robbery(b, rng, c, R):
    d, v = c.defs[0], c.victims[0]
    who = f"{R}{b.name(d)}" + (f"伙同{R}{b.name(c.defs[1])}" if len(c.defs) > 1 else "")
    return [
        f"{ymd(c.offence)}23时许，{who}在{c.j.city}{c.j.district}{rng.choice(STREETS)}一偏僻路段，"
        f"持水果刀拦截下夜班回家的被害人{b.name(v)}，采用持刀威胁、拳打脚踢等暴力手段，"
        f"劫得被害人{b.name(v, bare=True)}现金{b.k(money(c.amount // 10 + 300))}及手机一部，"
        f"并逼迫其说出银行卡密码，从其银行卡（卡号{b.p(make_card(rng), 'card')}）中取走{b.k(money(c.amount))}。",
        f"经鉴定，被害人{b.name(v)}的损伤程度为轻伤二级。" + kin_sentence(b, rng, c, v),
    ]


def f_fence(b, rng, c, R):
    d, v = c.defs[0], c.victims[0]
    w = c.witnesses[0]
    return [
        f"{c.offence.year}年{c.offence.month}月间，{R}{b.name(d)}在其经营的二手手机店内，明知他人所送手机"
        f"系盗窃所得，仍以明显低于市场价格的{b.k(money(c.amount // 8 + 200))}予以收购，后转卖获利。",
        f"其中，被害人{b.name(v)}被盗的苹果牌手机一部（价值{money(c.amount // 4)}），由证人{b.name(w)}"
        f"介绍出售给{R}{b.name(d, bare=True)}。{b.name(w, bare=True)}称，{R}{b.name(d)}曾经向其表示“来路不明的也收”。",
    ]


def _child_intro(b, rng, c, v, *, explicit: bool) -> str:
    age_word = "（未成年人）" if explicit and rng.random() < 0.5 else ""
    return (
        f"被害人{b.name(v)}{age_word}（{ymd(v.birth)}出生，系{b.p(c.school, 'school')}"
        f"{b.p(c.klass, 'class')}学生）"
    )


def f_molest(b, rng, c, R):
    d, v = c.defs[0], c.victims[0]
    mom = c.relatives[0][1]
    grandma = c.relatives[2][1]
    paras = [
        f"{c.offence.year}年{c.offence.month}月至{ymd(c.offence)}期间，{R}{b.name(d)}利用在{b.p(c.j.city + c.j.district + rng.choice(COMMUNITIES) + '托管班', 'school')}"
        f"担任辅导老师的便利，多次在辅导作业时对{_child_intro(b, rng, c, v, explicit=True)}实施搂抱、亲吻、"
        f"抚摸隐私部位等猥亵行为。",
        f"{ymd(c.offence + timedelta(days=2))}，{b.name(v, bare=True)}将此事告诉了其母亲{b.name(mom)}，"
        f"{b.name(mom, bare=True)}随即报警。{b.name(v, bare=True)}的外婆{b.name(grandma)}证实，"
        f"{b.name(v, bare=True)}近一个月来情绪低落、不愿去托管班。",
    ]
    if c.victims[0].village:
        paras.append(
            f"被害人{b.name(v)}随外婆{b.name(grandma)}居住在{b.p(v.village, 'village')}，"
            f"父母常年在外务工。"
        )
    return paras


def f_abuse(b, rng, c, R):
    d, v = c.defs[0], c.victims[0]
    mom = c.relatives[0][1]
    grandma = c.relatives[2][1]
    village = v.village or c.defs[0].village
    if not village:
        village = rural_address(rng, c.j)[1]
    return [
        f"{R}{b.name(d)}系被害人{b.name(v)}的继父。{c.offence.year - 1}年起，{R}{b.name(d, bare=True)}与"
        f"{b.name(v, bare=True)}及其母亲{b.name(mom)}共同居住在{b.p(village, 'village')}。",
        f"{c.offence.year - 1}年{rng.randint(3, 11)}月至{ymd(c.offence)}，{R}{b.name(d)}经常以{b.name(v, bare=True)}"
        f"“不听话”“作业写得慢”为由，采用罚跪、用衣架抽打、不让吃饭等方式对其进行打骂。{ymd(c.offence)}晚，"
        f"{R}{b.name(d)}又因琐事用皮带抽打{b.name(v, bare=True)}背部、腿部，致其多处软组织挫伤。",
        f"次日，{_child_intro(b, rng, c, v, explicit=not c.implicit_minor)}的班主任发现其身上有伤，"
        f"联系其外婆{b.name(grandma)}后报警。经鉴定，{b.name(v, bare=True)}的损伤程度为轻微伤。"
        f"{b.name(mom, bare=True)}称，其曾经多次劝阻，但{R}{b.name(d)}不听。",
    ]


def f_childhurt(b, rng, c, R):
    d, v = c.defs[0], c.victims[0]
    mom = c.relatives[0][1]
    dad = c.relatives[1][1]
    return [
        ("" if not v.village else b.also(v.village, "village"))
        + f"{ymd(c.offence)}16时许，{_child_intro(b, rng, c, v, explicit=not c.implicit_minor)}"
        f"放学后在{b.p(v.address, 'address')}楼下玩耍时，不慎将足球踢到{R}{b.name(d)}停放的轿车上。"
        f"{R}{b.name(d, bare=True)}见状上前拉扯{b.name(v, bare=True)}，并朝其头部、胸部连打数拳，"
        f"致{b.name(v, bare=True)}鼻骨骨折。",
        f"{b.name(v, bare=True)}的父亲{b.name(dad)}、母亲{b.name(mom)}赶到后将其送医治疗。经鉴定，"
        f"{b.name(v, bare=True)}的损伤程度为轻伤二级。{b.name(dad, bare=True)}称，{R}{b.name(d)}事后曾经"
        f"向其道歉，但未作任何赔偿。",
    ]


FACTS = {
    "theft": f_theft,
    "fraud": f_fraud,
    "injury": f_injury,
    "drunk": f_drunk,
    "traffic": f_traffic,
    "helpnet": f_helpnet,
    "affray": f_affray,
    "robbery": f_robbery,
    "fence": f_fence,
    "molest": f_molest,
    "abuse": f_abuse,
    "childhurt": f_childhurt,
}


def evidence(b: Builder, rng: random.Random, c: Case, R: str, *, numbered: bool = True) -> str:
    items = []
    items.append(
        (
            "物证、书证",
            rng.choice(
                (
                    "扣押物品清单、发还清单、户籍证明、到案经过",
                    "银行交易明细、调取证据清单、价格认定结论书、户籍证明",
                    "现场照片、病历资料、受案登记表、立案决定书",
                )
            ),
        )
    )
    if c.witnesses:
        items.append(("证人证言", "证人" + "、".join(b.name(w) for w in c.witnesses) + "的证言"))
    if c.victims:
        items.append(("被害人陈述", "被害人" + "、".join(b.name(v) for v in c.victims) + "的陈述"))
    items.append((f"{R}供述和辩解", f"{R}" + "、".join(b.name(d) for d in c.defs) + "的供述和辩解"))
    e1, e2 = c.experts
    items.append(
        (
            "鉴定意见",
            f"{c.j.city}公安司法鉴定中心出具的鉴定意见书（鉴定人：{b.name(e1)}、{b.name(e2)}）",
        )
    )
    items.append(("勘验、检查、辨认等笔录", "现场勘验笔录、辨认笔录"))
    items.append(
        (
            "视听资料、电子数据",
            rng.choice(("监控录像、执法记录仪视频", "微信聊天记录、转账记录截图", "监控视频")),
        )
    )
    if numbered:
        head = rng.choice(("认定上述事实的证据如下：", "认定上述事实的证据有："))
        lines = [
            f"{i}.{k}：{v}；" if i < len(items) else f"{i}.{k}：{v}。"
            for i, (k, v) in enumerate(items, 1)
        ]
        return head + "\n" + "\n".join(lines)
    return "上述事实，有" + "，".join(v for _, v in items) + "等证据证实，足以认定。"
