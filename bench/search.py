"""Search latency over N synthetic published documents, on SQLite (or DATABASE_URL).

Generates N documents of realistic Chinese legal prose (with some English) from a fixed seed,
segments them with the portal's own tokenizer (in parallel, one process per core), bulk-loads
them into a fresh database built by the migrations, then runs a fixed set of queries (two-character
words common and rare, several words, phrases, English, filters, a deep page) through
`portal.disclosure.search.search` — the same function the search page calls, including the count,
the snippets and the highlighting — and prints p50 and p95 latency.

    .venv/bin/python bench/search.py 20000
    .venv/bin/python bench/search.py 200000 --repeat 30

Target (issue #4): p95 ≤ 50 ms at N = 200,000 on SQLite, and at most 2x growth from 20,000.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
PLACES = [
    "商场",
    "超市",
    "小区",
    "地下车库",
    "网吧",
    "火车站",
    "出租屋",
    "工地",
    "农贸市场",
    "写字楼",
]
DISTRICTS = ["东城区", "西城区", "南山区", "高新区", "经济开发区", "滨海新区", "北湖区", "江北区"]
PROCURATORATES = [f"示例市{d}人民检察院" for d in DISTRICTS] + ["示例市人民检察院"]
ITEMS = [
    "手机",
    "电动自行车",
    "现金",
    "笔记本电脑",
    "金项链",
    "电缆",
    "香烟",
    "银行卡",
    "汽车",
    "手表",
]
CRIMES = [
    ("盗窃罪", "秘密窃取{item}一{unit}，价值人民币{amount}元", "盗窃"),
    ("诈骗罪", "以{pretext}为名，骗取被害人{who}人民币{amount}元", "诈骗"),
    ("电信网络诈骗", "通过网络冒充{pretext}客服，骗取被害人{who}人民币{amount}元", "诈骗"),
    ("故意伤害罪", "因琐事与被害人{who}发生争执，持械将其打伤，经鉴定为轻伤二级", "伤害"),
    ("抢劫罪", "持刀抢劫被害人{who}随身携带的{item}", "抢劫"),
    ("危险驾驶罪", "醉酒驾驶机动车，经检测血液中乙醇含量为{amount}mg/100ml", "驾驶"),
    ("受贿罪", "利用职务上的便利，为他人谋取利益，非法收受财物共计人民币{amount}元", "受贿"),
    ("掩饰、隐瞒犯罪所得罪", "明知是犯罪所得的{item}而予以收购、转卖", "掩饰"),
    ("帮助信息网络犯罪活动罪", "明知他人利用信息网络实施犯罪，仍出租{item}及支付账户", "帮助"),
    ("寻衅滋事罪", "在{place}内随意殴打他人，造成恶劣社会影响", "滋事"),
]
PRETEXTS = ["投资理财", "网络贷款", "刷单返利", "快递理赔", "冒充公检法", "婚恋交友", "虚假购物"]
ENDINGS = [
    "本院认为，被不起诉人犯罪情节轻微，具有自首情节，依照刑法规定不需要判处刑罚，决定不起诉。",
    "本院认为，被告人的行为已触犯刑法，犯罪事实清楚，证据确实、充分，应当以{crime}追究其刑事责任。",
    "案发后，被不起诉人积极退赃并取得被害人谅解，社会危害性较小，本院决定对其不起诉。",
    "本院认为，原审判决认定事实错误，量刑明显不当，依法提出抗诉。",
]
ENGLISH = [
    "The suspect was charged with fraud and money laundering through mobile payment apps.",
    "Prosecutors filed an indictment for theft of electric bicycles in a residential compound.",
    "The non-prosecution decision notes voluntary surrender and full restitution to the victim.",
    "A protest was lodged against the judgment for an improper sentence in a bribery case.",
]
TYPES = ["non_prosecution", "indictment", "protest", "appeal_review"]
TYPE_ZH = {"non_prosecution": "不起诉决定书", "indictment": "起诉书", "protest": "抗诉书",
           "appeal_review": "刑事申诉复查决定书"}  # fmt: skip

QUERIES = [
    ("盗窃 (common two-character word)", "盗窃", {}),
    ("诈骗 (common)", "诈骗", {}),
    ("受贿 (rarer)", "受贿", {}),
    ("抢劫 手机 (two words)", "抢劫 手机", {}),
    ("电信网络诈骗 (phrase without quotes)", "电信网络诈骗", {}),
    ('"刷单返利" (quoted phrase)', '"刷单返利"', {}),
    ("盗窃 + type filter", "盗窃", {"type_code": "protest"}),
    ("诈骗 + year filter", "诈骗", {"year": 2021}),
    ("伤害 + procuratorate filter", "伤害", {"procuratorate": "示例市南山区人民检察院"}),
    ("money laundering (English)", "money laundering", {}),
    ('"electric bicycles" (English phrase)', '"electric bicycles"', {}),
    ("盗窃 page 10", "盗窃", {"page": 10}),
    ("罕见词 (no match)", "量子纠缠", {}),
]


def make_text(rng: random.Random) -> tuple[str, str]:
    crime, act, _word = rng.choice(CRIMES)
    who = rng.choice(SURNAMES) + "某"
    fill = {
        "item": rng.choice(ITEMS),
        "unit": rng.choice("部辆台条个"),
        "amount": rng.randint(80, 900000),
        "pretext": rng.choice(PRETEXTS),
        "who": who,
        "place": rng.choice(PLACES),
        "crime": crime,
    }
    day = date(2018, 1, 1) + timedelta(days=rng.randint(0, 2500))
    sentences = [
        f"被不起诉人{rng.choice(SURNAMES)}某，男，{rng.randint(1960, 2003)}年出生，汉族，"
        f"{rng.choice(['初中', '高中', '大学'])}文化，住[已删除]。",
        f"本案由示例市公安局{rng.choice(DISTRICTS)}分局侦查终结，以涉嫌{crime}移送本院审查起诉。",
        f"经本院依法审查查明：{day.year}年{day.month}月{day.day}日，"
        f"在示例市{rng.choice(DISTRICTS)}某{rng.choice(PLACES)}内，{act.format(**fill)}。",
        "上述事实，有证人证言、被害人陈述、现场勘验笔录、视听资料等证据证实。",
        rng.choice(ENDINGS).format(**fill),
    ]
    if rng.random() < 0.15:
        sentences.append(rng.choice(ENGLISH))
    return crime, "\n".join(sentences)


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    start = datetime(2019, 1, 1, tzinfo=UTC)
    docs = []
    for i in range(n):
        crime, text = make_text(rng)
        doc_type = rng.choice(TYPES)
        published = start + timedelta(minutes=10 * i)
        docs.append({
            "id": i + 1,
            "doc_type": doc_type,
            "procuratorate": rng.choice(PROCURATORATES),
            "case_number": f"示检刑〔{2018 + i % 7}〕{i + 1}号",
            "document_date": date(2018 + i % 7, 1 + i % 12, 1 + i % 28),
            "text": text,
            "published_at": published,
        })  # fmt: skip
    return docs


def _tokenise(batch: list[dict]) -> list[dict]:
    from portal.disclosure import search

    rows = []
    for doc in batch:
        title = f"{TYPE_ZH[doc['doc_type']]}（{doc['case_number']}）"
        rows.append(
            search.entry_values(
                kind="document",
                ref_id=doc["id"],
                type_code=doc["doc_type"],
                procuratorate=doc["procuratorate"],
                year=doc["document_date"].year,
                title=title,
                text=doc["text"],
                published_on=doc["published_at"].date(),
                extra=TYPE_ZH[doc["doc_type"]],
            )
        )
    return rows


def load(app, docs: list[dict], workers: int) -> None:
    import sqlalchemy as sa

    from portal.disclosure.models import LegalDocument, SearchEntry
    from portal.extensions import db

    started = time.perf_counter()
    batches = [docs[i : i + 2000] for i in range(0, len(docs), 2000)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        entry_batches = pool.map(_tokenise, batches)
    print(f"  segmented {len(docs):,} documents in {time.perf_counter() - started:.1f} s "
          f"({workers} processes)")  # fmt: skip
    started = time.perf_counter()
    now = datetime.now(UTC)
    with app.app_context(), db.engine.begin() as connection:
        for batch, entries in zip(batches, entry_batches, strict=True):
            connection.execute(
                sa.insert(LegalDocument),
                [
                    {
                        "id": d["id"], "doc_type": d["doc_type"], "status": "published",
                        "procuratorate": d["procuratorate"], "case_number": d["case_number"],
                        "document_date": d["document_date"], "original_text": d["text"],
                        "added_terms": [], "dropped_terms": [], "involves_minor": False,
                        "judgment_in_force_on": d["document_date"], "redacted_text": d["text"],
                        "redactions": [], "created_at": now, "reviewed_at": now,
                        "published_at": d["published_at"],
                    }
                    for d in batch
                ],
            )  # fmt: skip
            connection.execute(sa.insert(SearchEntry), entries)
    print(f"  loaded in {time.perf_counter() - started:.1f} s")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def run_queries(app, repeat: int) -> list[float]:
    from portal.disclosure import search
    from portal.extensions import db

    everything = []
    print(f"  {'query':40} {'hits':>6} {'p50 ms':>8} {'p95 ms':>8}")
    with app.test_request_context("/case-information/search"):
        for label, query, options in QUERIES:
            options = dict(options)
            page = options.pop("page", 1)
            filters = search.Filters(**options)
            result = search.search(query, filters, page=page)  # warm-up
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                search.search(query, filters, page=page)
                timings.append((time.perf_counter() - started) * 1000)
                db.session.rollback()
            everything += timings
            total = f"{result.total}{'+' if result.is_capped else ''}"
            print(f"  {label:40} {total:>6} {statistics.median(timings):8.2f} "
                  f"{percentile(timings, 95):8.2f}")  # fmt: skip
    return everything


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of documents")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--repeat", type=int, default=20, help="runs of each query")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-search-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite'}")
    from flask_migrate import upgrade

    from portal import create_app
    from portal.core import segmenter

    app = create_app({"PORTAL_ENV": "testing", "SECRET_KEY": "bench", "UPLOAD_DIR": str(workdir)})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        segmenter.index_tokens("初始化")
        print(f"jieba loaded in {time.perf_counter() - started:.2f} s")
    print(
        f"N = {args.n:,} documents, seed {args.seed}, database {app.config['SQLALCHEMY_DATABASE_URI']}"
    )
    started = time.perf_counter()
    docs = generate(args.n, args.seed)
    print(f"  generated in {time.perf_counter() - started:.1f} s")
    load(app, docs, args.workers)
    del docs
    timings = run_queries(app, args.repeat)
    print(f"ALL QUERIES  N={args.n:,}  p50 {statistics.median(timings):.2f} ms  "
          f"p95 {percentile(timings, 95):.2f} ms  ({len(timings)} searches)")  # fmt: skip


if __name__ == "__main__":
    main()
