"""Concurrent online submissions on gunicorn, against a minimal Flask intake app: the ratio.

Starts the portal with gunicorn workers on a fresh SQLite database (or the PostgreSQL database
given), then has C concurrent clients, P citizens in all, each fetch the form and submit it twice
at the same moment, as a double-click would. Then the same load against a minimal Flask intake
app (`minimal_app` below: the same fields validated by a WTForms form with CSRF, one row inserted
and committed under a UNIQUE submission key, a small rendered receipt; SQLite tuned by the
portal's own core/database.py tune_sqlite, or PostgreSQL), served by the same gunicorn command.
The two take turns, ROUNDS times each, in one run. Each round is checked in the database: every
number a citizen was shown is stored (lost: shown and not stored, or a 200 without a number),
each citizen's form is stored once (doubled: more than one row, or two numbers shown for one
form). Prints durable submissions per second (stored and shown, over the round's time), POST
latency p95, the ratio portal/minimal, and a line starting "MISSED:" when the ratio is under
0.5 or anything was lost or doubled. A petition submitted online leaves its comparison with
earlier petitions (petitions/duplicates.py) to the worker, as deployed; after each portal round
the worker's indexing of that round's petitions is run, timed and printed, outside the rate.

    .venv/bin/python bench/intake.py --clients 16 --citizens 200 --workers 2 --rounds 2
    .venv/bin/python bench/intake.py --database-url postgresql://user:pass@127.0.0.1/bench
    .venv/bin/python bench/intake.py --database-url postgresql://… --redis-url redis://127.0.0.1:6379/0

Measured on the 2-core machine, 16 clients, 200 citizens, 2 workers each, 3 rounds,
2026-12-03: SQLite 0.62x (107.9/s against 174.3/s), PostgreSQL 0.55x on a fresh database
(89.4/s against 162.4/s); with 400 citizens 0.60x and 0.64x. Rounds of 200 citizens last about
2 s, and a run's ratio swings by a tenth from one run to the next: compare code by running the
versions in turns. 2026-12-02 night: SQLite 0.67x, PostgreSQL 0.43x; the evening 0.66x and
0.44x, the afternoon 0.55x and 0.43x, the morning 0.48x and 0.39x, and before that day's work
0.29x and 0.31x. 0 lost, 0 doubled in every run.
Every citizen here gives the same mobile, so the worker's indexing of each petition scores
SCORED same-person candidates (a habitual petitioner's worst case for duplicates.index).

With --database-url, the portal's tables are migrated there (`flask db upgrade`) and left with
the rows the run added (each run's rows carry its own tag); the minimal app's table is created
and dropped. Without it, everything lives in a temporary directory.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.serving import free_port, portal_env  # noqa: E402  (sweep.py and recovery.py too)

FORM_PATH = "/petitions/new"  # the minimal app serves the same path and field names
TARGET_RATIO = 0.5
NUMBER_RE = re.compile(r"XF\d{4}-\d{6}|MIN-\d{6}")


def bench_settings(workdir: Path, database_url: str | None = None) -> dict:
    """The settings of the benchmark's portal: a fresh SQLite database in `workdir` unless
    `database_url` names another, limits that a benchmark's crowd from one address does not
    reach."""
    return {
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.sqlite'}",
        "UPLOAD_DIR": str(workdir / "uploads"),
        "PUBLIC_FORM_LIMIT": "100000 per minute",
        "PUBLIC_FORM_ATTEMPT_LIMIT": "100000 per minute",
        "LOOKUP_LIMIT": "100000 per minute",
    }


def start_server(workdir: Path, workers: int) -> tuple[subprocess.Popen, str, Path]:
    server, base = start_gunicorn(workers, **bench_settings(workdir))
    return server, base, workdir / "bench.sqlite"


def start_gunicorn(workers: int, **settings: str) -> tuple[subprocess.Popen, str]:
    """The portal on a fresh port with `workers` gunicorn workers and these settings, its
    database migrated; the server (stop it with os.killpg) and its base URL."""
    env = portal_env(**settings)
    subprocess.run(
        [BIN / "flask", "--app", "portal", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return serve("wsgi:app", workers, env)


def serve(app_spec: str, workers: int, env: dict) -> tuple[subprocess.Popen, str]:
    """One gunicorn command for both apps: the same directory (so the same configuration file,
    if any), the same worker count and worker class."""
    port = free_port()
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "--pythonpath",
            str(ROOT / "bench"),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            app_spec,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return server, base


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def run_together(target, arguments: list[tuple]) -> None:
    """Call `target` once per tuple of arguments, all at the same time in threads; return when
    every call has."""
    threads = [threading.Thread(target=target, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def one_citizen(
    base: str,
    index: int,
    latencies: list,
    statuses: list,
    lock: threading.Lock,
    shown: dict | None = None,
    tag: str = "",
):
    """Fetch the form and post it twice at once; `shown[index]` collects the numbers the
    receipts showed. The body carries `tag` and `index`, so the rows can be told apart."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    html = opener.open(base + FORM_PATH, timeout=30).read().decode()
    fields = {
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
        "submission_key": re.search(
            r'name="submission_key" type="hidden" value="([^"]+)"', html
        ).group(1),
        "kind": "complaint",
        "name": f"测试{index}",
        "mobile": "13800000000",
        "subject": "压力测试",
        "body": f"这是一次并发提交测试，用于确认提交不丢失、不重复。{tag}-{index}",
        "declaration": "y",
    }
    body = urllib.parse.urlencode(fields).encode()

    def post():
        started = time.perf_counter()
        number = None
        try:
            response = opener.open(base + FORM_PATH, data=body, timeout=120)
            status = response.status
            found = NUMBER_RE.search(response.read().decode())
            number = found.group(0) if found else None
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        with lock:
            latencies.append(time.perf_counter() - started)
            statuses.append(status)
            if shown is not None:
                shown.setdefault(index, []).append((status, number))

    run_together(post, [()] * 2)


