"""Commands run from cron or a systemd timer."""

import time

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
@with_appcontext
def index_duplicates():
    """Index, for the duplicate suggestions, every petition still queued (what the worker does
    each round; petitions received before the suggestions existed are queued too).

    Each petition is committed on its own, so citizens' submissions do not wait behind it, and
    it can be stopped and run again."""
    started = time.perf_counter()
    done = duplicates.index_queued()
    click.echo(
        f"Indexed {done} petition(s) for the duplicate suggestions "
        f"in {time.perf_counter() - started:.1f} s."
    )
