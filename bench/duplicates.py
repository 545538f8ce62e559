"""Precision and recall of the duplicate suggestions, and what they add to each intake.

Generates grievances on a few topics that share their legal vocabulary (a case the police will
not open, unpaid wages, a criminal or civil appeal, state compensation, a report of embezzlement,
judicial aid, a forced demolition), each with its own facts (names, places, dates, amounts, case
numbers). It files the originals through the real intake (services.submit_petition), then, in a
random order:
- repeats: the same grievance rewritten (sentences reordered, other phrasings and synonyms,
  sentences added or left out, typos of look-alike characters, shorter or longer), half by the
  same person with the contact details typed differently, half by someone else (a relative, or
  anonymously) so that only the text can find them;
- resubmissions: the same person (ID number or mobile typed differently) with a new grievance;
- non-repeats: new grievances of the same kinds and topics, by other people.
A shown suggestion is right when the earlier petition is the same grievance or the same person.
Prints precision (right suggestions among those shown, at the page's cut-off of SHOWN), recall
(repeats and resubmissions whose original is shown) by text and by person, the share of
non-repeats with any suggestion, and the time `duplicates.index` adds to each intake (p50, p95).

With --background N, N generated petitions are loaded in bulk after the originals (with their
keys, words and word counts, as the intake would store them): thousands on each topic come
between an original and its repeat, and the intake cost is measured against a full table. The
table over text thresholds is drawn from one run (every suggestion from the lowest up is stored);
--min-facts tries another duplicates.MIN_FACTS.

    .venv/bin/python bench/duplicates.py --grievances 300 --background 100000
    .venv/bin/python bench/duplicates.py --database-url postgresql://...   (an empty database)
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Names: a hundred common surnames and some two hundred characters of given names, so that
# two petitions share a name about as often as in a city's registry, not every few hundred.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红文辉春梅海燕鹏飞"
    "秀英慧巧美淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
    "斌宇浩凯健俊帆帅旭宁龙林欢阳建政忠晨诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
)
DISTRICTS = [
    "朝阳区",
    "海淀区",
    "丰台区",
    "通州区",
    "顺义区",
    "昌平区",
    "大兴区",
    "房山区",
    "东城区",
    "西城区",
    "石景山区",
    "门头沟区",
    "怀柔区",
    "平谷区",
    "密云区",
    "延庆区",
]
TOWNS = [
    "望京街道",
    "回龙观镇",
    "马坡镇",
    "黄村镇",
    "良乡镇",
    "宋庄镇",
    "西红门镇",
    "小汤山镇",
    "清河街道",
    "天通苑街道",
    "永丰镇",
    "长阳镇",
    "亦庄镇",
    "潞城镇",
    "南邵镇",
    "王四营乡",
]
# A city has thousands of employers: a trade name and a line of business make a few hundred,
# so that two wage petitions name the same company now and then, as they do in life.
TRADE_NAMES = (
    "宏达 鑫源 华盛 远航 金桥 瑞丰 恒通 天成 佳美 盛世 东方 新星 永兴 德信 润泽 博远".split()
)
BUSINESSES = [
    "建筑工程有限公司",
    "物流有限公司",
    "房地产开发公司",
    "劳务派遣公司",
    "商贸有限公司",
    "食品厂",
    "汽车修理厂",
    "装饰工程公司",
    "服装厂",
    "物业管理公司",
    "机械制造厂",
    "餐饮管理公司",
    "保洁服务公司",
    "电子科技公司",
]
CRIMES = ["盗窃罪", "诈骗罪", "故意伤害罪", "寻衅滋事罪", "职务侵占罪", "非法拘禁罪"]
HARMS = ["殴打致轻伤", "骗走钱款", "盗走电动车", "砸坏店铺", "强行拉走货物"]
EVIDENCE = ["监控录像", "转账记录", "医院诊断证明", "证人证言", "聊天记录", "借条原件"]
THRESHOLDS = [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]
LOWEST_THRESHOLD = THRESHOLDS[0]
RELATIVES = ["儿子", "丈夫", "父亲", "弟弟", "女儿", "妻子"]

# Each topic: a kind and its sentences, each with two phrasings of the same facts.
TOPICS = {
    "no_case": (
        "complaint",
        [
            (
                "{date}，我在{district}{town}被{other}{harm}，损失约{amount}元。",
                "{date}在{district}{town}，{other}对我{harm}，我的损失大约有{amount}元。",
            ),
            (
                "当天我就向{district}公安分局{town}派出所报案，至今未予立案。",
                "我当天到{town}派出所报了案，可派出所到现在也没有立案。",
            ),
            (
                "办案民警{officer}说证据不足，可我已经提交了{evidence}。",
                "民警{officer}称证据不够，但{evidence}我早就交给了他们。",
            ),
            (
                "请求检察机关依法监督公安机关立案侦查。",
                "恳请检察院对派出所不立案进行监督，督促立案。",
            ),
        ],
    ),
    "wages": (
        "complaint",
        [
            (
                "我在{company}打工，公司拖欠我{months}个月工资共{amount}元。",
                "{company}欠了我{months}个月的工资，一共{amount}元。",
            ),
            (
                "老板{other}多次承诺支付，{date}以后干脆不接电话。",
                "{date}之后老板{other}就不接电话了，之前说过好几次要给钱。",
            ),
            (
                "我向{district}劳动监察大队投诉过，对方拒不执行处理决定。",
                "{district}劳动监察部门已经作出处理决定，可公司就是不执行。",
            ),
            ("请求检察机关支持起诉，追回血汗钱。", "希望检察院支持我起诉，帮我讨回工钱。"),
        ],
    ),
    "criminal_appeal": (
        "criminal_appeal",
        [
            (
                "{district}人民法院以{crime}判处我{relative}有期徒刑{years}年，案号（{year}）京{court}刑初{case}号。",
                "我{relative}被{district}法院以{crime}判了{years}年，判决书案号是（{year}）京{court}刑初{case}号。",
            ),
            (
                "判决认定的事实错误，证人{other}的证言前后矛盾。",
                "法院认定事实不清，{other}作证的说法前后不一致。",
            ),
            (
                "案发时我{relative}在{town}上班，有{evidence}可以证明。",
                "出事那天我{relative}人在{town}上班，{evidence}能证明这一点。",
            ),
            (
                "请求检察院依法提出抗诉，纠正错误判决。",
                "恳请检察机关提出抗诉，还我{relative}清白。",
            ),
        ],
    ),
    "civil_appeal": (
        "civil_appeal",
        [
            (
                "{district}人民法院（{year}）京{court}民初{case}号判决判令我偿还{other}借款{amount}元。",
                "法院（{year}）京{court}民初{case}号民事判决要我还{other}{amount}元借款。",
            ),
            (
                "这笔钱我在{date}已经通过银行转账还清，有{evidence}为证。",
                "{date}我就把钱转账还给{other}了，{evidence}都在。",
            ),
            (
                "二审法院没有采纳我的证据，驳回了上诉。",
                "我上诉后，中级法院不看我的证据，维持了原判。",
            ),
            (
                "请求检察机关对该民事判决进行监督。",
                "希望检察院对这个民事判决依法监督，提出再审检察建议。",
            ),
        ],
    ),
    "compensation": (
        "state_compensation",
        [
            (
                "我因涉嫌{crime}于{date}被{district}公安分局刑事拘留，羁押{days}天。",
                "{date}我被{district}公安分局以{crime}拘留，一共关了{days}天。",
            ),
            (
                "后来公安机关撤销了案件，认定我没有犯罪事实。",
                "最后案子撤销了，公安认定我没有犯罪。",
            ),
            (
                "羁押期间我丢了在{company}的工作，损失{amount}元。",
                "因为被关押，{company}把我辞退了，损失了{amount}元收入。",
            ),
            ("请求依法给予国家赔偿并赔礼道歉。", "我要求国家赔偿，并且公开赔礼道歉、恢复名誉。"),
        ],
    ),
    "embezzlement": (
        "report",
        [
            (
                "{company}负责人{other}挪用公款{amount}元，用于个人炒股。",
                "举报{company}的负责人{other}，他挪用了公款{amount}元去炒股。",
            ),
            (
                "{date}他指使会计{officer}做假账，虚报工程款。",
                "会计{officer}在{other}的指使下，于{date}虚报工程款、做了假账。",
            ),
            (
                "公司在{district}{town}的项目因此停工，工人工资也发不出来。",
                "因为这件事，{town}的工地停工了，工人的工资都发不出。",
            ),
            ("请检察机关依法查处。", "希望检察院立案查处，追回被挪用的钱。"),
        ],
    ),
    "aid": (
        "judicial_aid",
        [
            (
                "{date}，我{relative}在{district}{town}被{other}驾车撞成重伤。",
                "我{relative}{date}在{town}被{other}开车撞了，伤得很重。",
            ),
            (
                "法院判决{other}赔偿{amount}元，但他没有财产可供执行。",
                "法院判了{other}赔{amount}元，可他名下没有财产，执行不了。",
            ),
            (
                "医疗费已经花了{debt}元，全家靠借钱度日。",
                "治病已经花了{debt}元，家里都是借钱过日子。",
            ),
            ("请求给予司法救助。", "恳请检察院给我们家司法救助。"),
        ],
    ),
    "demolition": (
        "complaint",
        [
            (
                "{date}，{company}在{district}{town}强拆了我家房屋。",
                "{company}在{date}把我家在{town}的房子强行拆了。",
            ),
            (
                "拆迁前没有签协议，补偿款{amount}元至今没有到位。",
                "我家没签拆迁协议，说好的{amount}元补偿款一分也没给。",
            ),
            (
                "现场指挥的是拆迁办的{other}，我有{evidence}。",
                "拆迁办{other}在现场指挥，{evidence}可以证明。",
            ),
            ("请求检察机关监督有关部门依法处理。", "请检察院监督相关部门依法纠正、给予补偿。"),
        ],
    ),
}
GENERIC = [
    "此事我已经反映多次，一直没有结果。",
    "我家生活十分困难，恳请领导重视。",
    "相关材料复印件附后，请查收。",
    "希望尽快给我一个答复。",
    "我说的都是事实，愿意承担法律责任。",
]
SYNONYMS = {
    "请求": "恳请",
    "依法": "按照法律",
    "至今": "到现在",
    "已经": "早已",
    "多次": "好几次",
    "工资": "工钱",
    "判决": "判决书",
    "损失": "经济损失",
    "证据": "材料",
    "检察机关": "检察院",
    "公安机关": "公安局",
    "房屋": "房子",
    "借款": "欠款",
    "查处": "调查处理",
    "恳请": "请求",
}
# Look-alike characters a hurried writer or an input method swaps.
TYPOS = {
    "检": "捡",
    "察": "查",
    "偿": "尝",
    "诉": "述",
    "拆": "折",
    "判": "叛",
    "资": "姿",
    "侦": "贞",
    "赔": "陪",
    "款": "疑",
    "监": "临",
    "拖": "托",
    "证": "正",
    "院": "完",
}


def person(rng: random.Random) -> dict:
    return {
        "name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
        "id_number": resident_id(rng),
        "mobile": f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
    }


def resident_id(rng: random.Random) -> str:
    from portal.core.forms import is_valid_resident_id

    first17 = f"1101{rng.randrange(10, 99)}19{rng.randrange(50, 99)}{rng.randrange(1, 13):02d}"
    first17 += f"{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}"
    return next(first17 + c for c in "0123456789X" if is_valid_resident_id(first17 + c))


def retyped(person_: dict, rng: random.Random) -> dict:
    """The same person's details as typed another time."""
    mobile, id_number = person_["mobile"], person_["id_number"]
    mobile = rng.choice(
        [f"+86 {mobile}", f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}", f"0086-{mobile}", mobile]
    )
    # The form keeps an ID number as 18 characters (stripped, upper case); an old record or a
    # clerk's import may hold a lower-case x.
    id_number = rng.choice([id_number.lower(), id_number])
    keep = rng.choice(("both", "mobile", "id_number"))
    return {
        "name": person_["name"],
        "mobile": mobile if keep != "id_number" else None,
        "id_number": id_number if keep != "mobile" else None,
        "address": "北京市某区某街道" if keep == "id_number" else None,
    }