# ---- the minimal app -------------------------------------------------------------------------

MINIMAL_TABLE = "bench_minimal_petitions"
RECEIPT = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>已收到</title></head><body><main><h1>您的控告已收到</h1>
<p>受理编号：<strong>{{ number }}</strong></p><p>{{ subject }}</p></main></body></html>"""
FORM = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>控告申诉</title>
</head><body><main><h1>控告申诉</h1><form method="post">{{ form.csrf_token }}
{{ form.submission_key }}{% for field in [form.kind, form.name, form.mobile, form.subject,
form.body, form.declaration] %}<p>{{ field.label }} {{ field() }}
{% for error in field.errors %}<span>{{ error }}</span>{% endfor %}</p>{% endfor %}
<button>提交</button></form></main></body></html>"""


def minimal_app():
    """The least a durable intake does, as a plain Flask app (gunicorn "intake:minimal_app()"):
    the same fields validated by a Flask-WTF form with CSRF, one INSERT under a UNIQUE
    submission key (a repeat shows the first row), committed before the receipt is rendered.
    SQLite gets the portal's own tune_sqlite (WAL, synchronous=NORMAL, busy timeout, BEGIN
    IMMEDIATE for a POST)."""
    from flask import Flask, render_template_string
    from flask_wtf import FlaskForm
    from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
    from wtforms.validators import DataRequired, InputRequired, Length, Regexp

    from portal.core.database import tune_sqlite

    app = Flask(__name__)
    app.config.update(SECRET_KEY="bench-minimal", WTF_CSRF_TIME_LIMIT=None)
    engine = sa.create_engine(os.environ["BENCH_MINIMAL_DATABASE_URL"], pool_pre_ping=True)
    tune_sqlite(engine)
    table = minimal_table(sa.MetaData())

    class IntakeForm(FlaskForm):
        submission_key = HiddenField(default=lambda: secrets.token_urlsafe(32))
        kind = SelectField("类别", choices=[("complaint", "控告"), ("report", "举报")])
        name = StringField("姓名", validators=[DataRequired(), Length(max=50)])
        mobile = StringField("手机", validators=[Regexp(r"^1\d{10}$")])
        subject = StringField("标题", validators=[DataRequired(), Length(min=2, max=100)])
        body = TextAreaField("内容", validators=[DataRequired(), Length(min=10, max=10_000)])
        declaration = BooleanField("声明", validators=[InputRequired()])

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.route(FORM_PATH, methods=["GET", "POST"])
    def new_petition():
        form = IntakeForm()
        if not form.validate_on_submit():
            return render_template_string(FORM, form=form), 400 if form.errors else 200
        with engine.begin() as connection:
            row = {
                "submission_key": form.submission_key.data,
                "kind": form.kind.data,
                "name": form.name.data,
                "mobile": form.mobile.data,
                "subject": form.subject.data,
                "body": form.body.data,
            }
            # A repeat of the same form inserts nothing and shows the first row's number.
            connection.execute(_insert(engine, table).values(**row).on_conflict_do_nothing())
            number = connection.execute(
                sa.select(table.c.id).where(table.c.submission_key == row["submission_key"])
            ).scalar_one()
        return render_template_string(RECEIPT, number=f"MIN-{number:06d}", subject=row["subject"])

    return app


