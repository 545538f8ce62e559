"""`flask --app portal statistics rebuild`: recount the running totals from the petitions.

Not needed in normal running (every change keeps the totals in step, in its own transaction);
for after a bulk load straight into the database, or to check that the totals are right (it
prints whether the recount changed anything).
"""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from portal.extensions import db
from portal.statistics import services
from portal.statistics.models import PetitionTally

statistics_cli = AppGroup("statistics", help="The petition statistics' running totals.")


def _snapshot():
    return {tuple(row) for row in db.session.execute(sa.select(PetitionTally.__table__))}


@statistics_cli.command("rebuild")
def rebuild():
    """Recount the totals from every petition and its replies, in one transaction."""
    before = _snapshot()
    counted = services.rebuild(progress=lambda n: click.echo(f"{n} petitions counted…"))
    db.session.flush()
    changed = _snapshot() != before
    db.session.commit()
    click.echo(
        f"Counted {counted} petitions: "
        + ("the totals were corrected." if changed else "the totals were already right.")
    )