def facts(rng: random.Random) -> dict:
    def name():
        return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))

    return {
        "date": f"{rng.randrange(2019, 2026)}年{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日",
        "district": rng.choice(DISTRICTS),
        "town": rng.choice(TOWNS),
        "other": name(),
        "officer": name(),
        "harm": rng.choice(HARMS),
        "amount": rng.choice([rng.randrange(2, 99) * 1000, rng.randrange(1000, 99999)]),
        "debt": rng.randrange(2, 60) * 10000,
        "months": rng.randrange(2, 13),
        "company": rng.choice(TRADE_NAMES) + rng.choice(BUSINESSES),
        "evidence": rng.choice(EVIDENCE),
        "crime": rng.choice(CRIMES),
        "relative": rng.choice(RELATIVES),
        "years": rng.randrange(1, 11),
        "year": rng.randrange(2018, 2025),
        "court": f"01{rng.randrange(1, 20):02d}",
        "case": rng.randrange(100, 9999),
        "days": rng.randrange(10, 300),
    }


class Grievance:
    def __init__(self, number: int, rng: random.Random, topic: str | None = None):
        self.number = number
        self.topic = topic or rng.choice(list(TOPICS))
        self.kind, self.sentences = TOPICS[self.topic]
        self.facts = facts(rng)

    def text(self, rng: random.Random, *, rewrite: bool) -> tuple[str, str]:
        """(subject, body): the first telling, or a rewrite of the same facts."""
        # Each telling picks its own phrasing of each sentence: two people on one topic share
        # some stock sentences, never necessarily all (nor does a retelling).
        chosen = [pair[rng.random() < 0.5] for pair in self.sentences]
        if rewrite:
            middle = chosen[1:-1]
            rng.shuffle(middle)
            chosen = [chosen[0], *middle, chosen[-1]]
            if rng.random() < 0.4:
                chosen.pop(rng.randrange(1, len(chosen)))  # a sentence left out
            for _ in range(rng.choice((0, 1, 2))):  # sentences added
                chosen.insert(rng.randrange(len(chosen) + 1), rng.choice(GENERIC))
        else:
            chosen += rng.sample(GENERIC, rng.choice((0, 1)))
        body = "".join(chosen).format(**self.facts)
        subject = body.split("，")[0][:30]
        if rewrite:
            for word, other in SYNONYMS.items():
                if rng.random() < 0.5:
                    body = body.replace(word, other)
            for _ in range(rng.choice((0, 1, 2, 3))):
                typo = rng.choice(list(TYPOS))
                at = body.find(typo)
                if at >= 0:
                    body = body[:at] + TYPOS[typo] + body[at + 1 :]
            subject = rng.choice([subject, f"反映{self.facts['other']}的问题", "再次反映"])
        return subject, body