def minimal_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        MINIMAL_TABLE,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("submission_key", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("mobile", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(100), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )


def _insert(engine, table):
    from sqlalchemy.dialects import postgresql, sqlite

    return (postgresql if engine.dialect.name == "postgresql" else sqlite).insert(table)


# ---- one round, checked in the database ------------------------------------------------------


def load(base: str, clients: int, citizens: int, tag: str):
    """`citizens` citizens, `clients` at a time; the latencies, statuses, numbers shown, and
    the time it took."""
    latencies, statuses, shown, lock = [], [], {}, threading.Lock()
    queue = iter(range(citizens))
    queue_lock = threading.Lock()

    def client():
        while True:
            with queue_lock:
                index = next(queue, None)
            if index is None:
                return
            one_citizen(base, index, latencies, statuses, lock, shown, tag)

    started = time.perf_counter()
    run_together(client, [()] * clients)
    return latencies, statuses, shown, time.perf_counter() - started


def stored_rows(database_url: str, table: str, number_column: str, tag: str) -> dict:
    """Citizen index → the numbers stored for it in this round (rows whose body ends in the
    round's tag and the citizen's index)."""
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(f"SELECT {number_column}, body FROM {table} WHERE body LIKE :tag"),
                {"tag": f"%{tag}-%"},
            ).all()
    finally:
        engine.dispose()
    stored: dict[int, list[str]] = {}
    for number, body in rows:
        stored.setdefault(int(body.rsplit("-", 1)[1]), []).append(str(number))
    return stored


def check_round(shown: dict, stored: dict, citizens: int, minimal: bool) -> tuple[int, int, int]:
    """(durable, lost, doubled) submissions of one round."""
    durable = lost = doubled = 0
    for index in range(citizens):
        receipts = shown.get(index, [])
        numbers = {number for status, number in receipts if status == 200 and number}
        kept = (
            {f"MIN-{int(n):06d}" for n in stored.get(index, [])}
            if minimal
            else set(stored.get(index, []))
        )
        accepted = any(status == 200 for status, _ in receipts)
        if len(stored.get(index, [])) > 1 or len(numbers) > 1:
            doubled += 1
        if (accepted and not numbers) or not numbers <= kept:
            lost += 1
        elif numbers:
            durable += 1
    return durable, lost, doubled


