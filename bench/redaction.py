"""Redaction over whole corpora, through the publishing service and every public route.

Each document of the test corpora (tests/disclosure/corpus, corpus2 and corpus3) is pasted
in as a publisher would: created, reviewed with the proposed redactions unchanged by one
publisher, published by a second. Then every public route that shows it is fetched (the page,
the API record, the list, the search results with their snippets, and for releases the Atom
feed), and each is checked for what must never appear (in any written form: NFKC, no spaces or
invisible characters) and for what must stay.

Prints leaks by kind of document and by kind of data, the documents the gate blocked (with the
reason), over-redaction of must-keep terms, the publishing time per document, and for ten-page
documents the time of the two requests a publisher waits for, each from a cold tagger cache:
review (analysis and redaction) and publish (a fresh analysis of the original and the gate).

    .venv/bin/python bench/redaction.py                 # all three corpora
    .venv/bin/python bench/redaction.py --corpus corpus2
    .venv/bin/python bench/redaction.py --long 50       # fifty ten-page documents

Targets (issue #8): 0 leaks, over-redaction at most 1 %, p95 ≤ 500 ms for a ten-page document
(each request).
"""

from __future__ import annotations

import argparse
import collections
import html
import importlib
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TAG = re.compile(r"<[^>]+>")
PAGE_CHARS = 900  # a printed page of a Chinese legal document holds about this many characters


def load(names):
    documents = []
    for name in names:
        try:
            module = importlib.import_module(f"tests.disclosure.{name}")
        except ModuleNotFoundError:
            print(f"(corpus {name} not found, skipped)")
            continue
        documents += [(module, doc) for doc in module.load_corpus()]
    return documents


def data_kind(term: str, doc) -> str:
    if "@" in term or "＠" in term:
        return "email"
    if sum(ch.isdigit() for ch in term) >= 6 and not re.search(r"[\u4e00-\u9fff]{3}", term):
        return "number"
    if term in doc.people:
        return "name"
    return "address, school or other detail"


def visible(body: str) -> str:
    return html.unescape(TAG.sub("", body))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def publish_all(app, documents):
    from portal.accounts import services as accounts
    from portal.disclosure import services
    from portal.extensions import db

    reviewer = accounts.create_user(
        "reviewer@bench.local", "审核人", "publisher", "Bench-pass-2026"
    )
    publisher = accounts.create_user(
        "publisher@bench.local", "发布人", "publisher", "Bench-pass-2026"
    )
    db.session.commit()
    published, blocked, seconds = [], [], []
    for module, doc in documents:
        started = time.perf_counter()
        if doc.kind == "release":
            record = services.create_release(
                services.ReleaseData(title=doc.title, body=doc.text, category="case_progress",
                                     procuratorate="示例市人民检察院", released_on=date(2024, 6, 1)),
                reviewer,
            )  # fmt: skip
        else:
            record = services.create_document(
                services.DocumentData(doc_type=doc.kind, procuratorate="示例市人民检察院",
                                      case_number=f"示检〔2024〕{len(published) + 1}号",
                                      document_date=date(2024, 5, 10), text=doc.text),
                reviewer,
            )  # fmt: skip
        db.session.flush()
        try:
            services.review(record, reviewer)
            if doc.kind == "release":
                services.publish_release(record, publisher, minor_shielded=True)
            else:
                services.publish_document(
                    record, publisher, judgment_in_force_on=date(2024, 6, 1), minor_shielded=True
                )
        except services.DisclosureRefused as refusal:
            db.session.commit()
            blocked.append((doc.ident, str(refusal)))
            continue
        db.session.commit()
        seconds.append(time.perf_counter() - started)
        published.append((module, doc, record.id))
    return published, blocked, seconds


covered: collections.Counter = collections.Counter()


def public_routes(client, doc, record_id) -> dict[str, str]:
    """Every public text that shows this document or release."""
    # The search that finds this item on its first page: its rarest must-keep words.
    query = " ".join(sorted(doc.must_keep, key=len, reverse=True)[:1]) or "检察院"
    if doc.kind == "release":
        routes = {
            "page": f"/case-information/releases/{record_id}",
            "api": f"/api/v1/releases/{record_id}",
            "list": "/case-information/releases",
            "feed": "/case-information/releases/feed.atom",
        }
    else:
        routes = {
            "page": f"/case-information/documents/{record_id}",
            "api": f"/api/v1/documents/{record_id}",
            "list": "/case-information/documents",
        }
    routes["search"] = f"/case-information/search?q={query}"
    own_url = routes["page"]
    out = {}
    for name, url in routes.items():
        response = client.get(url)
        body = response.get_data(as_text=True) if response.status_code == 200 else ""
        if name in ("list", "search", "feed"):
            # Pages that show many items: this item's entry only (another item may rightly
            # show a name that this one protects, for a defendant sentenced there to 5 years).
            blocks = re.split(r"<li[ >]|<entry>", body)
            body = "\n".join(block for block in blocks if own_url in block)
            if body:
                covered[name] += 1
        out[name] = visible(body)
    return out


