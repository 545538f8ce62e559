"""`flask --app portal send-mail`: run from cron or a timer, every minute.

It prints what happened and what is waiting, and its exit status tells a monitor the same:

    0  every message that was due was sent, and none is given up or stuck
    1  a send failed (it will be retried), or a message is given up or stuck: look at the
       back office's outbox page
    2  nothing can be sent: MAIL_SERVER is not set
"""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.core import clock, mail, outbox
from portal.operations import queries

log = logging.getLogger(__name__)

EXIT_ATTENTION = 1
EXIT_NOT_CONFIGURED = 2
OUTBOX_PAGE = "see the back office's outbox page (Back office > Outgoing messages)"


@click.command("send-mail")
@with_appcontext
def send_mail():
    """Send the e-mails that are due in the outbox over SMTP, and report what is waiting."""
    try:
        report = mail.deliver_pending()
    except outbox.NotConfigured as error:
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(EXIT_NOT_CONFIGURED) from None
    state = queries.health()
    config = current_app.config
    click.echo(f"Sent {report.sent}.")
    if report.failed:
        click.echo(f"{report.failed} failed and will be retried.")
    if report.given_up:
        click.echo(
            f"{report.given_up} given up after {config['MAIL_RETRY_HOURS']} hours: {OUTBOX_PAGE}."
        )
    if state.pending:
        stuck = (
            f"; {state.stuck} of them for longer than {config['MAIL_STUCK_MINUTES']} minutes "
            f"(stuck): {OUTBOX_PAGE}"
            if state.stuck
            else ""
        )
        click.echo(
            f"{state.pending} waiting, next attempt from {_local(state.next_attempt_at)}{stuck}."
        )
    if state.stuck:
        log.warning(
            "%s outbox message(s) waiting longer than %s minutes.",
            state.stuck,
            config["MAIL_STUCK_MINUTES"],
        )
    if state.dead:
        click.echo(
            f"{state.dead} given up in all, until an administrator retries them: {OUTBOX_PAGE}."
        )
    if report.failed or state.needs_attention:
        raise SystemExit(EXIT_ATTENTION)


def _local(moment) -> str:
    return clock.as_utc(moment).astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M %Z")
