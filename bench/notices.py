"""How long a written notice's PDF takes to draw, and how much memory it needs.

A notice is drawn on each download (portal/petitions/documents.py), with a subset of the CJK font
embedded: reading the Noto CJK collection and subsetting it is most of the work. Draws a short
notice, a long one (a reply of several pages) and the receipt, N times each, in one process with
an in-memory database, and prints the median and worst time, the PDF's size and the peak of
Python's allocations (tracemalloc) per drawing.

    .venv/bin/python bench/notices.py --runs 20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from portal import create_app  # noqa: E402
from portal.core.permissions import Role  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.petitions import documents, workflow  # noqa: E402
from tests.factories import make_petition, make_user  # noqa: E402


def measure(label: str, draw, runs: int) -> None:
    times, sizes = [], []
    for _ in range(runs):
        started = time.perf_counter()
        sizes.append(len(draw()))
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    draw()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{label:<28} median {statistics.median(times) * 1000:7.1f} ms   "
        f"worst {max(times) * 1000:7.1f} ms   {sizes[-1] / 1024:6.1f} KB   "
        f"peak allocations {peak / 2**20:6.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    app = create_app(
        {
            "PORTAL_ENV": "testing",
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        clerk = make_user(Role.CLERK)
        short, _ = make_petition(channel="letter", address="100000 北京市东城区示例路1号")
        workflow.acknowledge(short, clerk, notice="你的控告材料已收到，本院已依法受理。")
        long, _ = make_petition(channel="letter", address="100000 北京市东城区示例路1号")
        body = "\n".join(
            f"第{i}段：经审查，本院认为该案事实清楚，证据确实充分。" * 3 for i in range(60)
        )
        workflow.acknowledge(long, clerk, notice=body)
        db.session.commit()
        (short_notice,) = documents.notices_of(short)
        (long_notice,) = documents.notices_of(long)
        print(f"{args.runs} runs each, font {app.config['NOTICE_FONT']}")
        measure(
            "notice, one page", lambda: documents.notice_pdf(short_notice, "zh_Hans_CN"), args.runs
        )
        measure(
            "notice, several pages",
            lambda: documents.notice_pdf(long_notice, "zh_Hans_CN"),
            args.runs,
        )
        measure("receipt", lambda: documents.receipt_pdf(short, "zh_Hans_CN"), args.runs)


if __name__ == "__main__":
    main()