def deferred_indexing(env: dict) -> str:
    """What the worker does after a round, outside the rate measured: index the petitions
    submitted online for the duplicate suggestions (petitions/duplicates.py), timed by the
    command itself (without its start-up)."""
    result = subprocess.run(
        [BIN / "flask", "--app", "portal", "index-duplicates"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    found = re.search(r"Indexed (\d+) petition\(s\).* in ([\d.]+) s", result.stdout)
    indexed, seconds = int(found.group(1)), float(found.group(2))
    each = seconds / indexed * 1000 if indexed else 0.0
    return f"then the worker's duplicate indexing: {indexed} petitions, {each:.1f} ms each"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--citizens", type=int, default=200, help="forms submitted per round")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each app")
    parser.add_argument("--rounds", type=int, default=2, help="turns of each app")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in a temp dir)")
    parser.add_argument(
        "--redis-url",
        help="the portal's REDIS_URL (rate-limit counts and caches in Redis, as on several hosts)",
    )
    args = parser.parse_args()
    run = secrets.token_hex(4)
    results = {"portal": [], "minimal": []}
    problems = 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        portal_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite'}"
        minimal_url = args.database_url or f"sqlite:///{workdir / 'minimal.sqlite'}"
        minimal_engine = sa.create_engine(
            minimal_url.replace("postgresql://", "postgresql+psycopg://", 1)
        )
        metadata = sa.MetaData()
        minimal_table(metadata)
        metadata.drop_all(minimal_engine)
        metadata.create_all(minimal_engine)
        settings = bench_settings(workdir, args.database_url)
        if args.redis_url:
            settings["REDIS_URL"] = args.redis_url
        subprocess.run(
            [BIN / "flask", "--app", "portal", "db", "upgrade"],
            cwd=ROOT,
            env=portal_env(**settings),
            check=True,
            capture_output=True,
        )
        apps = {
            "portal": (
                "wsgi:app",
                portal_env(**settings),
                portal_url,
                "petitions",
                "tracking_number",
            ),
            "minimal": (
                "intake:minimal_app()",
                {
                    **os.environ,
                    "BENCH_MINIMAL_DATABASE_URL": minimal_engine.url.render_as_string(
                        hide_password=False
                    ),
                },
                minimal_url,
                MINIMAL_TABLE,
                "id",
            ),
        }
        try:
            for round_number in range(args.rounds):
                for name, (spec, env, url, table, number_column) in apps.items():
                    server, base = serve(spec, args.workers, env)
                    tag = f"{run}r{round_number}{name[0]}"
                    try:
                        load(
                            base, min(4, args.clients), min(8, args.citizens), tag + "w"
                        )  # warm-up
                        latencies, statuses, shown, elapsed = load(
                            base, args.clients, args.citizens, tag
                        )
                    finally:
                        stop(server)
                    stored = stored_rows(url, table, number_column, tag)
                    durable, lost, doubled = check_round(
                        shown, stored, args.citizens, minimal=name == "minimal"
                    )
                    errors = sum(1 for status in statuses if status != 200)
                    results[name].append((durable / elapsed, percentile(latencies, 0.95)))
                    problems += lost + doubled
                    print(
                        f"round {round_number + 1} {name:7} durable_per_s={durable / elapsed:6.1f} "
                        f"p95_ms={percentile(latencies, 0.95) * 1000:5.0f} "
                        f"p50_ms={statistics.median(latencies) * 1000:5.0f} durable={durable} "
                        f"lost={lost} doubled={doubled} non_200={errors} elapsed={elapsed:.1f}s",
                        flush=True,
                    )
                    if name == "portal":
                        print(f"round {round_number + 1} portal  {deferred_indexing(env)}")
        finally:
            metadata.drop_all(minimal_engine)
            minimal_engine.dispose()
    portal_rate = statistics.mean(rate for rate, _ in results["portal"])
    minimal_rate = statistics.mean(rate for rate, _ in results["minimal"])
    ratio = portal_rate / minimal_rate
    database = ("postgresql" if args.database_url else "sqlite") + (
        " (portal with Redis)" if args.redis_url else ""
    )
    print(
        f"database={database} gunicorn_workers={args.workers} clients={args.clients} "
        f"citizens_per_round={args.citizens} rounds={args.rounds} (each form posted twice at once)"
    )
    print(
        f"portal durable_per_s={portal_rate:.1f} "
        f"p95_ms={max(p for _, p in results['portal']) * 1000:.0f}; "
        f"minimal durable_per_s={minimal_rate:.1f} "
        f"p95_ms={max(p for _, p in results['minimal']) * 1000:.0f}; ratio={ratio:.2f}x"
    )
    if ratio < TARGET_RATIO:
        print(
            f"MISSED: the portal's intake is {ratio:.2f}x the minimal app's, under {TARGET_RATIO}x"
        )
    if problems:
        print(f"MISSED: {problems} submissions lost or doubled (see the rounds above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
