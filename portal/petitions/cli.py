"""Commands run from cron or a systemd timer."""

import click
from flask.cli import with_appcontext

from portal.petitions import duplicates, services


@click.command("sweep-deadlines")
@with_appcontext
def sweep_deadlines():
    """Escalate newly missed deadlines to leaders and close quiet answered petitions.

    Safe to run at the same time on several hosts; each run reports what it did itself. On a
    database error: one line on stderr, exit status 1, and the next run finishes the work."""
    try:
        result = services.sweep_deadlines()
    except services.SweepInterrupted as stopped:
        raise click.ClickException(
            f"The sweep stopped on a database error: {stopped}. Kept from before it: "
            f"{stopped.done.escalated} escalation(s), {stopped.done.auto_closed} closure(s). "
            "Run it again to finish."
        ) from None
    click.echo(
        f"Escalated {result.escalated} missed deadline(s); closed {result.auto_closed} "
        "answered petition(s) with no objection."
    )


@click.command("index-duplicates")
@click.option("--batch", default=500, show_default=True, help="Petitions per transaction.")
@with_appcontext
def index_duplicates(batch):
    """Index, for the duplicate suggestions, the petitions received before they existed.

    Petitions already indexed are left alone, so it can be stopped and run again; each batch
    is committed, so citizens' submissions do not wait behind it."""
    done = duplicates.index_unindexed(batch)
    click.echo(f"Indexed {done} petition(s) for the duplicate suggestions.")
