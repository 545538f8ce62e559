"""Commands run from cron or a systemd timer."""

import click
from flask.cli import with_appcontext

from portal.extensions import db
from portal.petitions import services


@click.command("sweep-deadlines")
@with_appcontext
def sweep_deadlines():
    """Escalate newly missed deadlines to leaders and close quiet answered petitions."""
    result = services.sweep_deadlines()
    db.session.commit()
    click.echo(
        f"Escalated {result.escalated} missed deadline(s); closed {result.auto_closed} "
        "answered petition(s) with no objection."
    )