def long_documents(documents, count: int, pages: int = 10):
    """Ten-page documents: twelve or so different corpus documents one after another."""
    rng = random.Random(8)
    texts = [doc.text for _m, doc in documents]
    for _ in range(count):
        parts, size = [], 0
        while size < pages * PAGE_CHARS:
            part = rng.choice(texts)
            parts.append(part)
            size += len(part)
        yield "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", choices=["corpus", "corpus2", "corpus3"])
    parser.add_argument("--long", type=int, default=30, help="how many ten-page documents to time")
    parser.add_argument("--show", type=int, default=10, help="how many examples to list")
    args = parser.parse_args()
    documents = load(args.corpus or ["corpus", "corpus2", "corpus3"])

    directory = tempfile.mkdtemp(prefix="bench-redaction-")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite"
    from flask_migrate import upgrade

    from portal import create_app
    from portal.disclosure import redaction

    app = create_app({
        "PORTAL_ENV": "testing", "SECRET_KEY": "bench", "SEARCH_LIMIT": "100000 per minute",
        "UPLOAD_DIR": directory,
        "RATELIMIT_STORAGE_OPTIONS": {"database_url": f"sqlite:///{directory}/limits.sqlite"},
    })  # fmt: skip
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        redaction.warm_up()
        print(f"tagger and dictionary loaded in {time.perf_counter() - started:.2f} s")
        published, blocked, seconds = publish_all(app, documents)
        client = app.test_client()
        leaks_by_kind = collections.Counter()
        leaks_by_data = collections.Counter()
        leaks_by_route = collections.Counter()
        leak_examples, over_examples = [], []
        kept_total = kept_missing = 0
        for module, doc, record_id in published:
            texts = public_routes(client, doc, record_id)
            leaked = set()
            for route, text in texts.items():
                for term in module.leaks(doc, text):
                    leaked.add(term)
                    leaks_by_route[route] += 1
            for term in leaked:
                leaks_by_kind[doc.kind] += 1
                leaks_by_data[data_kind(term, doc)] += 1
            if leaked:
                leak_examples.append((doc.ident, sorted(leaked)))
            missing = module.over_redacted(doc, texts["page"])
            kept_total += len(doc.must_keep)
            kept_missing += len(missing)
            if missing:
                over_examples.append((doc.ident, missing))

        print(
            f"\n{len(documents)} documents ({collections.Counter(d.kind for _m, d in documents)})"
        )
        print(f"published {len(published)}, blocked by the gate {len(blocked)}")
        print(f"leaks: {sum(leaks_by_kind.values())}")
        for kind in ("indictment", "non_prosecution", "appeal_review", "protest", "release"):
            print(f"  {kind:16} {leaks_by_kind.get(kind, 0)}")
        print(f"  by data:  {dict(leaks_by_data) or 0}")
        print(f"  by route: {dict(leaks_by_route) or 0}")
        print(f"  (pages of many items that showed the item itself: {dict(covered)})")
        for ident, terms in leak_examples[: args.show]:
            print(f"    {ident}: {terms}")
        share = kept_missing / kept_total if kept_total else 0
        print(f"over-redaction: {kept_missing} of {kept_total} must-keep terms ({share:.2%})")
        for ident, terms in over_examples[: args.show]:
            print(f"    {ident}: {terms}")
        for ident, reason in blocked[: args.show]:
            print(f"    blocked {ident}: {reason[:300]}")
        if seconds:
            print(
                f"publishing (create, review, gate, publish) per document: "
                f"p50 {statistics.median(seconds) * 1000:.0f} ms, "
                f"p95 {percentile(seconds, 0.95) * 1000:.0f} ms"
            )

        from portal.disclosure.redaction import tagger

        reviews, publishes, sizes = [], [], []
        for text in long_documents(documents, args.long):
            # Cold: nothing of this document tagged before. Review (analyse and redact) and
            # publish (a fresh analysis and the gate) are separate requests, perhaps to
            # different workers: each is timed from cold.
            tagger._tag_chunk.cache_clear()
            started = time.perf_counter()
            analysis = redaction.analyse(text)
            public = redaction.apply(text, analysis.redactions)
            reviews.append(time.perf_counter() - started)
            tagger._tag_chunk.cache_clear()
            started = time.perf_counter()
            redaction.gate({"text": public}, redaction.analyse(text))
            publishes.append(time.perf_counter() - started)
            sizes.append(len(text))
        if reviews:
            print(
                f"ten-page documents ({statistics.mean(sizes):.0f} characters on average, {len(sizes)}), cold:"
            )
            for label, values in (("review (analyse, redact)", reviews),
                                  ("publish (analyse, gate)", publishes)):  # fmt: skip
                print(
                    f"  {label:26} p50 {statistics.median(values) * 1000:.0f} ms, "
                    f"p95 {percentile(values, 0.95) * 1000:.0f} ms"
                )
    return 1 if sum(leaks_by_kind.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
