"""`flask --app portal simulate`: a year of petitions on a scratch database (simulation/year.py).

It never touches the portal's own database: it builds a new one with the migrations, in a
temporary directory (SQLite) or at `--database-url`, which must be empty. It prints one line per
month as it goes, then the figures by month of receipt, and every invariant broken (exit status
1 then; 0 when all held).
"""

from __future__ import annotations

import secrets
import tempfile
import time
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from flask_migrate import upgrade

from portal.core import clock
from portal.extensions import db
from portal.simulation import year
from portal.statistics import queries as statistics

EXIT_BROKEN = 1


@click.command("simulate")
@click.option("--petitions", "count", default=10_000, show_default=True, help="Per year.")
@click.option(
    "--staff",
    type=click.Choice(sorted(year.PRESETS)),
    default="diligent",
    show_default=True,
    help="How staff behave (simulation/year.py PRESETS).",
)
@click.option("--seed", default=2025, show_default=True, help="Repeat a run with the same seed.")
@click.option("--database-url", help="An empty database to use (default: a temporary SQLite).")
@click.option(
    "--run-out-days",
    default=100,
    show_default=True,
    help="Days of handling after the last petition arrives.",
)
@with_appcontext
def simulate(count, staff, seed, database_url, run_out_days):
    """Simulate a year of petitions and check that none goes unanswered unnoticed."""
    from portal import create_app  # the scratch database's own app

    with tempfile.TemporaryDirectory(prefix="simulate-") as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'year.sqlite'}"
        app = create_app(
            {
                "PORTAL_ENV": "development",
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": secrets.token_hex(32),
                "CODE_HASH_KEY": secrets.token_hex(32),
                "UPLOAD_DIR": str(Path(scratch) / "uploads"),
                "PAGE_CACHE_ENABLED": False,
            }
        )
        with app.app_context():
            if sa.inspect(db.engine).get_table_names():
                raise click.ClickException(f"{url} is not empty: give simulate a scratch database.")
            upgrade()
            started = time.monotonic()
            run = year.Year(count, year.PRESETS[staff], start=date(2025, 1, 1), seed=seed)
            click.echo(f"Simulating {count:,} petitions in 2025, {staff} staff, seed {seed}.")
            months = run.run(
                run_out_days=run_out_days,
                progress=lambda month: click.echo(
                    f"  {month.month:%Y-%m} simulated ({time.monotonic() - started:,.0f} s)"
                ),
            )
            click.echo(_table(months, run.today))
            broken = [line for month in months.values() for line in month.broken]
            click.echo(
                f"{run.received:,} petitions in {time.monotonic() - started:,.0f} s; "
                f"{len(broken)} invariant(s) broken."
            )
            for line in broken[:50]:
                click.echo(f"BROKEN {line}", err=True)
            db.session.remove()
            db.engine.dispose()
    if broken:
        raise SystemExit(EXIT_BROKEN)


def _table(months: dict[date, year.Month], today: date) -> str:
    """Per month: received, the 7-day and 3-month rates and satisfaction of the petitions
    received that month (as the transparency page counts them, at the end of the run), and the
    overdue petitions at the month's end and the escalations during it."""
    first, last = min(months), max(months)
    with clock.frozen(year._at(today, 23)):
        figures = statistics.public_figures(statistics.Scope(first, last), today).by_month
    lines = [
        "month    received  7-day %  3-month %  satisfied %  overdue at end  escalations",
    ]

    def percent(value):
        return f"{value:.1f}" if value is not None else "-"

    for month in statistics.Scope(first, last).months:
        answerable = figures.figures(month, statistics.REACHABLE)
        everyone = figures.all_classes(month)
        shown = months.get(month, year.Month(month))
        lines.append(
            f"{month:%Y-%m}  {everyone.received:>8,}  {percent(answerable.acknowledged_rate):>7}"
            f"  {percent(answerable.answered_rate):>9}  {percent(everyone.satisfaction_rate):>11}"
            f"  {shown.overdue:>14,}  {shown.escalations:>11,}"
        )
    return "\n".join(lines)
