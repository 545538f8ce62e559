"""Commands run from cron or a systemd timer."""

import click
from flask.cli import with_appcontext

from portal.core import mail
from portal.petitions import services


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


@click.command("send-mail")
@with_appcontext
def send_mail():
    """Send the e-mails waiting in the outbox over SMTP."""
    try:
        sent, failed = mail.deliver_pending()
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Sent {sent}, failed {failed}.")
    if failed:
        raise SystemExit(1)