def make_app(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app({"PORTAL_ENV": "testing", "SECRET_KEY": "bench-secret"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def load_background(count: int, rng: random.Random) -> None:
    """`count` petitions with their keys and words, inserted in bulk (not through the intake,
    which would hash a query code for each: an hour for a million)."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.petitions import duplicates
    from portal.petitions.models import (
        DuplicateFingerprint,
        DuplicateKey,
        DuplicateWordCount,
        Petition,
    )

    existing = dict(
        db.session.execute(sa.select(DuplicateWordCount.key, DuplicateWordCount.petitions)).all()
    )
    counts = Counter(existing)
    petitions_key = duplicates._key(duplicates._PETITIONS)
    received = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)
    start = (db.session.scalar(sa.select(sa.func.max(Petition.id))) or 0) + 1
    batch = 5000
    for first in range(start, start + count, batch):
        petitions, fingerprints, keys = [], [], []
        for number in range(first, min(first + batch, start + count)):
            grievance = Grievance(-number, rng)
            subject, body = grievance.text(rng, rewrite=False)
            who = person(rng)
            petitions.append(
                {
                    "id": number,
                    "tracking_number": f"XF2024-{number:07d}",
                    "kind": grievance.kind,
                    "channel": "web",
                    "status": "closed",
                    "subject": subject,
                    "body": body,
                    "is_anonymous": False,
                    "name": who["name"],
                    "id_number": who["id_number"],
                    "mobile": who["mobile"],
                    "submission_key_hash": f"{number:064x}",
                    "query_code_hash": "not-a-hash",
                    "received_at": received,
                    "received_on": date(2024, 6, 1),
                    "ack_due_on": date(2024, 6, 8),
                    "answer_due_on": date(2024, 9, 1),
                    "deadline_rule": "calendar-7d/3m/1m",
                    "acknowledged_at": received,
                    "closed_at": received,
                    "locale": "zh_Hans_CN",
                }
            )
            words = duplicates.text_words(subject, body)
            fingerprints.append({"petition_id": number, "words": " ".join(words)})
            petition = Petition(is_anonymous=False, **{k: who[k] for k in ("id_number", "mobile")})
            word_keys = [duplicates.word_key(word) for word in words]
            posted = [key for key in word_keys if counts[key] < duplicates.STOCK_WORD]
            counts.update(word_keys)
            counts[petitions_key] += 1
            for key in dict.fromkeys([*duplicates.person_keys(petition), *posted]):
                keys.append({"key": key, "petition_id": number})
        db.session.execute(sa.insert(Petition), petitions)
        db.session.execute(sa.insert(DuplicateFingerprint), fingerprints)
        db.session.execute(sa.insert(DuplicateKey), keys)
        db.session.commit()
        print(f"  background: {min(first + batch, start + count) - start:,} loaded", flush=True)
    if db.engine.dialect.name == "postgresql":  # ids given explicitly: move the sequence on
        db.session.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('petitions', 'id'), max(id)) FROM petitions"
            )
        )
    db.session.execute(sa.delete(DuplicateWordCount))
    rows = [{"key": key, "petitions": n} for key, n in counts.items()]
    for first in range(0, len(rows), 20_000):
        db.session.execute(sa.insert(DuplicateWordCount), rows[first : first + 20_000])
    db.session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grievances", type=int, default=300)
    parser.add_argument("--background", type=int, default=0)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--min-facts", type=int, default=None, help="Try another duplicates.MIN_FACTS."
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="bench-dupes-"))
    app = make_app(args.database_url or f"sqlite:///{workdir / 'bench.sqlite'}")

    from portal.extensions import db
    from portal.petitions import duplicates, services
    from portal.petitions.models import (
        DuplicateFingerprint,
        DuplicateKey,
        DuplicateSuggestion,
        DuplicateWordCount,
    )

    timings: list[float] = []
    index = duplicates.index

    def timed_index(petition):
        started = time.perf_counter()
        try:
            return index(petition)
        finally:
            timings.append(time.perf_counter() - started)

    duplicates.index = timed_index
    # Every suggestion from the lowest threshold of the table up is stored, the table drawn
    # from them; the figures below it are at the module's own threshold.
    text_threshold = duplicates.TEXT_THRESHOLD
    duplicates.TEXT_THRESHOLD = LOWEST_THRESHOLD
    if args.min_facts is not None:
        duplicates.MIN_FACTS = args.min_facts
    filed: dict[int, dict] = {}  # petition id → {"grievance", "person", "role"}

    def file(grievance, who, *, rewrite, role, anonymous=False):
        subject, body = grievance.text(rng, rewrite=rewrite)
        kind = "report" if anonymous else grievance.kind
        data = services.IntakeData(
            kind=kind,
            subject=subject,
            body=body,
            is_anonymous=anonymous,
            name=None if anonymous else who["name"],
            id_number=None if anonymous else who.get("id_number"),
            mobile=None if anonymous else who.get("mobile"),
            address=None if anonymous else who.get("address"),
        )
        receipt = services.submit_petition(
            data,
            channel=rng.choice(["web", "letter", "visit", "phone"]),
            submission_key=secrets.token_urlsafe(32),
        )
        db.session.commit()
        duplicates.index_queued()  # the worker's round, for what came in online
        filed[receipt.petition.id] = {
            "grievance": grievance.number,
            "person": who.get("key"),
            "role": role,
        }
        return receipt.petition

    with app.app_context(), app.test_request_context():
        started = time.perf_counter()
        from portal.core import segmenter

        segmenter.words("预热", for_index=False)  # jieba's dictionary: once per process
        print(f"jieba loaded in {time.perf_counter() - started:.2f} s")
        people = []
        originals = []
        for number in range(args.grievances):
            who = {**person(rng), "key": number}
            people.append(who)
            grievance = Grievance(number, rng)
            originals.append(grievance)
            file(grievance, who, rewrite=False, role="original")
        # Loaded after the originals, so that thousands of petitions on the same topics came
        # between an original and its repeat, as in a year of real intake.
        if args.background:
            started = time.perf_counter()
            load_background(args.background, rng)
            print(
                f"background of {args.background:,} loaded in {time.perf_counter() - started:.0f} s"
            )
        timings.clear()
        queries = []
        for grievance, who in zip(originals, people, strict=True):
            if rng.random() < 0.5:
                queries.append(("repeat_same_person", grievance, who))
            else:
                queries.append(("repeat_by_text", grievance, who))
            if rng.random() < 0.25:
                queries.append(("resubmission", grievance, who))
            queries.append(("non_repeat", grievance, who))
        rng.shuffle(queries)
        results = {}
        next_number = args.grievances
        for role, grievance, who in queries:
            if role == "repeat_same_person":
                petition = file(
                    grievance, {**retyped(who, rng), "key": who["key"]}, rewrite=True, role=role
                )
            elif role == "repeat_by_text":
                stranger = {**person(rng), "key": f"x{next_number}"}
                next_number += 1
                petition = file(
                    grievance, stranger, rewrite=True, role=role, anonymous=rng.random() < 0.3
                )
            elif role == "resubmission":
                new = Grievance(next_number, rng)
                next_number += 1
                petition = file(
                    new, {**retyped(who, rng), "key": who["key"]}, rewrite=False, role=role
                )
            else:
                new = Grievance(next_number, rng, topic=grievance.topic)
                next_number += 1
                petition = file(
                    new, {**person(rng), "key": f"n{next_number}"}, rewrite=False, role=role
                )
            results[petition.id] = (role, grievance.number, who["key"])
        originals_by_grievance = {
            f["grievance"]: pid for pid, f in filed.items() if f["role"] == "original"
        }
        stored: dict[int, list] = {petition_id: [] for petition_id in results}
        for row in db.session.scalars(
            db.select(DuplicateSuggestion).where(DuplicateSuggestion.petition_id.in_(results))
        ):
            stored[row.petition_id].append(row)
        sizes = {
            model.__tablename__: db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (DuplicateKey, DuplicateWordCount, DuplicateFingerprint)
        }
        db.session.remove()

    def measured(threshold: float) -> dict:
        """The figures had the text threshold been `threshold` (every suggestion from
        LOWEST_THRESHOLD up was stored; the score does not depend on the threshold)."""
        right = total = rank_sum = 0
        found = {"repeat_same_person": [0, 0], "repeat_by_text": [0, 0], "resubmission": [0, 0]}
        non_repeats = [0, 0]
        for petition_id, (role, grievance_number, _person) in results.items():
            rows = sorted(
                (
                    row
                    for row in stored[petition_id]
                    if row.same_id_number or row.same_mobile or row.text_score >= threshold
                ),
                key=lambda row: (-row.score, -row.earlier_id),
            )[: duplicates.SHOWN]
            me = filed[petition_id]
            for row in rows:
                other = filed.get(row.earlier_id)
                total += 1
                right += bool(
                    other
                    and (
                        other["grievance"] == me["grievance"]
                        or (other["person"] is not None and other["person"] == me["person"])
                    )
                )
            if role == "non_repeat":
                non_repeats[0] += bool(rows)
                non_repeats[1] += 1
                continue
            original = originals_by_grievance[grievance_number]
            ranks = [i for i, row in enumerate(rows, 1) if row.earlier_id == original]
            found[role][1] += 1
            if ranks:
                found[role][0] += 1
                rank_sum += ranks[0]
        return {
            "right": right,
            "shown": total,
            "found": found,
            "non_repeats": non_repeats,
            "rank_sum": rank_sum,
        }

    def share(a, b):
        return f"{a / b:.1%} ({a}/{b})" if b else "n/a"

    print(
        f"\n{args.grievances} grievances, {len(queries)} later petitions, "
        f"{args.background:,} background petitions; cut-off: the top {duplicates.SHOWN}; "
        f"at least {duplicates.MIN_FACTS} facts in common"
    )
    print("text threshold   precision   recall (all / same person / text only / resubmitted)")
    for threshold in THRESHOLDS:
        figures = measured(threshold)
        found = figures["found"].values()
        print(
            f"  {threshold:.2f}{' *' if threshold == text_threshold else '  '}"
            f"          {figures['right'] / max(figures['shown'], 1):6.1%}"
            f"      {sum(f[0] for f in found) / max(sum(f[1] for f in found), 1):6.1%}"
            + "".join(f" / {hit / max(count, 1):6.1%}" for hit, count in found)
        )
    figures = measured(text_threshold)
    print(f"\nat the module's threshold {text_threshold} (*):")
    print(f"precision of the suggestions shown:  {share(figures['right'], figures['shown'])}")
    total_found = sum(f[0] for f in figures["found"].values())
    total = sum(f[1] for f in figures["found"].values())
    print(f"recall, all repeats:                 {share(total_found, total)}")
    for role, (hit, count) in figures["found"].items():
        print(f"  {role:32s}   {share(hit, count)}")
    print(f"non-repeats with any suggestion:     {share(*figures['non_repeats'])}")
    if total_found:
        print(f"mean rank of the original when found: {figures['rank_sum'] / total_found:.2f}")
    print("rows: " + ", ".join(f"{table} {count:,}" for table, count in sizes.items()))
    timings.sort()
    print(
        f"intake cost of duplicates.index: p50 {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms, "
        f"max {timings[-1] * 1000:.1f} ms over {len(timings)} petitions"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
